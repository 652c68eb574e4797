// Connection registration and liveness: PASS, NICK, USER, PING, PONG, QUIT
// (RFC 2812 §3.1, §3.7; Modern IRC "Connection Registration").
#include <set>

#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

static void HandlePass(Server& server, Client& c, const Message& msg) {
  if (c.registered()) {
    c.Numeric(irc::ERR_ALREADYREGISTERED, {"You may not reregister"});
    return;
  }
  c.pass_ok_ = !server.config().password.empty() && msg.params[0] == server.config().password;
}

static void HandleNick(Server& server, Client& c, const Message& msg) {
  if (msg.params.empty() || msg.params[0].empty()) {
    c.Numeric(irc::ERR_NONICKNAMEGIVEN, {"No nickname given"});
    return;
  }
  const std::string& nick = msg.params[0];
  if (!irc::IsValidNick(nick, server.config().nicklen)) {
    c.Numeric(irc::ERR_ERRONEUSNICKNAME, {nick, "Erroneous nickname"});
    return;
  }
  Client* other = server.FindNick(nick);
  if (other != nullptr && other != c.front()) {
    if (!c.registered() && server.config().multiclient && other->registered() && other->logged_in()) {
      // Perhaps another device of other's account, about to log in with
      // SASL: decided at registration (TryRegister), where it attaches or
      // gets this 433 after all.
      server.ClearNick(&c);
      c.nick_ = nick;  // not in the nick index
      TryRegister(server, c);
      return;
    }
    c.Numeric(irc::ERR_NICKNAMEINUSE, {nick, "Nickname is already in use"});
    return;
  }
  if (nick == c.nick()) return;  // no change at all
  if (c.registered() && NickReserved(server, c, nick)) {
    c.Numeric(irc::ERR_NICKNAMEINUSE, {nick, "Nickname is reserved by a registered account"});
    return;
  }
  if (!c.registered()) {
    server.SetNick(&c, nick);
    TryRegister(server, c);
    return;
  }
  // A registered user's change is seen by all its sessions and everyone
  // sharing a channel; it is the user's, whichever session sent it.
  Client& u = *c.front();
  Message change = MakeEvent(u.prefix(), "NICK", {nick});
  std::string old_nick = u.nick();
  server.RememberNick(&u);
  Outgoing out(change);
  std::set<Client*> told{&u};
  u.Deliver(out);
  for (Channel* ch : u.channels()) {
    for (auto& [member, flags] : ch->members()) {
      if (told.insert(member).second) member->Deliver(out);
    }
  }
  // chatd.dev/presence: an invisible client stays offline under either nick.
  if (!u.presence_invisible_) server.NotifyMonitors(old_nick, "", false);
  server.SetNick(&u, nick);
  for (Client* s : u.attached()) s->nick_ = nick;
  if (!u.presence_invisible_) server.NotifyMonitors(nick, u.prefix(), true);
}

static void HandleUser(Server& server, Client& c, const Message& msg) {
  if (c.registered() || c.got_user_) {
    c.Numeric(irc::ERR_ALREADYREGISTERED, {"You may not reregister"});
    return;
  }
  if (msg.params[0].empty()) {
    c.Numeric(irc::ERR_NEEDMOREPARAMS, {"USER", "Not enough parameters"});
    return;
  }
  // Keep the username to safe characters; "~" marks it as unverified (no ident).
  std::string user = "~";
  for (char ch : msg.params[0]) {
    if (user.size() > 15) break;
    if (isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.') user += ch;
  }
  if (user.size() == 1) user += "user";
  c.user_ = user;
  c.realname_ = std::string(irc::TruncateUtf8(msg.params[3], 128));
  c.got_user_ = true;
  TryRegister(server, c);
}

static void HandlePing(Server& server, Client& c, const Message& msg) {
  if (msg.params[0].empty()) {
    c.Numeric(irc::ERR_NOORIGIN, {"No origin specified"});
    return;
  }
  c.ServerMessage("PONG", {server.name(), msg.params[0]});
}

static void HandlePong(Server&, Client&, const Message&) {
  // Any input resets the ping timer (session.cc); nothing more to do.
}

static void HandleQuit(Server&, Client& c, const Message& msg) {
  std::string reason = msg.params.empty() ? "Client quit" : "Quit: " + std::string(irc::TruncateUtf8(msg.params[0], 300));
  c.Quit(reason);
}

const std::vector<CommandSpec>& LoginCommands() {
  static const std::vector<CommandSpec> specs = {
      {"PASS", 1, true, 1, &HandlePass},
      {"NICK", 0, true, 1, &HandleNick},
      {"USER", 4, true, 1, &HandleUser},
      {"PING", 1, true, 0, &HandlePing},
      {"PONG", 0, true, 0, &HandlePong},
      {"QUIT", 0, true, 0, &HandleQuit},
  };
  return specs;
}

}  // namespace chatd
