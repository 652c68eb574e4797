// Who is uploading or downloading: the two kinds of HTTP credentials chatd
// accepts for files (doc/files.md "Authentication"):
//  - HTTP Basic with an account's password (RFC 7617), checked against its
//    SCRAM verifier like SASL PLAIN; a success is remembered for 5 minutes
//    so a client posting many files doesn't pay a PBKDF2 per request;
//  - Bearer tokens (RFC 6750) issued over IRC by FILEHOST TOKEN: 256
//    random bits shown once as 64 hex digits, stored as SHA-256(token) with
//    an expiry.
// Every failure is the same NotFound("invalid credentials"), whether the
// account exists or not (no account probing). Event loop thread only.
#ifndef CHATD_FILES_AUTH_H_
#define CHATD_FILES_AUTH_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chatd/store/store.h"
#include "libchat/sasl.h"
#include "libchat/status.h"

namespace chatd::files {

class FileAuth {
 public:
  // `store` outlives this; `secret` keys the cache (the server's 32-byte
  // data_dir/secret); `dummy_iterations` is the PBKDF2 cost spent on
  // unknown accounts so timing doesn't tell them apart.
  FileAuth(Store* store, std::string secret, uint32_t dummy_iterations);

  // Verifies Basic credentials. Returns the account's display name, or
  // NotFound("invalid credentials") for an unknown or disabled account or a
  // wrong password; IOError when the store fails. A cache hit still reads
  // the account, so a changed password or a disabled account takes effect
  // at once. now_ms: Unix milliseconds.
  chat::Result<std::string> CheckBasic(std::string_view user, std::string_view password, int64_t now_ms);

  // Verifies a bearer token (64 hex digits). Returns the account it was
  // issued to ("~nick" for a guest's token), or NotFound("invalid
  // credentials") when unknown, malformed or expired (an expired one is
  // deleted).
  chat::Result<std::string> CheckBearer(std::string_view token, int64_t now_ms);

  // Number of cached Basic successes (for tests).
  std::size_t cached() const { return cache_.size(); }

  static constexpr int64_t kCacheMs = 5 * 60 * 1000;
  static constexpr std::size_t kMaxCache = 4096;

 private:
  struct Cached {
    std::string account;     // display name
    std::string stored_key;  // the verifier it was checked against
    int64_t expires_ms = 0;
  };
  std::string CacheKey(std::string_view user, std::string_view password) const;
  void Remember(std::string key, Cached entry, int64_t now_ms);

  Store* store_;
  std::string secret_;
  chat::sasl::ScramVerifier dummy_;  // checked for unknown accounts
  std::unordered_map<std::string, Cached> cache_;
};

// Issues a bearer token for `account` valid lifetime_s seconds (FILEHOST
// TOKEN): returns the token text (64 lower-case hex digits of 32 random
// bytes), stored in `store` only as its SHA-256. IOError when randomness
// or the store fails.
chat::Result<std::string> IssueToken(Store* store, std::string_view account, int64_t now_ms, int64_t lifetime_s);

// SHA-256 of `data`, 32 raw bytes.
std::string Sha256(std::string_view data);

}  // namespace chatd::files

#endif  // CHATD_FILES_AUTH_H_
