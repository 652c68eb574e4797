// chatd's entry: command line, configuration, start-up and the loop.
#include <getopt.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "chatd/config.h"
#include "chatd/log.h"
#include "chatd/server.h"
#include "chat_autoconf.h"

namespace {

void Usage(FILE* out) {
  fprintf(out,
          "usage: chatd [--config FILE] [--foreground] [--check-config] [--version]\n"
          "  -c, --config FILE   configuration file (default %s/chatd/chatd.conf)\n"
          "  -f, --foreground    stay in the foreground (for systemd and development)\n"
          "  -n, --check-config  check the configuration, print errors as file:line: message, exit\n"
          "  -V, --version       print the version and exit\n",
          SYSCONFDIR);
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = std::string(SYSCONFDIR) + "/chatd/chatd.conf";
  bool foreground = false, check_only = false;
  static const option kOptions[] = {
      {"config", required_argument, nullptr, 'c'},   {"foreground", no_argument, nullptr, 'f'},
      {"check-config", no_argument, nullptr, 'n'},   {"version", no_argument, nullptr, 'V'},
      {"help", no_argument, nullptr, 'h'},           {nullptr, 0, nullptr, 0},
  };
  int opt;
  while ((opt = getopt_long(argc, argv, "c:fnVh", kOptions, nullptr)) != -1) {
    switch (opt) {
      case 'c': config_path = optarg; break;
      case 'f': foreground = true; break;
      case 'n': check_only = true; break;
      case 'V': printf("chatd %s\n", PACKAGE_VERSION); return 0;
      case 'h': Usage(stdout); return 0;
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

  chatd::Server server(std::move(config));
  chat::Status started = server.Start();
  if (!started.ok()) {
    fprintf(stderr, "chatd: %s\n", started.message().c_str());
    return 1;
  }
  if (!foreground && daemon(0, 0) != 0) {
    fprintf(stderr, "chatd: cannot daemonize: %s\n", strerror(errno));
    return 1;
  }
  LOG_NOTICE("chatd %s started", PACKAGE_VERSION);
  return server.Run();
}
