// Channel membership and metadata: JOIN, PART, TOPIC, NAMES, LIST, INVITE,
// KICK (RFC 2812 §3.2, RFC 2811, Modern IRC; IRCv3 extended-join,
// invite-notify, multi-prefix, userhost-in-names, away-notify).
#include <cstdlib>
#include <ctime>

#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/wildcard.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

// 353 lines then 366 for ch, as `c` may see them (RFC 2812 §3.2.5).
static void SendNames(Client& c, const Channel* ch, const std::string& name) {
  if (ch != nullptr && (!ch->secret || ch->HasMember(&c))) {
    bool member = ch->HasMember(&c);
    const std::string symbol = ch->secret ? "@" : "=";
    std::string line;
    auto flush = [&] {
      if (!line.empty()) c.Numeric(irc::RPL_NAMREPLY, {symbol, ch->name(), line});
      line.clear();
    };
    for (const auto& [m, flags] : ch->members()) {
      if (!member && m->invisible()) continue;  // RFC 2812 §3.2.5: +i users hidden from outsiders
      std::string item = ch->PrefixOf(m, c.has(kCapMultiPrefix)) +
                         (c.has(kCapUserhostInNames) ? m->prefix() : m->nick());
      if (line.size() + item.size() + 1 > 380) flush();
      if (!line.empty()) line += ' ';
      line += item;
    }
    flush();
  }
  c.Numeric(irc::RPL_ENDOFNAMES, {ch != nullptr ? ch->name() : name, "End of /NAMES list"});
}

static void SendTopic(Client& c, const Channel& ch) {
  if (ch.topic.empty()) {
    c.Numeric(irc::RPL_NOTOPIC, {ch.name(), "No topic is set"});
    return;
  }
  c.Numeric(irc::RPL_TOPIC, {ch.name(), ch.topic});
  c.Numeric(irc::RPL_TOPICWHOTIME, {ch.name(), ch.topic_setter, std::to_string(ch.topic_time)});
}

void JoinChannel(Server& server, Client& c, const std::string& name, const std::string& key,
                 bool op_on_create) {
  const Config& cfg = server.config();
  if (!irc::IsValidChannelName(name, cfg.channellen)) {
    c.Numeric(irc::ERR_BADCHANMASK, {name, "Bad Channel Mask"});
    return;
  }
  Channel* ch = server.FindChannel(name);
  if (ch != nullptr && ch->HasMember(&c)) return;
  if (c.channels().size() >= cfg.max_channels) {
    c.Numeric(irc::ERR_TOOMANYCHANNELS, {name, "You have joined too many channels"});
    return;
  }
  bool creating = ch == nullptr;
  const std::string folded_account = irc::Fold(c.account());
  // Roster members of a registered channel are members: they pass +i/+k/+l.
  bool roster_member = !creating && ch->registered && c.logged_in() && ch->InRoster(c.account());
  bool invited = !creating && (ch->invited.count(irc::Fold(c.nick())) != 0 ||
                               (c.logged_in() && ch->invited_accounts.count(folded_account) != 0));
  if (roster_member && !invited && ch->IsBanned(&c)) {
    // Banned (by nick or host mask) while away: a ban is leaving for good,
    // as when it is set on a present member (channel_modes.cc).
    ch->RemoveFromRoster(c.account());
    server.SaveChannel(ch);
    c.Numeric(irc::ERR_BANNEDFROMCHAN, {ch->name(), "Cannot join channel (+b)"});
    return;
  }
  if (!creating && !roster_member) {
    if (ch->invite_only && !invited) {
      c.Numeric(irc::ERR_INVITEONLYCHAN, {ch->name(), "Cannot join channel (+i)"});
      return;
    }
    if (!invited && ch->IsBanned(&c)) {
      c.Numeric(irc::ERR_BANNEDFROMCHAN, {ch->name(), "Cannot join channel (+b)"});
      return;
    }
    if (!ch->key.empty() && key != ch->key) {
      c.Numeric(irc::ERR_BADCHANNELKEY, {ch->name(), "Cannot join channel (+k)"});
      return;
    }
    if (ch->limit != 0 && ch->members().size() >= ch->limit) {
      c.Numeric(irc::ERR_CHANNELISFULL, {ch->name(), "Cannot join channel (+l)"});
      return;
    }
  }
  if (creating) ch = server.CreateChannel(name);
  ch->invited.erase(irc::Fold(c.nick()));
  bool roster_changed = ch->invited_accounts.erase(folded_account) != 0;
  MemberFlags flags;
  flags.op = (creating && op_on_create) || (ch->registered && c.logged_in() && ch->op_accounts.count(folded_account));
  // The user joins (client.h): its front is the member, all sessions see it.
  Client& u = *c.front();
  ch->AddMember(&u, flags);
  u.channels_.insert(ch);
  // A channel created by a logged-in account is registered to it (as in
  // team chat apps); a guest's channel stays ephemeral unless allowed.
  if (creating && op_on_create && cfg.register_on_create && (c.logged_in() || cfg.guests_register_channels)) {
    server.RegisterChannel(ch, c.account());
  }
  if (ch->registered && c.logged_in() && !ch->InRoster(c.account())) {
    ch->AddToRoster(c.account());
    roster_changed = true;
  }
  if (roster_changed) server.SaveChannel(ch);

  Message plain = MakeEvent(c.prefix(), "JOIN", {ch->name()});
  Message extended =
      MakeEvent(c.prefix(), "JOIN", {ch->name(), c.logged_in() ? c.account() : "*", c.realname()});
  Outgoing plain_out(plain), extended_out(extended);
  Message away;
  if (!c.away().empty()) away = MakeEvent(c.prefix(), "AWAY", {c.away()});
  Outgoing away_out(away);
  for (auto& [m, f] : ch->members()) {
    m->Deliver(plain_out, nullptr, 0, kCapExtendedJoin);
    m->Deliver(extended_out, nullptr, kCapExtendedJoin);
    if (m != &u && !c.away().empty()) m->Deliver(away_out, nullptr, kCapAwayNotify);
  }
  // Every session of the user gets the burst: each shows the channel.
  SendChannelBurst(server, u, *ch);
  for (Client* s : u.attached()) SendChannelBurst(server, *s, *ch);
}

