// The command table, built from the per-topic tables, and the checks every
// command passes before its handler runs (InspIRCd/ngircd style).
#include "chatd/irc/dispatch.h"

#include <string>
#include <unordered_map>

#include "chatd/irc/client.h"
#include "chatd/core/server.h"

namespace chatd {

static const std::unordered_map<std::string, const CommandSpec*>& Table() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, const CommandSpec*>();
    for (auto* group : {&LoginCommands(), &CapCommands(), &ChannelCommands(), &ModeCommands(),
                        &MessageCommands(), &InfoCommands(), &UserCommands(), &MonitorCommands(),
                        &AccountCommands(), &HistoryCommands(), &RosterCommands(), &ChanregCommands(),
                        &PresenceCommands(), &FilesCommands()}) {
      for (const auto& spec : *group) t->emplace(spec.name, &spec);
    }
    return t;
  }();
  return *table;
}

const CommandSpec* FindCommand(std::string_view command) {
  auto it = Table().find(std::string(command));
  return it == Table().end() ? nullptr : it->second;
}

int CommandPenalty(std::string_view command) {
  const CommandSpec* spec = FindCommand(command);
  return spec == nullptr ? 1 : spec->penalty;
}

void Dispatch(Server& server, Client& client, const chat::irc::Message& msg) {
  const CommandSpec* spec = FindCommand(msg.command);
  if (spec == nullptr) {
    if (client.registered()) client.Numeric(chat::irc::ERR_UNKNOWNCOMMAND, {msg.command, "Unknown command"});
    return;
  }
  if (!client.registered() && !spec->before_registration) {
    client.Numeric(chat::irc::ERR_NOTREGISTERED, {"You have not registered"});
    return;
  }
  if (msg.params.size() < spec->min_params) {
    client.Numeric(chat::irc::ERR_NEEDMOREPARAMS, {msg.command, "Not enough parameters"});
    return;
  }
  spec->handler(server, client, msg);
}

}  // namespace chatd
