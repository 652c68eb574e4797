// chat::client::Core: the public API, the connection lifecycle (CAP, SASL,
// REGISTER, welcome sync, reconnect with backoff, keepalive) and the user's
// actions. Server lines are handled in client_recv.cc, the model in
// client_model.cc.
#include "libchat/client_core.h"

#include <algorithm>
#include <climits>
#include <utility>

#include "libchat/base64.h"
#include "libchat/casemap.h"
#include "libchat/client_core_impl.h"
#include "libchat/files/file_tag.h"
#include "libchat/client_time.h"

namespace chat::client {
namespace {

// The capabilities we use, in the order we ask for them.
const char* const kWantedCaps[] = {
    "message-tags",   "server-time",   "echo-message",     "batch",
    "labeled-response", "away-notify", "account-notify",   "account-tag",
    "extended-join",  "multi-prefix",  "cap-notify",       "invite-notify",
    "setname",        "draft/chathistory", "sasl",         "draft/account-registration",
    "chatd.dev/roster", "chatd.dev/outbox", "chatd.dev/presence", "standard-replies",
};

constexpr std::size_t kSaslChunk = 400;   // IRCv3 SASL: AUTHENTICATE payload chunk
constexpr std::size_t kMaxTextChunk = 400;  // bytes of text per PRIVMSG, leaves room for the prefix

}  // namespace

bool WantedCap(std::string_view cap) {
  for (const char* w : kWantedCaps) {
    if (cap == w) return true;
  }
  return false;
}


// ---------------------------------------------------------------- helpers

void Core::Impl::Send(const irc::Message& m) { host->SendLine(irc::Serialize(m)); }

void Core::Impl::SendCmd(std::string command, std::vector<std::string> params) {
  irc::Message m;
  m.command = std::move(command);
  m.params = std::move(params);
  Send(m);
}

void Core::Impl::SetState(ConnState s) {
  if (state == s) return;
  state = s;
  host->OnStateChanged(s);
}

void Core::Impl::Report(Problem p, std::string_view subject, std::string_view human) {
  host->OnProblem(p, subject, human);
}

void Core::Impl::Fatal(Problem p, std::string_view subject, std::string_view human) {
  if (state == ConnState::kRegistering || state == ConnState::kOnline || state == ConnState::kConnecting) {
    host->Disconnect();
  }
  DropConnection();
  SetState(ConnState::kOffline);
  Report(p, subject, human);
}

void Core::Impl::DropConnection() {
  if (state == ConnState::kOnline) offline_since_ms = now_ms;
  framer = irc::LineFramer(irc::kMaxLineBytes);
  batches.clear();
  history_requests.clear();
  list.clear();
  sasl_mech.clear();
  sasl_step = 0;
  scram.reset();
  ping_sent_ms = 0;
  for (auto& c : convs) {
    ConvExtra& x = Extra(*c);
    if (c->kind == Conversation::Kind::kChannel && c->joined) x.rejoin = true;
    c->joined = false;
    x.names.clear();
    x.names_open = false;
    x.members_due_ms = 0;
    x.typing_sent_ms = -1;
    if (!c->typing.empty()) {
      c->typing.clear();
      host->OnTypingChanged(c->key);
    }
  }
}

void Core::Impl::ScheduleReconnect() {
  // ±20% jitter so that many clients dropped together don't return together.
  const std::string seed = host->NewLabel();
  unsigned h = 0;
  for (char ch : seed) h = h * 31 + static_cast<unsigned char>(ch);
  const int64_t pct = static_cast<int64_t>(h % 41) - 20;
  reconnect_at_ms = now_ms + backoff_ms * (100 + pct) / 100;
  backoff_ms = std::min(backoff_ms * 2, Core::kMaxBackoffMs);
  SetState(ConnState::kReconnectWait);
}

void Core::Impl::ConnectionEnded(Problem p, std::string_view reason) {
  DropConnection();
  ScheduleReconnect();
  Report(p, "", reason);
}

// ---------------------------------------------------------------- registration

void Core::Impl::BeginCapNegotiation() {
  server_caps.clear();
  caps.clear();
  cap_ls_done = false;
  cap_req_outstanding = 0;
  cap_ended = false;
  nick_attempt = 0;
  tried_plain = false;
  server_mechs.clear();
  history_limit = kCatchUpPage;
  account.clear();
  nick = opts.nick;
  SendCmd("CAP", {"LS", "302"});
  SendCmd("NICK", {nick});
  SendCmd("USER", {nick.empty() ? std::string("user") : nick, "0", "*", nick.empty() ? "user" : nick});
}

void Core::Impl::AfterCapAck() {
  if (cap_ended || cap_req_outstanding > 0) return;
  if (opts.mode == LoginMode::kLogin) {
    if (!Has("sasl")) {
      return Fatal(Problem::kServerError, "", "This server does not support logging in to an account.");
    }
    if (sasl_mech.empty()) StartSasl();
    return;
  }
  if (opts.mode == LoginMode::kRegister) {
    if (!Has("draft/account-registration")) {
      return Fatal(Problem::kRegistrationRefused, opts.nick, "This server does not offer account registration.");
    }
    SendCmd("REGISTER", {opts.nick, opts.email.empty() ? std::string("*") : opts.email, opts.password});
    return;
  }
  EndCap();
}

void Core::Impl::EndCap() {
  if (cap_ended) return;
  cap_ended = true;
  SendCmd("CAP", {"END"});
}

void Core::Impl::StartSasl() {
  std::set<std::string> offered = server_mechs;
  auto it = server_caps.find("sasl");
  if (offered.empty() && it != server_caps.end()) {
    std::string_view v = it->second;
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      offered.insert(std::string(v.substr(0, comma)));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    }
  }
  const bool any = offered.empty();  // not told: try the better one first
  if (!tried_plain && (any || offered.count("SCRAM-SHA-256"))) {
    sasl_mech = "SCRAM-SHA-256";
  } else if (any || offered.count("PLAIN")) {
    sasl_mech = "PLAIN";
    tried_plain = true;
  } else {
    return Fatal(Problem::kServerError, "", "This server offers no login method this client knows.");
  }
  sasl_step = 1;
  sasl_in.clear();
  SendCmd("AUTHENTICATE", {sasl_mech});
}

