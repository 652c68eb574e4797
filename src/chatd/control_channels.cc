// Control commands for channels (doc/control.md, chatctl channels ...,
// kick, ban): list, show, create, delete, topic, set-mode, kick, ban. The
// server acts as itself: events it causes (TOPIC, MODE, KICK) come from the
// server's name, as on other IRC servers when services or opers act
// (RFC 2812 §3.2).
#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "chatd/channel.h"
#include "chatd/client.h"
#include "chatd/control.h"
#include "chatd/log.h"
#include "chatd/server.h"
#include "chatd/session.h"
#include "chatd/store.h"
#include "libchat/casemap.h"
#include "libchat/message.h"
#include "libchat/wildcard.h"

namespace chatd {

namespace ctl = chat::ctl;
namespace irc = chat::irc;

namespace {

// Longest list shown in one field of channels show (members, roster, bans).
constexpr std::size_t kMaxListed = 500;

Channel* FindOrErr(Server& server, const std::string& name, ControlReply& reply) {
  Channel* ch = server.FindChannel(name);
  if (ch == nullptr) reply.Err(ctl::kErrNotFound, "no such channel: " + name);
  return ch;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string out;
  std::size_t n = 0;
  for (const auto& item : items) {
    if (n == kMaxListed) {
      out += ",... (" + std::to_string(items.size() - n) + " more)";
      break;
    }
    if (!out.empty()) out += ',';
    out += item;
    ++n;
  }
  return out;
}

void HandleList(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  for (const auto& [folded, ch] : server.channels()) {
    reply.Row({
        {"name", ch->name()},
        {"users", std::to_string(ch->members().size())},
        {"registered", ch->registered ? "yes" : "no"},
        {"owner", ch->registered && ch->owner.empty() ? "(server)" : ch->owner},
        {"modes", ch->ModeString(false)},
        {"topic", ch->topic},
    });
  }
}

void HandleShow(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr) return;
  std::vector<std::string> members, bans;
  for (const auto& [m, flags] : ch->members()) members.push_back(ch->PrefixOf(m, false) + m->nick());
  std::sort(members.begin(), members.end());
  for (const auto& b : ch->bans) bans.push_back(b.mask);
  reply.Row({
      {"name", ch->name()},
      {"registered", ch->registered ? "yes" : "no"},
      {"owner", ch->registered && ch->owner.empty() ? "(server)" : ch->owner},
      {"created", ControlTime(ch->created())},
      {"modes", ch->ModeString(true)},
      {"topic", ch->topic},
      {"topic_by", ch->topic_setter},
      {"topic_time", ControlTime(ch->topic_time)},
      {"users", std::to_string(ch->members().size())},
      {"members", JoinList(members)},
      {"roster", JoinList(ch->roster)},
      {"bans", JoinList(bans)},
  });
}

// channels create NAME [OWNER]: a registered channel, owned by OWNER (an
// account) or, when OWNER is empty, by the server.
void HandleCreate(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  const std::string& name = args[0];
  const std::string owner_arg = args.size() > 1 ? args[1] : "";
  if (!irc::IsValidChannelName(name, server.config().channellen)) {
    reply.Err(ctl::kErrInvalid, "'" + name + "' is not a valid channel name: it starts with # and has no spaces, "
                                "commas or control characters, at most " +
                                    std::to_string(server.config().channellen) + " bytes");
    return;
  }
  std::string owner;
  if (!owner_arg.empty()) {
    auto rec = server.store()->GetAccount(owner_arg);
    if (!rec.ok()) {
      reply.Err(rec.status().code() == chat::Status::Code::kNotFound ? ctl::kErrNotFound : ctl::kErrFailed,
                rec.status().code() == chat::Status::Code::kNotFound ? "no such user: " + owner_arg
                                                                     : rec.status().message());
      return;
    }
    owner = rec.value().name;
  }
  Channel* ch = server.FindChannel(name);
  if (ch != nullptr && ch->registered) {
    reply.Err(ctl::kErrExists, "channel " + ch->name() + " already exists");
    return;
  }
  if (ch == nullptr) ch = server.CreateChannel(name);
  server.RegisterChannel(ch, owner);
  reply.Ok("channel " + ch->name() + " created" + (owner.empty() ? "" : ", owned by " + owner));
}

// channels delete NAME [REASON]: parts everyone present with REASON and
// deletes the channel with its history (Server::DropChannel).
void HandleDelete(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr) return;
  std::string name = ch->name();
  std::string reason = args.size() > 1 && !args[1].empty() ? args[1] : "Channel deleted by the server administrator";
  if (!ControlCheckText("the reason", reason, reply)) return;
  server.DropChannel(ch, std::string(irc::TruncateUtf8(reason, 300)));
  reply.Ok("channel " + name + " deleted");
}

