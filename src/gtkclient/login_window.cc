// The login form: input checks, the three submit buttons, progress/error.
#include "gtkclient/login_window.h"

#include "gtkclient/connection.h"
#include "gtkclient/keyring.h"

namespace chatgtk {

using chat::client::LoginMode;

class LoginWindow::Impl {
 public:
  Impl(LoginWindow* window, const Glib::RefPtr<Gtk::Builder>& builder) : window_(window) {
    server_ = builder->get_widget<Gtk::Entry>("server_entry");
    port_ = builder->get_widget<Gtk::SpinButton>("port_spin");
    tls_ = builder->get_widget<Gtk::CheckButton>("tls_check");
    username_ = builder->get_widget<Gtk::Entry>("username_entry");
    password_ = builder->get_widget<Gtk::PasswordEntry>("password_entry");
    remember_ = builder->get_widget<Gtk::CheckButton>("remember_check");
    form_ = builder->get_widget<Gtk::Widget>("form_grid");
    spinner_ = builder->get_widget<Gtk::Spinner>("spinner");
    status_ = builder->get_widget<Gtk::Label>("status_label");
    login_ = builder->get_widget<Gtk::Button>("login_button");
    register_ = builder->get_widget<Gtk::Button>("register_button");
    guest_ = builder->get_widget<Gtk::Button>("guest_button");
    cancel_ = builder->get_widget<Gtk::Button>("cancel_button");

    login_->signal_clicked().connect([this] { Submit(LoginMode::kLogin); });
    register_->signal_clicked().connect([this] { Submit(LoginMode::kRegister); });
    guest_->signal_clicked().connect([this] { Submit(LoginMode::kGuest); });
    cancel_->signal_clicked().connect([this] {
      ShowIdle();
      window_->signal_cancel.emit();
    });
    // Enter: in the password field logs in; in the username field moves on
    // to the password first when it is still empty.
    password_->property_activates_default() = true;  // the default is Log in
    username_->signal_activate().connect([this] {
      if (password_->get_text().empty()) {
        password_->grab_focus();
      } else {
        Submit(LoginMode::kLogin);
      }
    });
    // Changing the default port along with TLS, unless the user chose one.
    tls_->signal_toggled().connect([this] {
      int port = port_->get_value_as_int();
      if (tls_->get_active() && port == 6667) port_->set_value(6697);
      if (!tls_->get_active() && port == 6697) port_->set_value(6667);
    });
    window_->set_default_widget(*login_);
    ShowIdle();
  }

  void Prefill(const Settings& settings) {
    server_->set_text(settings.server.host);
    tls_->set_active(settings.server.tls);
    port_->set_value(settings.server.port);  // after TLS: its toggle may change the port
    username_->set_text(settings.username);
    remember_->set_active(settings.remember_password);
    username_->grab_focus();
    if (settings.remember_password && !settings.username.empty() && !settings.guest) {
      std::weak_ptr<bool> alive = alive_;
      std::string username = settings.username;
      keyring::Lookup(Connection::HostPort(settings.server), username,
                      [this, alive, username](std::string password) {
                        if (alive.expired() || password.empty()) return;
                        // Only if the user has not typed something else meanwhile.
                        if (username_->get_text().raw() == username && password_->get_text().empty()) {
                          password_->set_text(password);
                        }
                      });
    }
  }

  void ShowProgress(const std::string& text) {
    SetBusy(true);
    status_->remove_css_class("error");
    status_->set_text(text);
  }

  void ShowError(const std::string& text, Field field) {
    SetBusy(false);
    status_->add_css_class("error");
    status_->set_text(text);
    Gtk::Widget* focus = field == Field::kServer     ? static_cast<Gtk::Widget*>(server_)
                         : field == Field::kUsername ? username_
                         : field == Field::kPassword ? static_cast<Gtk::Widget*>(password_)
                                                     : nullptr;
    if (focus) focus->grab_focus();
  }

  void ShowIdle() {
    SetBusy(false);
    status_->remove_css_class("error");
    status_->set_text("");
    username_->grab_focus();
  }