void Core::Impl::SendAuthenticate(std::string_view raw) {
  const std::string b64 = sasl::Base64Encode(raw);
  for (std::size_t pos = 0; pos < b64.size(); pos += kSaslChunk) {
    SendCmd("AUTHENTICATE", {b64.substr(pos, kSaslChunk)});
  }
  if (b64.size() % kSaslChunk == 0) SendCmd("AUTHENTICATE", {"+"});
}

void Core::Impl::OnAuthenticate(const irc::Message& m) {
  if (sasl_mech.empty() || m.params.empty()) return;
  const std::string& p = m.params[0];
  if (p != "+") {
    if (sasl_in.size() + p.size() > 8192) {
      SendCmd("AUTHENTICATE", {"*"});
      return Fatal(Problem::kServerError, "", "The server's login challenge was too long.");
    }
    sasl_in += p;
    if (p.size() == kSaslChunk) return;  // more to come
  }
  std::string decoded;
  if (!sasl_in.empty() && !sasl::Base64Decode(sasl_in, &decoded)) {
    SendCmd("AUTHENTICATE", {"*"});
    return Fatal(Problem::kServerError, "", "The server sent a malformed login challenge.");
  }
  sasl_in.clear();
  HandleSaslChunk(decoded);
}

void Core::Impl::HandleSaslChunk(const std::string& decoded) {
  if (sasl_mech == "PLAIN") {
    if (sasl_step != 1) return;
    SendAuthenticate(std::string(1, '\0') + opts.nick + std::string(1, '\0') + opts.password);
    sasl_step = 2;
    return;
  }
  switch (sasl_step) {
    case 1:
      scram = std::make_unique<sasl::ScramClient>(opts.nick, opts.password);
      SendAuthenticate(scram->ClientFirst());
      sasl_step = 2;
      return;
    case 2: {
      std::string final_msg, error;
      if (!scram->ClientFinal(decoded, &final_msg, &error)) {
        SendCmd("AUTHENTICATE", {"*"});
        return Fatal(Problem::kServerError, "", "Login failed: the server's challenge was invalid (" + error + ").");
      }
      SendAuthenticate(final_msg);
      sasl_step = 3;
      return;
    }
    case 3:
      if (!scram->VerifyServerFinal(decoded)) {
        SendCmd("AUTHENTICATE", {"*"});
        return Fatal(Problem::kServerError, "",
                     "The server could not prove that it knows your password; not logging in.");
      }
      SendCmd("AUTHENTICATE", {"+"});
      sasl_step = 4;
      return;
    default:
      return;
  }
}

