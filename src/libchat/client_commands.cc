// The client core's user commands: Core::Input (slash commands, parsed by
// slash_command.cc), channel management (TOPIC, INVITE, KICK, MODE +b/+o,
// RFC 2812 §3.2), NICK and WHOIS with its collected replies (RFC 2812
// §3.6.2, numerics 311-319 and 330 from Modern IRC).
#include <utility>

#include "libchat/casemap.h"
#include "libchat/client_core_impl.h"
#include "libchat/numerics.h"
#include "libchat/slash_command.h"

namespace chat::client {

void Core::Impl::AddInfo(std::string_view key, std::string text) {
  Conversation* c = FindConv(key);
  if (c == nullptr) return;
  ChatLine l;
  l.kind = ChatLine::Kind::kInfo;
  l.time_ms = now_ms;
  l.text = std::move(text);
  AppendLine(c, std::move(l));
  host->OnLinesChanged(c->key);
}

bool Core::Impl::HandleWhoisReply(int code, const irc::Message& m) {
  // <me> <nick> ... :<text>
  if (whois_key.empty() || m.params.size() < 3) return false;
  const std::string& who = m.params[1];
  const std::string& text = m.params.back();
  switch (code) {
    case irc::RPL_WHOISUSER:  // <me> <nick> <user> <host> * :<real name>
      if (m.params.size() >= 6)
        whois_parts.push_back(who + " is " + m.params[2] + "@" + m.params[3] + " (" + text + ")");
      return true;
    case irc::RPL_WHOISACCOUNT:  // <me> <nick> <account> :is logged in as
      if (m.params.size() >= 4) whois_parts.push_back("registered account " + m.params[2]);
      return true;
    case irc::RPL_WHOISCHANNELS:
      whois_parts.push_back("in " + text);
      return true;
    case irc::RPL_AWAY:
      whois_parts.push_back("away: " + text);
      return true;
    case irc::RPL_WHOISIDLE:  // <me> <nick> <seconds> <signon> :...
      if (m.params.size() >= 4) whois_parts.push_back("idle " + m.params[2] + " s");
      return true;
    case irc::RPL_WHOISSERVER:
    case irc::RPL_WHOISOPERATOR:
    case irc::RPL_WHOISHOST:
    case irc::RPL_WHOISMODES:
    case irc::RPL_WHOISSECURE:
    case irc::RPL_WHOISACTUALLY:
    case irc::RPL_WHOISBOT:
      return true;  // not shown
    case irc::RPL_ENDOFWHOIS: {
      std::string out;
      for (const std::string& part : whois_parts) out += (out.empty() ? "" : "; ") + part;
      if (out.empty()) out = who + ": no such nick";
      else if (out.find("registered account") == std::string::npos) out += "; guest (no account)";
      AddInfo(std::exchange(whois_key, ""), out);
      whois_parts.clear();
      return true;
    }
    default:
      return false;
  }
}

InputResult Core::Input(std::string_view key, std::string_view text, int64_t now_ms) {
  Impl& d = *impl_;
  d.now_ms = now_ms;
  InputResult result;
  const SlashCommand cmd = ParseSlashCommand(text);
  const Conversation* here = d.FindConv(key);
  const bool channel = here != nullptr && here->kind == Conversation::Kind::kChannel;
  auto need_channel = [&]() {
    if (channel) return true;
    d.AddInfo(key, "/" + cmd.name + " works in a channel.");
    return false;
  };
  using Kind = SlashCommand::Kind;
  switch (cmd.kind) {
    case Kind::kText:
      // "//me x" means the text "/me x", not an action: keep it literal.
      if (cmd.text.rfind("/me ", 0) == 0) {
        SendText(key, " " + cmd.text, now_ms);
      } else {
        SendText(key, cmd.text, now_ms);
      }
      break;
    case Kind::kMe: SendText(key, "/me " + cmd.text, now_ms); break;
    case Kind::kJoin:
      Join(cmd.target, cmd.arg);
      result.open = cmd.target;
      break;
    case Kind::kPart: {
      const std::string target = cmd.target.empty() ? std::string(key) : cmd.target;
      if (cmd.target.empty() && !need_channel()) break;
      Leave(target, cmd.text);
      break;
    }
    case Kind::kMsg:
      if (!irc::IsChannelName(cmd.target) && !irc::IsValidNick(cmd.target, 64)) {
        d.AddInfo(key, "\"" + cmd.target + "\" is not a nick or channel.");
        break;
      }
      SendText(cmd.target, cmd.text, now_ms);
      break;
    case Kind::kQuery:
      if (!irc::IsValidNick(cmd.target, 64)) {
        d.AddInfo(key, "\"" + cmd.target + "\" is not a nick.");
        break;
      }
      OpenDirect(cmd.target);
      if (!cmd.text.empty()) SendText(cmd.target, cmd.text, now_ms);
      result.open = cmd.target;
      break;
    case Kind::kTopic:
      if (!need_channel()) break;
      if (cmd.has_text) {
        SetTopic(key, cmd.text);
      } else {
        d.AddInfo(key, here->topic.empty() ? "No topic is set." : "Topic: " + here->topic);
      }
      break;
    case Kind::kInvite: {
      std::string chan = cmd.arg;
      if (chan.empty()) {
        if (!need_channel()) break;
        chan = here->name;
      }
      Invite(cmd.target, chan);
      d.AddInfo(key, "Invited " + cmd.target + " to " + chan + ".");
      break;
    }
    case Kind::kKick:
      if (need_channel()) Kick(key, cmd.target, cmd.text);
      break;
    case Kind::kBan:
      if (need_channel()) Ban(key, cmd.target);
      break;
    case Kind::kAway:
      SetPresence(cmd.text.empty() ? Presence::kOnline : Presence::kAway, cmd.text);
      d.AddInfo(key, cmd.text.empty() ? "You are back." : "You are away: " + cmd.text);
      break;
    case Kind::kNick:
      if (!irc::IsValidNick(cmd.target, 64)) {
        d.AddInfo(key, "\"" + cmd.target + "\" is not a valid nickname.");
        break;
      }
      ChangeNick(cmd.target);
      break;
    case Kind::kWhois: Whois(key, cmd.target); break;
    case Kind::kQuit:
      GoOffline(cmd.text.empty() ? "Going offline" : cmd.text);
      result.quit = true;
      break;
    case Kind::kHelp:
    case Kind::kError: d.AddInfo(key, cmd.text); break;
  }
  return result;
}

void Core::SetTopic(std::string_view key, std::string_view topic) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel || d.state != ConnState::kOnline) return;
  d.SendCmd("TOPIC", {c->name, std::string(topic)});
}

