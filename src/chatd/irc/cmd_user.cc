// User queries and user state: WHO (with WHOX), WHOIS, WHOWAS, USERHOST,
// ISON (RFC 2812 §3.6, §4.8, §4.9; Modern IRC; https://ircv3.net/specs/
// extensions/whox), AWAY with away-notify and SETNAME (IRCv3 away-notify
// and setname).
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include "chatd/irc/account_sessions.h"
#include "chatd/irc/caps.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/message.h"
#include "libchat/wildcard.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// Longest realname SETNAME accepts, as USER truncates it (cmd_login.cc).
constexpr std::size_t kMaxRealname = 128;

// The raw IP as a middle parameter (WHOX 'i'): "::1" would read as a
// trailing parameter, so it gets a leading "0" as Client's host does.
static std::string HostParam(const std::string& host) {
  if (host.empty()) return "*";
  if (host[0] == ':') return "0" + host;
  return host;
}

static bool SharesChannel(const Client& a, const Client& b) {
  const Client& fewer = a.channels().size() <= b.channels().size() ? a : b;
  const Client& other = &fewer == &a ? b : a;
  for (const Channel* ch : fewer.channels()) {
    if (ch->HasMember(&other)) return true;
  }
  return false;
}

// Modern IRC "WHO": an invisible (+i) user is only listed to users who
// share a channel with them (and to themselves).
static bool CanSee(const Client& asker, const Client& target) {
  return &asker == &target || !target.invisible() || SharesChannel(asker, target);
}

void TellPeers(Client& c, const Message& msg, CapSet required) {
  Outgoing out(msg);
  std::set<Client*> told{c.front()};
  for (Channel* ch : c.channels()) {
    for (auto& [member, flags] : ch->members()) {
      if (told.insert(member).second) member->Deliver(out, nullptr, required);
    }
  }
}

// ---------------------------------------------------------------- WHO

// The second WHO parameter: "[flags]%<fields>[,<token>]" (WHOX).
struct WhoOptions {
  bool whox = false;
  bool opers_only = false;  // the "o" flag: chatd has no operators
  bool field[128] = {};
  std::string token = "0";
};

static WhoOptions ParseWhoOptions(const Message& msg) {
  WhoOptions opt;
  if (msg.params.size() < 2) return opt;
  const std::string& arg = msg.params[1];
  std::size_t percent = arg.find('%');
  opt.opers_only = arg.substr(0, percent).find('o') != std::string::npos;
  if (percent == std::string::npos) return opt;
  opt.whox = true;
  std::string rest = arg.substr(percent + 1);
  std::size_t comma = rest.find(',');
  for (char f : rest.substr(0, comma)) {
    if (static_cast<unsigned char>(f) < 128) opt.field[static_cast<unsigned char>(f)] = true;
  }
  if (comma != std::string::npos) {
    // The WHOX spec: at most 3 digits. Anything else is not echoed.
    std::string token = rest.substr(comma + 1);
    bool digits = !token.empty() && token.size() <= 3 &&
                  token.find_first_not_of("0123456789") == std::string::npos;
    if (digits) opt.token = token;
  }
  return opt;
}

