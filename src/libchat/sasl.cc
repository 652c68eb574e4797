// SCRAM-SHA-256 verifiers and exchanges, and PLAIN parsing (sasl.h).
// RFC 5802 section numbers are cited where behaviour is chosen.
#include "libchat/sasl.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>
#include <cstdlib>
#include <utility>
#include <vector>

#include "libchat/base64.h"
#include "libchat/casemap.h"
#include "libchat/message.h"

namespace chat::sasl {

namespace {

// RFC 4616 §2: each PLAIN field is at most 255 octets.
constexpr std::size_t kMaxPlainField = 255;
// Random bytes behind a generated nonce (base64 makes 32 characters).
constexpr std::size_t kNonceBytes = 24;

const unsigned char* Bytes(std::string_view s) {
  // Never hand OpenSSL a null pointer, even for empty input.
  static const unsigned char kEmpty = 0;
  return s.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// HMAC-SHA-256(key, data). OpenSSL cannot fail here short of a broken
// library, which is a broken invariant.
std::string Hmac(std::string_view key, std::string_view data) {
  if (key.size() > INT_MAX) std::abort();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), Bytes(key), static_cast<int>(key.size()), Bytes(data), data.size(),
           out, &len) == nullptr ||
      len != kKeyBytes) {
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Sha256(std::string_view data) {
  unsigned char out[SHA256_DIGEST_LENGTH];
  SHA256(Bytes(data), data.size(), out);
  return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

// Hi(password, salt, i) of RFC 5802 §2.2, which is PBKDF2 (RFC 8018) with
// HMAC-SHA-256 and a 32-byte output. False only for inputs OpenSSL cannot
// take (over INT_MAX bytes, zero iterations, empty salt).
bool Pbkdf2(std::string_view password, std::string_view salt, uint32_t iterations,
            std::string* out) {
  if (password.size() > INT_MAX || salt.empty() || salt.size() > INT_MAX || iterations == 0 ||
      iterations > INT_MAX) {
    return false;
  }
  unsigned char key[kKeyBytes];
  if (PKCS5_PBKDF2_HMAC(reinterpret_cast<const char*>(Bytes(password)),
                        static_cast<int>(password.size()), Bytes(salt),
                        static_cast<int>(salt.size()), static_cast<int>(iterations),
                        EVP_sha256(), sizeof key, key) != 1) {
    return false;
  }
  out->assign(reinterpret_cast<const char*>(key), sizeof key);
  OPENSSL_cleanse(key, sizeof key);
  return true;
}

std::string RandomBytes(std::size_t n) {
  std::string out(n, '\0');
  if (n > INT_MAX || RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                                static_cast<int>(n)) != 1) {
    std::abort();  // no randomness: a predictable salt or nonce is worse
  }
  return out;
}

std::string RandomNonce() { return Base64Encode(RandomBytes(kNonceBytes)); }

// Constant-time for equal sizes; the sizes themselves are not secret.
bool SecretEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(Bytes(a), Bytes(b), a.size()) == 0;
}

std::string Xor(std::string_view a, std::string_view b) {
  std::string out(a);
  for (std::size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] ^= b[i];
  return out;
}

bool WellFormed(const ScramVerifier& v) {
  return v.iterations >= 1 && !v.salt.empty() && v.stored_key.size() == kKeyBytes &&
         v.server_key.size() == kKeyBytes;
}

// Fills v's keys from SaltedPassword (RFC 5802 §3).
void DeriveKeys(std::string_view salted_password, ScramVerifier* v) {
  v->stored_key = Sha256(Hmac(salted_password, "Client Key"));
  v->server_key = Hmac(salted_password, "Server Key");
}

std::vector<std::string_view> SplitCommas(std::string_view s) {
  std::vector<std::string_view> parts;
  for (;;) {
    std::size_t comma = s.find(',');
    parts.push_back(s.substr(0, comma));
    if (comma == std::string_view::npos) return parts;
    s.remove_prefix(comma + 1);
  }
}

// attr "=" rest, with a one-letter attribute name.
bool HasAttr(std::string_view part, char attr) {
  return part.size() >= 2 && part[0] == attr && part[1] == '=';
}

bool IsAlpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

// RFC 5802 §7: attr-val = ALPHA "=" value; value = 1*value-char, where
// value-char is any UTF-8 character except NUL and ',' (',' is already
// split off).
bool IsExtension(std::string_view part) {
  return part.size() >= 3 && IsAlpha(part[0]) && part[1] == '=' &&
         part.find('\0') == std::string_view::npos && chat::irc::IsValidUtf8(part.substr(2));
}

bool AllExtensions(const std::vector<std::string_view>& parts, std::size_t from) {
  for (std::size_t i = from; i < parts.size(); ++i) {
    if (!IsExtension(parts[i])) return false;
  }
  return true;
}

// RFC 5802 §7: printable = %x21-2B / %x2D-7E (visible ASCII except ',').
bool IsNonce(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e || c == ',') return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes a saslname (RFC 5802 §5.1, §7): "=2C" -> ',', "=3D" -> '=', any
// other '=' is an error. The result must be non-empty UTF-8 without NUL.
bool DecodeSaslname(std::string_view in, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '=') {
      out->push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
    if (hi == 2 && lo == 0xC) {
      out->push_back(',');
    } else if (hi == 3 && lo == 0xD) {
      out->push_back('=');
    } else {
      return false;
    }
    i += 2;
  }
  return !out->empty() && out->find('\0') == std::string::npos && chat::irc::IsValidUtf8(*out);
}