void Core::Impl::TryNextNick(std::string_view refused) {
  ++nick_attempt;
  if (nick_attempt > kMaxNickAttempts) {
    return Fatal(Problem::kNickInUse, opts.nick,
                 "The nickname " + opts.nick + " and its alternatives are in use. Choose another one.");
  }
  if (nick_attempt == 1 && opts.mode != LoginMode::kGuest) {
    Report(Problem::kNickInUse, refused,
           "Your nickname " + std::string(refused) +
               " is in use (perhaps by an older connection of yours); using another one for now.");
  }
  nick = opts.nick + std::string(static_cast<std::size_t>(nick_attempt), '_');
  SendCmd("NICK", {nick});
}

// ---------------------------------------------------------------- welcome sync

void Core::Impl::OnWelcome(const irc::Message& m) {
  if (!m.params.empty() && !m.params[0].empty()) nick = m.params[0];
  cap_ended = true;
  backoff_ms = Core::kMinBackoffMs;
  SetState(ConnState::kOnline);
  // A guest whose nick was taken got nick_ (TryNextNick): say so, once per login.
  if (opts.mode == LoginMode::kGuest && !opts.nick.empty() && !irc::EqualFold(nick, opts.nick) &&
      !told_renamed) {
    told_renamed = true;
    Report(Problem::kNickInUse, nick,
           "“" + opts.nick + "” is in use, so you are “" + nick + "” for now. /nick changes it.");
  }
  if (Has("draft/chathistory")) {
    SendCmd("CHATHISTORY", {"TARGETS", "timestamp=" + FormatServerTime(now_ms - kTargetsBackMs),
                            "timestamp=" + FormatServerTime(now_ms + 86400000), "50"});
  }
  for (auto& c : convs) {
    ConvExtra& x = Extra(*c);
    if (x.rejoin) {
      std::vector<std::string> params{c->name};
      if (!x.join_key.empty()) params.push_back(x.join_key);
      SendCmd("JOIN", params);
      x.rejoin = false;
      join_queue.erase(c->name);
    }
  }
  for (const std::string& ch : join_queue) {
    std::vector<std::string> params{ch};
    auto it = extra.find(irc::Fold(ch));
    if (it != extra.end() && !it->second.join_key.empty()) params.push_back(it->second.join_key);
    SendCmd("JOIN", params);
  }
  join_queue.clear();
  ApplyPresence(true);
  FlushOutbox();
  // Catch up on what was missed while away (doc/protocol.md "History").
  for (auto& c : convs) {
    std::string last;
    for (auto it = c->lines.rbegin(); it != c->lines.rend(); ++it) {
      if (!it->msgid.empty()) {
        last = it->msgid;
        break;
      }
    }
    if (!last.empty()) {
      RequestHistory(c.get(), HistoryKind::kAfter, "msgid=" + last, history_limit, true);
    } else if (c->key == active && !c->history_loaded) {
      RequestHistory(c.get(), HistoryKind::kLatest, "*", Core::kHistoryPage, false);
    }
  }
  if (!Has("draft/chathistory")) {
    for (auto& c : convs) c->history_loaded = true;
  }
  host->OnConversationsChanged();
}

