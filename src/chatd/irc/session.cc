// The session layer: a line from the peer becomes a parsed message, gets
// its flood penalty and labeled-response frame, and is dispatched;
// registration completes here with the welcome burst.
#include <sys/time.h>

#include <algorithm>

#include <cstdio>
#include <cstring>

#include "chatd/irc/account_sessions.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chat_autoconf.h"
#include "libchat/message.h"

namespace chatd {

using chat::irc::Message;

std::vector<std::string> SplitList(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int64_t NowMs() {
  timeval tv;
  gettimeofday(&tv, nullptr);
  return int64_t{tv.tv_sec} * 1000 + tv.tv_usec / 1000;
}

std::string FormatServerTime(int64_t ms) {
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[64];
  snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

std::string ServerTimeNow() { return FormatServerTime(NowMs()); }

bool ParseServerTime(std::string_view text, int64_t* ms) {
  std::string t(text);
  struct tm tm = {};
  int frac_len = 0;
  char frac[16] = "";
  int n = sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                 &tm.tm_min, &tm.tm_sec);
  if (n != 6 || t.size() < 20 || t.back() != 'Z') return false;
  std::size_t dot = t.find('.');
  if (dot != std::string::npos) {
    frac_len = static_cast<int>(t.size() - dot - 2);
    if (frac_len <= 0 || frac_len > 9) return false;
    memcpy(frac, t.c_str() + dot + 1, static_cast<std::size_t>(frac_len));
  } else if (t.size() != 20) {
    return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  time_t secs = timegm(&tm);
  if (secs == static_cast<time_t>(-1)) return false;
  int millis = 0;
  for (int i = 0; i < 3; ++i) millis = millis * 10 + (i < frac_len ? frac[i] - '0' : 0);
  *ms = int64_t{secs} * 1000 + millis;
  return true;
}

Message MakeEvent(const std::string& source, std::string command,
                  std::initializer_list<std::string_view> params) {
  Message m;
  m.tags.push_back({"time", ServerTimeNow()});
  m.source = source;
  m.command = std::move(command);
  for (auto p : params) m.params.emplace_back(p);
  return m;
}

void Client::OnLine(std::string_view line) {
  last_input_ = time(nullptr);
  ping_sent_ = false;
  chat::irc::Limits limits;
  limits.utf8_only = false;  // checked below, so FAIL can name the command
  // message-tags: a client may send at most 4094 bytes of tag data, all tags counted.
  limits.max_tag_section = chat::irc::kMaxClientTagBytes + 2;  // plus the "@" and the space
  Message msg;
  switch (chat::irc::ParseLine(line, limits, &msg)) {
    case chat::irc::LineError::kNone:
      break;
    case chat::irc::LineError::kEmpty:
      return;  // RFC 2812 §2.3.1: empty messages are silently ignored
    case chat::irc::LineError::kInputTooLong:
    case chat::irc::LineError::kTagsTooLong:
      ChargePenalty(1);
      Numeric(chat::irc::ERR_INPUTTOOLONG, {"Input line was too long"});
      return;
    default:
      ChargePenalty(1);
      Numeric(chat::irc::ERR_UNKNOWNERROR, {"*", "Malformed message"});
      return;
  }
  ChargePenalty(CommandPenalty(msg.command));
  // Clients may only send client-only tags and the ones we act on (label).
  std::string label;
  bool labeled = false;
  for (const auto& t : msg.tags) {
    if (t.key == "label") {
      label = t.value;
      labeled = true;
    }
  }
  msg.tags.erase(std::remove_if(msg.tags.begin(), msg.tags.end(),
                                [](const chat::irc::Tag& t) { return t.key.empty() || t.key[0] != '+'; }),
                 msg.tags.end());
  BeginLabel(labeled ? &label : nullptr);
  if (!chat::irc::IsValidUtf8(line)) {
    // https://ircv3.net/specs/extensions/utf8-only
    StandardReply("FAIL", msg.command, "INVALID_UTF8", {}, "Message rejected, it contains invalid UTF-8");
  } else {
    Dispatch(*server_, *this, msg);
  }
  EndLabel();
}

void Client::OnOverlong() {
  last_input_ = time(nullptr);
  ChargePenalty(1);
  Numeric(chat::irc::ERR_INPUTTOOLONG, {"Input line was too long"});
}

void SendIsupport(Server& server, Client& client) {
  const auto& tokens = server.isupport();
  for (std::size_t i = 0; i < tokens.size(); i += 13) {
    Message m;
    m.source = server.name();
    m.command = chat::irc::NumericCode(chat::irc::RPL_ISUPPORT);
    m.params.push_back(client.target_nick());
    for (std::size_t j = i; j < tokens.size() && j < i + 13; ++j) m.params.push_back(tokens[j]);
    m.params.push_back("are supported by this server");
    client.Send(m);
  }
}

void TryRegister(Server& server, Client& c) {
  if (c.registered_ || c.closing_ || c.nick_.empty() || !c.got_user_ || c.cap_negotiating_) return;
  const Config& cfg = server.config();
  if (!cfg.password.empty() && !c.pass_ok_) {
    c.Numeric(chat::irc::ERR_PASSWDMISMATCH, {"Password incorrect"});
    c.Quit("Bad password");
    return;
  }
  // multiclient: a session logged in to an account whose user is online
  // becomes one more session of that user, whatever nick it asked for.
  Client* front = c.logged_in() && cfg.multiclient ? server.FindAccountUser(c.account()) : nullptr;
  if (front != nullptr && (front->closing() || !front->registered())) front = nullptr;
  if (front != nullptr) {
    server.ClearNick(&c);  // the nick it asked for, if it held one
    AttachSession(server, *front, c);
  } else if (server.FindNick(c.nick_) != &c) {
    // A nick taken by a logged-in user was left pending (HandleNick) in case
    // this was one of its account's devices; it isn't.
    Client* holder = server.FindNick(c.nick_);
    if (holder != nullptr) {
      std::string refused = c.nick_;
      c.nick_.clear();
      c.Numeric(chat::irc::ERR_NICKNAMEINUSE, {refused, "Nickname is already in use"});
      return;
    }
    server.SetNick(&c, c.nick_);
  }
  if (front == nullptr && NickReserved(server, c, c.nick_)) {
    // A registered nick is usable only by its account: pick another or log in.
    std::string refused = c.nick_;
    server.ClearNick(&c);  // first: the 433 names the client "*", the nick was never its own
    c.Numeric(chat::irc::ERR_NICKNAMEINUSE,
              {refused, "Nickname is reserved by a registered account; log in with SASL or choose another"});
    return;
  }
  c.registered_ = true;
  server.NoteRegistered();
  char created[64];
  time_t started = server.started();
  struct tm tm;
  gmtime_r(&started, &tm);
  strftime(created, sizeof created, "%Y-%m-%d %H:%M:%S UTC", &tm);
  const std::string version = "chatd-" PACKAGE_VERSION;
  c.Numeric(chat::irc::RPL_WELCOME, {"Welcome to the " + cfg.network + " IRC Network " + c.prefix()});
  c.Numeric(chat::irc::RPL_YOURHOST, {"Your host is " + server.name() + ", running version " + version});
  c.Numeric(chat::irc::RPL_CREATED, {std::string("This server was created ") + created});
  c.Numeric(chat::irc::RPL_MYINFO, {server.name(), version, "Bi", "biklmnost", "bklov"});
  SendIsupport(server, c);
  SendLusers(server, c);
  SendMotd(server, c);
  if (!server.announcement().empty()) c.ServerMessage("NOTICE", {c.nick(), server.announcement()});  // chatctl announce
  if (front != nullptr) {
    // The user was already there: this session is shown its channels and
    // nobody else hears of it.
    SendUserChannels(server, c);
    JoinRosterChannels(server, c);
    return;
  }
  server.NotifyMonitors(c.nick_, c.prefix(), true);
  for (const auto& name : cfg.auto_join) {
    if (c.closing_) break;
    JoinChannel(server, c, name, "", /*op_on_create=*/false);
  }
  JoinRosterChannels(server, c);
  AccountOnline(server, c);  // offline messages, for the account's first session
}

}  // namespace chatd
