// Registered channels: converting between live Channel state and the
// store's ChannelRecord, loading them at start, saving on change, dropping.
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/casemap.h"

namespace chatd {

static ChannelRecord ToRecord(const Channel& ch) {
  ChannelRecord r;
  r.name = ch.name();
  r.owner = ch.owner;
  r.created = ch.created();
  r.topic = ch.topic;
  r.topic_setter = ch.topic_setter;
  r.topic_time = ch.topic_time;
  r.invite_only = ch.invite_only;
  r.moderated = ch.moderated;
  r.no_external = ch.no_external;
  r.secret = ch.secret;
  r.topic_ops = ch.topic_ops;
  r.key = ch.key;
  r.limit = static_cast<uint32_t>(ch.limit);
  for (const auto& b : ch.bans) r.bans.push_back({b.mask, b.setter, static_cast<int64_t>(b.set_at)});
  r.invites.assign(ch.invited_accounts.begin(), ch.invited_accounts.end());
  r.roster = ch.roster;
  r.ops.assign(ch.op_accounts.begin(), ch.op_accounts.end());
  return r;
}

static void FromRecord(const ChannelRecord& r, Channel* ch) {
  ch->registered = true;
  ch->owner = r.owner;
  if (r.created != 0) ch->set_created(static_cast<time_t>(r.created));
  ch->topic = r.topic;
  ch->topic_setter = r.topic_setter;
  ch->topic_time = static_cast<time_t>(r.topic_time);
  ch->invite_only = r.invite_only;
  ch->moderated = r.moderated;
  ch->no_external = r.no_external;
  ch->secret = r.secret;
  ch->topic_ops = r.topic_ops;
  ch->key = r.key;
  ch->limit = r.limit;
  ch->bans.clear();
  for (const auto& b : r.bans) ch->bans.push_back({b.mask, b.setter, static_cast<time_t>(b.set_at)});
  ch->invited_accounts = std::set<std::string>(r.invites.begin(), r.invites.end());
  ch->roster = r.roster;
  ch->op_accounts.clear();
  for (const auto& a : r.ops) ch->op_accounts.insert(chat::irc::Fold(a));
}

void Server::SaveChannel(const Channel* ch) {
  if (!ch->registered || store_ == nullptr) return;
  chat::Status s = store_->PutChannel(ToRecord(*ch));
  if (!s.ok()) LOG_ERROR("saving channel %s: %s", ch->name().c_str(), s.ToString().c_str());
}

void Server::RegisterChannel(Channel* ch, const std::string& owner) {
  ch->registered = true;
  ch->owner = owner;
  if (!owner.empty()) ch->op_accounts.insert(chat::irc::Fold(owner));
  SaveChannel(ch);
  LOG_INFO("channel %s registered to %s", ch->name().c_str(), owner.empty() ? "the server" : owner.c_str());
}

void Server::DropChannel(Channel* ch, const std::string& reason) {
  std::string name = ch->name();
  std::vector<Client*> present;
  for (auto& [m, flags] : ch->members()) present.push_back(m);
  for (Client* m : present) {
    ch->Broadcast(MakeEvent(m->prefix(), "PART", {name, reason}), nullptr);
    ch->RemoveMember(m);
    m->channels_.erase(ch);
  }
  if (store_ != nullptr) {
    chat::Status s = store_->DeleteChannel(name);
    if (!s.ok() && s.code() != chat::Status::Code::kNotFound) {
      LOG_ERROR("dropping channel %s: %s", name.c_str(), s.ToString().c_str());
    }
  }
  ch->registered = false;
  DeleteChannelIfEmpty(ch);
  LOG_NOTICE("channel %s dropped: %s", name.c_str(), reason.c_str());
}

chat::Status Server::LoadChannels() {
  auto all = store_->ListChannels();
  if (!all.ok()) return all.status();
  for (const auto& rec : all.value()) {
    Channel* ch = CreateChannel(rec.name);
    FromRecord(rec, ch);
  }
  // auto_join channels (#general) exist from the first start, owned by the server.
  for (const auto& name : config_.auto_join) {
    if (FindChannel(name) != nullptr && FindChannel(name)->registered) continue;
    RegisterChannel(CreateChannel(name), "");
  }
  LOG_INFO("loaded %zu registered channels", all.value().size());
  return chat::Status::OK();
}

}  // namespace chatd
