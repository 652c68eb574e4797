// The untrusted/changed certificate dialog.
#include "gtkclient/certificate_dialog.h"

namespace chatgtk {
namespace {

// "AB:CD:..." as two lines of 16 bytes, so it never wraps mid-byte.
std::string TwoLines(const std::string& fingerprint) {
  constexpr std::size_t kHalf = 16 * 3;  // "AB:" per byte
  if (fingerprint.size() <= kHalf) return fingerprint;
  return fingerprint.substr(0, kHalf) + "\n" + fingerprint.substr(kHalf);
}

}  // namespace

CertificateDialog* CertificateDialog::Create(Gtk::Window& parent,
                                             const CertificateProblem& problem) {
  auto builder =
      Gtk::Builder::create_from_resource("/dev/chatd/ChatGtk/ui/certificate_dialog.ui");
  auto* dialog =
      Gtk::Builder::get_widget_derived<CertificateDialog>(builder, "certificate_dialog", problem);
  dialog->set_transient_for(parent);
  return dialog;
}

CertificateDialog::CertificateDialog(BaseObjectType* cobject,
                                     const Glib::RefPtr<Gtk::Builder>& builder,
                                     const CertificateProblem& problem)
    : Gtk::Window(cobject), problem_(problem) {
  bool changed = !problem.old_fingerprint.empty();
  auto* heading = builder->get_widget<Gtk::Label>("heading_label");
  auto* body = builder->get_widget<Gtk::Label>("body_label");
  auto* fingerprint = builder->get_widget<Gtk::Label>("fingerprint_label");
  auto* old_fingerprint = builder->get_widget<Gtk::Label>("old_fingerprint_label");
  if (changed) {
    set_title("Certificate Changed");
    heading->set_text("The certificate of " + problem.host + " has CHANGED");
    body->set_text("This is not the certificate you trusted before. "
                   "The server may have a new certificate, or someone may be "
                   "intercepting the connection. Trust it only if the server's "
                   "administrator confirms the new fingerprint.");
    old_fingerprint->set_text("Previously trusted (SHA-256):\n" + TwoLines(problem.old_fingerprint));
    old_fingerprint->set_visible(true);
  } else {
    heading->set_text("The certificate of " + problem.host + " is not trusted");
    body->set_text("Your computer cannot confirm this server's identity: " + problem.reason +
                   ". Trust it only if this fingerprint matches the one the server's "
                   "administrator gave you.");
  }
  fingerprint->set_text("SHA-256:\n" + TwoLines(problem.fingerprint));

  builder->get_widget<Gtk::Button>("cancel_button")->signal_clicked().connect([this] {
    Choose(Choice::kCancel);
  });
  builder->get_widget<Gtk::Button>("once_button")->signal_clicked().connect([this] {
    Choose(Choice::kTrustOnce);
  });
  builder->get_widget<Gtk::Button>("always_button")->signal_clicked().connect([this] {
    Choose(Choice::kTrustAlways);
  });
  signal_close_request().connect(
      [this] {
        Choose(Choice::kCancel);
        return true;  // Choose hid the window; the owner deletes it
      },
      false);
  // Escape cancels, as in any dialog.
  auto keys = Gtk::EventControllerKey::create();
  keys->signal_key_pressed().connect(
      [this](guint keyval, guint, Gdk::ModifierType) {
        if (keyval != GDK_KEY_Escape) return false;
        Choose(Choice::kCancel);
        return true;
      },
      false);
  add_controller(keys);
  builder->get_widget<Gtk::Button>("cancel_button")->grab_focus();
}

void CertificateDialog::Choose(Choice choice) {
  if (chosen_) return;
  chosen_ = true;
  set_visible(false);
  // Hand the focus back explicitly (no window manager does it in some setups).
  if (auto* parent = get_transient_for()) parent->present();
  signal_choice.emit(choice);
}

}  // namespace chatgtk