void HandleTopic(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr || !ControlCheckText("a topic", args[1], reply)) return;
  ch->topic = std::string(irc::TruncateUtf8(args[1], server.config().topiclen));
  ch->topic_setter = server.name();
  ch->topic_time = time(nullptr);
  ch->Broadcast(MakeEvent(server.name(), "TOPIC", {ch->name(), ch->topic}), nullptr);
  server.SaveChannel(ch);
  reply.Ok(ch->topic.empty() ? "topic of " + ch->name() + " cleared" : "topic of " + ch->name() + " set");
}

// ---- modes (RFC 2811 §4, the subset chatd implements: b i k l m n o s t v)

struct ModeChange {
  bool plus;
  char mode;
  std::string param;
};

// Parses MODES and its ARGS against ch; false with *error for anything
// wrong, so that a bad request changes nothing.
bool ParseModes(Server& server, Channel* ch, const std::string& modes, const std::vector<std::string>& params,
                std::vector<ModeChange>* out, std::string* error) {
  std::size_t next = 0;
  bool plus = true;
  bool have_sign = false;
  for (char m : modes) {
    if (m == '+' || m == '-') {
      plus = m == '+';
      have_sign = true;
      continue;
    }
    if (!have_sign) {
      *error = "modes start with + or -, e.g. +nt or -k";
      return false;
    }
    ModeChange c{plus, m, ""};
    bool takes = m == 'b' || m == 'o' || m == 'v' || (plus && (m == 'k' || m == 'l'));
    if (std::string_view("bikl" "mnost" "v").find(m) == std::string_view::npos) {
      *error = std::string("unknown channel mode '") + m + "' (chatd has b i k l m n o s t v)";
      return false;
    }
    if (takes) {
      if (next >= params.size()) {
        *error = std::string("mode ") + (plus ? '+' : '-') + m + " needs an argument";
        return false;
      }
      c.param = params[next++];
      if (c.param.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        *error = "mode arguments cannot contain line breaks or NUL";
        return false;
      }
    }
    if (m == 'k' && plus &&
        (c.param.empty() || c.param.size() > 32 || c.param.find_first_of(" ,:") != std::string::npos)) {
      *error = "a key has 1 to 32 characters and no spaces, commas or colons";
      return false;
    }
    if (m == 'l' && plus) {
      char* end = nullptr;
      long n = strtol(c.param.c_str(), &end, 10);
      if (end == c.param.c_str() || *end != '\0' || n <= 0 || n > 100000) {
        *error = "+l needs a number from 1 to 100000";
        return false;
      }
      c.param = std::to_string(n);
    }
    if (m == 'o' || m == 'v') {
      Client* target = server.FindNick(c.param);
      if (target == nullptr || !ch->HasMember(target)) {
        *error = c.param + " is not in " + ch->name();
        return false;
      }
    }
    if (m == 'b') {
      if (c.param.empty() || c.param.find(' ') != std::string::npos) {
        *error = "a ban mask is a nick!user@host pattern without spaces";
        return false;
      }
      c.param = irc::NormalizeMask(c.param);
    }
    out->push_back(std::move(c));
  }
  if (next < params.size()) {
    *error = "more arguments than the modes take ('" + params[next] + "' is left over)";
    return false;
  }
  if (out->empty()) {
    *error = "no modes given";
    return false;
  }
  return true;
}

