// Basic and Bearer credentials for the files endpoints (auth.h).
#include "chatd/files/auth.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "libchat/casemap.h"
#include "libchat/files/file_id.h"
#include "libchat/sasl.h"

namespace chatd::files {
namespace {

chat::Status Invalid() { return chat::Status::NotFound("invalid credentials"); }

}  // namespace

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(md), n);
}

FileAuth::FileAuth(Store* store, std::string secret, uint32_t dummy_iterations)
    : store_(store),
      secret_(std::move(secret)),
      dummy_(chat::sasl::MakeVerifier("dummy password", dummy_iterations)) {}

std::string FileAuth::CacheKey(std::string_view user, std::string_view password) const {
  std::string msg = chat::irc::Fold(user);
  msg.push_back('\0');
  msg.append(password);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &n);
  return std::string(reinterpret_cast<char*>(md), n);
}

void FileAuth::Remember(std::string key, Cached entry, int64_t now_ms) {
  if (cache_.size() >= kMaxCache) {
    for (auto it = cache_.begin(); it != cache_.end();) {
      it = it->second.expires_ms <= now_ms ? cache_.erase(it) : std::next(it);
    }
    if (cache_.size() >= kMaxCache) cache_.clear();  // full of live entries: start over
  }
  cache_[std::move(key)] = std::move(entry);
}

chat::Result<std::string> FileAuth::CheckBasic(std::string_view user, std::string_view password, int64_t now_ms) {
  const std::string key = CacheKey(user, password);
  auto rec = store_->GetAccount(user);
  if (!rec.ok() && rec.status().code() != chat::Status::Code::kNotFound) return rec.status();
  if (!rec.ok()) {
    // The same PBKDF2 work as for a real account (cmd_account.cc does too).
    (void)chat::sasl::CheckPassword(dummy_, password);
    return Invalid();
  }
  const AccountRecord& a = rec.value();
  if (a.disabled) return Invalid();
  auto hit = cache_.find(key);
  if (hit != cache_.end() && hit->second.expires_ms > now_ms && hit->second.stored_key == a.stored_key) {
    return a.name;
  }
  chat::sasl::ScramVerifier v{a.iterations, a.salt, a.stored_key, a.server_key};
  if (!chat::sasl::CheckPassword(v, password)) {
    if (hit != cache_.end()) cache_.erase(hit);
    return Invalid();
  }
  Remember(key, Cached{a.name, a.stored_key, now_ms + kCacheMs}, now_ms);
  return a.name;
}

chat::Result<std::string> FileAuth::CheckBearer(std::string_view token, int64_t now_ms) {
  std::string raw;
  if (token.size() != 64 || !chat::files::HexDecode(token, &raw)) return Invalid();
  const std::string hash = Sha256(chat::files::HexEncode(raw));  // canonical lower case
  auto rec = store_->GetToken(hash);
  if (!rec.ok()) return rec.status().code() == chat::Status::Code::kNotFound ? Invalid() : rec.status();
  if (rec.value().expires_ms <= now_ms) {
    (void)store_->DeleteToken(hash);
    return Invalid();
  }
  return rec.value().account;
}

chat::Result<std::string> IssueToken(Store* store, std::string_view account, int64_t now_ms, int64_t lifetime_s) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return chat::Status::IOError("no randomness for a token");
  const std::string token = chat::files::HexEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof bytes));
  TokenRecord rec{std::string(account), now_ms, now_ms + lifetime_s * 1000};
  chat::Status st = store->PutToken(Sha256(token), rec);
  if (!st.ok()) return st;
  return token;
}

}  // namespace chatd::files
