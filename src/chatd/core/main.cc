// chatd's entry: command line, configuration, start-up and the loop.
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "chatd/core/config.h"
#include "chatd/core/daemon.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chat_autoconf.h"

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: chatd [--config FILE] [--foreground] [--check-config] [--recreate-missing-db] [--version]\n"
          "  -c, --config FILE   configuration file (default %s/chatd/chatd.conf)\n"
          "  -f, --foreground    do not detach (for systemd and development); default: run as a daemon\n"
          "  -n, --check-config  check the configuration, print errors as file:line: message, exit\n"
          "      --recreate-missing-db  create accounts.db / channels.db empty when missing from data_dir\n"
          "  -V, --version       print the version and exit\n",
          SYSCONFDIR);
}

// Start-up after the configuration is known, then the loop. Without
// `foreground` this detaches first (daemon.h): everything below runs in the
// daemon, and errors reach the terminal through StartupError until
// DetachFinish. Returns main()'s exit status.
int Serve(chatd::Config config, bool foreground, chatd::LogLevel level) {
  if (!foreground) {
    chat::Status s = chatd::DetachStart();
    if (!s.ok()) {
      chatd::StartupError(s.message());
      return 1;
    }
  }
  chat::Status s = chatd::WritePidFile(config.pid_file);
  if (!s.ok()) {
    chatd::StartupError(s.message());
    return 1;
  }
  auto files = chatd::RaiseFileLimit();
  if (!files.ok()) {
    LOG_WARNING("open-files limit unchanged: %s", files.status().message().c_str());
  } else {
    const chatd::FileLimit& f = files.value();
    if (f.after != f.before) {
      LOG_INFO("open-files limit raised from %llu to %llu (the hard limit)", f.before, f.after);
    }
    // Listeners, the store, logs and the control socket need a few more.
    if (f.after < config.max_clients + 64) {
      LOG_WARNING("open-files limit %llu (hard limit %llu) is below max_clients %zu: connections past "
                  "it are refused; raise the hard limit (systemd: LimitNOFILE=)",
                  f.after, f.hard, config.max_clients);
    }
  }
  int rc;
  {
    chatd::PrivilegeDrop drop;
    s = drop.Prepare(config.user, config.group);
    if (!s.ok()) {
      chatd::StartupError(s.message());
      chatd::RemovePidFile();
      return 1;
    }
    if (geteuid() == 0 && config.user.empty()) {
      LOG_WARNING("*** running as root: [server] user is empty, so chatd keeps root privileges while it "
                  "parses untrusted input from the network; set user = \"chatd\" in %s ***",
                  config.path.c_str());
    }
    const std::string log_target = config.log_target, log_facility = config.log_facility;
    chatd::Server server(std::move(config));
    s = server.Start();
    if (s.ok()) s = drop.Finish();
    if (s.ok() && !foreground) s = chatd::DetachFinish();
    if (!s.ok()) {
      std::string hint;
      if (drop.active() && s.message().find("Permission denied") != std::string::npos) {
        hint = " (chatd opens files as user " + drop.user() + ")";
      }
      chatd::StartupError(s.message() + hint);
      chatd::RemovePidFile();
      return 1;
    }
    // Detached, stderr is /dev/null: "stderr" logging becomes syslog.
    std::string error;
    if (!foreground && log_target == "stderr" &&
        !chatd::LogInit("syslog", log_facility, level, &error)) {
      chatd::LogInit("syslog", "daemon", level, &error);
    }
    if (drop.active()) LOG_INFO("running as user %s", drop.user().c_str());
    chatd::NotifyService(chatd::ServiceState::kReady, "running");
    LOG_NOTICE("chatd %s started%s", PACKAGE_VERSION, foreground ? "" : " (detached)");
    rc = server.Run();
  }
  chatd::RemovePidFile();
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = std::string(SYSCONFDIR) + "/chatd/chatd.conf";
  bool foreground = false, check_only = false, recreate_missing_db = false;
  constexpr int kRecreateMissingDb = 256;  // long option only
  static const option kOptions[] = {
      {"config", required_argument, nullptr, 'c'},   {"foreground", no_argument, nullptr, 'f'},
      {"check-config", no_argument, nullptr, 'n'},   {"version", no_argument, nullptr, 'V'},
      {"help", no_argument, nullptr, 'h'},           {"recreate-missing-db", no_argument, nullptr, kRecreateMissingDb},
      {nullptr, 0, nullptr, 0},
  };
  int opt;
  while ((opt = getopt_long(argc, argv, "c:fnVh", kOptions, nullptr)) != -1) {
    switch (opt) {
      case 'c': config_path = optarg; break;
      case 'f': foreground = true; break;
      case 'n': check_only = true; break;
      case 'V': printf("chatd %s\n", PACKAGE_VERSION); return 0;
      case 'h': Usage(stdout); return 0;
      case kRecreateMissingDb: recreate_missing_db = true; break;
      default: Usage(stderr); return 2;
    }
  }
  if (optind != argc) {
    Usage(stderr);
    return 2;
  }

  auto loaded = chatd::LoadConfig(config_path);
  if (!loaded.ok()) {
    fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return 1;
  }
  chatd::Config config = std::move(loaded).value();
  config.recreate_missing_db = recreate_missing_db;
  if (check_only) {
    printf("%s: configuration OK\n", config_path.c_str());
    return 0;
  }
  chatd::LogLevel level = chatd::LogLevel::kInfo;
  chatd::ParseLogLevel(config.log_level, &level);
  std::string log_error;
  if (!chatd::LogInit(config.log_target, config.log_facility, level, &log_error)) {
    fprintf(stderr, "%s: %s\n", config_path.c_str(), log_error.c_str());
    return 1;
  }
  // A missing data_dir is an error, not created on the fly: an unmounted
  // volume must not look like a fresh, empty server.
  struct stat st;
  if (stat(config.data_dir.c_str(), &st) != 0) {
    fprintf(stderr,
            "chatd: data_dir %s does not exist: create it (mkdir -m 0750, owned by the user chatd "
            "runs as) or fix [server] data_dir in %s\n",
            config.data_dir.c_str(), config_path.c_str());
    return 1;
  }
  if (!S_ISDIR(st.st_mode)) {
    fprintf(stderr, "chatd: data_dir %s is not a directory: point [server] data_dir in %s at a directory\n",
            config.data_dir.c_str(), config_path.c_str());
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);
  return Serve(std::move(config), foreground, level);
}
