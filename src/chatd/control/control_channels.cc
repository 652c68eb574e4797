// Control commands for channels (doc/control.md, chatctl channels ...,
// kick, ban): list, show, create, delete, topic, set-mode, kick, ban. The
// server acts as itself: events it causes (TOPIC, MODE, KICK) come from the
// server's name, as on other IRC servers when services or opers act
// (RFC 2812 §3.2).
#include <algorithm>
#include <ctime>
#include <string_view>

#include "chatd/irc/channel.h"
#include "chatd/irc/channel_modes.h"
#include "chatd/irc/client.h"
#include "chatd/control/control.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/casemap.h"
#include "libchat/message.h"

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

// Checks the whole request first, so that a bad one changes nothing: the
// control socket refuses what IRC MODE would answer letter by letter, and
// also -k with a key, signless mode strings and leftover arguments.
bool CheckModes(Server& server, Channel* ch, const std::string& modes, const std::vector<std::string>& params,
                const ParsedModes& parsed, std::string* error) {
  if (!modes.empty() && modes[0] != '+' && modes[0] != '-') {
    *error = "modes start with + or -, e.g. +nt or -k";
    return false;
  }
  for (const ModeChange& c : parsed.changes) {
    const char m = c.mode;
    switch (c.error) {
      case ModeError::kUnknownMode:
        *error = std::string("unknown channel mode '") + m + "' (chatd has b i k l m n o s t v)";
        return false;
      case ModeError::kMissingParam:
        *error = std::string("mode ") + (c.plus ? '+' : '-') + m + " needs an argument";
        return false;
      default:
        break;
    }
    if (c.param.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      *error = "mode arguments cannot contain line breaks or NUL";
      return false;
    }
    if (c.error == ModeError::kInvalidKey) {
      *error = "a key has 1 to 32 characters and no spaces, commas or colons";
      return false;
    }
    if (c.error == ModeError::kInvalidLimit) {
      *error = "+l needs a number from 1 to 100000";
      return false;
    }
    if (m == 'o' || m == 'v') {
      Client* target = server.FindNick(c.param);
      if (target == nullptr || !ch->HasMember(target)) {
        *error = c.param + " is not in " + ch->name();
        return false;
      }
    }
    if (m == 'b' && (c.param.empty() || c.param.find(' ') != std::string::npos)) {
      *error = "a ban mask is a nick!user@host pattern without spaces";
      return false;
    }
  }
  if (parsed.params_used < params.size()) {
    *error = "more arguments than the modes take ('" + params[parsed.params_used] + "' is left over)";
    return false;
  }
  if (parsed.changes.empty()) {
    *error = "no modes given";
    return false;
  }
  return true;
}

// Checks, applies, broadcasts and saves as the server; answers the reply.
void SetModes(Server& server, Channel* ch, const std::string& modes, const std::vector<std::string>& params,
              ControlReply& reply) {
  const ParsedModes parsed = ParseChannelModes(modes, params, false);
  std::string error;
  if (!CheckModes(server, ch, modes, params, parsed, &error)) {
    reply.Err(ctl::kErrInvalid, error);
    return;
  }
  ModeLine line;
  for (const ModeChange& c : parsed.changes) {
    std::string subject;
    if (ApplyChannelMode(server, ch, c, server.name(), &line, &subject) == ModeOutcome::kBanListFull) {
      error = "the ban list of " + ch->name() + " is full";
    }
  }
  PublishModeLine(server, ch, server.name(), line);
  if (!error.empty()) {
    reply.Err(ctl::kErrInvalid, error);
    return;
  }
  reply.Ok(line.empty() ? "modes of " + ch->name() + " unchanged (" + ch->ModeString(true) + ")"
                        : ch->name() + " " + line.Text() + " (now " + ch->ModeString(true) + ")");
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
