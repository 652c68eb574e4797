// RateLimiter: per-key fixed-window counting (see rate_limit.h).
#include "libchat/rate_limit.h"

#include <algorithm>
#include <iterator>

namespace chat {

int64_t RateLimiter::Wait(const std::string& key, int64_t now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.until <= now) return 0;
  return it->second.until - now;
}

void RateLimiter::Note(const std::string& key, int64_t now) {
  if (entries_.size() >= prune_at_) Prune(now);
  Entry& e = entries_[key];
  if (e.count == 0 || Stale(e, now)) e = Entry{0, now, 0};
  if (++e.count >= limit_) e.until = std::max(e.window_start + window_s_, now + block_s_);
}

void RateLimiter::Prune(int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = Stale(it->second, now) ? entries_.erase(it) : std::next(it);
  }
  // Amortized: the next walk comes after as many new keys as are left.
  prune_at_ = std::max<std::size_t>(1024, entries_.size() * 2);
}

}  // namespace chat
