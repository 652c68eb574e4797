// chatgtk::MainWindow: the chat window shown once a Session is online:
// sidebar of conversations, message view, composer, member panel, a banner
// for the connection state and problems, and the status and main menus.
// It reads the model from session.core() whenever the Session signals a
// change; it parses no protocol.
#ifndef CHAT_GTKCLIENT_MAIN_WINDOW_H_
#define CHAT_GTKCLIENT_MAIN_WINDOW_H_

#include <gtkmm.h>

#include <memory>
#include <string>

#include "gtkclient/preferences.h"
#include "gtkclient/session.h"

namespace chatgtk {

class MainWindow : public Gtk::ApplicationWindow {
 public:
  // Builds the window from the "/dev/chatd/ChatGtk/ui/main_window.ui"
  // resource. `session` and `prefs` must outlive the window. The caller
  // owns the result (delete it, or hand it to Gtk::manage / the Application).
  static MainWindow* Create(Session& session, Preferences& prefs);

  // Needed by Gtk::Builder::get_widget_derived; use Create().
  MainWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder,
             Session& session, Preferences& prefs);
  ~MainWindow() override;

  // The user chose "Log out": the Application destroys the window and the
  // Session and shows the login window again.
  sigc::signal<void()> signal_log_out;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_MAIN_WINDOW_H_