void SendChannelBurst(Server&, Client& c, const Channel& ch) {
  if (c.closing()) return;
  if (!ch.topic.empty()) SendTopic(c, ch);
  SendNames(c, &ch, ch.name());
}

// PART is leaving for good: the account also leaves a registered channel's roster.
static void PartOne(Server& server, Client& c, Channel* ch, const std::string& reason) {
  Message part = reason.empty() ? MakeEvent(c.prefix(), "PART", {ch->name()})
                                : MakeEvent(c.prefix(), "PART", {ch->name(), reason});
  ch->Broadcast(part, nullptr);
  ch->RemoveMember(c.front());
  c.front()->channels_.erase(ch);
  if (ch->registered && c.logged_in() && ch->RemoveFromRoster(c.account())) server.SaveChannel(ch);
  server.DeleteChannelIfEmpty(ch);
}

static void HandleJoin(Server& server, Client& c, const Message& msg) {
  if (msg.params[0] == "0") {  // RFC 2812 §3.2.1: leave every channel
    for (Channel* ch : std::set<Channel*>(c.channels())) PartOne(server, c, ch, "Left all channels");
    return;
  }
  std::vector<std::string> names = SplitList(msg.params[0]);
  std::vector<std::string> keys = msg.params.size() > 1 ? SplitList(msg.params[1]) : std::vector<std::string>{};
  for (std::size_t i = 0; i < names.size() && !c.closing(); ++i) {
    JoinChannel(server, c, names[i], i < keys.size() ? keys[i] : "", true);
  }
}

static void HandlePart(Server& server, Client& c, const Message& msg) {
  std::string reason = msg.params.size() > 1 ? std::string(irc::TruncateUtf8(msg.params[1], 300)) : "";
  for (const auto& name : SplitList(msg.params[0])) {
    Channel* ch = server.FindChannel(name);
    if (ch == nullptr) {
      c.Numeric(irc::ERR_NOSUCHCHANNEL, {name, "No such channel"});
    } else if (!ch->HasMember(&c)) {
      c.Numeric(irc::ERR_NOTONCHANNEL, {ch->name(), "You're not on that channel"});
    } else {
      PartOne(server, c, ch, reason);
    }
  }
}

