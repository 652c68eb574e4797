// Account sessions (multiclient) and offline delivery: attaching and
// detaching the sessions of a user, its aggregated away state, and the
// replay of direct messages stored while its account was offline.
#include "chatd/irc/account_sessions.h"

#include <algorithm>
#include <vector>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/caps.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/casemap.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;

void AttachSession(Server& server, Client& front, Client& c) {
  c.nick_ = front.nick_;
  c.user_ = front.user_;
  c.host_ = front.host_;
  c.realname_ = front.realname_;
  c.mode_bot_ = front.mode_bot_;
  server.SetInvisible(&c, front.mode_invisible_);
  c.presence_invisible_ = front.presence_invisible_;
  c.front_ = &front;
  front.attached_.push_back(&c);
  front.has_attached_ = true;
  LOG_INFO("client %llu [%s] attached to %s (client %llu), %zu sessions", static_cast<unsigned long long>(c.id()),
           c.address().c_str(), front.nick().c_str(), static_cast<unsigned long long>(front.id()),
           front.attached_.size() + 1);
  // A present session makes the user present (away only when all are).
  UpdateUserAway(server, front, "");
}

void SendUserChannels(Server& server, Client& c) {
  for (Channel* ch : c.channels()) {
    if (c.closing()) return;
    const bool extended = c.has(kCapExtendedJoin);
    Message join = extended ? MakeEvent(c.prefix(), "JOIN",
                                        {ch->name(), c.logged_in() ? c.account() : "*", c.realname()})
                            : MakeEvent(c.prefix(), "JOIN", {ch->name()});
    c.Send(join);
    SendChannelBurst(server, c, *ch);
  }
}

void DetachSession(Server& server, Client& c) {
  Client& front = *c.front_;
  if (&front != &c) {
    auto& list = front.attached_;
    list.erase(std::remove(list.begin(), list.end(), &c), list.end());
    front.has_attached_ = !list.empty();
    c.front_ = &c;
    LOG_INFO("client %llu [%s] detached from %s, %zu sessions left", static_cast<unsigned long long>(c.id()),
             c.address().c_str(), front.nick().c_str(), list.size() + 1);
    UpdateUserAway(server, front, "");
    return;
  }
  // c stands for the user: the next session takes its place everywhere.
  Client* next = c.attached_.front();
  next->attached_.assign(c.attached_.begin() + 1, c.attached_.end());
  next->has_attached_ = !next->attached_.empty();
  c.attached_.clear();
  c.has_attached_ = false;
  next->front_ = next;
  for (Client* s : next->attached_) s->front_ = next;
  next->channels_ = std::move(c.channels_);
  c.channels_.clear();
  for (Channel* ch : next->channels_) ch->ReplaceMember(&c, next);
  server.MoveNick(&c, next);
  if (c.logged_in() && server.FindAccountUser(c.account()) == &c) server.SetAccountUser(c.account(), next);
  next->user_away_ = c.user_away_;
  LOG_INFO("client %llu [%s] left; client %llu now stands for %s, %zu sessions left",
           static_cast<unsigned long long>(c.id()), c.address().c_str(),
           static_cast<unsigned long long>(next->id()), next->nick().c_str(), next->attached_.size() + 1);
  UpdateUserAway(server, *next, "");
}

void UpdateUserAway(Server& server, Client& front, const std::string& latest) {
  (void)server;
  bool all_away = !front.away_.empty();
  for (const Client* s : front.attached_) all_away = all_away && !s->away_.empty();
  std::string now;
  if (all_away) now = !latest.empty() ? latest : !front.user_away_.empty() ? front.user_away_ : front.away_;
  if (now == front.user_away_) return;
  front.user_away_ = now;
  if (!front.registered()) return;
  TellPeers(front, now.empty() ? MakeEvent(front.prefix(), "AWAY", {}) : MakeEvent(front.prefix(), "AWAY", {now}),
            kCapAwayNotify);
}