// A ban is leaving for good: banned accounts leave the roster (as MODE +b
// does, cmd_mode.cc).
void RemoveBannedFromRoster(Channel* ch, const std::string& mask) {
  std::vector<std::string> gone;
  for (const auto& account : ch->roster) {
    if (irc::MaskMatch(mask, account + "!*@*")) gone.push_back(account);
  }
  for (const auto& [m, flags] : ch->members()) {
    if (m->logged_in() && irc::MaskMatch(mask, m->prefix())) gone.push_back(m->account());
  }
  for (const auto& account : gone) ch->RemoveFromRoster(account);
}

// Applies parsed changes; returns the MODE line's mode string and params of
// what actually changed (empty when nothing did).
std::vector<std::string> ApplyModes(Server& server, Channel* ch, const std::vector<ModeChange>& changes,
                                    std::string* error) {
  std::string modestr;
  std::vector<std::string> params;
  char sign = 0;
  auto add = [&](bool plus, char m, const std::string& param) {
    if (sign != (plus ? '+' : '-')) {
      sign = plus ? '+' : '-';
      modestr += sign;
    }
    modestr += m;
    if (!param.empty()) params.push_back(param);
  };
  for (const ModeChange& c : changes) {
    switch (c.mode) {
      case 'i': case 'm': case 'n': case 's': case 't': {
        bool& flag = c.mode == 'i' ? ch->invite_only : c.mode == 'm' ? ch->moderated
                   : c.mode == 'n' ? ch->no_external : c.mode == 's' ? ch->secret : ch->topic_ops;
        if (flag != c.plus) add(c.plus, c.mode, "");
        flag = c.plus;
        if (c.mode == 'i' && !c.plus) ch->invited.clear();
        break;
      }
      case 'k':
        if (c.plus) {
          ch->key = c.param;
          add(true, 'k', c.param);
        } else if (!ch->key.empty()) {
          ch->key.clear();
          add(false, 'k', "*");
        }
        break;
      case 'l':
        if (c.plus) {
          ch->limit = static_cast<std::size_t>(std::stoul(c.param));
          add(true, 'l', c.param);
        } else if (ch->limit != 0) {
          ch->limit = 0;
          add(false, 'l', "");
        }
        break;
      case 'b': {
        auto it = std::find_if(ch->bans.begin(), ch->bans.end(),
                               [&](const ListEntry& b) { return irc::EqualFold(b.mask, c.param); });
        if (c.plus && it == ch->bans.end()) {
          if (ch->bans.size() >= server.config().list_max_bans) {
            *error = "the ban list of " + ch->name() + " is full";
            break;
          }
          ch->bans.push_back({c.param, server.name(), time(nullptr)});
          RemoveBannedFromRoster(ch, c.param);
          add(true, 'b', c.param);
        } else if (!c.plus && it != ch->bans.end()) {
          add(false, 'b', it->mask);
          ch->bans.erase(it);
        }
        break;
      }
      case 'o': case 'v': {
        Client* target = server.FindNick(c.param);
        MemberFlags* f = target == nullptr ? nullptr : ch->FindMember(target);
        if (f == nullptr) break;
        bool& flag = c.mode == 'o' ? f->op : f->voice;
        if (flag != c.plus) add(c.plus, c.mode, target->nick());
        flag = c.plus;
        if (c.mode == 'o' && ch->registered && target->logged_in()) {  // op grants persist per account
          if (c.plus) {
            ch->op_accounts.insert(irc::Fold(target->account()));
          } else {
            ch->op_accounts.erase(irc::Fold(target->account()));
          }
        }
        break;
      }
      default:
        break;
    }
  }
  if (modestr.empty()) return {};
  std::vector<std::string> out{modestr};
  out.insert(out.end(), params.begin(), params.end());
  return out;
}