// One RPL_WHOREPLY (352) or, for WHOX, RPL_WHOSPCRPL (354) about target.
// `ch` is the channel the reply is about, or null ("*").
static void SendWhoReply(Server& server, Client& c, const Client& target, const Channel* ch,
                         const WhoOptions& opt) {
  std::string flags = target.away().empty() ? "H" : "G";
  if (target.bot()) flags += 'B';  // BOT=B (https://ircv3.net/specs/extensions/bot-mode)
  if (ch != nullptr) flags += ch->PrefixOf(&target, c.has(kCapMultiPrefix));
  const std::string channel = ch != nullptr ? ch->name() : "*";
  const std::string& host = target.host();

  if (!opt.whox) {
    c.Numeric(irc::RPL_WHOREPLY, {channel, target.user(), host, server.name(), target.nick(), flags,
                                  "0 " + target.realname()});
    return;
  }
  // Fields in the fixed order t c u i h s n f d l a o r (ircu, WHOX spec).
  Message m;
  m.source = server.name();
  m.command = irc::NumericCode(irc::RPL_WHOSPCRPL);
  m.params.push_back(c.target_nick());
  auto want = [&](char f) { return opt.field[static_cast<unsigned char>(f)]; };
  if (want('t')) m.params.push_back(opt.token);
  if (want('c')) m.params.push_back(channel);
  if (want('u')) m.params.push_back(target.user());
  if (want('i')) m.params.push_back(HostParam(target.address()));
  if (want('h')) m.params.push_back(host);
  if (want('s')) m.params.push_back(server.name());
  if (want('n')) m.params.push_back(target.nick());
  if (want('f')) m.params.push_back(flags);
  if (want('d')) m.params.push_back("0");
  if (want('l')) m.params.push_back(std::to_string(time(nullptr) - target.last_message()));
  if (want('a')) m.params.push_back("0");  // no accounts: "logged out"
  if (want('o')) m.params.push_back("n/a");
  if (want('r')) m.params.push_back(target.realname());
  // A middle field could be empty (an empty realname is only safe last).
  for (std::size_t i = 1; i + 1 < m.params.size(); ++i) {
    if (m.params[i].empty()) m.params[i] = "*";
  }
  c.Send(m);
}

static bool HasWildcard(const std::string& mask) {
  return mask.find_first_of("*?") != std::string::npos;
}

static void HandleWho(Server& server, Client& c, const Message& msg) {
  const WhoOptions opt = ParseWhoOptions(msg);
  std::string mask = msg.params[0].empty() || msg.params[0] == "0" ? "*" : msg.params[0];
  if (opt.opers_only) {
    // Nobody is an operator here.
  } else if (irc::IsChannelName(mask)) {
    Channel* ch = server.FindChannel(mask);
    if (ch != nullptr) {
      const bool member = ch->HasMember(&c);
      if (member || !ch->secret) {
        for (auto& [target, flags] : ch->members()) {
          if (target->closing()) continue;
          if (member || CanSee(c, *target)) SendWhoReply(server, c, *target, ch, opt);
        }
      }
    }
  } else {
    Client* exact = HasWildcard(mask) ? nullptr : server.FindNick(mask);
    if (exact != nullptr && exact->registered() && !exact->closing()) {
      // A plain nickname names that user whatever their +i.
      SendWhoReply(server, c, *exact, nullptr, opt);
    } else {
      for (const auto& [id, target] : server.clients()) {
        // One reply per user: a user's attached sessions are its front's.
        if (!target->registered() || target->closing() || !target->is_front() || !CanSee(c, *target)) continue;
        if (irc::MaskMatch(mask, target->nick()) || irc::MaskMatch(mask, target->prefix()) ||
            irc::MaskMatch(mask, target->host()) || irc::MaskMatch(mask, target->realname())) {
          SendWhoReply(server, c, *target, nullptr, opt);
        }
      }
    }
  }
  c.Numeric(irc::RPL_ENDOFWHO, {msg.params[0].empty() ? "*" : msg.params[0], "End of WHO list"});
}

// ---------------------------------------------------------------- WHOIS, WHOWAS

// Sends `items` space-separated in as many `n` numerics as needed, each
// "<client> <nick> :<items>" and within RFC 1459's 512 bytes.
static void SendSpacedList(Server& server, Client& c, irc::Numeric n, const std::string& nick,
                           const std::vector<std::string>& items) {
  // ":<server> 319 <client> <nick> :" and CR LF come out of the 512.
  const std::size_t overhead = server.name().size() + c.target_nick().size() + nick.size() + 12;
  const std::size_t budget = irc::kMaxBodyBytes > overhead + 64 ? irc::kMaxBodyBytes - overhead : 64;
  std::string line;
  for (const auto& item : items) {
    if (!line.empty() && line.size() + 1 + item.size() > budget) {
      c.Numeric(n, {nick, line});
      line.clear();
    }
    if (!line.empty()) line += ' ';
    line += item;
  }
  if (!line.empty()) c.Numeric(n, {nick, line});
}