void Core::Impl::ApplyPresence(bool on_connect) {
  switch (presence) {
    case Presence::kAway:
      SendCmd("AWAY", {away_message.empty() ? std::string("Away") : away_message});
      return;
    case Presence::kInvisible:
      if (Has("chatd.dev/presence")) {
        SendCmd("PRESENCE", {"invisible"});
        return;
      }
      presence = Presence::kOnline;
      Report(Problem::kServerError, "", "This server does not support invisible.");
      [[fallthrough]];
    case Presence::kOnline:
      if (on_connect) return;  // a fresh connection starts online
      SendCmd("AWAY", {});
      if (Has("chatd.dev/presence")) SendCmd("PRESENCE", {"online"});
      return;
    case Presence::kOffline:
      return;
  }
}

void Core::Impl::SendOutboxEntry(const OutboxEntry& e) {
  irc::Message m;
  if (Has("labeled-response")) m.SetTag("label", e.label);
  if (!e.file_tag.empty() && Has("message-tags")) m.SetTag(std::string(files::kFileTagName), e.file_tag);
  m.command = e.command;
  m.params = {e.target, e.text};
  Send(m);
}

void Core::Impl::FlushOutbox() {
  for (const OutboxEntry& e : outbox.entries()) SendOutboxEntry(e);
}

void Core::Impl::SaveOutbox() { host->SaveOutbox(outbox.Serialize()); }

void Core::Impl::RequestHistory(Conversation* c, HistoryKind kind, std::string ref, int limit,
                                bool count_unread) {
  if (!Has("draft/chathistory") || state != ConnState::kOnline) return;
  auto& queue = history_requests[c->key];
  if (queue.size() >= 16) return;  // a server that never answers must not grow this
  queue.push_back(HistoryRequest{kind, limit, count_unread});
  const char* sub = kind == HistoryKind::kLatest ? "LATEST" : kind == HistoryKind::kBefore ? "BEFORE" : "AFTER";
  SendCmd("CHATHISTORY", {sub, c->name, std::move(ref), std::to_string(limit)});
}

void Core::Impl::RequestMembersNow(Conversation* c) {
  ConvExtra& x = Extra(*c);
  x.members_due_ms = 0;
  x.members_last_ms = now_ms;
  if (state != ConnState::kOnline) return;
  SendCmd(Has("chatd.dev/roster") ? "ROSTER" : "NAMES", {c->name});
}

// ---------------------------------------------------------------- Core

Core::Core(Host* host) : impl_(std::make_unique<Impl>(host)) {}
Core::~Core() = default;

bool Core::LoadOutbox(std::string_view data) {
  Impl& d = *impl_;
  const bool clean = d.outbox.Load(data);
  for (const OutboxEntry& e : d.outbox.entries()) {
    const bool channel = irc::IsChannelName(e.target);
    Conversation* c = d.GetConv(e.target, channel ? Conversation::Kind::kChannel : Conversation::Kind::kDirect);
    if (c == nullptr) continue;
    ChatLine l;
    l.kind = e.command == "NOTICE" ? ChatLine::Kind::kNotice : ChatLine::Kind::kMessage;
    l.text = e.text;
    if (e.text.size() >= 8 && e.text.compare(0, 8, "\x01" "ACTION ") == 0) {
      l.kind = ChatLine::Kind::kAction;
      l.text = e.text.substr(8, e.text.back() == '\x01' ? e.text.size() - 9 : std::string::npos);
    }
    l.label = e.label;
    l.time_ms = e.created_ms;
    l.from = d.opts.nick;
    l.self = true;
    l.pending = true;
    d.AppendLine(c, std::move(l));
    d.host->OnLinesChanged(c->key);
  }
  return clean;
}

