// RateLimiter: counts events (failed logins, registrations) per key in
// fixed windows and says how long a key must wait. Pure logic: the caller
// passes the time (Unix seconds), so tests need no clock.
#ifndef LIBCHAT_RATE_LIMIT_H_
#define LIBCHAT_RATE_LIMIT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace chat {

class RateLimiter {
 public:
  // `limit` events (>= 1) within `window_s` seconds of a key's first event
  // block the key until the later of the window's end and `block_s` seconds
  // after the event that reached the limit. A window ends `window_s` after
  // its first event; the next event starts a new one.
  RateLimiter(int limit, int64_t window_s, int64_t block_s)
      : limit_(limit), window_s_(window_s), block_s_(block_s) {}

  // Changes the limits (a config reload); counts so far are kept.
  void SetLimits(int limit, int64_t window_s, int64_t block_s) {
    limit_ = limit;
    window_s_ = window_s;
    block_s_ = block_s;
  }
  // Seconds `key` must still wait at `now`, 0 when it may go ahead.
  int64_t Wait(const std::string& key, int64_t now) const;
  // Counts one event for `key` at `now`.
  void Note(const std::string& key, int64_t now);
  // Forgets `key`'s count (e.g. a successful login for an (address, account) pair).
  void Forget(const std::string& key) { entries_.erase(key); }
  // Keys with a count; stale ones are dropped as Note runs, so this stays
  // near the number of keys active within a window.
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    int count = 0;
    int64_t window_start = 0;
    int64_t until = 0;  // blocked until (0: not blocked)
  };
  bool Stale(const Entry& e, int64_t now) const {
    return now >= e.until && now - e.window_start >= window_s_;
  }
  void Prune(int64_t now);

  int limit_;
  int64_t window_s_;
  int64_t block_s_;
  std::unordered_map<std::string, Entry> entries_;
  std::size_t prune_at_ = 1024;  // next size at which Note drops stale keys
};

}  // namespace chat

#endif  // LIBCHAT_RATE_LIMIT_H_
