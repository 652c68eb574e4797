// ROSTER (chatd.dev/roster, doc/protocol.md): a registered channel's member
// accounts with their presence (online, away, offline; chatd.dev/presence
// invisible clients count as offline), unlike NAMES which lists only the
// clients present (RFC 2812 §3.2.5).
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

static void HandleRoster(Server& server, Client& c, const Message& msg) {
  const std::string& name = msg.params[0];
  Channel* ch = server.FindChannel(name);
  bool visible = ch != nullptr && (ch->HasMember(&c) || (c.logged_in() && ch->InRoster(c.account())) ||
                                   (!ch->secret && !ch->invite_only));
  if (!visible) {
    c.StandardReply("FAIL", "ROSTER", "INVALID_TARGET", {name}, "No such channel, or it is private");
    return;
  }
  std::string ref = "r" + std::to_string(server.NextId());
  bool batched = c.has(kCapBatch);
  if (batched) c.ServerMessage("BATCH", {"+" + ref, "chatd.dev/roster", ch->name()});
  auto line = [&](const std::string& account, const char* presence, const std::string& nick) {
    Message m;
    m.source = server.name();
    m.command = "ROSTER";
    m.params = {ch->name(), account, presence, nick};
    if (batched) m.SetTag("batch", ref);
    c.Send(m);
  };
  // An account's user (its front session, aggregating all sessions:
  // doc/protocol.md "Account sessions") unless invisible (chatd.dev/presence).
  for (const auto& account : ch->roster) {
    const Client* u = server.FindAccountUser(account);
    if (u == nullptr || !u->registered() || u->closing() || u->presence_invisible_) {
      line(account, "offline", "*");
    } else {
      line(account, u->away().empty() ? "online" : "away", u->nick());
    }
  }
  // Guests present in the channel are members too, for as long as they stay
  // (an invisible guest has no account to show offline, so isn't listed).
  for (const auto& [m, flags] : ch->members()) {
    if (!m->logged_in() && !m->presence_invisible_) line("*", m->away().empty() ? "online" : "away", m->nick());
  }
  if (batched) c.ServerMessage("BATCH", {"-" + ref});
}

const std::vector<CommandSpec>& RosterCommands() {
  static const std::vector<CommandSpec> specs = {
      {"ROSTER", 1, false, 1, &HandleRoster},
  };
  return specs;
}

}  // namespace chatd
