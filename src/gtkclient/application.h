// chatgtk::Application: chat-gtk's Gtk::Application (app id
// dev.chatd.ChatGtk, NON_UNIQUE so several instances with separate XDG
// profiles can run). It owns the login window, the Session of the current
// login and the main window, and moves between them: login -> (first
// ConnState::kOnline) main window -> (Log out) login. Problems before the
// first kOnline are shown in the login window; later ones by the main window.
//
// Command line: --server HOST, --port N, --no-tls prefill the login form;
// --bench N [--bench-events N] runs RunBench (bench.h) instead of the UI.
// Files: settings in <config dir>/chat-gtk/, outbox and trusted
// certificates in <data dir>/chat-gtk/ (XDG base directories).
#ifndef CHAT_GTKCLIENT_APPLICATION_H_
#define CHAT_GTKCLIENT_APPLICATION_H_

#include <gtkmm.h>

#include <memory>
#include <optional>
#include <string>

#include "gtkclient/bench.h"
#include "gtkclient/certificate_dialog.h"
#include "gtkclient/file_writer.h"
#include "gtkclient/login_window.h"
#include "gtkclient/preferences.h"
#include "gtkclient/session.h"
#include "gtkclient/settings.h"

namespace chatgtk {

class MainWindow;

class Application : public Gtk::Application {
 public:
  static constexpr int kQuitFlushMs = 1000;  // longest wait for our QUIT at exit

  static Glib::RefPtr<Application> create();
  ~Application() override;

 protected:
  Application();
  void on_startup() override;
  void on_activate() override;
  // Says QUIT to the server before the process ends (window closed,
  // Ctrl+Q, SIGTERM): waits up to kQuitFlushMs for it to be written.
  void on_shutdown() override;

 private:
  int OnLocalOptions(const Glib::RefPtr<Glib::VariantDict>& options);
  void OnSubmit(const LoginWindow::Request& request);
  void OnCancel();
  void OnState(chat::client::ConnState state);
  void OnProblem(chat::client::Problem problem, const std::string& human);
  void OnCertificate(const CertificateProblem& problem);
  void OnLogOut();
  void ShowMainWindow();

  Settings settings_;
  std::optional<std::string> opt_server_;
  std::optional<int> opt_port_;
  std::optional<BenchOptions> bench_;  // --bench: measure, then exit
  bool opt_no_tls_ = false;
  std::string data_dir_;
  std::unique_ptr<FileWriter> settings_writer_;
  std::unique_ptr<Preferences> prefs_;  // over settings_; outlives the windows
  LoginWindow::Request request_;  // the attempt in progress (password kept for the keyring)
  bool online_once_ = false;      // the current Session reached kOnline at least once
  // Declaration order matters: windows die before the Session they show.
  std::unique_ptr<Session> session_;
  std::unique_ptr<LoginWindow> login_;
  std::unique_ptr<MainWindow> main_;
  std::unique_ptr<CertificateDialog> certificate_dialog_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_APPLICATION_H_