std::string EncodeSaslname(std::string_view in) {
  std::string out;
  for (char c : in) {
    if (c == ',') {
      out += "=2C";
    } else if (c == '=') {
      out += "=3D";
    } else {
      out += c;
    }
  }
  return out;
}

// RFC 5802 §7: posit-number = %x31-39 *DIGIT, here limited to uint32.
bool ParseIterations(std::string_view s, uint32_t* out) {
  if (s.empty() || s.size() > 10 || s[0] < '1' || s[0] > '9') return false;
  uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(n);
  return true;
}

}  // namespace

ScramVerifier MakeVerifier(std::string_view password, uint32_t iterations) {
  return MakeVerifierWithSalt(password, RandomBytes(kSaltBytes), iterations);
}

ScramVerifier MakeVerifierWithSalt(std::string_view password, std::string_view salt,
                                   uint32_t iterations) {
  ScramVerifier v;
  v.iterations = iterations;
  v.salt = std::string(salt);
  std::string salted;
  if (!Pbkdf2(password, salt, iterations, &salted)) std::abort();  // precondition broken
  DeriveKeys(salted, &v);
  OPENSSL_cleanse(salted.data(), salted.size());
  return v;
}

bool CheckPassword(const ScramVerifier& v, std::string_view password) {
  if (!WellFormed(v)) return false;
  std::string salted;
  if (!Pbkdf2(password, v.salt, v.iterations, &salted)) return false;
  std::string stored_key = Sha256(Hmac(salted, "Client Key"));
  OPENSSL_cleanse(salted.data(), salted.size());
  return SecretEqual(stored_key, v.stored_key);
}

bool ParsePlain(std::string_view decoded, PlainCredentials* out) {
  std::size_t nul1 = decoded.find('\0');
  if (nul1 == std::string_view::npos) return false;
  std::size_t nul2 = decoded.find('\0', nul1 + 1);
  if (nul2 == std::string_view::npos) return false;
  if (decoded.find('\0', nul2 + 1) != std::string_view::npos) return false;
  std::string_view authzid = decoded.substr(0, nul1);
  std::string_view authcid = decoded.substr(nul1 + 1, nul2 - nul1 - 1);
  std::string_view password = decoded.substr(nul2 + 1);
  if (authcid.empty() || password.empty()) return false;
  for (std::string_view field : {authzid, authcid, password}) {
    if (field.size() > kMaxPlainField || !chat::irc::IsValidUtf8(field)) return false;
  }
  out->authzid = std::string(authzid);
  out->authcid = std::string(authcid);
  out->password = std::string(password);
  return true;
}

// ---------------------------------------------------------------- server

ScramServer::ScramServer(std::string server_nonce_override)
    : server_nonce_(server_nonce_override.empty() ? RandomNonce()
                                                  : std::move(server_nonce_override)) {}

