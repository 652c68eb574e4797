// PRIVMSG, NOTICE (RFC 2812 §3.3) and TAGMSG (IRCv3 message-tags): the
// message fan-out, with msgid, server-time, echo-message, STATUSMSG and
// chatd.dev/outbox's idempotent resend (doc/protocol.md).
#include <ctime>

#include "chatd/irc/account_sessions.h"
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

// A TAGMSG whose client tags are only typing notifications
// (https://ircv3.net/specs/client-tags/typing): relayed, never history.
static bool TypingOnly(const Message& msg) {
  bool typing = false;
  for (const auto& t : msg.tags) {
    if (t.key.empty() || t.key[0] != '+') continue;
    if (t.key != "+typing" && t.key != "+draft/typing") return false;
    typing = true;
  }
  return typing;
}

// Appends out to history under `key` before anyone sees it, so an echo
// (the sender's acknowledgement) always follows a committed write. On failure
// the sender gets FAIL and the message goes nowhere. `label_key` (may be
// empty) is the outbox idempotency key stored with it.
static bool StoreMessage(Server& server, Client& c, const Message& out, const std::string& key,
                         int64_t now_ms, const std::string& label_key) {
  if (!server.config().history_enabled) return true;
  if (out.command == "TAGMSG" && TypingOnly(out)) return true;
  HistoryRecord rec;
  rec.target = key;
  rec.msgid = *out.FindTag("msgid");
  rec.time_ms = now_ms;
  rec.command = out.command;
  rec.source = out.source;
  rec.account = c.account();
  rec.label_key = label_key;
  rec.to = out.params[0];
  if (out.params.size() > 1) rec.text = out.params[1];
  Message client_tags;
  for (const auto& t : out.tags) {
    if (!t.key.empty() && t.key[0] == '+') client_tags.tags.push_back(t);
  }
  if (!client_tags.tags.empty()) {
    client_tags.command = "X";
    std::string wire = irc::Serialize(client_tags);  // "@+a=b;+c X\r\n"
    rec.tags = wire.substr(1, wire.find(' ') - 1);
  }
  chat::Status s = server.store()->AppendHistory(rec);
  if (s.ok()) return true;
  LOG_ERROR("client %llu [%s] history write failed: %s", static_cast<unsigned long long>(c.id()),
            c.address().c_str(), s.ToString().c_str());
  c.StandardReply("FAIL", out.command, "TEMPORARILY_UNAVAILABLE", {out.params[0]},
                  "The message could not be stored and was not sent; try again");
  return false;
}

// May c speak in ch? (RFC 2811 §4.2.3 +n, §4.2.3 +m, bans)
static bool CanSend(Channel& ch, const Client& c) {
  const MemberFlags* flags = ch.FindMember(&c);
  if (flags == nullptr) return !ch.no_external && !ch.moderated && !ch.IsBanned(&c);
  if (flags->op || flags->voice) return true;
  return !ch.moderated && !ch.IsBanned(&c);
}

// The longest text that keeps ":<prefix> <command> <target> :<text>\r\n"
// within the 512-byte line limit (RFC 2812 §2.3) once the server adds the prefix.
static std::size_t MaxText(const Client& c, const std::string& command, const std::string& target) {
  std::size_t overhead = 1 + c.prefix().size() + 1 + command.size() + 1 + target.size() + 2 + 2;
  return overhead >= irc::kMaxBodyBytes ? 0 : irc::kMaxBodyBytes - overhead;
}

// chatd.dev/outbox: the store's key for c's label on a message to `target`
// (as written): the sender's identity (folded account, or the connection's
// guest key), the folded target and the label, NUL-separated.
static std::string OutboxKey(const Client& c, const std::string& target) {
  std::string key = Identity(c);
  key += '\0';
  key += irc::Fold(target);
  key += '\0';
  key += c.label();
  return key;
}

