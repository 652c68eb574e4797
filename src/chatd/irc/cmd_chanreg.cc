// CHANNEL: managing registered channels (ours, doc/protocol.md).
//   CHANNEL DROP <#channel> [:<reason>]  owner or admin: parts everyone
//                                        present and deletes the channel
//                                        with its history and roster.
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

static void Drop(Server& server, Client& c, const Message& msg) {
  if (msg.params.size() < 2) {
    c.StandardReply("FAIL", "CHANNEL", "NEED_MORE_PARAMS", {"DROP"}, "CHANNEL DROP needs a channel");
    return;
  }
  Channel* ch = server.FindChannel(msg.params[1]);
  if (ch == nullptr || !ch->registered) {
    c.StandardReply("FAIL", "CHANNEL", "INVALID_TARGET", {"DROP", msg.params[1]}, "Not a registered channel");
    return;
  }
  bool owner = c.logged_in() && !ch->owner.empty() && irc::EqualFold(ch->owner, c.account());
  if (!owner && !c.admin()) {
    c.StandardReply("FAIL", "CHANNEL", "NO_PRIVILEGES", {"DROP", ch->name()},
                    "Only the channel's owner or a server admin may drop it");
    return;
  }
  std::string name = ch->name();
  std::string reason = msg.params.size() > 2 ? msg.params[2] : "Channel dropped by " + c.nick();
  server.DropChannel(ch, reason);
  c.ServerMessage("CHANNEL", {"DROP", name, "Channel dropped"});
}

static void HandleChannel(Server& server, Client& c, const Message& msg) {
  std::string sub = msg.params[0];
  for (auto& ch : sub) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  if (sub == "DROP") {
    Drop(server, c, msg);
  } else {
    c.StandardReply("FAIL", "CHANNEL", "UNKNOWN_COMMAND", {sub}, "Unknown CHANNEL subcommand");
  }
}

const std::vector<CommandSpec>& ChanregCommands() {
  static const std::vector<CommandSpec> specs = {
      {"CHANNEL", 1, false, 1, &HandleChannel},
  };
  return specs;
}

}  // namespace chatd
