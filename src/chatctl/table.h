// chatctl's command table: every command is one entry (its words, argument
// counts, flags, one line of help and a handler), declared by the file of
// its topic (cmd_users.cc, cmd_channels.cc, cmd_server.cc), as tmux does.
// table.cc finds the entry for a command line, parses its flags and
// arguments, and prints usage; the handlers build the control request
// (libchat/control.h) and print the answer through Call().
#ifndef CHATCTL_TABLE_H_
#define CHATCTL_TABLE_H_

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace chat::ctl {

// Exit statuses (doc/control.md, chatctl(8)).
enum Exit {
  kExitOk = 0,
  kExitFailed = 1,      // the daemon answered ERR, or the command failed
  kExitUsage = 2,       // bad command line or configuration
  kExitNotRunning = 3,  // no daemon answers on the control socket
  kExitPermission = 4,  // the socket or the daemon refused us
};

// Options given before the command.
struct Options {
  std::string config_path;  // --config, or the default
  bool config_given = false;
  std::string socket;       // --socket: overrides the config's [control] socket
  bool json = false;        // --json
};

struct Flag {
  const char* name;   // "password-stdin", given as --password-stdin
  bool takes_value;   // --owner ACCOUNT / --owner=ACCOUNT
};

struct CommandEntry;

// One parsed command line.
struct Invocation {
  const CommandEntry* entry = nullptr;
  std::vector<std::string> args;              // positional, after the command's words
  std::map<std::string, std::string> flags;   // given flags; "" for switches
  const Options* options = nullptr;

  bool Has(const std::string& flag) const { return flags.count(flag) != 0; }
  std::string Value(const std::string& flag) const {
    auto it = flags.find(flag);
    return it == flags.end() ? std::string() : it->second;
  }
};

// Returns the exit status.
using Handler = int (*)(Invocation& inv);

struct CommandEntry {
  const char* words;     // "users add"
  const char* synopsis;  // "NAME [--password-stdin]"
  const char* help;      // one line
  std::size_t min_args;  // positional arguments after the words
  std::size_t max_args;
  std::vector<Flag> flags;
  Handler handler;
};

const std::vector<CommandEntry>& UserCommands();     // cmd_users.cc
const std::vector<CommandEntry>& ChannelCommands();  // cmd_channels.cc
const std::vector<CommandEntry>& FileCommands();     // cmd_files.cc
const std::vector<CommandEntry>& ServerCommands();   // cmd_server.cc

// Parses argv (after the global options) into *inv. On a usage error
// prints it with the relevant usage to stderr and returns false.
bool ParseCommand(const std::vector<std::string>& argv, const Options& options, Invocation* inv);

// The command list for --help.
void PrintHelp(FILE* out);
// "usage: chatctl users add NAME [--password-stdin]".
void PrintUsage(FILE* out, const CommandEntry& entry);

// How a response's rows are shown.
enum class Shape {
  kMessage,  // no rows: the OK message
  kRecord,   // one row: "key: value" lines (JSON: one object)
  kTable,    // rows: aligned columns (JSON: an array of objects)
};

// Sends `request` to the daemon, prints the answer in `shape` (or JSON with
// --json) and returns the exit status. Errors go to stderr, saying what to
// do. `timeout_s` bounds the wait for the answer.
int Call(const Invocation& inv, const std::vector<std::string>& request, Shape shape, int timeout_s = 60);

// Prints "chatctl: <message>" to stderr and returns `status`.
int Fail(int status, const std::string& message);

}  // namespace chat::ctl

#endif  // CHATCTL_TABLE_H_