// Answers a resend whose first copy is stored: the sender sees what it saw
// the first time (the original's echo, or nothing, i.e. the labeled ACK)
// and nobody else sees anything. False when there is no first copy (or the
// store failed, which the sender is told).
static bool ReplayOutbox(Server& server, Client& c, const std::string& command, const std::string& target,
                         const std::string& label_key) {
  auto first = server.store()->FindByLabel(label_key);
  if (first.ok() && first.value().time_ms < PrivateHistoryStartMs(server, c)) {
    // Stored by a former account of the same name: never shown. The label
    // stays taken, so the send fails as a store failure would.
    c.StandardReply("FAIL", command, "TEMPORARILY_UNAVAILABLE", {target},
                    "That label was used before; send with a new one");
    return true;
  }
  if (first.ok()) {
    if (c.has(kCapEchoMessage)) c.Send(MessageFromHistory(first.value()));
    return true;
  }
  if (first.status().code() == chat::Status::Code::kNotFound) return false;
  LOG_ERROR("client %llu [%s] outbox lookup failed: %s", static_cast<unsigned long long>(c.id()),
            c.address().c_str(), first.status().ToString().c_str());
  c.StandardReply("FAIL", command, "TEMPORARILY_UNAVAILABLE", {target},
                  "The message could not be checked against earlier sends and was not sent; try again");
  return true;
}

// The sender's copy: to c with echo-message, and to the other sessions of
// c's user regardless of their echo-message (as Ergo's multiclient does),
// so every device shows what was sent from any of them.
static void Echo(Client& c, const Message& out, CapSet required) {
  if (c.has(kCapEchoMessage)) c.Send(out);
  if (c.front()->has_attached() || !c.is_front()) {
    Outgoing fan(out);
    c.front()->Deliver(fan, &c, required);
  }
}

// Stores a direct message unless a guest taking part has used up its
// [history] guest_max_messages (then it is delivered unstored). Returns
// false when the store failed (the sender was told).
static bool StoreDirect(Server& server, Client& c, Client& to, const Message& out, int64_t now_ms,
                        const std::string& label_key) {
  const uint32_t cap = server.config().guest_max_messages;
  Client* guests[2] = {c.logged_in() ? nullptr : &c, to.logged_in() || &to == &c ? nullptr : &to};
  for (Client* g : guests) {
    if (g != nullptr && g->guest_dm_stored_ >= cap) return true;
  }
  if (!StoreMessage(server, c, out, DirectKey(Identity(c), Identity(to)), now_ms, label_key)) return false;
  for (Client* g : guests) {
    if (g != nullptr) ++g->guest_dm_stored_;
  }
  return true;
}