bool ScramServer::Step1(std::string_view client_first, std::string* username,
                        std::string* error) {
  if (state_ != State::kStart) {
    *error = "unexpected message";
    state_ = State::kDone;
    return false;
  }
  state_ = State::kDone;  // until it succeeds
  // gs2-header (RFC 5802 §7).
  if (client_first.substr(0, 2) == "p=") {
    *error = "channel binding not supported";
    return false;
  }
  if (client_first.size() < 2 || (client_first[0] != 'n' && client_first[0] != 'y') ||
      client_first[1] != ',') {
    *error = "malformed gs2 header";
    return false;
  }
  std::size_t end = client_first.find(',', 2);
  if (end == std::string_view::npos) {
    *error = "malformed gs2 header";
    return false;
  }
  std::string_view authzid = client_first.substr(2, end - 2);
  std::string authzid_decoded;
  if (!authzid.empty() &&
      (!HasAttr(authzid, 'a') || !DecodeSaslname(authzid.substr(2), &authzid_decoded))) {
    *error = "malformed authzid";
    return false;
  }
  std::string_view bare = client_first.substr(end + 1);
  std::vector<std::string_view> parts = SplitCommas(bare);
  if (HasAttr(parts[0], 'm')) {
    *error = "mandatory extension not supported";
    return false;
  }
  std::string user;
  if (!HasAttr(parts[0], 'n')) {
    *error = "missing username";
    return false;
  }
  if (!DecodeSaslname(parts[0].substr(2), &user)) {
    *error = "malformed username";
    return false;
  }
  if (parts.size() < 2 || !HasAttr(parts[1], 'r')) {
    *error = "missing nonce";
    return false;
  }
  if (!IsNonce(parts[1].substr(2))) {
    *error = "malformed nonce";
    return false;
  }
  if (!AllExtensions(parts, 2)) {
    *error = "malformed extension";
    return false;
  }
  gs2_header_ = std::string(client_first.substr(0, end + 1));
  client_first_bare_ = std::string(bare);
  client_nonce_ = std::string(parts[1].substr(2));
  username_ = user;
  authzid_ = std::move(authzid_decoded);
  *username = std::move(user);
  state_ = State::kGotClientFirst;
  return true;
}

std::string ScramServer::ServerFirstWith(ScramVerifier v) {
  if (state_ != State::kGotClientFirst) std::abort();  // caller skipped Step1
  verifier_ = std::move(v);
  server_first_ = "r=" + client_nonce_ + server_nonce_ + ",s=" + Base64Encode(verifier_.salt) +
                  ",i=" + std::to_string(verifier_.iterations);
  state_ = State::kSentServerFirst;
  return server_first_;
}

std::string ScramServer::ServerFirst(const ScramVerifier& v) {
  unknown_user_ = false;
  return ServerFirstWith(v);
}

std::string ScramServer::ServerFirstForUnknown(uint32_t iterations,
                                               std::string_view fake_salt_seed) {
  unknown_user_ = true;
  ScramVerifier fake;
  fake.iterations = iterations;
  fake.salt = Hmac(fake_salt_seed, chat::irc::Fold(username_)).substr(0, kSaltBytes);
  // Keys nobody can match (no password hashes to zero); Step2 fails anyway.
  fake.stored_key.assign(kKeyBytes, '\0');
  fake.server_key.assign(kKeyBytes, '\0');
  return ServerFirstWith(std::move(fake));
}

bool ScramServer::Step2(std::string_view client_final, std::string* server_final,
                        std::string* error) {
  if (state_ != State::kSentServerFirst) {
    *error = "unexpected message";
    state_ = State::kDone;
    return false;
  }
  state_ = State::kDone;
  // The proof is the last attribute (RFC 5802 §7); base64 has no ','.
  std::size_t p = client_final.rfind(",p=");
  if (p == std::string_view::npos) {
    *error = "missing proof";
    return false;
  }
  std::string_view without_proof = client_final.substr(0, p);
  std::vector<std::string_view> parts = SplitCommas(without_proof);
  std::string binding;
  if (!HasAttr(parts[0], 'c') || !Base64Decode(parts[0].substr(2), &binding)) {
    *error = "malformed channel binding";
    return false;
  }
  // Without channel binding, c= carries just the gs2 header (RFC 5802 §7
  // cbind-input), authzid included.
  if (binding != gs2_header_) {
    *error = "channel binding mismatch";
    return false;
  }
  if (parts.size() < 2 || !HasAttr(parts[1], 'r')) {
    *error = "missing nonce";
    return false;
  }
  if (parts[1].substr(2) != client_nonce_ + server_nonce_) {
    *error = "nonce mismatch";
    return false;
  }
  if (!AllExtensions(parts, 2)) {
    *error = "malformed extension";
    return false;
  }
  std::string proof;
  if (!Base64Decode(client_final.substr(p + 3), &proof) || proof.size() != kKeyBytes) {
    *error = "malformed proof";
    return false;
  }
  if (!WellFormed(verifier_)) {
    *error = "malformed verifier";
    return false;
  }
  // RFC 5802 §3: ClientKey = ClientProof XOR HMAC(StoredKey, AuthMessage);
  // the client knows the password iff H(ClientKey) == StoredKey.
  std::string auth_message = client_first_bare_;
  auth_message += ',';
  auth_message += server_first_;
  auth_message += ',';
  auth_message += without_proof;
  std::string client_key = Xor(proof, Hmac(verifier_.stored_key, auth_message));
  bool proof_ok = SecretEqual(Sha256(client_key), verifier_.stored_key);
  OPENSSL_cleanse(client_key.data(), client_key.size());
  if (unknown_user_) {
    *error = "unknown user";
    return false;
  }
  if (!proof_ok) {
    *error = "invalid proof";
    return false;
  }
  *server_final = "v=" + Base64Encode(Hmac(verifier_.server_key, auth_message));
  return true;
}

