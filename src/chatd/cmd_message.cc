// PRIVMSG, NOTICE (RFC 2812 §3.3) and TAGMSG (IRCv3 message-tags): the
// message fan-out, with msgid, server-time, echo-message and STATUSMSG.
#include <ctime>

#include "chatd/channel.h"
#include "chatd/client.h"
#include "chatd/dispatch.h"
#include "chatd/log.h"
#include "chatd/server.h"
#include "chatd/session.h"
#include "chatd/store.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// Appends out to history under `key` before anyone sees it, so an echo
// (the sender's acknowledgement) always follows a committed write. On failure
// the sender gets FAIL and the message goes nowhere.
static bool StoreMessage(Server& server, Client& c, const Message& out, const std::string& key,
                         int64_t now_ms) {
  if (!server.config().history_enabled) return true;
  HistoryRecord rec;
  rec.target = key;
  rec.msgid = *out.FindTag("msgid");
  rec.time_ms = now_ms;
  rec.command = out.command;
  rec.source = out.source;
  rec.account = c.account();
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
static bool CanSend(const Channel& ch, const Client& c) {
  const auto& members = ch.members();
  auto it = members.find(const_cast<Client*>(&c));
  if (it == members.end()) return !ch.no_external && !ch.moderated && !ch.IsBanned(&c);
  if (it->second.op || it->second.voice) return true;
  return !ch.moderated && !ch.IsBanned(&c);
}

// The longest text that keeps ":<prefix> <command> <target> :<text>\r\n"
// within the 512-byte line limit (RFC 2812 §2.3) once the server adds the prefix.
static std::size_t MaxText(const Client& c, const std::string& command, const std::string& target) {
  std::size_t overhead = 1 + c.prefix().size() + 1 + command.size() + 1 + target.size() + 2 + 2;
  return overhead >= irc::kMaxBodyBytes ? 0 : irc::kMaxBodyBytes - overhead;
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
  for (const auto& target : targets) {
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
      if (skip == 0 && !StoreMessage(server, c, out, irc::Fold(ch->name()), now_ms)) continue;
      if (skip == 0) {
        ch->Broadcast(out, &c, required);
      } else {
        bool voiced_too = target.find('+') < skip;
        Outgoing fan(out);
        for (auto& [member, flags] : ch->members()) {
          if (member == &c || member->closing() || (required && !member->has(kCapMessageTags))) continue;
          if (flags.op || (voiced_too && flags.voice)) member->SendFanout(fan);
        }
      }
    } else {
      Client* to = server.FindNick(target);
      if (to == nullptr) {
        error(irc::ERR_NOSUCHNICK, {target, "No such nick/channel"});
        continue;
      }
      if (!StoreMessage(server, c, out, DirectKey(Identity(c), Identity(*to)), now_ms)) continue;
      if (to != &c && (!tagmsg || to->has(kCapMessageTags))) to->Send(out);
      if (msg.command == "PRIVMSG" && !to->away().empty()) {
        c.Numeric(irc::RPL_AWAY, {to->nick(), to->away()});
      }
      if (to == &c && !c.has(kCapEchoMessage)) c.Send(out);  // a message to oneself arrives once
    }
    if (c.has(kCapEchoMessage)) c.Send(out);
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