static void Relay(Server& server, Client& c, const Message& msg) {
  const bool tagmsg = msg.command == "TAGMSG";
  if (!tagmsg) server.NoteMessage();  // chatctl status: messages/s
  // Modern IRC, NOTICE: "the server MUST NOT send any error back" for NOTICE.
  const bool quiet = msg.command == "NOTICE";
  auto error = [&](irc::Numeric n, std::initializer_list<std::string_view> params) {
    if (!quiet) c.Numeric(n, params);
  };
  if (msg.params.empty() || msg.params[0].empty()) {
    error(irc::ERR_NORECIPIENT, {"No recipient given (" + msg.command + ")"});
    return;
  }
  if (!tagmsg && (msg.params.size() < 2 || msg.params[1].empty())) {
    error(irc::ERR_NOTEXTTOSEND, {"No text to send"});
    return;
  }
  std::vector<std::string> targets = SplitList(msg.params[0]);
  if (targets.size() > server.config().maxtargets) {
    error(irc::ERR_TOOMANYTARGETS, {msg.params[0], "Too many targets"});
    return;
  }
  if (!tagmsg) c.last_message_ = time(nullptr);
  const CapSet required = tagmsg ? CapSet{kCapMessageTags} : CapSet{0};
  // chatd.dev/outbox needs the label, so labeled-response too, and history.
  const bool outbox = !tagmsg && c.has(kCapOutbox) && c.capturing() && !c.label().empty() &&
                      server.config().history_enabled;
  for (const auto& target : targets) {
    // STATUSMSG ("@#chan") isn't history, so it has no outbox entry either.
    std::string label_key;
    if (outbox && target[0] != '@' && target[0] != '+') {
      label_key = OutboxKey(c, target);
      if (ReplayOutbox(server, c, msg.command, target, label_key)) continue;
    }
    const int64_t now_ms = NowMs();
    Message out;
    out.tags = msg.tags;  // client-only tags, filtered in session.cc
    out.SetTag("time", FormatServerTime(now_ms));
    out.SetTag("msgid", server.NewMsgid());
    if (c.logged_in()) out.SetTag("account", c.account());  // account-tag
    out.source = c.prefix();
    out.command = msg.command;
    out.params.push_back(target);
    if (!tagmsg) out.params.emplace_back(irc::TruncateUtf8(msg.params[1], MaxText(c, msg.command, target)));

    // STATUSMSG: "@#chan" reaches ops, "+#chan" voiced users and ops.
    std::size_t skip = 0;
    while (skip < target.size() && (target[skip] == '@' || target[skip] == '+')) ++skip;
    std::string_view name = std::string_view(target).substr(skip);
    if (irc::IsChannelName(name)) {
      Channel* ch = server.FindChannel(name);
      if (ch == nullptr) {
        error(irc::ERR_NOSUCHCHANNEL, {std::string(name), "No such channel"});
        continue;
      }
      if (!CanSend(*ch, c)) {
        error(irc::ERR_CANNOTSENDTOCHAN, {ch->name(), "Cannot send to channel"});
        continue;
      }
      // STATUSMSG goes to part of the channel only, so it isn't history.
      if (skip == 0 && !StoreMessage(server, c, out, irc::Fold(ch->name()), now_ms, label_key)) continue;
      if (skip == 0) {
        ch->Broadcast(out, &c, required);
      } else {
        bool voiced_too = target.find('+') < skip;
        Outgoing fan(out);
        for (auto& [member, flags] : ch->members()) {
          if (flags.op || (voiced_too && flags.voice)) member->Deliver(fan, &c, required);
        }
      }
      // The channel fan-out reached c's other sessions (its user is a member).
      if (c.has(kCapEchoMessage)) c.Send(out);
    } else {
      // A user by nick, or by account name while it uses another nick.
      Client* to = server.FindNick(target);
      if (to == nullptr) to = server.FindAccountUser(target);
      if (to == nullptr) {
        AccountRecord offline;
        if (c.logged_in() && server.config().history_enabled && FindOfflineAccount(server, target, &offline)) {
          // Offline delivery: stored now, replayed at the account's next login.
          if (tagmsg) continue;  // typing to someone away isn't kept
          if (!StoreMessage(server, c, out, DirectKey(Identity(c), irc::Fold(offline.name)), now_ms, label_key)) {
            continue;
          }
          Echo(c, out, required);
          if (msg.command == "PRIVMSG") {
            c.StandardReply("NOTE", "PRIVMSG", "RECIPIENT_OFFLINE", {target},
                            target + " is offline; the message will be delivered when they log in");
          }
          continue;
        }
        error(irc::ERR_NOSUCHNICK, {target, "No such nick/channel"});
        continue;
      }
      if (!StoreDirect(server, c, *to, out, now_ms, label_key)) continue;
      Outgoing fan(out);
      // Every session of the receiver; when that is c's own user, c itself
      // only through its echo, or once without echo-message.
      to->Deliver(fan, &c, required);
      if (msg.command == "PRIVMSG" && !to->away().empty()) {
        c.Numeric(irc::RPL_AWAY, {to->nick(), to->away()});
      }
      if (to == c.front()) {
        c.Send(out);  // a message to oneself arrives once, echo-message or not
        continue;
      }
      Echo(c, out, required);
    }
  }
}

const std::vector<CommandSpec>& MessageCommands() {
  static const std::vector<CommandSpec> specs = {
      {"PRIVMSG", 0, false, 1, &Relay},
      {"NOTICE", 0, false, 1, &Relay},
      {"TAGMSG", 1, false, 1, &Relay},
  };
  return specs;
}

}  // namespace chatd
