// chatctl channels ..., kick, ban: channels. A channel name may be given
// without its '#' (the shell treats an unquoted #word as a comment).
#include "chatctl/table.h"

namespace chat::ctl {

namespace {

std::string Channel(const std::string& name) { return !name.empty() && name[0] == '#' ? name : "#" + name; }

int List(Invocation& inv) { return Call(inv, {"channels", "list"}, Shape::kTable); }

int Show(Invocation& inv) { return Call(inv, {"channels", "show", Channel(inv.args[0])}, Shape::kRecord); }

int Create(Invocation& inv) {
  std::vector<std::string> req = {"channels", "create", Channel(inv.args[0])};
  if (inv.Has("owner")) req.push_back(inv.Value("owner"));
  return Call(inv, req, Shape::kMessage);
}

int Delete(Invocation& inv) {
  std::vector<std::string> req = {"channels", "delete", Channel(inv.args[0])};
  if (inv.Has("reason")) req.push_back(inv.Value("reason"));
  return Call(inv, req, Shape::kMessage);
}

int Topic(Invocation& inv) { return Call(inv, {"channels", "topic", Channel(inv.args[0]), inv.args[1]}, Shape::kMessage); }

int SetMode(Invocation& inv) {
  std::vector<std::string> req = {"channels", "set-mode", Channel(inv.args[0])};
  req.insert(req.end(), inv.args.begin() + 1, inv.args.end());
  return Call(inv, req, Shape::kMessage);
}

int Kick(Invocation& inv) {
  std::vector<std::string> req = {"kick", Channel(inv.args[0]), inv.args[1]};
  if (inv.args.size() > 2) req.push_back(inv.args[2]);
  return Call(inv, req, Shape::kMessage);
}

int Ban(Invocation& inv) { return Call(inv, {"ban", Channel(inv.args[0]), inv.args[1]}, Shape::kMessage); }

}  // namespace

const std::vector<CommandEntry>& ChannelCommands() {
  static const std::vector<CommandEntry> commands = {
      {"channels list", "", "list channels", 0, 0, {}, &List},
      {"channels show", "NAME", "show a channel: modes, topic, members, roster, bans", 1, 1, {}, &Show},
      {"channels create", "NAME [--owner ACCOUNT]", "create a registered channel (owned by the server by default)",
       1, 1, {{"owner", true}}, &Create},
      {"channels delete", "NAME [--reason TEXT]", "delete a channel and its history; members are parted", 1, 1,
       {{"reason", true}}, &Delete},
      {"channels topic", "NAME TEXT", "set a channel's topic (\"\" clears it)", 2, 2, {}, &Topic},
      {"channels set-mode", "NAME MODES [ARGS...]", "change channel modes, e.g. +m, +k key, -l, +o nick", 2, 31, {},
       &SetMode},
      {"kick", "CHANNEL NICK [REASON]", "remove a user from a channel", 2, 3, {}, &Kick},
      {"ban", "CHANNEL MASK", "ban a nick!user@host mask from a channel", 2, 2, {}, &Ban},
  };
  return commands;
}

}  // namespace chat::ctl