static void HandleTopic(Server& server, Client& c, const Message& msg) {
  Channel* ch = server.FindChannel(msg.params[0]);
  if (ch != nullptr && ch->HiddenFrom(&c)) ch = nullptr;  // +s: as if it did not exist (RFC 2811 §4.2.6)
  if (ch == nullptr) {
    c.Numeric(irc::ERR_NOSUCHCHANNEL, {msg.params[0], "No such channel"});
    return;
  }
  bool member = ch->HasMember(&c);
  if (msg.params.size() < 2) {
    SendTopic(c, *ch);
    return;
  }
  if (!member) {
    c.Numeric(irc::ERR_NOTONCHANNEL, {ch->name(), "You're not on that channel"});
    return;
  }
  if (ch->topic_ops && !ch->CanModerate(&c)) {
    c.Numeric(irc::ERR_CHANOPRIVSNEEDED, {ch->name(), "You're not channel operator"});
    return;
  }
  ch->topic = std::string(irc::TruncateUtf8(msg.params[1], server.config().topiclen));
  ch->topic_setter = c.prefix();
  ch->topic_time = time(nullptr);
  ch->Broadcast(MakeEvent(c.prefix(), "TOPIC", {ch->name(), ch->topic}), nullptr);
  server.SaveChannel(ch);
}

static void HandleNames(Server& server, Client& c, const Message& msg) {
  if (msg.params.empty()) {
    c.Numeric(irc::RPL_ENDOFNAMES, {"*", "End of /NAMES list"});
    return;
  }
  for (const auto& name : SplitList(msg.params[0])) SendNames(c, server.FindChannel(name), name);
}

// LIST filters (ELIST=MNU): "<n", ">n" user counts, masks, "!mask" negated masks.
static bool ListMatches(const Channel& ch, const std::vector<std::string>& filters) {
  for (const auto& f : filters) {
    if (f.empty()) continue;
    if (f[0] == '<' || f[0] == '>') {
      std::size_t n = strtoul(f.c_str() + 1, nullptr, 10);
      std::size_t users = ch.members().size();
      if (f[0] == '<' ? !(users < n) : !(users > n)) return false;
    } else if (f[0] == '!') {
      if (irc::MaskMatch(f.substr(1), ch.name())) return false;
    } else if (f.find_first_of("*?") != std::string::npos) {
      if (!irc::MaskMatch(f, ch.name())) return false;
    } else if (!irc::EqualFold(f, ch.name())) {
      return false;
    }
  }
  return true;
}

static void HandleList(Server& server, Client& c, const Message& msg) {
  std::vector<std::string> filters = msg.params.empty() ? std::vector<std::string>{} : SplitList(msg.params[0]);
  c.Numeric(irc::RPL_LISTSTART, {"Channel", "Users  Name"});
  // Plain channel names are looked up directly; anything else filters the whole list.
  bool by_name = !filters.empty();
  for (const auto& f : filters) by_name = by_name && irc::IsChannelName(f) && f.find_first_of("*?") == std::string::npos;
  auto show = [&](const Channel& ch) {
    if (ch.secret && !ch.HasMember(&c)) return;
    std::string topic = "[" + ch.ModeString(false) + "] " + ch.topic;
    c.Numeric(irc::RPL_LIST, {ch.name(), std::to_string(ch.members().size()), topic});
  };
  if (by_name) {
    for (const auto& f : filters) {
      if (const Channel* ch = server.FindChannel(f)) show(*ch);
    }
  } else {
    for (const auto& [folded, ch] : server.channels()) {
      if (ListMatches(*ch, filters)) show(*ch);
    }
  }
  c.Numeric(irc::RPL_LISTEND, {"End of /LIST"});
}

