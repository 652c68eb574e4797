// MODE for channels (b i k l m n s t o v, RFC 2811 §4) and users (i, and B
// for bots per the IRCv3 bot-mode spec), with the error numerics of
// RFC 2812 §3.1.5 / §3.2.3 and Modern IRC.
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <ctime>

#include "chatd/channel.h"
#include "chatd/client.h"
#include "chatd/dispatch.h"
#include "chatd/server.h"
#include "chatd/session.h"
#include "libchat/casemap.h"
#include "libchat/wildcard.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

constexpr auto ERR_BANLISTFULL = static_cast<irc::Numeric>(478);  // RFC 2812

// Accumulates applied changes as "+ab-c" plus parameters.
class ModeChanges {
 public:
  void Add(bool plus, char mode, const std::string& param = "") {
    if (sign_ != (plus ? '+' : '-')) {
      sign_ = plus ? '+' : '-';
      modes_ += sign_;
    }
    modes_ += mode;
    if (!param.empty()) params_.push_back(param);
  }
  bool empty() const { return modes_.empty(); }
  Message ToMessage(const std::string& source, const std::string& target) const {
    Message m = MakeEvent(source, "MODE", {target, modes_});
    for (const auto& p : params_) m.params.push_back(p);
    return m;
  }

 private:
  char sign_ = 0;
  std::string modes_;
  std::vector<std::string> params_;
};

