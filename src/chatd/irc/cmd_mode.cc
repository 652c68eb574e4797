// MODE for channels (b i k l m n s t o v, RFC 2811 §4) and users (i, and B
// for bots per the IRCv3 bot-mode spec), with the error numerics of
// RFC 2812 §3.1.5 / §3.2.3 and Modern IRC.
#include <sstream>

#include "chatd/irc/channel.h"
#include "chatd/irc/channel_modes.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

constexpr auto ERR_BANLISTFULL = static_cast<irc::Numeric>(478);  // RFC 2812

static void UserMode(Server& server, Client& c, const Message& msg) {
  Client* target = server.FindNick(msg.params[0]);
  if (target == nullptr) {
    c.Numeric(irc::ERR_NOSUCHNICK, {msg.params[0], "No such nick/channel"});
    return;
  }
  if (target != c.front()) {
    c.Numeric(irc::ERR_USERSDONTMATCH, {"Can't change mode for other users"});
    return;
  }
  if (msg.params.size() < 2) {
    std::string modes = "+";
    if (c.invisible()) modes += 'i';
    if (c.bot()) modes += 'B';
    c.Numeric(irc::RPL_UMODEIS, {modes});
    return;
  }
  ModeLine changes;
  bool plus = true, unknown = false;
  // User modes are the user's: every session of it changes (client.h).
  std::vector<Client*> sessions{target};
  sessions.insert(sessions.end(), target->attached().begin(), target->attached().end());
  for (char m : msg.params[1]) {
    if (m == '+' || m == '-') {
      plus = m == '+';
    } else if (m == 'i') {
      if (c.mode_invisible_ != plus) changes.Add(plus, 'i');
      for (Client* s : sessions) server.SetInvisible(s, plus);
    } else if (m == 'B') {
      if (c.mode_bot_ != plus) changes.Add(plus, 'B');
      for (Client* s : sessions) s->mode_bot_ = plus;
    } else {
      unknown = true;
    }
  }
  if (unknown) c.Numeric(irc::ERR_UMODEUNKNOWNFLAG, {"Unknown MODE flag"});
  if (!changes.empty()) {
    Message change = changes.ToMessage(c.prefix(), c.nick());
    Outgoing out(change);
    target->Deliver(out);
  }
}

static void SendBanList(Client& c, const Channel& ch) {
  for (const auto& b : ch.bans) {
    c.Numeric(irc::RPL_BANLIST, {ch.name(), b.mask, b.setter, std::to_string(b.set_at)});
  }
  c.Numeric(irc::RPL_ENDOFBANLIST, {ch.name(), "End of channel ban list"});
}

static void ChannelMode(Server& server, Client& c, const Message& msg) {
  Channel* ch = server.FindChannel(msg.params[0]);
  // RFC 2811 §4.2.6: a secret channel is hidden from those outside it, so
  // to them it answers as one that does not exist.
  if (ch != nullptr && ch->HiddenFrom(&c)) ch = nullptr;
  if (ch == nullptr) {
    c.Numeric(irc::ERR_NOSUCHCHANNEL, {msg.params[0], "No such channel"});
    return;
  }
  if (msg.params.size() < 2) {
    // RPL_CHANNELMODEIS: the mode string and each argument as separate parameters.
    Message reply;
    reply.source = server.name();
    reply.command = irc::NumericCode(irc::RPL_CHANNELMODEIS);
    reply.params = {c.target_nick(), ch->name()};
    std::istringstream words(ch->ModeString(ch->HasMember(&c)));
    for (std::string w; words >> w;) reply.params.push_back(w);
    c.Send(reply);
    c.Numeric(irc::RPL_CREATIONTIME, {ch->name(), std::to_string(ch->created())});
    return;
  }
  const ParsedModes parsed = ParseChannelModes(
      msg.params[1], std::vector<std::string>(msg.params.begin() + 2, msg.params.end()), true);
  const bool is_op = ch->CanModerate(&c);
  bool denied = false, listed_bans = false;
  int param_modes = 0;
  ModeLine changes;
  // Operator status is checked per letter, answered once (482).
  auto need_op = [&] {
    if (is_op) return true;
    if (!denied) c.Numeric(irc::ERR_CHANOPRIVSNEEDED, {ch->name(), "You're not channel operator"});
    denied = true;
    return false;
  };
  for (const ModeChange& change : parsed.changes) {
    const char m = change.mode;
    if (change.error == ModeError::kUnknownMode) {
      c.Numeric(irc::ERR_UNKNOWNMODE, {std::string(1, m), "is unknown mode char to me"});
      continue;
    }
    if (change.error == ModeError::kMissingParam) {
      if (m != 'b') {
        c.Numeric(irc::ERR_NEEDMOREPARAMS, {"MODE", "Not enough parameters"});
      } else if (!listed_bans) {  // MODE #c b: the ban list
        SendBanList(c, *ch);
        listed_bans = true;
      }
      continue;
    }
    if (!need_op()) continue;
    // At most four argument modes per MODE (ISUPPORT MODES=4); -k's key is free.
    const bool counted = m == 'b' || m == 'o' || m == 'v' || (change.plus && (m == 'k' || m == 'l'));
    if (counted && ++param_modes > 4) continue;
    if (change.error == ModeError::kInvalidKey) {
      c.Numeric(irc::ERR_INVALIDKEY, {ch->name(), "Key is not well-formed"});
      continue;
    }
    if (change.error == ModeError::kInvalidLimit) {
      c.Numeric(irc::ERR_INVALIDMODEPARAM, {ch->name(), "l", change.param, "Invalid limit"});
      continue;
    }
    std::string subject;
    switch (ApplyChannelMode(server, ch, change, c.prefix(), &changes, &subject)) {
      case ModeOutcome::kNoSuchNick:
        c.Numeric(irc::ERR_NOSUCHNICK, {change.param, "No such nick/channel"});
        break;
      case ModeOutcome::kNotOnChannel:
        c.Numeric(irc::ERR_USERNOTINCHANNEL, {subject, ch->name(), "They aren't on that channel"});
        break;
      case ModeOutcome::kBanListFull:
        c.Numeric(ERR_BANLISTFULL, {ch->name(), subject, "Channel ban list is full"});
        break;
      case ModeOutcome::kChanged:
      case ModeOutcome::kUnchanged:
        break;
    }
  }
  PublishModeLine(server, ch, c.prefix(), changes);
}

static void HandleMode(Server& server, Client& c, const Message& msg) {
  if (irc::IsChannelName(msg.params[0])) {
    ChannelMode(server, c, msg);
  } else {
    UserMode(server, c, msg);
  }
}

const std::vector<CommandSpec>& ModeCommands() {
  static const std::vector<CommandSpec> specs = {
      {"MODE", 1, false, 1, &HandleMode},
  };
  return specs;
}

}  // namespace chatd
