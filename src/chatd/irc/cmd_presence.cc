// PRESENCE (chatd.dev/presence, doc/protocol.md): a user's presence as
// others see it. "invisible" makes ROSTER and MONITOR report it offline
// while any of its sessions stays connected; "online" undoes that. WHOIS, WHO and NAMES
// are classic IRC and unaffected.
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"

namespace chatd {

using chat::irc::Message;

static void HandlePresence(Server& server, Client& c, const Message& msg) {
  if (!c.has(kCapPresence)) {
    c.StandardReply("FAIL", "PRESENCE", "NEED_CAPABILITY", {"chatd.dev/presence"},
                    "Enable the chatd.dev/presence capability first");
    return;
  }
  const std::string& state = msg.params[0];
  if (state != "online" && state != "invisible") {
    c.StandardReply("FAIL", "PRESENCE", "INVALID_PARAMS", {state}, "Presence must be online or invisible");
    return;
  }
  const bool invisible = state == "invisible";
  Client& u = *c.front();  // presence is the user's: all its sessions
  if (invisible != u.presence_invisible_) {
    u.presence_invisible_ = invisible;
    for (Client* s : u.attached()) s->presence_invisible_ = invisible;
    // MONITOR: watchers see the nick go offline (731) or come back (730).
    server.NotifyMonitors(u.nick(), u.prefix(), !invisible);
  }
  c.ServerMessage("PRESENCE", {state});
}

const std::vector<CommandSpec>& PresenceCommands() {
  static const std::vector<CommandSpec> specs = {
      {"PRESENCE", 1, false, 1, &HandlePresence},
  };
  return specs;
}

}  // namespace chatd