static void HandleWhois(Server& server, Client& c, const Message& msg) {
  // WHOIS [<target>] <nick>; TARGMAX WHOIS:1, so only the first nick counts.
  const std::string& arg = msg.params.size() >= 2 ? msg.params[1] : msg.params[0];
  std::vector<std::string> nicks = SplitList(arg);
  if (nicks.empty()) {
    c.Numeric(irc::ERR_NONICKNAMEGIVEN, {"No nickname given"});
    return;
  }
  const std::string& nick = nicks[0];
  if (msg.params.size() >= 2) {
    // The target is a server or (commonly) the nick again, for the idle time.
    const std::string& target = msg.params[0];
    if (!irc::EqualFold(target, server.name()) && !irc::MaskMatch(target, server.name()) &&
        !irc::EqualFold(target, nick)) {
      c.Numeric(irc::ERR_NOSUCHSERVER, {target, "No such server"});
      return;
    }
  }
  Client* t = server.FindNick(nick);
  if (t == nullptr || !t->registered() || t->closing()) {
    c.Numeric(irc::ERR_NOSUCHNICK, {nick, "No such nick/channel"});
    c.Numeric(irc::RPL_ENDOFWHOIS, {nick, "End of /WHOIS list"});
    return;
  }
  c.Numeric(irc::RPL_WHOISUSER, {t->nick(), t->user(), t->host(), "*", t->realname()});

  std::vector<std::string> chans;
  for (const Channel* ch : t->channels()) {
    if (ch->secret && t != &c && !ch->HasMember(&c)) continue;
    chans.push_back(ch->PrefixOf(t, c.has(kCapMultiPrefix)) + ch->name());
  }
  std::sort(chans.begin(), chans.end());
  SendSpacedList(server, c, irc::RPL_WHOISCHANNELS, t->nick(), chans);

  c.Numeric(irc::RPL_WHOISSERVER, {t->nick(), server.name(), server.config().description});
  if (!t->away().empty()) c.Numeric(irc::RPL_AWAY, {t->nick(), t->away()});
  if (t->is_tls()) c.Numeric(irc::RPL_WHOISSECURE, {t->nick(), "is using a secure connection"});
  if (t->bot()) {
    c.Numeric(irc::RPL_WHOISBOT,
              {t->nick(), "is a bot on " + server.config().network});
  }
  const std::string idle = std::to_string(time(nullptr) - t->last_message());
  c.Numeric(irc::RPL_WHOISIDLE, {t->nick(), idle, std::to_string(t->signon()), "seconds idle, signon time"});
  c.Numeric(irc::RPL_ENDOFWHOIS, {t->nick(), "End of /WHOIS list"});
}

static void HandleWhowas(Server& server, Client& c, const Message& msg) {
  // WHOWAS <nick> [<count>] (RFC 2812 §3.6.3); like WHOIS, one nick.
  std::vector<std::string> nicks = SplitList(msg.params[0]);
  if (nicks.empty()) {
    c.Numeric(irc::ERR_NONICKNAMEGIVEN, {"No nickname given"});
    return;
  }
  const std::string& nick = nicks[0];
  long count = msg.params.size() >= 2 ? std::strtol(msg.params[1].c_str(), nullptr, 10) : 0;
  long sent = 0;
  for (const WhowasEntry& e : server.whowas()) {  // newest first
    if (!irc::EqualFold(e.nick, nick)) continue;
    c.Numeric(irc::RPL_WHOWASUSER, {e.nick, e.user, e.host, "*", e.realname});
    char when[64];
    struct tm tm;
    gmtime_r(&e.when, &tm);
    strftime(when, sizeof when, "%a %b %d %H:%M:%S %Y UTC", &tm);
    c.Numeric(irc::RPL_WHOISSERVER, {e.nick, server.name(), when});
    if (++sent == count) break;  // count <= 0: all of them
  }
  if (sent == 0) c.Numeric(irc::ERR_WASNOSUCHNICK, {nick, "There was no such nickname"});
  c.Numeric(irc::RPL_ENDOFWHOWAS, {nick, "End of WHOWAS"});
}

