// Channel-mode parsing and application shared by MODE and chatctl
// (channel_modes.h).
#include "chatd/irc/channel_modes.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/wildcard.h"

namespace chatd {

namespace irc = chat::irc;

namespace {

constexpr std::string_view kKnownModes = "biklmnostv";
constexpr std::size_t kMaxKeyLen = 32;
constexpr long kMaxLimit = 100000;

// A ban is leaving for good: banned accounts leave the roster. Matches
// present members by nick!user@host and absent ones by "account!*@*".
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

// Checks and canonicalises the argument of +k / +l in place.
ModeError CheckParam(char mode, std::string* param) {
  if (mode == 'k') {
    if (param->empty() || param->size() > kMaxKeyLen || param->find_first_of(" ,:") != std::string::npos) {
      return ModeError::kInvalidKey;
    }
  } else if (mode == 'l') {
    char* end = nullptr;
    long n = strtol(param->c_str(), &end, 10);
    if (end == param->c_str() || *end != '\0' || n <= 0 || n > kMaxLimit) return ModeError::kInvalidLimit;
    *param = std::to_string(n);
  }
  return ModeError::kNone;
}

}  // namespace

ParsedModes ParseChannelModes(const std::string& modes, const std::vector<std::string>& params,
                              bool unset_key_takes_param) {
  ParsedModes out;
  bool plus = true;
  for (char m : modes) {
    if (m == '+' || m == '-') {
      plus = m == '+';
      continue;
    }
    ModeChange c;
    c.plus = plus;
    c.mode = m;
    if (kKnownModes.find(m) == std::string_view::npos) {
      c.error = ModeError::kUnknownMode;
    } else if (m == 'b' || m == 'o' || m == 'v' || (plus && (m == 'k' || m == 'l'))) {
      if (out.params_used < params.size()) {
        c.param = params[out.params_used++];
        if (plus) c.error = CheckParam(m, &c.param);
      } else {
        c.error = ModeError::kMissingParam;
      }
    } else if (m == 'k' && unset_key_takes_param && out.params_used < params.size()) {
      c.param = params[out.params_used++];
    }
    out.changes.push_back(std::move(c));
  }
  return out;
}

void ModeLine::Add(bool plus, char mode, const std::string& param) {
  if (sign_ != (plus ? '+' : '-')) {
    sign_ = plus ? '+' : '-';
    modes_ += sign_;
  }
  modes_ += mode;
  if (!param.empty()) params_.push_back(param);
}

irc::Message ModeLine::ToMessage(const std::string& source, const std::string& target) const {
  irc::Message m = MakeEvent(source, "MODE", {target, modes_});
  for (const auto& p : params_) m.params.push_back(p);
  return m;
}

std::string ModeLine::Text() const {
  std::string text = modes_;
  for (const auto& p : params_) text += " " + p;
  return text;
}

ModeOutcome ApplyChannelMode(Server& server, Channel* ch, const ModeChange& change, const std::string& setter,
                             ModeLine* line, std::string* subject) {
  const bool plus = change.plus;
  const char m = change.mode;
  auto changed = [&](bool did) { return did ? ModeOutcome::kChanged : ModeOutcome::kUnchanged; };
  switch (m) {
    case 'i': case 'm': case 'n': case 's': case 't': {
      bool& flag = m == 'i' ? ch->invite_only : m == 'm' ? ch->moderated : m == 'n' ? ch->no_external
                 : m == 's' ? ch->secret : ch->topic_ops;
      const bool did = flag != plus;
      if (did) line->Add(plus, m);
      flag = plus;
      if (m == 'i' && !plus) ch->invited.clear();
      return changed(did);
    }
    case 'k':
      if (plus) {  // a key is always announced, even the same one again
        ch->key = change.param;
        line->Add(true, 'k', change.param);
        return ModeOutcome::kChanged;
      }
      if (ch->key.empty()) return ModeOutcome::kUnchanged;
      ch->key.clear();
      line->Add(false, 'k', "*");
      return ModeOutcome::kChanged;
    case 'l':
      if (plus) {
        ch->limit = static_cast<std::size_t>(std::stoul(change.param));
        line->Add(true, 'l', change.param);
        return ModeOutcome::kChanged;
      }
      if (ch->limit == 0) return ModeOutcome::kUnchanged;
      ch->limit = 0;
      line->Add(false, 'l');
      return ModeOutcome::kChanged;
    case 'b': {
      *subject = irc::NormalizeMask(change.param);
      const std::string& mask = *subject;
      auto it = std::find_if(ch->bans.begin(), ch->bans.end(),
                             [&](const ListEntry& b) { return irc::EqualFold(b.mask, mask); });
      if (plus && it == ch->bans.end()) {
        if (ch->bans.size() >= server.config().list_max_bans) return ModeOutcome::kBanListFull;
        ch->bans.push_back({mask, setter, time(nullptr)});
        line->Add(true, 'b', mask);
        RemoveBannedFromRoster(ch, mask);
        return ModeOutcome::kChanged;
      }
      if (!plus && it != ch->bans.end()) {
        line->Add(false, 'b', it->mask);
        ch->bans.erase(it);
        return ModeOutcome::kChanged;
      }
      return ModeOutcome::kUnchanged;
    }
    case 'o': case 'v': {
      Client* target = server.FindNick(change.param);
      if (target == nullptr) return ModeOutcome::kNoSuchNick;
      *subject = target->nick();
      MemberFlags* f = ch->FindMember(target);
      if (f == nullptr) return ModeOutcome::kNotOnChannel;
      bool& flag = m == 'o' ? f->op : f->voice;
      const bool did = flag != plus;
      if (did) line->Add(plus, m, target->nick());
      flag = plus;
      if (m == 'o' && ch->registered && target->logged_in()) {  // op grants persist per account
        if (plus) {
          ch->op_accounts.insert(irc::Fold(target->account()));
        } else {
          ch->op_accounts.erase(irc::Fold(target->account()));
        }
      }
      return changed(did);
    }
    default:
      return ModeOutcome::kUnchanged;
  }
}

void PublishModeLine(Server& server, Channel* ch, const std::string& source, const ModeLine& line) {
  if (line.empty()) return;
  ch->Broadcast(line.ToMessage(source, ch->name()), nullptr);
  server.SaveChannel(ch);
}

}  // namespace chatd
