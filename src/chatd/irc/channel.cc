// Channel state helpers and the channel fan-out.
#include "chatd/irc/channel.h"

#include <algorithm>

#include "chatd/irc/client.h"
#include "libchat/casemap.h"
#include "libchat/wildcard.h"

namespace chatd {

bool Channel::HasMember(const Client* c) const { return members_.count(c->front()) != 0; }

MemberFlags* Channel::FindMember(const Client* c) {
  auto it = members_.find(c->front());
  return it == members_.end() ? nullptr : &it->second;
}

bool Channel::IsOp(const Client* c) const {
  auto it = members_.find(c->front());
  return it != members_.end() && it->second.op;
}

bool Channel::CanModerate(const Client* c) const { return IsOp(c) || c->admin(); }

std::string Channel::PrefixOf(const Client* c, bool multi_prefix) const {
  auto it = members_.find(c->front());
  if (it == members_.end()) return "";
  std::string p;
  if (it->second.op) p += '@';
  if (it->second.voice && (multi_prefix || p.empty())) p += '+';
  return p;
}

void Channel::AddMember(Client* c, MemberFlags flags) {
  if (members_.insert_or_assign(c, flags).second) fanout_.push_back(c);
}

void Channel::RemoveMember(Client* c) {
  if (members_.erase(c) == 0) return;
  auto it = std::find(fanout_.begin(), fanout_.end(), c);
  *it = fanout_.back();  // order is irrelevant to the fan-out
  fanout_.pop_back();
}

void Channel::ReplaceMember(Client* from, Client* to) {
  auto it = members_.find(from);
  if (it == members_.end()) return;
  MemberFlags flags = it->second;
  members_.erase(it);
  members_.emplace(to, flags);
  *std::find(fanout_.begin(), fanout_.end(), from) = to;
}

void Channel::Broadcast(const chat::irc::Message& msg, const Client* except, CapSet required) {
  Outgoing out(msg);
  for (Client* member : fanout_) {
    if (member->has_attached()) {  // a user with several sessions
      member->Deliver(out, except, required);
      continue;
    }
    if (member == except || member->closing()) continue;
    if (required != 0 && (member->caps() & required) != required) continue;
    member->SendFanout(out);
  }
}

std::string Channel::ModeString(bool with_params) const {
  std::string modes = "+";
  std::string params;
  if (invite_only) modes += 'i';
  if (!key.empty()) {
    modes += 'k';
    if (with_params) params += " " + key;
  }
  if (limit != 0) {
    modes += 'l';
    if (with_params) params += " " + std::to_string(limit);
  }
  if (moderated) modes += 'm';
  if (no_external) modes += 'n';
  if (secret) modes += 's';
  if (topic_ops) modes += 't';
  return modes + params;
}

bool Channel::InRoster(std::string_view account) const {
  for (const auto& a : roster) {
    if (chat::irc::EqualFold(a, account)) return true;
  }
  return false;
}

void Channel::AddToRoster(const std::string& account) {
  if (!account.empty() && !InRoster(account)) roster.push_back(account);
}

bool Channel::RemoveFromRoster(std::string_view account) {
  op_accounts.erase(chat::irc::Fold(account));
  for (auto it = roster.begin(); it != roster.end(); ++it) {
    if (chat::irc::EqualFold(*it, account)) {
      roster.erase(it);
      return true;
    }
  }
  return false;
}

bool Channel::HiddenFrom(const Client* c) const { return secret && !HasMember(c) && !c->admin(); }

bool Channel::IsBanned(const Client* c) const {
  if (bans.empty()) return false;
  std::string full = c->prefix();
  for (const auto& b : bans) {
    if (chat::irc::MaskMatch(b.mask, full)) return true;
  }
  return false;
}

}  // namespace chatd
