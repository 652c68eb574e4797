// CHATHISTORY (IRCv3 draft/chathistory): LATEST, BEFORE, AFTER, AROUND,
// BETWEEN and TARGETS over the store's history, replied in batches.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>

#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

std::string Identity(const Client& c) { return c.logged_in() ? irc::Fold(c.account()) : c.guest_key(); }

std::string DirectKey(const std::string& a, const std::string& b) {
  return a < b ? "@" + a + " " + b : "@" + b + " " + a;
}

// "*", "msgid=<id>" or "timestamp=<server-time>".
static bool ParseRef(const std::string& text, HistoryBound* out) {
  *out = HistoryBound{};
  if (text == "*") return true;
  if (text.rfind("msgid=", 0) == 0 && text.size() > 6) {
    out->msgid = text.substr(6);
    return true;
  }
  if (text.rfind("timestamp=", 0) == 0) return ParseServerTime(text.substr(10), &out->time_ms);
  return false;
}

int64_t PrivateHistoryStartMs(Server& server, const Client& c) {
  if (!c.logged_in()) return 0;
  auto rec = server.store()->GetAccount(c.account());
  return rec.ok() ? rec.value().created_ms : INT64_MAX;
}

// May c read ch's history? Present members may; absent roster members
// only while no ban matches them (a ban set while they were away, by nick
// or host mask, shuts them out as JOIN would).
static bool MayRead(const Channel& ch, const Client& c) {
  return ch.HasMember(&c) || (c.logged_in() && ch.InRoster(c.account()) && !ch.IsBanned(&c));
}

// The conversation key of `target` for c, or "" when c may not read it.
static std::string ResolveTarget(Server& server, const Client& c, const std::string& target) {
  if (irc::IsChannelName(target)) {
    Channel* ch = server.FindChannel(target);
    if (ch == nullptr) return "";
    return MayRead(*ch, c) ? irc::Fold(ch->name()) : "";
  }
  if (!irc::IsValidNick(target, 64)) return "";
  // Offline people are found by account name; an absent guest's history is gone with it.
  const Client* other = server.FindNick(target);
  return DirectKey(Identity(c), other != nullptr ? Identity(*other) : irc::Fold(target));
}

static void Fail(Client& c, const char* code, std::initializer_list<std::string_view> context,
                 const std::string& text) {
  c.StandardReply("FAIL", "CHATHISTORY", code, context, text);
}

Message MessageFromHistory(const HistoryRecord& r) {
  Message m;
  if (!r.tags.empty()) {
    Message parsed;
    chat::irc::Limits lax;
    lax.utf8_only = false;
    if (irc::ParseLine("@" + r.tags + " X", lax, &parsed) == irc::LineError::kNone) m.tags = parsed.tags;
  }
  m.SetTag("time", FormatServerTime(r.time_ms));
  m.SetTag("msgid", r.msgid);
  if (!r.account.empty()) m.SetTag("account", r.account);
  m.source = r.source;
  m.command = r.command;
  m.params.push_back(r.to);
  if (r.command != "TAGMSG") m.params.push_back(r.text);
  return m;
}

// Sends msgs wrapped in a batch of `type` when the client negotiated batch.
static void SendBatch(Server& server, Client& c, const std::string& type, const std::string& param,
                      std::vector<Message>& msgs) {
  std::string ref = "h" + std::to_string(server.NextId());
  bool batched = c.has(kCapBatch);
  if (batched) c.ServerMessage("BATCH", {"+" + ref, type, param});
  for (auto& m : msgs) {
    if (batched) m.SetTag("batch", ref);
    c.Send(m);
  }
  if (batched) c.ServerMessage("BATCH", {"-" + ref});
}

