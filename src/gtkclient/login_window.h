// chatgtk::LoginWindow: the first window. Collects the server (host, port,
// TLS) and the account (username, password), offers Log in, Register and
// Continue as guest, and shows progress and problems of the attempt. It
// does not connect by itself: the Application reacts to signal_submit.
//
// Built from the "/dev/chatd/ChatGtk/ui/login_window.ui" resource. Main
// thread only; the caller owns the window.
#ifndef CHAT_GTKCLIENT_LOGIN_WINDOW_H_
#define CHAT_GTKCLIENT_LOGIN_WINDOW_H_

#include <gtkmm.h>

#include <memory>
#include <string>

#include "gtkclient/session.h"
#include "gtkclient/settings.h"

namespace chatgtk {

class LoginWindow : public Gtk::ApplicationWindow {
 public:
  // What the user asked for when pressing one of the three buttons.
  struct Request {
    ServerAddress server;
    chat::client::LoginOptions options;
    bool remember_password = true;
  };

  static LoginWindow* Create();
  // Needed by Gtk::Builder::get_widget_derived; use Create().
  LoginWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder);
  ~LoginWindow() override;

  // Fills the form; looks the password up in the keyring (asynchronously)
  // when one may be stored. Focus goes to the username field.
  void Prefill(const Settings& settings);
  // An attempt is under way: spinner, `text`, the form locked, Cancel shown.
  void ShowProgress(const std::string& text);
  // Which field a problem is about (it gets the keyboard focus).
  enum class Field { kNone, kServer, kUsername, kPassword };
  // The attempt failed: `text` in the error style, the form usable again,
  // `field` focused (its text selected).
  void ShowError(const std::string& text, Field field = Field::kNone);
  // Back to the plain form (no message), the username field focused.
  void ShowIdle();

  // Emitted with valid input (server and username present, password when
  // needed); the window is then in the progress state.
  sigc::signal<void(const Request&)> signal_submit;
  // The user pressed Cancel during an attempt.
  sigc::signal<void()> signal_cancel;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_LOGIN_WINDOW_H_