void Core::Invite(std::string_view nick, std::string_view channel) {
  Impl& d = *impl_;
  if (d.state != ConnState::kOnline || !irc::IsValidNick(nick, 64) || !irc::IsChannelName(channel)) return;
  d.SendCmd("INVITE", {std::string(nick), std::string(channel)});
}

void Core::Kick(std::string_view key, std::string_view nick, std::string_view reason) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel || d.state != ConnState::kOnline ||
      nick.empty() || nick.find(' ') != std::string_view::npos)
    return;
  std::vector<std::string> params{c->name, std::string(nick)};
  if (!reason.empty()) params.emplace_back(reason);
  d.SendCmd("KICK", params);
}

void Core::Ban(std::string_view key, std::string_view nick) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel || d.state != ConnState::kOnline ||
      nick.empty() || nick.find(' ') != std::string_view::npos)
    return;
  // A bare nick becomes the mask nick!*@*; a mask is used as given.
  std::string mask(nick);
  if (mask.find_first_of("!@*") == std::string::npos) mask += "!*@*";
  d.SendCmd("MODE", {c->name, "+b", mask});
  if (mask.compare(0, nick.size() + 1, std::string(nick) + "!") == 0 || mask == nick)
    d.SendCmd("KICK", {c->name, std::string(nick).substr(0, nick.find('!')), "Banned"});
}

void Core::SetOperator(std::string_view key, std::string_view nick, bool op) {
  Impl& d = *impl_;
  Conversation* c = d.FindConv(key);
  if (c == nullptr || c->kind != Conversation::Kind::kChannel || d.state != ConnState::kOnline ||
      !irc::IsValidNick(nick, 64))
    return;
  d.SendCmd("MODE", {c->name, op ? "+o" : "-o", std::string(nick)});
}

void Core::ChangeNick(std::string_view nick) {
  Impl& d = *impl_;
  if (d.state != ConnState::kOnline || !irc::IsValidNick(nick, 64)) return;
  d.SendCmd("NICK", {std::string(nick)});
}

void Core::Whois(std::string_view key, std::string_view nick) {
  Impl& d = *impl_;
  if (d.state != ConnState::kOnline || !irc::IsValidNick(nick, 64)) {
    d.AddInfo(key, "Cannot ask who " + std::string(nick) + " is now.");
    return;
  }
  d.whois_key = irc::Fold(key);
  d.whois_parts.clear();
  d.SendCmd("WHOIS", {std::string(nick)});
}

}  // namespace chat::client