static void UserMode(Server& server, Client& c, const Message& msg) {
  Client* target = server.FindNick(msg.params[0]);
  if (target == nullptr) {
    c.Numeric(irc::ERR_NOSUCHNICK, {msg.params[0], "No such nick/channel"});
    return;
  }
  if (target != &c) {
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
  ModeChanges changes;
  bool plus = true, unknown = false;
  for (char m : msg.params[1]) {
    if (m == '+' || m == '-') {
      plus = m == '+';
    } else if (m == 'i') {
      if (c.mode_invisible_ != plus) changes.Add(plus, 'i');
      server.SetInvisible(&c, plus);
    } else if (m == 'B') {
      if (c.mode_bot_ != plus) changes.Add(plus, 'B');
      c.mode_bot_ = plus;
    } else {
      unknown = true;
    }
  }
  if (unknown) c.Numeric(irc::ERR_UMODEUNKNOWNFLAG, {"Unknown MODE flag"});
  if (!changes.empty()) c.Send(changes.ToMessage(c.prefix(), c.nick()));
}

// A ban is leaving for good: banned accounts leave the roster. Matches
// present members by nick!user@host and absent ones by "account!*@*".
static void RemoveBannedFromRoster(Channel* ch, const std::string& mask) {
  std::vector<std::string> gone;
  for (const auto& account : ch->roster) {
    if (irc::MaskMatch(mask, account + "!*@*")) gone.push_back(account);
  }
  for (auto& [m, flags] : ch->members()) {
    if (m->logged_in() && irc::MaskMatch(mask, m->prefix())) gone.push_back(m->account());
  }
  for (const auto& account : gone) ch->RemoveFromRoster(account);
}

static void SendBanList(Client& c, const Channel& ch) {
  for (const auto& b : ch.bans) {
    c.Numeric(irc::RPL_BANLIST, {ch.name(), b.mask, b.setter, std::to_string(b.set_at)});
  }
  c.Numeric(irc::RPL_ENDOFBANLIST, {ch.name(), "End of channel ban list"});
}

static void ChannelMode(Server& server, Client& c, const Message& msg) {
  Channel* ch = server.FindChannel(msg.params[0]);
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
  const std::string& modestring = msg.params[1];
  std::size_t next_param = 2;
  auto take_param = [&](std::string* out) {
    if (next_param >= msg.params.size()) return false;
    *out = msg.params[next_param++];
    return true;
  };
  const bool is_op = ch->CanModerate(&c);
  bool denied = false, listed_bans = false;
  int param_modes = 0;
  ModeChanges changes;
  bool plus = true;
  auto need_op = [&] {
    if (is_op) return true;
    if (!denied) c.Numeric(irc::ERR_CHANOPRIVSNEEDED, {ch->name(), "You're not channel operator"});
    denied = true;
    return false;
  };
  for (char m : modestring) {
    std::string param;
    switch (m) {
      case '+':
      case '-':
        plus = m == '+';
        break;
      case 'b':
        if (!take_param(&param)) {
          if (!listed_bans) SendBanList(c, *ch);
          listed_bans = true;
          break;
        }
        if (!need_op() || ++param_modes > 4) break;
        {
          std::string mask = irc::NormalizeMask(param);
          auto it = std::find_if(ch->bans.begin(), ch->bans.end(),
                                 [&](const ListEntry& b) { return irc::EqualFold(b.mask, mask); });
          if (plus && it == ch->bans.end()) {
            if (ch->bans.size() >= server.config().list_max_bans) {
              c.Numeric(ERR_BANLISTFULL, {ch->name(), mask, "Channel ban list is full"});
              break;
            }
            ch->bans.push_back({mask, c.prefix(), time(nullptr)});
            changes.Add(true, 'b', mask);
            RemoveBannedFromRoster(ch, mask);
          } else if (!plus && it != ch->bans.end()) {
            changes.Add(false, 'b', it->mask);
            ch->bans.erase(it);
          }
        }
        break;
      case 'k':
        if (plus) {
          if (!take_param(&param)) {
            c.Numeric(irc::ERR_NEEDMOREPARAMS, {"MODE", "Not enough parameters"});
            break;
          }
          if (!need_op() || ++param_modes > 4) break;
          if (param.empty() || param.find_first_of(" ,:") != std::string::npos || param.size() > 32) {
            c.Numeric(irc::ERR_INVALIDKEY, {ch->name(), "Key is not well-formed"});
            break;
          }
          ch->key = param;
          changes.Add(true, 'k', param);
        } else {
          take_param(&param);  // -k takes the key, which we don't check
          if (!need_op()) break;
          if (!ch->key.empty()) changes.Add(false, 'k', "*");
          ch->key.clear();
        }
        break;
      case 'l':
        if (plus) {
          if (!take_param(&param)) {
            c.Numeric(irc::ERR_NEEDMOREPARAMS, {"MODE", "Not enough parameters"});
            break;
          }
          if (!need_op() || ++param_modes > 4) break;
          char* end = nullptr;
          long n = strtol(param.c_str(), &end, 10);
          if (end == param.c_str() || *end != '\0' || n <= 0 || n > 100000) {
            c.Numeric(irc::ERR_INVALIDMODEPARAM, {ch->name(), "l", param, "Invalid limit"});
            break;
          }
          ch->limit = static_cast<std::size_t>(n);
          changes.Add(true, 'l', std::to_string(n));
        } else {
          if (!need_op()) break;
          if (ch->limit != 0) changes.Add(false, 'l');
          ch->limit = 0;
        }
        break;
      case 'o':
      case 'v': {
        if (!take_param(&param)) {
          c.Numeric(irc::ERR_NEEDMOREPARAMS, {"MODE", "Not enough parameters"});
          break;
        }
        if (!need_op() || ++param_modes > 4) break;
        Client* target = server.FindNick(param);
        if (target == nullptr) {
          c.Numeric(irc::ERR_NOSUCHNICK, {param, "No such nick/channel"});
          break;
        }
        MemberFlags* f = ch->FindMember(target);
        if (f == nullptr) {
          c.Numeric(irc::ERR_USERNOTINCHANNEL, {target->nick(), ch->name(), "They aren't on that channel"});
          break;
        }
        bool& flag = m == 'o' ? f->op : f->voice;
        if (flag != plus) changes.Add(plus, m, target->nick());
        flag = plus;
        if (m == 'o' && ch->registered && target->logged_in()) {  // op grants persist per account
          if (plus) {
            ch->op_accounts.insert(irc::Fold(target->account()));
          } else {
            ch->op_accounts.erase(irc::Fold(target->account()));
          }
        }
        break;
      }
      case 'i':
      case 'm':
      case 'n':
      case 's':
      case 't': {
        if (!need_op()) break;
        bool& flag = m == 'i' ? ch->invite_only : m == 'm' ? ch->moderated : m == 'n' ? ch->no_external
                   : m == 's' ? ch->secret : ch->topic_ops;
        if (flag != plus) changes.Add(plus, m);
        flag = plus;
        if (m == 'i' && !plus) ch->invited.clear();
        break;
      }
      default:
        c.Numeric(irc::ERR_UNKNOWNMODE, {std::string(1, m), "is unknown mode char to me"});
    }
  }
  if (!changes.empty()) {
    ch->Broadcast(changes.ToMessage(c.prefix(), ch->name()), nullptr);
    server.SaveChannel(ch);
  }
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
