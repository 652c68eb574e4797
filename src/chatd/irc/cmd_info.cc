// Server queries: VERSION, TIME, INFO, LUSERS and MOTD (RFC 2812 §3.4,
// Modern IRC "Server Queries and Commands"), and the LUSERS/MOTD parts of
// the welcome burst (session.h).
#include <algorithm>
#include <ctime>
#include <string>

#include "chatd/irc/caps.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chat_autoconf.h"
#include "libchat/casemap.h"
#include "libchat/wildcard.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// The optional <server> parameter of VERSION, TIME, INFO, LUSERS and MOTD
// names us (a mask is allowed, RFC 2812 §3.4) or gets ERR_NOSUCHSERVER.
// chatd is a single server, so there is nothing to forward to.
static bool CheckServerParam(Server& server, Client& c, const Message& msg, std::size_t index) {
  if (msg.params.size() <= index || msg.params[index].empty()) return true;
  const std::string& target = msg.params[index];
  if (irc::EqualFold(target, server.name()) || irc::MaskMatch(target, server.name())) return true;
  c.Numeric(irc::ERR_NOSUCHSERVER, {target, "No such server"});
  return false;
}

void SendLusers(Server& server, Client& c) {
  // Server keeps these counts (registration would be O(n) otherwise).
  const std::size_t invisible = server.invisible_count();
  const std::size_t total = server.registered_count();
  const std::size_t users = total - invisible;
  const std::size_t unknown = server.unknown_count();
  const std::string max = std::to_string(std::max(server.max_registered(), total));
  const std::string now = std::to_string(total);
  c.Numeric(irc::RPL_LUSERCLIENT, {"There are " + std::to_string(users) + " users and " +
                                       std::to_string(invisible) + " invisible on 1 servers"});
  // RPL_LUSEROP (252) is left out: chatd has no IRC operators, and Modern
  // IRC lets servers omit it when the count is zero.
  if (unknown > 0) c.Numeric(irc::RPL_LUSERUNKNOWN, {std::to_string(unknown), "unknown connection(s)"});
  if (!server.channels().empty()) {
    c.Numeric(irc::RPL_LUSERCHANNELS, {std::to_string(server.channels().size()), "channels formed"});
  }
  c.Numeric(irc::RPL_LUSERME, {"I have " + now + " clients and 0 servers"});
  c.Numeric(irc::RPL_LOCALUSERS, {now, max, "Current local users " + now + ", max " + max});
  c.Numeric(irc::RPL_GLOBALUSERS, {now, max, "Current global users " + now + ", max " + max});
}

void SendMotd(Server& server, Client& c) {
  const auto& motd = server.motd();
  if (motd.empty()) {
    c.Numeric(irc::ERR_NOMOTD, {"MOTD File is missing"});
    return;
  }
  c.Numeric(irc::RPL_MOTDSTART, {"- " + server.name() + " Message of the day - "});
  for (const auto& line : motd) c.Numeric(irc::RPL_MOTD, {"- " + line});
  c.Numeric(irc::RPL_ENDOFMOTD, {"End of /MOTD command."});
}

static void HandleVersion(Server& server, Client& c, const Message& msg) {
  if (!CheckServerParam(server, c, msg, 0)) return;
  c.Numeric(irc::RPL_VERSION, {"chatd-" PACKAGE_VERSION, server.name(), "chatd IRC server"});
  SendIsupport(server, c);
}

static void HandleTime(Server& server, Client& c, const Message& msg) {
  if (!CheckServerParam(server, c, msg, 0)) return;
  time_t now = time(nullptr);
  struct tm tm;
  localtime_r(&now, &tm);
  char text[96];
  strftime(text, sizeof text, "%A %B %d %Y -- %H:%M:%S %z", &tm);
  c.Numeric(irc::RPL_TIME, {server.name(), text});
}

static void HandleInfo(Server& server, Client& c, const Message& msg) {
  if (!CheckServerParam(server, c, msg, 0)) return;
  char started[64];
  time_t t = server.started();
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(started, sizeof started, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::string caps;
  for (const auto& cap : AllCaps()) caps += std::string(caps.empty() ? "" : " ") + cap.name;
  const std::string lines[] = {
      server.name() + " -- " + server.config().description,
      "chatd-" PACKAGE_VERSION,
      "chatd is a small IRC server written in C++17 on libevent and OpenSSL.",
      "It follows RFC 1459/2812 as the Modern IRC documents describe them,",
      "with MONITOR, WHOX and the IRCv3 capabilities:",
      caps,
      "Network: " + server.config().network,
      std::string("Running since ") + started,
  };
  for (const auto& line : lines) c.Numeric(irc::RPL_INFO, {line});
  c.Numeric(irc::RPL_ENDOFINFO, {"End of /INFO list"});
}

static void HandleLusers(Server& server, Client& c, const Message& msg) {
  // LUSERS [<mask> [<server>]] (RFC 2812 §3.4.2): the mask is meaningless
  // on a single server; the server parameter must name us.
  if (!CheckServerParam(server, c, msg, 1)) return;
  SendLusers(server, c);
}

static void HandleMotd(Server& server, Client& c, const Message& msg) {
  if (!CheckServerParam(server, c, msg, 0)) return;
  SendMotd(server, c);
}

const std::vector<CommandSpec>& InfoCommands() {
  static const std::vector<CommandSpec> specs = {
      {"VERSION", 0, false, 1, &HandleVersion},
      {"TIME", 0, false, 1, &HandleTime},
      {"INFO", 0, false, 1, &HandleInfo},
      {"LUSERS", 0, false, 1, &HandleLusers},
      {"MOTD", 0, false, 1, &HandleMotd},
  };
  return specs;
}

}  // namespace chatd
