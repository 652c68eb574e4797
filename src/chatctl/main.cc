// chatctl: manages a running chatd through its control socket
// (doc/control.md). Global options, then one command from the tables.
#include <getopt.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "chat_autoconf.h"
#include "chatctl/table.h"

int main(int argc, char** argv) {
  using namespace chat::ctl;
  signal(SIGPIPE, SIG_IGN);
  Options options;
  options.config_path = std::string(SYSCONFDIR) + "/chatd/chatd.conf";
  static const option kOptions[] = {
      {"config", required_argument, nullptr, 'c'}, {"socket", required_argument, nullptr, 's'},
      {"json", no_argument, nullptr, 'j'},         {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'V'},      {nullptr, 0, nullptr, 0},
  };
  int opt;
  // "+": options end at the first command word, so command flags stay put.
  while ((opt = getopt_long(argc, argv, "+c:s:jhV", kOptions, nullptr)) != -1) {
    switch (opt) {
      case 'c':
        options.config_path = optarg;
        options.config_given = true;
        break;
      case 's': options.socket = optarg; break;
      case 'j': options.json = true; break;
      case 'h': PrintHelp(stdout); return kExitOk;
      case 'V': printf("chatctl %s\n", PACKAGE_VERSION); return kExitOk;
      default:
        fputs("Try 'chatctl --help' for the commands.\n", stderr);
        return kExitUsage;
    }
  }
  if (optind == argc) {
    PrintHelp(stderr);
    return kExitUsage;
  }
  std::vector<std::string> words(argv + optind, argv + argc);
  if (words[0] == "help") {
    PrintHelp(stdout);
    return kExitOk;
  }
  Invocation inv;
  if (!ParseCommand(words, options, &inv)) return kExitUsage;
  return inv.entry->handler(inv);
}
