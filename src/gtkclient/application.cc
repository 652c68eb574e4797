// The Application: command line, profile directories, and the moves
// between the login window, the Session and the main window.
#include "gtkclient/application.h"

#include <adwaita.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include <csignal>
#include <memory>

#include "gtkclient/bench.h"
#include "gtkclient/connection.h"
#include "gtkclient/keyring.h"
#include "gtkclient/main_window.h"

namespace chatgtk {

using chat::client::ConnState;
using chat::client::LoginMode;

Glib::RefPtr<Application> Application::create() {
  return Glib::make_refptr_for_instance<Application>(new Application());
}

Application::Application()
    : Gtk::Application("dev.chatd.ChatGtk", Gio::Application::Flags::NON_UNIQUE) {
  Glib::set_application_name("Chat");
  add_main_option_entry(OptionType::STRING, "server", '\0',
                        "Server to show in the login window", "HOST");
  add_main_option_entry(OptionType::INT, "port", '\0', "Port to show in the login window", "N");
  add_main_option_entry(OptionType::BOOL, "no-tls", '\0',
                        "Untick \"secure connection\" in the login window");
  add_main_option_entry(OptionType::INT, "bench", '\0',
                        "Measure the main-thread cost of events with N lines loaded, then exit", "N");
  add_main_option_entry(OptionType::INT, "bench-events", '\0', "Events per kind for --bench", "N");
  signal_handle_local_options().connect(sigc::mem_fun(*this, &Application::OnLocalOptions),
                                        false);
}

Application::~Application() = default;

int Application::OnLocalOptions(const Glib::RefPtr<Glib::VariantDict>& options) {
  Glib::ustring server;
  if (options->lookup_value("server", server)) opt_server_ = server.raw();
  int port = 0;
  if (options->lookup_value("port", port)) {
    if (port <= 0 || port > 65535) {
      g_printerr("chat-gtk: --port must be between 1 and 65535\n");
      return 2;
    }
    opt_port_ = port;
  }
  bool no_tls = false;
  if (options->lookup_value("no-tls", no_tls)) opt_no_tls_ = no_tls;
  int bench = 0;
  if (options->lookup_value("bench", bench)) {
    if (bench < 0 || bench > 1000000) {
      g_printerr("chat-gtk: --bench must be between 0 and 1000000\n");
      return 2;
    }
    bench_ = BenchOptions();
    bench_->lines = bench;
    int events = 0;
    if (options->lookup_value("bench-events", events) && events > 0 && events <= 10000)
      bench_->events = events;
  }
  return -1;  // go on with the default handling (activate)
}

void Application::on_startup() {
  Gtk::Application::on_startup();
  // libadwaita: its widgets (AdwFlap in main_window.ui, the preferences
  // window), its stylesheet and the style manager (light/dark).
  adw_init();
  // The profile directories, once, before anything reads or writes them.
  std::string config_dir = Glib::build_filename(Glib::get_user_config_dir(), "chat-gtk");
  data_dir_ = Glib::build_filename(Glib::get_user_data_dir(), "chat-gtk");
  g_mkdir_with_parents(config_dir.c_str(), 0700);
  g_mkdir_with_parents(data_dir_.c_str(), 0700);

  settings_writer_ = std::make_unique<FileWriter>(Settings::DefaultPath());
  settings_ = Settings::Load(Settings::DefaultPath());
  if (opt_no_tls_) {
    settings_.server.tls = false;
    if (!opt_port_ && settings_.server.port == 6697) settings_.server.port = 6667;
  }
  if (opt_server_) settings_.server.host = *opt_server_;
  if (opt_port_) settings_.server.port = *opt_port_;
  prefs_ = std::make_unique<Preferences>(settings_, [this] { settings_writer_->Write(settings_.Serialize()); });
  prefs_->ApplyTheme();

  add_action("quit", [this] { quit(); });
  set_accel_for_action("app.quit", "<Control>q");
  // SIGTERM (logout, kill, test harnesses) quits like Ctrl+Q, so the
  // server still gets our QUIT.
  g_unix_signal_add(
      SIGTERM,
      [](gpointer app) -> gboolean {
        g_application_quit(G_APPLICATION(app));
        return G_SOURCE_CONTINUE;
      },
      gobj());
}

void Application::on_shutdown() {
  if (session_) {
    // The main loop has stopped: run it by hand until the QUIT is out or
    // the time is up (a dead server must not hold the exit).
    auto done = std::make_shared<bool>(false);
    session_->Quit([done] { *done = true; });
    gint64 deadline = g_get_monotonic_time() + kQuitFlushMs * 1000;
    auto timeout = Glib::signal_timeout().connect([] { return false; }, kQuitFlushMs);
    while (!*done && g_get_monotonic_time() < deadline) g_main_context_iteration(nullptr, TRUE);
    timeout.disconnect();
  }
  Gtk::Application::on_shutdown();
}

void Application::on_activate() {
  if (bench_) {
    hold();
    RunBench(*this, *bench_);
    release();
    quit();
    return;
  }
  if (main_) {
    main_->present();
    return;
  }
  if (!login_) {
    login_.reset(LoginWindow::Create());
    login_->signal_submit.connect(sigc::mem_fun(*this, &Application::OnSubmit));
    login_->signal_cancel.connect(sigc::mem_fun(*this, &Application::OnCancel));
    add_window(*login_);
    login_->Prefill(settings_);
  }
  login_->present();
}

void Application::OnSubmit(const LoginWindow::Request& request) {
  request_ = request;
  settings_.server = request.server;
  settings_.guest = request.options.mode == LoginMode::kGuest;
  if (!settings_.guest) settings_.username = request.options.nick;
  settings_.remember_password = request.remember_password;
  settings_writer_->Write(settings_.Serialize());

  certificate_dialog_.reset();
  session_.reset();
  online_once_ = false;
  session_ = std::make_unique<Session>(request.server, data_dir_);
  session_->signal_state.connect(sigc::mem_fun(*this, &Application::OnState));
  session_->signal_problem.connect(
      [this](chat::client::Problem problem, const std::string&, const std::string& human) {
        OnProblem(problem, human);
      });
  session_->signal_certificate.connect(sigc::mem_fun(*this, &Application::OnCertificate));
  session_->Start(request.options);
}

void Application::OnCancel() {
  certificate_dialog_.reset();
  session_.reset();
}

void Application::OnState(ConnState state) {
  if (online_once_ || !login_) return;  // the main window shows it from now on
  std::string who = session_ ? session_->core().nick() : request_.options.nick;
  if (who.empty()) who = request_.options.nick;
  switch (state) {
    case ConnState::kConnecting:
      login_->ShowProgress("Connecting to " + Connection::HostPort(request_.server) + "…");
      break;
    case ConnState::kRegistering:
      login_->ShowProgress(request_.options.mode == LoginMode::kRegister
                               ? "Creating the account " + who + "…"
                           : request_.options.mode == LoginMode::kGuest
                               ? "Joining as " + who + "…"
                               : "Logging in as " + who + "…");
      break;
    case ConnState::kOnline:
      online_once_ = true;
      if (request_.options.mode != LoginMode::kGuest) {
        std::string server = Connection::HostPort(request_.server);
        if (request_.remember_password) {
          keyring::Store(server, request_.options.nick, request_.options.password);
        } else {
          keyring::Clear(server, request_.options.nick);
        }
      }
      request_.options.password.clear();
      ShowMainWindow();
      break;
    case ConnState::kOffline:
    case ConnState::kReconnectWait:
      break;  // a problem (or the certificate dialog) explains why
  }
}

void Application::OnProblem(chat::client::Problem problem, const std::string& human) {
  if (online_once_ || !session_ || !login_) return;
  // Before the first login every problem ends the attempt: the user is
  // looking at the form and can correct it (no silent retry loop).
  session_->core().GoOffline();
  using chat::client::Problem;
  using Field = LoginWindow::Field;
  Field field = problem == Problem::kWrongPassword || problem == Problem::kRegistrationRefused
                    ? Field::kPassword
                : problem == Problem::kAccountExists || problem == Problem::kNickInUse
                    ? Field::kUsername
                : problem == Problem::kUnreachable ? Field::kServer
                                                   : Field::kNone;
  login_->ShowError(human, field);
}

void Application::OnCertificate(const CertificateProblem& problem) {
  if (!session_) return;
  Gtk::Window* parent = main_ ? static_cast<Gtk::Window*>(main_.get()) : login_.get();
  if (!main_ && login_) {
    login_->ShowError("Not connected: the certificate of " + problem.host + " is not trusted.");
  }
  certificate_dialog_.reset(CertificateDialog::Create(*parent, problem));
  CertificateDialog* dialog = certificate_dialog_.get();
  dialog->signal_choice.connect([this, dialog](CertificateDialog::Choice choice) {
    if (choice != CertificateDialog::Choice::kCancel && session_) {
      session_->TrustCertificate(dialog->problem().fingerprint,
                                 choice == CertificateDialog::Choice::kTrustAlways);
    }
    // Never delete the dialog inside its own signal.
    Glib::signal_idle().connect_once([this, dialog] {
      if (certificate_dialog_.get() == dialog) certificate_dialog_.reset();
    });
  });
  dialog->present();
}

void Application::ShowMainWindow() {
  main_.reset(MainWindow::Create(*session_, *prefs_));
  main_->signal_log_out.connect([this] {
    // The window emitted this from one of its handlers: tear down later.
    Glib::signal_idle().connect_once([this] { OnLogOut(); });
  });
  add_window(*main_);
  main_->present();
  login_->set_visible(false);  // gtkmm removes a hidden window from the application
}

void Application::OnLogOut() {
  if (!main_) return;
  login_->ShowIdle();
  add_window(*login_);
  login_->present();
  certificate_dialog_.reset();
  main_.reset();
  if (session_) session_->core().GoOffline();  // QUIT is flushed before the socket closes
  session_.reset();
  online_once_ = false;
}

}  // namespace chatgtk