// ---------------------------------------------------------------- client

ScramClient::ScramClient(std::string user, std::string password, std::string nonce_override)
    : user_(std::move(user)),
      password_(std::move(password)),
      nonce_(nonce_override.empty() ? RandomNonce() : std::move(nonce_override)) {}

std::string ScramClient::ClientFirst() {
  client_first_bare_ = "n=" + EncodeSaslname(user_) + ",r=" + nonce_;
  state_ = State::kSentClientFirst;
  return "n,," + client_first_bare_;
}

bool ScramClient::ClientFinal(std::string_view server_first, std::string* client_final,
                              std::string* error) {
  if (state_ != State::kSentClientFirst) {
    *error = "unexpected message";
    state_ = State::kDone;
    return false;
  }
  state_ = State::kDone;
  std::vector<std::string_view> parts = SplitCommas(server_first);
  if (HasAttr(parts[0], 'm')) {
    *error = "mandatory extension not supported";
    return false;
  }
  if (!HasAttr(parts[0], 'r')) {
    *error = "missing nonce";
    return false;
  }
  std::string_view nonce = parts[0].substr(2);
  // RFC 5802 §5.1: the server appends its part to our nonce.
  if (!IsNonce(nonce) || nonce.size() <= nonce_.size() || nonce.substr(0, nonce_.size()) != nonce_) {
    *error = "nonce mismatch";
    return false;
  }
  std::string salt;
  if (parts.size() < 2 || !HasAttr(parts[1], 's') || !Base64Decode(parts[1].substr(2), &salt) ||
      salt.empty()) {
    *error = "malformed salt";
    return false;
  }
  uint32_t iterations = 0;
  if (parts.size() < 3 || !HasAttr(parts[2], 'i') ||
      !ParseIterations(parts[2].substr(2), &iterations)) {
    *error = "malformed iteration count";
    return false;
  }
  if (iterations > kMaxClientIterations) {
    *error = "iteration count too high";
    return false;
  }
  if (!AllExtensions(parts, 3)) {
    *error = "malformed extension";
    return false;
  }
  std::string salted;
  if (!Pbkdf2(password_, salt, iterations, &salted)) {
    *error = "cannot derive key";
    return false;
  }
  OPENSSL_cleanse(password_.data(), password_.size());
  password_.clear();
  std::string client_key = Hmac(salted, "Client Key");
  std::string stored_key = Sha256(client_key);
  std::string without_proof = "c=biws,r=" + std::string(nonce);  // biws = base64("n,,")
  std::string auth_message = client_first_bare_;
  auth_message += ',';
  auth_message += server_first;
  auth_message += ',';
  auth_message += without_proof;
  std::string proof = Xor(client_key, Hmac(stored_key, auth_message));
  server_signature_ = Hmac(Hmac(salted, "Server Key"), auth_message);
  OPENSSL_cleanse(salted.data(), salted.size());
  OPENSSL_cleanse(client_key.data(), client_key.size());
  *client_final = without_proof + ",p=" + Base64Encode(proof);
  state_ = State::kSentClientFinal;
  return true;
}

bool ScramClient::VerifyServerFinal(std::string_view server_final) {
  if (state_ != State::kSentClientFinal) return false;
  state_ = State::kDone;
  std::vector<std::string_view> parts = SplitCommas(server_final);
  std::string signature;
  if (!HasAttr(parts[0], 'v') || !Base64Decode(parts[0].substr(2), &signature)) return false;
  if (!AllExtensions(parts, 1)) return false;
  return SecretEqual(signature, server_signature_);
}

}  // namespace chat::sasl