void Core::Start(const LoginOptions& options, int64_t now_ms) {
  Impl& d = *impl_;
  d.told_renamed = false;
  d.now_ms = now_ms;
  if (d.state != ConnState::kOffline && d.state != ConnState::kReconnectWait) {
    d.host->Disconnect();
    d.DropConnection();
  }
  d.opts = options;
  d.started = true;
  d.nick = options.nick;
  d.account.clear();
  d.quitting = false;
  d.backoff_ms = kMinBackoffMs;
  if (d.presence == Presence::kOffline) d.presence = Presence::kOnline;
  d.SetState(ConnState::kConnecting);
  d.host->Connect();
}

void Core::GoOffline(std::string_view quit_message) {
  Impl& d = *impl_;
  if (d.state == ConnState::kRegistering || d.state == ConnState::kOnline) {
    d.quitting = true;
    d.SendCmd("QUIT", {std::string(quit_message)});
  }
  if (d.state != ConnState::kOffline && d.state != ConnState::kReconnectWait) d.host->Disconnect();
  d.DropConnection();
  d.presence = Presence::kOffline;
  d.SetState(ConnState::kOffline);
}

void Core::ReconnectNow(int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state == ConnState::kReconnectWait) {
    d.backoff_ms = kMinBackoffMs;
    d.SetState(ConnState::kConnecting);
    d.host->Connect();
  } else if (d.state == ConnState::kOffline && d.started) {
    SetPresence(d.presence == Presence::kOffline ? Presence::kOnline : d.presence, d.away_message);
  }
}

void Core::SetNotifyAll(bool all) { impl_->notify_all = all; }

void Core::OnConnected(int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state != ConnState::kConnecting) return;
  d.framer = irc::LineFramer(irc::kMaxLineBytes);
  d.last_recv_ms = now_ms;
  d.ping_sent_ms = 0;
  d.quitting = false;
  d.SetState(ConnState::kRegistering);
  d.BeginCapNegotiation();
}

void Core::OnData(std::string_view bytes, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state != ConnState::kRegistering && d.state != ConnState::kOnline) return;
  d.last_recv_ms = now_ms;
  d.ping_sent_ms = 0;
  d.framer.Feed(bytes);
  std::string_view line;
  for (;;) {
    const auto next = d.framer.TakeNext(&line);
    if (next == irc::LineFramer::Next::kNone) break;
    if (next == irc::LineFramer::Next::kOverlong) continue;
    d.HandleLine(line);
    // A fatal problem or a lost connection ends this connection's input.
    if (d.state != ConnState::kRegistering && d.state != ConnState::kOnline) break;
  }
}

void Core::OnConnectFailed(std::string_view reason, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state != ConnState::kConnecting) return;
  d.ConnectionEnded(Problem::kUnreachable,
                    "Cannot reach the server" + (reason.empty() ? std::string(".") : ": " + std::string(reason)));
}

void Core::OnDisconnected(std::string_view reason, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state != ConnState::kRegistering && d.state != ConnState::kOnline) return;
  d.ConnectionEnded(Problem::kConnectionLost,
                    "Connection lost" + (reason.empty() ? std::string(".") : ": " + std::string(reason)));
}