static void Targets(Server& server, Client& c, const Message& msg, uint32_t limit) {
  HistoryBound from, to;
  if (msg.params.size() < 4 || !ParseRef(msg.params[1], &from) || !ParseRef(msg.params[2], &to) ||
      from.time_ms == 0 || to.time_ms == 0) {
    return Fail(c, "INVALID_PARAMS", {"TARGETS"}, "TARGETS needs two timestamps and a limit");
  }
  std::vector<std::string> keys;
  std::map<std::string, std::string> display;  // key -> name shown
  for (const auto& [folded, ch] : server.channels()) {
    if (MayRead(*ch, c)) {
      keys.push_back(folded);
      display[folded] = ch->name();
    }
  }
  const std::string me = Identity(c);
  auto direct = server.store()->DirectTargetsOf(me);
  if (direct.ok()) {
    std::map<std::string, std::string> guests;  // guest key -> current nick
    for (const auto& [id, other] : server.clients()) {
      if (!other->logged_in()) guests[other->guest_key()] = other->nick();
    }
    for (const auto& key : direct.value()) {
      // "@a b": the other party is the name that isn't mine.
      std::string a = key.substr(1, key.find(' ') - 1), b = key.substr(key.find(' ') + 1);
      std::string other = a == me ? b : a;
      if (!other.empty() && other[0] == '~') {  // a guest: shown by nick while connected
        auto it = guests.find(other);
        if (it == guests.end()) continue;
        other = it->second;
      }
      keys.push_back(key);
      display[key] = other;
    }
  }
  int64_t lo = std::min(from.time_ms, to.time_ms), hi = std::max(from.time_ms, to.time_ms);
  auto found = server.store()->ListTargets(keys, lo, hi, limit);
  if (!found.ok()) {
    LOG_ERROR("client %llu [%s] CHATHISTORY TARGETS: %s", static_cast<unsigned long long>(c.id()),
              c.address().c_str(), found.status().ToString().c_str());
    return Fail(c, "MESSAGE_ERROR", {"TARGETS"}, "History is unavailable right now");
  }
  std::vector<Message> lines;
  const int64_t since_ms = PrivateHistoryStartMs(server, c);
  for (const auto& t : found.value()) {
    if (t.target[0] == '@' && t.latest_ms < since_ms) continue;  // only a former namesake's
    Message m;
    m.source = server.name();
    m.command = "CHATHISTORY";
    m.params = {"TARGETS", display.count(t.target) ? display[t.target] : t.to, FormatServerTime(t.latest_ms)};
    lines.push_back(std::move(m));
  }
  SendBatch(server, c, "draft/chathistory-targets", "", lines);
}

static void HandleChathistory(Server& server, Client& c, const Message& msg) {
  std::string sub = msg.params[0];
  for (auto& ch : sub) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
  const std::string& last = msg.params.back();
  char* end = nullptr;
  long requested = strtol(last.c_str(), &end, 10);
  if (end == last.c_str() || *end != '\0' || requested <= 0) {
    return Fail(c, "INVALID_PARAMS", {sub}, "The last parameter must be a positive limit");
  }
  uint32_t limit = static_cast<uint32_t>(std::min<long>(requested, server.config().chathistory_limit));
  if (sub == "TARGETS") return Targets(server, c, msg, limit);

  HistoryQuery q;
  q.limit = limit;
  std::size_t refs;
  if (sub == "LATEST") {
    q.kind = HistoryQueryKind::kLatest;
    refs = 1;
  } else if (sub == "BEFORE") {
    q.kind = HistoryQueryKind::kBefore;
    refs = 1;
  } else if (sub == "AFTER") {
    q.kind = HistoryQueryKind::kAfter;
    refs = 1;
  } else if (sub == "AROUND") {
    q.kind = HistoryQueryKind::kAround;
    refs = 1;
  } else if (sub == "BETWEEN") {
    q.kind = HistoryQueryKind::kBetween;
    refs = 2;
  } else {
    return Fail(c, "UNKNOWN_COMMAND", {sub}, "Unknown CHATHISTORY subcommand");
  }
  if (msg.params.size() != 3 + refs) {
    return Fail(c, "NEED_MORE_PARAMS", {sub}, "Wrong number of parameters");
  }
  const std::string& target = msg.params[1];
  if (!ParseRef(msg.params[2], &q.a) || (refs == 2 && !ParseRef(msg.params[3], &q.b)) ||
      (q.kind != HistoryQueryKind::kLatest && q.a.unbounded()) ||
      (q.kind == HistoryQueryKind::kBetween && q.b.unbounded())) {
    return Fail(c, "INVALID_PARAMS", {sub}, "Invalid message reference");
  }
  q.target = ResolveTarget(server, c, target);
  if (q.target.empty()) return Fail(c, "INVALID_TARGET", {sub, target}, "No history you may read there");
  auto found = server.store()->QueryHistory(q);
  std::vector<Message> msgs;
  const int64_t since_ms = q.target[0] == '@' ? PrivateHistoryStartMs(server, c) : 0;
  if (found.ok()) {
    for (const auto& r : found.value()) {
      if (r.time_ms < since_ms) continue;  // a former account of the same name wrote it
      // Without draft/event-playback (not offered) only PRIVMSG and NOTICE are played back.
      if (r.command == "TAGMSG") continue;
      msgs.push_back(MessageFromHistory(r));
    }
  } else if (found.status().code() != chat::Status::Code::kNotFound) {
    LOG_ERROR("client %llu [%s] CHATHISTORY %s %s: %s", static_cast<unsigned long long>(c.id()),
              c.address().c_str(), sub.c_str(), target.c_str(), found.status().ToString().c_str());
    return Fail(c, "MESSAGE_ERROR", {sub, target}, "History is unavailable right now");
  }
  // An unknown msgid reference gives an empty batch, as the spec allows.
  SendBatch(server, c, "chathistory", target, msgs);
}

const std::vector<CommandSpec>& HistoryCommands() {
  static const std::vector<CommandSpec> specs = {
      {"CHATHISTORY", 3, false, 2, &HandleChathistory},
  };
  return specs;
}

}  // namespace chatd
