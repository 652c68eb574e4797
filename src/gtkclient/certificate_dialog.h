// chatgtk::CertificateDialog: asks the user about a server certificate that
// TLS validation rejected, as browsers do: why it is not trusted, its
// SHA-256 fingerprint (and the previously trusted one when it CHANGED), and
// Cancel / Trust once / Trust always.
//
// Built from the "/dev/chatd/ChatGtk/ui/certificate_dialog.ui" resource.
// Main thread only; the caller owns it and may delete it once signal_choice
// has been emitted (from an idle callback, not inside the handler).
#ifndef CHAT_GTKCLIENT_CERTIFICATE_DIALOG_H_
#define CHAT_GTKCLIENT_CERTIFICATE_DIALOG_H_

#include <gtkmm.h>

#include "gtkclient/session.h"

namespace chatgtk {

class CertificateDialog : public Gtk::Window {
 public:
  enum class Choice { kCancel, kTrustOnce, kTrustAlways };

  // A modal dialog over `parent` describing `problem` (not shown yet).
  static CertificateDialog* Create(Gtk::Window& parent, const CertificateProblem& problem);
  // Needed by Gtk::Builder::get_widget_derived; use Create().
  CertificateDialog(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder,
                    const CertificateProblem& problem);

  const CertificateProblem& problem() const { return problem_; }

  // Emitted once, when a button is pressed or the dialog is closed (kCancel);
  // the dialog is hidden first.
  sigc::signal<void(Choice)> signal_choice;

 private:
  void Choose(Choice choice);

  CertificateProblem problem_;
  bool chosen_ = false;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_CERTIFICATE_DIALOG_H_