// Stores the account's delivered-up-to mark (Unix ms); failures are logged.
static void SaveMark(Server& server, AccountRecord rec, int64_t ms) {
  rec.delivered_ms = ms;
  chat::Status s = server.store()->UpdateAccount(rec);
  if (!s.ok()) LOG_ERROR("account %s: saving the delivered-up-to mark: %s", rec.name.c_str(), s.ToString().c_str());
}

// The direct messages to the account `me` (folded) stored after `mark`,
// oldest first, at most chathistory_limit per conversation.
static std::vector<HistoryRecord> PendingFor(Server& server, const std::string& me, int64_t mark) {
  std::vector<HistoryRecord> pending;
  auto keys = server.store()->DirectTargetsOf(me);
  if (!keys.ok()) {
    LOG_ERROR("account %s: listing conversations for offline delivery: %s", me.c_str(),
              keys.status().ToString().c_str());
    return pending;
  }
  for (const auto& key : keys.value()) {
    HistoryQuery q;
    q.target = key;
    q.kind = HistoryQueryKind::kAfter;
    q.a.time_ms = mark;
    q.limit = server.config().chathistory_limit;
    auto found = server.store()->QueryHistory(q);
    if (!found.ok()) {
      if (found.status().code() != chat::Status::Code::kNotFound) {
        LOG_ERROR("account %s: reading %s for offline delivery: %s", me.c_str(), key.c_str(),
                  found.status().ToString().c_str());
      }
      continue;
    }
    for (auto& r : found.value()) {
      // Typing notifications aren't replayed; the account's own messages it saw as echoes.
      if (r.command == "TAGMSG" || irc::Fold(r.account) == me) continue;
      pending.push_back(std::move(r));
    }
  }
  std::stable_sort(pending.begin(), pending.end(),
                   [](const HistoryRecord& a, const HistoryRecord& b) { return a.time_ms < b.time_ms; });
  return pending;
}

void AccountOnline(Server& server, Client& c) {
  if (!c.logged_in() || server.FindAccountUser(c.account()) != nullptr) return;
  server.SetAccountUser(c.account(), &c);
  auto rec = server.store()->GetAccount(c.account());
  if (!rec.ok()) return;  // e.g. deleted meanwhile: nothing to deliver
  const int64_t mark = rec.value().delivered_ms;
  const int64_t now = NowMs();
  if (mark > 0 && server.config().history_enabled) {
    std::vector<HistoryRecord> pending = PendingFor(server, irc::Fold(c.account()), mark);
    for (const auto& r : pending) c.Send(MessageFromHistory(r));
    if (!pending.empty()) {
      LOG_INFO("client %llu [%s] %s: delivered %zu messages that arrived while offline",
               static_cast<unsigned long long>(c.id()), c.address().c_str(), c.account().c_str(), pending.size());
    }
  }
  SaveMark(server, std::move(rec).value(), now);
}

void AccountOffline(Server& server, Client& c) {
  if (!c.logged_in() || server.FindAccountUser(c.account()) != &c) return;
  server.ClearAccountUser(c.account(), &c);
  auto rec = server.store()->GetAccount(c.account());
  if (rec.ok()) SaveMark(server, std::move(rec).value(), NowMs());
}

bool FindOfflineAccount(Server& server, const std::string& name, AccountRecord* rec) {
  if (server.FindAccountUser(name) != nullptr) return false;
  auto got = server.store()->GetAccount(name);
  if (!got.ok()) {
    if (got.status().code() != chat::Status::Code::kNotFound) {
      LOG_ERROR("offline delivery to %s: %s", name.c_str(), got.status().ToString().c_str());
    }
    return false;
  }
  *rec = std::move(got).value();
  if (rec->disabled) return false;
  if (rec->delivered_ms == 0) {
    // Never logged out since marks exist: replay from just before now.
    rec->delivered_ms = NowMs() - 1;
    SaveMark(server, *rec, rec->delivered_ms);
  }
  return true;
}

}  // namespace chatd