// Parses, applies, broadcasts and saves; answers the reply.
void SetModes(Server& server, Channel* ch, const std::string& modes, const std::vector<std::string>& params,
              ControlReply& reply) {
  std::vector<ModeChange> changes;
  std::string error;
  if (!ParseModes(server, ch, modes, params, &changes, &error)) {
    reply.Err(ctl::kErrInvalid, error);
    return;
  }
  std::vector<std::string> applied = ApplyModes(server, ch, changes, &error);
  if (!applied.empty()) {
    irc::Message m = MakeEvent(server.name(), "MODE", {ch->name()});
    for (const auto& p : applied) m.params.push_back(p);
    ch->Broadcast(m, nullptr);
    server.SaveChannel(ch);
  }
  if (!error.empty()) {
    reply.Err(ctl::kErrInvalid, error);
    return;
  }
  std::string text;
  for (const auto& p : applied) text += (text.empty() ? "" : " ") + p;
  reply.Ok(applied.empty() ? "modes of " + ch->name() + " unchanged (" + ch->ModeString(true) + ")"
                           : ch->name() + " " + text + " (now " + ch->ModeString(true) + ")");
}

// channels set-mode NAME MODES [ARGS...]
void HandleSetMode(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr) return;
  SetModes(server, ch, args[1], std::vector<std::string>(args.begin() + 2, args.end()), reply);
}

// ban CHANNEL MASK: MODE +b from the server.
void HandleBan(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr) return;
  SetModes(server, ch, "+b", {args[1]}, reply);
}

// kick CHANNEL NICK [REASON]: as KICK (RFC 2812 §3.2.8) from the server; the
// account also leaves the channel's roster.
void HandleKick(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Channel* ch = FindOrErr(server, args[0], reply);
  if (ch == nullptr) return;
  Client* target = server.FindNick(args[1]);
  if (target == nullptr || !ch->HasMember(target)) {
    reply.Err(ctl::kErrNotFound, args[1] + " is not in " + ch->name());
    return;
  }
  std::string reason = args.size() > 2 && !args[2].empty() ? args[2] : "Kicked by the server administrator";
  if (!ControlCheckText("the reason", reason, reply)) return;
  reason = std::string(irc::TruncateUtf8(reason, server.config().kicklen));
  std::string name = ch->name(), nick = target->nick();
  ch->Broadcast(MakeEvent(server.name(), "KICK", {name, nick, reason}), nullptr);
  ch->RemoveMember(target);
  target->channels_.erase(ch);
  if (ch->registered && target->logged_in() && ch->RemoveFromRoster(target->account())) server.SaveChannel(ch);
  server.DeleteChannelIfEmpty(ch);
  LOG_NOTICE("%s kicked from %s by chatctl: %s", nick.c_str(), name.c_str(), reason.c_str());
  reply.Ok(nick + " kicked from " + name);
}

}  // namespace

const std::vector<ControlCommand>& ControlChannelCommands() {
  static const std::vector<ControlCommand> commands = {
      {"channels list", 0, 0, false, "", &HandleList},
      {"channels show", 1, 1, false, "NAME", &HandleShow},
      {"channels create", 1, 2, false, "NAME [OWNER]", &HandleCreate},
      {"channels delete", 1, 2, false, "NAME [REASON]", &HandleDelete},
      {"channels topic", 2, 2, false, "NAME TEXT", &HandleTopic},
      {"channels set-mode", 2, 32, false, "NAME MODES [ARGS...]", &HandleSetMode},
      {"kick", 2, 3, false, "CHANNEL NICK [REASON]", &HandleKick},
      {"ban", 2, 2, false, "CHANNEL MASK", &HandleBan},
  };
  return commands;
}

}  // namespace chatd