static void HandleInvite(Server& server, Client& c, const Message& msg) {
  if (msg.params.empty()) {  // list pending invites (Modern IRC INVITE)
    for (const auto& [folded, ch] : server.channels()) {
      if (ch->invited.count(irc::Fold(c.nick()))) c.Numeric(irc::RPL_INVITELIST, {ch->name()});
    }
    c.Numeric(irc::RPL_ENDOFINVITELIST, {"End of /INVITE list"});
    return;
  }
  if (msg.params.size() < 2) {
    c.Numeric(irc::ERR_NEEDMOREPARAMS, {"INVITE", "Not enough parameters"});
    return;
  }
  Client* target = server.FindNick(msg.params[0]);
  Channel* ch = server.FindChannel(msg.params[1]);
  if (ch == nullptr) {
    c.Numeric(irc::ERR_NOSUCHCHANNEL, {msg.params[1], "No such channel"});
    return;
  }
  if (!ch->HasMember(&c)) {
    c.Numeric(irc::ERR_NOTONCHANNEL, {ch->name(), "You're not on that channel"});
    return;
  }
  if (ch->invite_only && !ch->CanModerate(&c)) {
    c.Numeric(irc::ERR_CHANOPRIVSNEEDED, {ch->name(), "You're not channel operator"});
    return;
  }
  if (target == nullptr) {
    c.Numeric(irc::ERR_NOSUCHNICK, {msg.params[0], "No such nick/channel"});
    return;
  }
  if (ch->HasMember(target)) {
    c.Numeric(irc::ERR_USERONCHANNEL, {target->nick(), ch->name(), "is already on channel"});
    return;
  }
  ch->invited.insert(irc::Fold(target->nick()));
  if (ch->registered && target->logged_in()) {  // invites to accounts persist
    ch->invited_accounts.insert(irc::Fold(target->account()));
    server.SaveChannel(ch);
  }
  c.Numeric(irc::RPL_INVITING, {target->nick(), ch->name()});
  if (!target->away().empty()) c.Numeric(irc::RPL_AWAY, {target->nick(), target->away()});
  Message invite = MakeEvent(c.prefix(), "INVITE", {target->nick(), ch->name()});
  Outgoing to_target(invite);
  target->Deliver(to_target);  // every session of the invited user
  // invite-notify: members who could have invited themselves (ops when +i).
  Outgoing out(invite);
  for (auto& [m, flags] : ch->members()) {
    if (ch->invite_only && !flags.op) continue;
    m->Deliver(out, &c, kCapInviteNotify);
  }
}

static void HandleKick(Server& server, Client& c, const Message& msg) {
  Channel* ch = server.FindChannel(msg.params[0]);
  if (ch == nullptr) {
    c.Numeric(irc::ERR_NOSUCHCHANNEL, {msg.params[0], "No such channel"});
    return;
  }
  if (!ch->HasMember(&c) && !c.admin()) {
    c.Numeric(irc::ERR_NOTONCHANNEL, {ch->name(), "You're not on that channel"});
    return;
  }
  if (!ch->CanModerate(&c)) {
    c.Numeric(irc::ERR_CHANOPRIVSNEEDED, {ch->name(), "You're not channel operator"});
    return;
  }
  std::string reason = msg.params.size() > 2 && !msg.params[2].empty()
                           ? std::string(irc::TruncateUtf8(msg.params[2], server.config().kicklen))
                           : c.nick();
  std::string channel_name = ch->name();
  for (const auto& nick : SplitList(msg.params[1])) {
    Client* target = server.FindNick(nick);
    if (target == nullptr || !ch->HasMember(target)) {
      c.Numeric(irc::ERR_USERNOTINCHANNEL, {nick, channel_name, "They aren't on that channel"});
      continue;
    }
    ch->Broadcast(MakeEvent(c.prefix(), "KICK", {channel_name, target->nick(), reason}), nullptr);
    ch->RemoveMember(target);
    target->channels_.erase(ch);
    if (ch->registered && target->logged_in() && ch->RemoveFromRoster(target->account())) {
      server.SaveChannel(ch);
    }
    if (ch->empty() && !ch->registered) {
      server.DeleteChannelIfEmpty(ch);
      break;
    }
  }
}

const std::vector<CommandSpec>& ChannelCommands() {
  static const std::vector<CommandSpec> specs = {
      {"JOIN", 1, false, 1, &HandleJoin},
      {"PART", 1, false, 1, &HandlePart},
      {"TOPIC", 1, false, 1, &HandleTopic},
      {"NAMES", 0, false, 1, &HandleNames},
      {"LIST", 0, false, 2, &HandleList},
      {"INVITE", 0, false, 1, &HandleInvite},
      {"KICK", 2, false, 1, &HandleKick},
  };
  return specs;
}

}  // namespace chatd