// ---------------------------------------------------------------- USERHOST, ISON

static void HandleUserhost(Server& server, Client& c, const Message& msg) {
  // USERHOST <nick>{ <nick>}, at most 5 (RFC 2812 §4.8).
  std::string reply;
  for (std::size_t i = 0; i < msg.params.size() && i < 5; ++i) {
    Client* t = server.FindNick(msg.params[i]);
    if (t == nullptr || !t->registered() || t->closing()) continue;
    if (!reply.empty()) reply += ' ';
    // "nick[*]=(+|-)user@host": no '*' since chatd has no operators.
    reply += t->nick() + "=" + (t->away().empty() ? "+" : "-") + t->user() + "@" + t->host();
  }
  c.Numeric(irc::RPL_USERHOST, {reply});
}

static void HandleIson(Server& server, Client& c, const Message& msg) {
  // ISON <nick>{ <nick>} (RFC 2812 §4.9); clients also send the nicks as
  // one trailing parameter, so every parameter is split on spaces.
  std::string reply;
  for (const auto& param : msg.params) {
    std::size_t start = 0;
    while (start < param.size()) {
      std::size_t space = param.find(' ', start);
      if (space == std::string::npos) space = param.size();
      if (space > start) {
        Client* t = server.FindNick(std::string_view(param).substr(start, space - start));
        if (t != nullptr && t->registered() && !t->closing()) {
          if (!reply.empty()) reply += ' ';
          reply += t->nick();
        }
      }
      start = space + 1;
    }
  }
  c.Numeric(irc::RPL_ISON, {reply});
}

// ---------------------------------------------------------------- AWAY, SETNAME

static void HandleAway(Server& server, Client& c, const Message& msg) {
  std::string text;
  if (!msg.params.empty()) text = std::string(irc::TruncateUtf8(msg.params[0], server.config().awaylen));
  // The session's own state; the user is away only while all its sessions
  // are (doc/protocol.md "Account sessions"). Peers with away-notify hear
  // of the user's changes only: AWAY without a parameter when it is back,
  // nothing when it never left.
  c.away_ = text;
  if (text.empty()) {
    c.Numeric(irc::RPL_UNAWAY, {"You are no longer marked as being away"});
  } else {
    c.Numeric(irc::RPL_NOWAWAY, {"You have been marked as being away"});
  }
  UpdateUserAway(server, *c.front(), text);
}

static void HandleSetname(Server&, Client& c, const Message& msg) {
  // https://ircv3.net/specs/extensions/setname: handled whether or not the
  // client negotiated the cap; SETNAME goes only to those that did.
  const std::string& name = msg.params[0];
  if (name.empty() || name.size() > kMaxRealname || !irc::IsValidUtf8(name)) {
    c.StandardReply("FAIL", "SETNAME", "INVALID_REALNAME", {}, "Realname is not valid");
    return;
  }
  Client& u = *c.front();
  u.realname_ = name;
  for (Client* s : u.attached()) s->realname_ = name;
  Message change = MakeEvent(c.prefix(), "SETNAME", {name});
  Outgoing mine(change);
  u.Deliver(mine, nullptr, kCapSetname);  // every session of the user
  TellPeers(c, change, kCapSetname);
}

const std::vector<CommandSpec>& UserCommands() {
  static const std::vector<CommandSpec> specs = {
      {"WHO", 1, false, 2, &HandleWho},
      {"WHOIS", 1, false, 2, &HandleWhois},
      {"WHOWAS", 1, false, 2, &HandleWhowas},
      {"USERHOST", 1, false, 1, &HandleUserhost},
      {"ISON", 1, false, 1, &HandleIson},
      {"AWAY", 0, false, 1, &HandleAway},
      {"SETNAME", 1, false, 1, &HandleSetname},
  };
  return specs;
}

}  // namespace chatd