void Core::Tick(int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  if (d.state == ConnState::kReconnectWait && now_ms >= d.reconnect_at_ms) {
    d.SetState(ConnState::kConnecting);
    d.host->Connect();
    return;
  }
  if (d.state == ConnState::kRegistering || d.state == ConnState::kOnline) {
    if (d.ping_sent_ms == 0 && now_ms - d.last_recv_ms >= kPingIdleMs) {
      d.ping_sent_ms = now_ms;
      d.SendCmd("PING", {"keepalive"});
    } else if (d.ping_sent_ms != 0 && now_ms - d.ping_sent_ms >= kPingTimeoutMs) {
      d.host->Disconnect();
      d.ConnectionEnded(Problem::kConnectionLost, "Connection lost: the server stopped answering.");
      return;
    }
  }
  for (auto& c : d.convs) {
    bool changed = false;
    for (auto it = c->typing.begin(); it != c->typing.end();) {
      if (it->second <= now_ms) {
        it = c->typing.erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    if (changed) d.host->OnTypingChanged(c->key);
    ConvExtra& x = d.Extra(*c);
    if (x.members_due_ms != 0 && x.members_due_ms <= now_ms) d.RequestMembersNow(c.get());
  }
}

int64_t Core::NextWakeMs() const {
  const Impl& d = *impl_;
  int64_t next = INT64_MAX;
  if (d.state == ConnState::kReconnectWait) next = d.reconnect_at_ms;
  if (d.state == ConnState::kRegistering || d.state == ConnState::kOnline) {
    next = std::min(next, d.ping_sent_ms != 0 ? d.ping_sent_ms + kPingTimeoutMs : d.last_recv_ms + kPingIdleMs);
  }
  for (const auto& c : d.convs) {
    for (const auto& [who, expiry] : c->typing) next = std::min(next, expiry);
    auto it = d.extra.find(c->key);
    if (it != d.extra.end() && it->second.members_due_ms != 0) next = std::min(next, it->second.members_due_ms);
  }
  return next;
}

void Core::SetPresence(Presence presence, std::string_view away_message) {
  Impl& d = *impl_;
  if (presence == Presence::kOffline) return GoOffline();
  d.presence = presence;
  d.away_message = std::string(away_message);
  if (d.state == ConnState::kOnline) {
    d.ApplyPresence(false);
  } else if (d.state == ConnState::kOffline && d.started) {
    d.backoff_ms = kMinBackoffMs;
    d.SetState(ConnState::kConnecting);
    d.host->Connect();
  }
}

void Core::SendText(std::string_view key, std::string_view text, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  Conversation* c = d.FindConv(key);
  if (c == nullptr && !irc::IsChannelName(key) && irc::IsValidNick(key, 64)) {
    c = d.GetConv(key, Conversation::Kind::kDirect);
  }
  if (c == nullptr) return;
  d.Extra(*c).typing_sent_ms = -1;  // the message itself ends "typing" (+typing spec)
  bool changed = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    bool action = false;
    if (line.substr(0, 4) == "/me ") {
      action = true;
      line.remove_prefix(4);
    }
    while (!line.empty()) {
      std::string_view chunk = irc::TruncateUtf8(line, kMaxTextChunk);
      if (chunk.empty()) chunk = line.substr(0, kMaxTextChunk);  // not UTF-8: cut bytes
      line.remove_prefix(chunk.size());
      std::string clean(chunk);
      clean.erase(std::remove(clean.begin(), clean.end(), '\0'), clean.end());
      if (clean.empty()) continue;
      OutboxEntry e;
      e.label = d.host->NewLabel();
      e.target = c->name;
      e.text = action ? "\x01" "ACTION " + clean + "\x01" : clean;
      e.created_ms = now_ms;
      ChatLine l;
      l.kind = action ? ChatLine::Kind::kAction : ChatLine::Kind::kMessage;
      l.label = e.label;
      l.time_ms = now_ms;
      l.from = d.nick;
      l.account = d.account;
      l.text = clean;
      l.self = true;
      l.pending = true;
      const bool queued = d.outbox.Add(e);
      if (!queued) {
        l.pending = false;
        l.failed = true;
      }
      d.AppendLine(c, std::move(l));
      changed = true;
      if (!queued) {
        d.Report(Problem::kCannotSend, c->name, "Too many unsent messages; this one was not queued.");
      } else if (d.state == ConnState::kOnline) {
        d.SendOutboxEntry(e);
      }
    }
  }
  if (changed) {
    d.SaveOutbox();
    d.host->OnLinesChanged(c->key);
  }
}

void Core::SetTyping(std::string_view key, bool typing, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || d.state != ConnState::kOnline || !d.Has("message-tags")) return;
  ConvExtra& x = d.Extra(*c);
  irc::Message m;
  m.command = "TAGMSG";
  m.params = {c->name};
  if (typing) {
    if (x.typing_sent_ms >= 0 && now_ms - x.typing_sent_ms < kTypingResendMs) return;
    x.typing_sent_ms = now_ms;
    m.SetTag("+typing", "active");
  } else {
    if (x.typing_sent_ms < 0) return;
    x.typing_sent_ms = -1;
    m.SetTag("+typing", "done");
  }
  d.Send(m);
}

