// MONITOR (https://ircv3.net/specs/extensions/monitor): a client's list of
// nicks to be told about when they sign on or off. The lists and the
// reverse index live in Server (Monitor/Unmonitor); the notifications on
// sign-on, sign-off and nick change are sent by the core (NotifyMonitors).
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/message.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// Sends `items` comma-joined as "<client> :a,b,c" in as many `n` numerics
// as needed, each within RFC 1459's 512 bytes (the spec's bound). Sends
// nothing for an empty list.
static void SendCommaList(Server& server, Client& c, irc::Numeric n, const std::vector<std::string>& items) {
  // ":<server> 730 <client> :" and CR LF come out of the 512.
  const std::size_t overhead = server.name().size() + c.target_nick().size() + 11;
  const std::size_t budget = irc::kMaxBodyBytes > overhead + 64 ? irc::kMaxBodyBytes - overhead : 64;
  std::string line;
  for (const auto& item : items) {
    if (!line.empty() && line.size() + 1 + item.size() > budget) {
      c.Numeric(n, {line});
      line.clear();
    }
    if (!line.empty()) line += ',';
    line += item;
  }
  if (!line.empty()) c.Numeric(n, {line});
}

static Client* FindOnline(Server& server, std::string_view nick) {
  Client* t = server.FindNick(nick);
  // chatd.dev/presence: an invisible client is reported offline.
  return t != nullptr && t->registered() && !t->closing() && !t->presence_invisible_ ? t : nullptr;
}

// RPL_MONONLINE (730) with nick!user@host for the targets online, then
// RPL_MONOFFLINE (731) with the targets, as given, that are not.
static void SendStatus(Server& server, Client& c, const std::vector<std::string>& targets) {
  std::vector<std::string> online, offline;
  for (const auto& t : targets) {
    if (Client* other = FindOnline(server, t)) {
      online.push_back(other->prefix());
    } else {
      offline.push_back(t);
    }
  }
  SendCommaList(server, c, irc::RPL_MONONLINE, online);
  SendCommaList(server, c, irc::RPL_MONOFFLINE, offline);
}

static void MonitorAdd(Server& server, Client& c, const std::string& list) {
  const std::size_t limit = server.config().monitor_max;
  std::vector<std::string> status, full;
  std::set<std::string> seen;
  for (const auto& target : SplitList(list)) {
    // "target MUST be a valid nick": anything else is skipped.
    if (!irc::IsValidNick(target, server.config().nicklen)) continue;
    std::string folded = irc::Fold(target);
    if (!seen.insert(folded).second) continue;
    if (c.monitoring_.count(folded) == 0) {
      if (c.monitoring_.size() >= limit) {
        full.push_back(target);
        continue;
      }
      server.Monitor(&c, folded);
    }
    status.push_back(target);
  }
  if (!full.empty()) {
    std::string rejected;
    for (const auto& t : full) rejected += (rejected.empty() ? "" : ",") + t;
    c.Numeric(irc::ERR_MONLISTFULL, {std::to_string(limit), rejected, "Monitor list is full"});
  }
  SendStatus(server, c, status);
}

static void HandleMonitor(Server& server, Client& c, const Message& msg) {
  const std::string& op = msg.params[0];
  const char modifier = op.size() == 1 ? static_cast<char>(toupper(static_cast<unsigned char>(op[0]))) : '\0';
  switch (modifier) {
    case '+':
    case '-':
      if (msg.params.size() < 2 || msg.params[1].empty()) {
        c.Numeric(irc::ERR_NEEDMOREPARAMS, {"MONITOR", "Not enough parameters"});
        return;
      }
      if (modifier == '+') {
        MonitorAdd(server, c, msg.params[1]);
      } else {
        for (const auto& target : SplitList(msg.params[1])) server.Unmonitor(&c, irc::Fold(target));
      }
      return;
    case 'C':
      for (const auto& folded : std::set<std::string>(c.monitoring_)) server.Unmonitor(&c, folded);
      return;
    case 'L':
      SendCommaList(server, c, irc::RPL_MONLIST, {c.monitoring_.begin(), c.monitoring_.end()});
      c.Numeric(irc::RPL_ENDOFMONLIST, {"End of MONITOR list"});
      return;
    case 'S':
      SendStatus(server, c, {c.monitoring_.begin(), c.monitoring_.end()});
      return;
    default:
      c.Numeric(irc::ERR_UNKNOWNERROR, {"MONITOR", "Unknown MONITOR modifier"});
      return;
  }
}

const std::vector<CommandSpec>& MonitorCommands() {
  static const std::vector<CommandSpec> specs = {
      {"MONITOR", 1, false, 1, &HandleMonitor},
  };
  return specs;
}

}  // namespace chatd
