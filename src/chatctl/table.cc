// Finding a command in the tables, parsing its flags and arguments, usage
// and help text, and the common request/answer path (table.h).
#include "chatctl/table.h"

#include <algorithm>
#include <cstdlib>

#include "chatctl/client.h"
#include "chatctl/output.h"
#include "chatctl/settings.h"
#include "libchat/control.h"

namespace chat::ctl {

namespace {

std::vector<std::string> Words(const char* text) {
  std::vector<std::string> out;
  std::string w;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p == ' ') {
      if (!w.empty()) out.push_back(std::move(w));
      w.clear();
    } else {
      w += *p;
    }
  }
  if (!w.empty()) out.push_back(std::move(w));
  return out;
}

const std::vector<const std::vector<CommandEntry>*>& Tables() {
  static const std::vector<const std::vector<CommandEntry>*> tables = {&ServerCommands(), &UserCommands(),
                                                                        &ChannelCommands(), &FileCommands()};
  return tables;
}

}  // namespace

int Fail(int status, const std::string& message) {
  fprintf(stderr, "chatctl: %s\n", Printable(message).c_str());
  return status;
}

void PrintUsage(FILE* out, const CommandEntry& e) {
  fprintf(out, "usage: chatctl [--config FILE] [--json] %s%s%s\n", e.words, *e.synopsis ? " " : "", e.synopsis);
}

void PrintHelp(FILE* out) {
  fputs("usage: chatctl [--config FILE] [--socket PATH] [--json] COMMAND [ARGS...]\n"
        "\n"
        "Manages a running chatd through its control socket.\n"
        "\n"
        "Options:\n"
        "  -c, --config FILE   chatd's configuration, for the socket path (default " SYSCONFDIR "/chatd/chatd.conf)\n"
        "  -s, --socket PATH   the control socket, instead of the one in the configuration\n"
        "  -j, --json          JSON output for scripts (values are strings)\n"
        "  -h, --help          this help; COMMAND --help shows one command\n"
        "  -V, --version       chatctl's version\n"
        "\n"
        "Commands:\n",
        out);
  std::size_t width = 0;
  for (const auto* table : Tables()) {
    for (const CommandEntry& e : *table) {
      width = std::max(width, std::string(e.words).size() + 1 + std::string(e.synopsis).size());
    }
  }
  for (const auto* table : Tables()) {
    for (const CommandEntry& e : *table) {
      std::string left = std::string(e.words) + (*e.synopsis ? " " : "") + e.synopsis;
      fprintf(out, "  %-*s  %s\n", static_cast<int>(width), left.c_str(), e.help);
    }
  }
  fputs("\n"
        "Exit status: 0 success, 1 the command failed, 2 usage or configuration error,\n"
        "3 chatd is not running, 4 permission denied. See chatctl(8) and doc/control.md.\n",
        out);
}

bool ParseCommand(const std::vector<std::string>& argv, const Options& options, Invocation* inv) {
  // The entry whose words are the longest prefix of argv.
  const CommandEntry* best = nullptr;
  std::size_t best_words = 0;
  for (const auto* table : Tables()) {
    for (const CommandEntry& e : *table) {
      std::vector<std::string> words = Words(e.words);
      if (words.size() <= best_words || words.size() > argv.size()) continue;
      if (std::equal(words.begin(), words.end(), argv.begin())) {
        best = &e;
        best_words = words.size();
      }
    }
  }
  if (best == nullptr) {
    // "users" alone, or "users frobnicate": list that group's commands.
    std::vector<const CommandEntry*> group;
    for (const auto* table : Tables()) {
      for (const CommandEntry& e : *table) {
        if (!argv.empty() && Words(e.words).size() > 1 && Words(e.words)[0] == argv[0]) group.push_back(&e);
      }
    }
    if (group.empty()) {
      fprintf(stderr, "chatctl: unknown command '%s'\n\n", argv.empty() ? "" : Printable(argv[0]).c_str());
      PrintHelp(stderr);
    } else {
      if (argv.size() > 1 && argv[1] != "--help") {
        fprintf(stderr, "chatctl: unknown command '%s %s'\n", Printable(argv[0]).c_str(), Printable(argv[1]).c_str());
      }
      for (const CommandEntry* e : group) PrintUsage(stderr, *e);
    }
    return false;
  }
  Invocation out;
  out.entry = best;
  out.options = &options;
  bool flags_done = false;
  for (std::size_t i = best_words; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (flags_done || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "--" && !flags_done) {
        flags_done = true;
        continue;
      }
      out.args.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    std::size_t eq = name.find('=');
    bool has_value = eq != std::string::npos;
    if (has_value) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (name == "help") {
      PrintUsage(stdout, *best);
      fprintf(stdout, "%s\n", best->help);
      exit(kExitOk);
    }
    auto flag = std::find_if(best->flags.begin(), best->flags.end(), [&](const Flag& f) { return name == f.name; });
    if (flag == best->flags.end()) {
      fprintf(stderr, "chatctl: %s has no option --%s\n", best->words, Printable(name).c_str());
      PrintUsage(stderr, *best);
      return false;
    }
    if (flag->takes_value && !has_value) {
      if (i + 1 >= argv.size()) {
        fprintf(stderr, "chatctl: --%s needs a value\n", name.c_str());
        PrintUsage(stderr, *best);
        return false;
      }
      value = argv[++i];
    } else if (!flag->takes_value && has_value) {
      fprintf(stderr, "chatctl: --%s takes no value\n", name.c_str());
      PrintUsage(stderr, *best);
      return false;
    }
    out.flags[name] = value;
  }
  if (out.args.size() < best->min_args || out.args.size() > best->max_args) {
    fprintf(stderr, "chatctl: %s %s\n", best->words,
            out.args.size() < best->min_args ? "needs more arguments" : "has too many arguments");
    PrintUsage(stderr, *best);
    return false;
  }
  *inv = std::move(out);
  return true;
}

int Call(const Invocation& inv, const std::vector<std::string>& request, Shape shape, int timeout_s) {
  Settings settings;
  std::string error;
  if (!LoadSettings(*inv.options, &settings, &error)) return Fail(kExitUsage, error);
  Response response;
  int status = Transact(settings, request, timeout_s, &response, &error);
  if (status != kExitOk) return Fail(status, error);
  if (!response.ok) {
    if (response.code == kErrPermission) return Fail(kExitPermission, response.message);
    if (response.code == kErrUsage || response.code == kErrUnknownCommand) {
      Fail(kExitUsage, response.message);
      fprintf(stderr, "(chatd and chatctl may be different versions)\n");
      return kExitUsage;
    }
    return Fail(kExitFailed, response.message);
  }
  PrintResponse(stdout, response, shape, inv.options->json);
  return fflush(stdout) == 0 ? kExitOk : Fail(kExitFailed, "cannot write the output");
}

}  // namespace chat::ctl