void Core::SetActive(std::string_view key) {
  Impl& d = *impl_;
  d.active = irc::Fold(key);
  Conversation* c = d.FindConv(key);
  if (c == nullptr) return;
  if (c->unread != 0 || c->mentions != 0) {
    c->unread = 0;
    c->mentions = 0;
    d.host->OnConversationsChanged();
  }
  if (c->history_loaded || d.state != ConnState::kOnline) return;
  if (!d.Has("draft/chathistory")) {
    c->history_loaded = true;
    return;
  }
  for (const HistoryRequest& r : d.history_requests[c->key]) {
    if (r.kind == HistoryKind::kLatest) return;
  }
  d.RequestHistory(c, HistoryKind::kLatest, "*", kHistoryPage, false);
}

void Core::LoadOlder(std::string_view key) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->history_complete || d.state != ConnState::kOnline) return;
  for (const HistoryRequest& r : d.history_requests[c->key]) {
    if (r.kind != HistoryKind::kAfter) return;  // one page at a time
  }
  for (const ChatLine& l : c->lines) {
    if (!l.msgid.empty()) {
      d.RequestHistory(c, HistoryKind::kBefore, "msgid=" + l.msgid, kHistoryPage, false);
      return;
    }
  }
  d.RequestHistory(c, HistoryKind::kLatest, "*", kHistoryPage, false);
}

void Core::RequestMembers(std::string_view key) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c != nullptr && c->kind == Conversation::Kind::kChannel) d.RequestMembersNow(c);
}

void Core::Join(std::string_view channel, std::string_view channel_key) {
  Impl& d = *impl_;
  if (!irc::IsValidChannelName(channel, 200) || channel_key.find(' ') != std::string_view::npos) return;
  d.extra[irc::Fold(channel)].join_key = std::string(channel_key);
  if (d.state != ConnState::kOnline) {
    d.join_queue.insert(std::string(channel));
    return;
  }
  std::vector<std::string> params{std::string(channel)};
  if (!channel_key.empty()) params.emplace_back(channel_key);
  d.SendCmd("JOIN", params);
}

void Core::CreateChannel(std::string_view channel, bool is_private) {
  Impl& d = *impl_;
  Join(channel);
  if (is_private && d.state == ConnState::kOnline && irc::IsValidChannelName(channel, 200)) {
    d.SendCmd("MODE", {std::string(channel), "+is"});
  }
}

void Core::CreateGroup(std::string_view channel, const std::vector<std::string>& members) {
  Impl& d = *impl_;
  if (d.state != ConnState::kOnline || !irc::IsValidChannelName(channel, 200)) return;
  CreateChannel(channel, true);
  for (const std::string& m : members) {
    if (irc::IsValidNick(m, 64)) d.SendCmd("INVITE", {m, std::string(channel)});
  }
}