 private:
  void SetBusy(bool busy) {
    spinner_->set_spinning(busy);
    spinner_->set_visible(busy);
    form_->set_sensitive(!busy);
    login_->set_sensitive(!busy);
    register_->set_sensitive(!busy);
    guest_->set_sensitive(!busy);
    cancel_->set_visible(busy);
    if (busy) {
      cancel_->grab_focus();
    }
  }

  void Submit(LoginMode mode) {
    if (!login_->get_sensitive()) return;  // an attempt is already running
    Request request;
    request.server.host = Glib::ustring(server_->get_text()).raw();
    // Tolerate "host:port" typed into the server field.
    std::size_t colon = request.server.host.rfind(':');
    if (colon != std::string::npos && request.server.host.find(':') == colon) {
      int port = std::atoi(request.server.host.c_str() + colon + 1);
      if (port > 0 && port < 65536) port_->set_value(port);
      request.server.host.resize(colon);
      server_->set_text(request.server.host);
    }
    while (!request.server.host.empty() && request.server.host.back() == ' ') {
      request.server.host.pop_back();
    }
    request.server.port = port_->get_value_as_int();
    request.server.tls = tls_->get_active();
    request.options.mode = mode;
    request.options.nick = username_->get_text();
    request.options.password = mode == LoginMode::kGuest ? "" : password_->get_text().raw();
    request.remember_password = remember_->get_active();

    if (request.server.host.empty()) {
      ShowError("Enter the name or address of the chat server.", Field::kServer);
      return;
    }
    if (request.options.nick.find_first_of(" ,*?!@:#&") != std::string::npos) {
      ShowError("A username cannot contain spaces or any of , * ? ! @ : # &", Field::kUsername);
      return;
    }
    if (mode == LoginMode::kGuest && request.options.nick.empty()) {
      request.options.nick = "guest" + std::to_string(g_random_int_range(1000, 10000));
    }
    if (request.options.nick.empty()) {
      ShowError(mode == LoginMode::kRegister ? "Choose a username for your new account."
                                             : "Enter your username.",
                Field::kUsername);
      return;
    }
    if (mode != LoginMode::kGuest && request.options.password.empty()) {
      ShowError(mode == LoginMode::kRegister ? "Choose a password for your new account."
                                             : "Enter your password.",
                Field::kPassword);
      return;
    }
    const char* doing = mode == LoginMode::kRegister ? "Creating your account on "
                        : mode == LoginMode::kGuest  ? "Joining "
                                                     : "Connecting to ";
    ShowProgress(doing + Connection::HostPort(request.server) + "…");
    window_->signal_submit.emit(request);
  }

  LoginWindow* window_;
  Gtk::Entry* server_;
  Gtk::SpinButton* port_;
  Gtk::CheckButton* tls_;
  Gtk::Entry* username_;
  Gtk::PasswordEntry* password_;
  Gtk::CheckButton* remember_;
  Gtk::Widget* form_;
  Gtk::Spinner* spinner_;
  Gtk::Label* status_;
  Gtk::Button* login_;
  Gtk::Button* register_;
  Gtk::Button* guest_;
  Gtk::Button* cancel_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // for keyring callbacks
};

LoginWindow* LoginWindow::Create() {
  auto builder = Gtk::Builder::create_from_resource("/dev/chatd/ChatGtk/ui/login_window.ui");
  return Gtk::Builder::get_widget_derived<LoginWindow>(builder, "login_window");
}

LoginWindow::LoginWindow(BaseObjectType* cobject, const Glib::RefPtr<Gtk::Builder>& builder)
    : Gtk::ApplicationWindow(cobject), impl_(std::make_unique<Impl>(this, builder)) {}

LoginWindow::~LoginWindow() = default;

void LoginWindow::Prefill(const Settings& settings) { impl_->Prefill(settings); }
void LoginWindow::ShowProgress(const std::string& text) { impl_->ShowProgress(text); }
void LoginWindow::ShowError(const std::string& text, Field field) {
  impl_->ShowError(text, field);
}
void LoginWindow::ShowIdle() { impl_->ShowIdle(); }

}  // namespace chatgtk
