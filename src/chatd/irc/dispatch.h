// The command table: each command's name, argument rules, penalty and
// handler, declared by the cmd_*.cc file of its topic (as tmux and ngircd
// do), and the central checks run before any handler.
#ifndef CHATD_DISPATCH_H_
#define CHATD_DISPATCH_H_

#include <vector>

#include "libchat/message.h"

namespace chatd {

class Server;
class Client;

using CommandHandler = void (*)(Server& server, Client& client, const chat::irc::Message& msg);

struct CommandSpec {
  const char* name;         // upper-case command
  std::size_t min_params;   // fewer -> ERR_NEEDMOREPARAMS (461)
  bool before_registration; // allowed before registration (else ERR_NOTREGISTERED, 451)
  int penalty;              // flood units charged (0 for PING/PONG/QUIT)
  CommandHandler handler;
};

// Per-topic tables, defined in the cmd_*.cc files.
const std::vector<CommandSpec>& LoginCommands();    // cmd_login.cc
const std::vector<CommandSpec>& CapCommands();      // cmd_cap.cc
const std::vector<CommandSpec>& ChannelCommands();  // cmd_channel.cc
const std::vector<CommandSpec>& ModeCommands();     // cmd_mode.cc
const std::vector<CommandSpec>& MessageCommands();  // cmd_message.cc
const std::vector<CommandSpec>& InfoCommands();     // cmd_info.cc
const std::vector<CommandSpec>& UserCommands();     // cmd_user.cc
const std::vector<CommandSpec>& MonitorCommands();  // cmd_monitor.cc
const std::vector<CommandSpec>& AccountCommands();  // cmd_account.cc
const std::vector<CommandSpec>& HistoryCommands();  // cmd_history.cc
const std::vector<CommandSpec>& RosterCommands();   // cmd_roster.cc
const std::vector<CommandSpec>& ChanregCommands();  // cmd_chanreg.cc
const std::vector<CommandSpec>& PresenceCommands(); // cmd_presence.cc
const std::vector<CommandSpec>& FilesCommands();    // cmd_files.cc

// The spec for `command` (upper-case), or nullptr for an unknown command.
const CommandSpec* FindCommand(std::string_view command);

// Runs the central checks for msg from client and, when they pass, its
// handler. Unknown commands get ERR_UNKNOWNCOMMAND (registered clients) and
// are ignored before registration per RFC 2812 §3.
void Dispatch(Server& server, Client& client, const chat::irc::Message& msg);

// Penalty units of `command` (1 for unknown commands).
int CommandPenalty(std::string_view command);

}  // namespace chatd

#endif  // CHATD_DISPATCH_H_