void Core::Leave(std::string_view key, std::string_view reason) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr) return;
  if (c->kind == Conversation::Kind::kChannel && c->joined && d.state == ConnState::kOnline) {
    std::vector<std::string> params{c->name};
    if (!reason.empty()) params.emplace_back(reason);
    d.SendCmd("PART", params);
  }
  // Unsent messages to a conversation the user closed would only fail later.
  std::vector<std::string> drop;
  for (const OutboxEntry& e : d.outbox.entries()) {
    if (irc::EqualFold(e.target, c->name)) drop.push_back(e.label);
  }
  for (const std::string& label : drop) d.outbox.Remove(label);
  if (!drop.empty()) d.SaveOutbox();
  d.join_queue.erase(c->name);
  d.RemoveConv(c->key);
  d.host->OnConversationsChanged();
}

void Core::DeleteChannel(std::string_view key) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel || d.state != ConnState::kOnline) return;
  d.SendCmd("CHANNEL", {"DROP", c->name});
}

void Core::OpenDirect(std::string_view nick) {
  Impl& d = *impl_;
  if (!irc::IsValidNick(nick, 64)) return;
  d.GetConv(nick, Conversation::Kind::kDirect);
}

void Core::ListChannels() {
  Impl& d = *impl_;
  d.list.clear();
  if (d.state == ConnState::kOnline) d.SendCmd("LIST", {});
}

const Member* Core::FindPerson(std::string_view nick) const {
  for (const auto& c : impl_->convs) {
    if (c->kind != Conversation::Kind::kChannel) continue;
    for (const Member& m : c->members) {
      if (!m.nick.empty() && irc::EqualFold(m.nick, nick)) return &m;
    }
  }
  return nullptr;
}

ConnState Core::state() const { return impl_->state; }
Presence Core::presence() const { return impl_->presence; }
const std::string& Core::nick() const { return impl_->nick; }
const std::string& Core::account() const { return impl_->account; }
int64_t Core::reconnect_at_ms() const { return impl_->reconnect_at_ms; }
const std::vector<std::unique_ptr<Conversation>>& Core::conversations() const { return impl_->convs; }
const Outbox& Core::outbox() const { return impl_->outbox; }
bool Core::is_admin() const { return impl_->is_admin; }

const Conversation* Core::Find(std::string_view key) const {
  const std::string k = irc::Fold(key);
  for (const auto& c : impl_->convs) {
    if (c->key == k) return c.get();
  }
  return nullptr;
}

bool Core::CanDelete(std::string_view key) const {
  const Conversation* c = Find(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel) return false;
  if (impl_->is_admin) return true;
  for (const Member& m : c->members) {
    if (m.op && !m.nick.empty() && irc::EqualFold(m.nick, impl_->nick)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- files

void Core::RequestFileToken() {
  if (impl_->state == ConnState::kOnline) impl_->SendCmd("FILEHOST", {"TOKEN"});
}

void Core::SendFile(std::string_view key, std::string_view url, std::string_view file_tag, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || url.empty() || url.find_first_of(std::string_view("\r\n\0 ", 4)) != std::string_view::npos) {
    return;
  }
  OutboxEntry e;
  e.label = d.host->NewLabel();
  e.target = c->name;
  e.text = std::string(url);
  e.file_tag = std::string(file_tag);
  e.created_ms = now_ms;
  ChatLine l;
  l.label = e.label;
  l.time_ms = now_ms;
  l.from = d.nick;
  l.account = d.account;
  l.text = e.text;
  l.file_tag = e.file_tag;
  l.self = true;
  l.pending = true;
  const bool queued = d.outbox.Add(e);
  if (!queued) {
    l.pending = false;
    l.failed = true;
  }
  d.AppendLine(c, std::move(l));
  if (!queued) {
    d.Report(Problem::kCannotSend, c->name, "Too many unsent messages; the file link was not queued.");
  } else if (d.state == ConnState::kOnline) {
    d.SendOutboxEntry(e);
  }
  d.SaveOutbox();
  d.host->OnLinesChanged(c->key);
}

const std::string& Core::filehost_url() const { return impl_->filehost; }

}  // namespace chat::client
