// SASL mechanism logic, independent of IRC framing: SCRAM-SHA-256
// (RFC 5802, RFC 7677) verifiers and both sides of an exchange, and PLAIN
// (RFC 4616) message parsing. Pure: no I/O; OpenSSL supplies the hash,
// HMAC, PBKDF2 and random bytes. The IRCv3 AUTHENTICATE framing (400-byte
// chunks, "+" for empty, base64 of each whole message) is the caller's job;
// every message here is the decoded SASL message itself.
//
// Passwords and usernames are used as the UTF-8 bytes given. SASLprep
// (RFC 4013), which RFC 5802 §2.2 and RFC 4616 §2 ask for, is NOT applied:
// neither OpenSSL nor any Debian library we depend on provides it. For ASCII
// this changes nothing. For non-ASCII passwords it means the bytes must match
// exactly: a password set as "é" in NFC (U+00E9) does not match the same
// glyph typed in NFD (U+0065 U+0301), and compatibility characters (e.g.
// full-width letters, non-ASCII spaces) are not mapped. Other SCRAM clients
// that do apply SASLprep produce the same bytes as we do for any password
// that is already in NFC and contains no characters SASLprep maps or
// prohibits, which covers what users normally type.
#ifndef CHAT_LIBCHAT_SASL_H_
#define CHAT_LIBCHAT_SASL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chat::sasl {

// RFC 7677 §4: the iteration count SHOULD be at least 4096.
inline constexpr uint32_t kMinRecommendedIterations = 4096;
// Salt length used by MakeVerifier and by the unknown-user fake salt, bytes.
inline constexpr std::size_t kSaltBytes = 16;
// SHA-256 output, and so the size of every key, proof and signature, bytes.
inline constexpr std::size_t kKeyBytes = 32;
// ScramClient refuses a server-first-message asking for more iterations
// than this, so a hostile server cannot make the client spin in PBKDF2.
inline constexpr uint32_t kMaxClientIterations = 10'000'000;

// What the server stores instead of a password (RFC 5802 §3). All strings
// are raw bytes, not base64. A well-formed verifier has iterations >= 1,
// a non-empty salt, and 32-byte stored_key and server_key.
struct ScramVerifier {
  uint32_t iterations = 0;
  std::string salt;
  std::string stored_key;  // H(ClientKey)
  std::string server_key;  // HMAC(SaltedPassword, "Server Key")
};

// Derives a verifier for `password` (UTF-8 bytes, not SASLprep'd: see the
// top of this file) with a fresh random kSaltBytes-byte salt from
// RAND_bytes. `iterations` must be >= 1 (use at least
// kMinRecommendedIterations outside tests); it costs that many HMACs now and
// at every client login. Aborts the process if OpenSSL cannot supply random
// bytes or compute PBKDF2 (neither happens on a working system, and
// continuing with a predictable salt would be worse).
ScramVerifier MakeVerifier(std::string_view password, uint32_t iterations);

// As MakeVerifier but with the given raw `salt` (must be non-empty), so the
// result is deterministic: for tests and for re-deriving known vectors.
// SaltedPassword = PBKDF2-HMAC-SHA-256(password, salt, iterations)
// (RFC 5802 §2.2 Hi()), ClientKey = HMAC(SaltedPassword, "Client Key"),
// StoredKey = SHA-256(ClientKey), ServerKey = HMAC(SaltedPassword,
// "Server Key") (RFC 5802 §3).
ScramVerifier MakeVerifierWithSalt(std::string_view password, std::string_view salt,
                                   uint32_t iterations);

// True when `password` derives v's StoredKey (for PLAIN, which sends the
// password itself). Recomputes PBKDF2 with v's salt and iteration count, so
// it costs v.iterations HMACs; the final comparison is constant-time
// (CRYPTO_memcmp). False for a malformed verifier.
bool CheckPassword(const ScramVerifier& v, std::string_view password);

// A decoded PLAIN message (RFC 4616 §2).
struct PlainCredentials {
  std::string authzid;   // may be empty: "act as authcid"
  std::string authcid;   // the account name, non-empty
  std::string password;  // non-empty
};

// Parses the decoded PLAIN message "[authzid] NUL authcid NUL passwd"
// (RFC 4616 §2) into *out. Rejects (returns false, *out unspecified): fewer
// or more than two NULs, an empty authcid or password, any field longer than
// 255 bytes, and fields that are not valid UTF-8. Like the rest of this file
// it does not apply SASLprep. The caller decides whether a non-empty authzid
// different from authcid is allowed (chatd refuses it).
bool ParsePlain(std::string_view decoded, PlainCredentials* out);

// The server side of one SCRAM-SHA-256 exchange (RFC 5802 §5, §7). Create
// one per AUTHENTICATE SCRAM-SHA-256 attempt and drive it in this order:
//
//   Step1(client-first)         -> username to look up
//   ServerFirst(verifier)       -> server-first-message to send
//     or ServerFirstForUnknown  -> a plausible one when there is no account
//   Step2(client-final)         -> server-final-message to send on success
//
// Messages are the decoded SASL payloads (no base64 framing). Channel
// binding is not offered (no SCRAM-SHA-256-PLUS), so the gs2 flag must be
// "n" or "y" (RFC 5802 §6: "y" means the client could bind but believes we
// cannot, which is true). Errors are short English strings for the server
// log; they must not be sent to the client (IRCv3 SASL answers every failure
// with ERR_SASLFAIL, and distinct replies would reveal which accounts exist).
// After any failure the exchange is over: later steps return false.
// Not thread-safe; owned by the session driving it.
class ScramServer {
 public:
  // `server_nonce_override` empty: the server nonce is 24 bytes from
  // RAND_bytes, base64-encoded (aborts if OpenSSL has no randomness).
  // Non-empty: used verbatim as the server's part of the nonce (tests only);
  // it must consist of printable ASCII other than ',' (RFC 5802 §7).
  explicit ScramServer(std::string server_nonce_override = "");

  // Parses the client-first-message (RFC 5802 §7):
  //   gs2-header = ("n" / "y") "," ["a=" saslname] ","
  //   client-first-message-bare = "n=" saslname ",r=" c-nonce ["," ext...]
  // saslname escapes "=2C" and "=3D" are decoded (upper- or lower-case hex,
  // RFC 5234 §2.3 strings are case-insensitive); any other '=' fails
  // (RFC 5802 §5.1). Names must be non-empty valid UTF-8 without NUL.
  // The nonce must be non-empty printable ASCII without ','. A leading
  // "m=" attribute fails (§5.1, reserved-mext). Extensions after the nonce
  // must be well-formed "x=value" and are otherwise ignored.
  // On success sets *username to the decoded name (not case-folded) and
  // returns true; authzid() then holds the decoded "a=" value or "".
  // On failure sets *error, e.g. "channel binding not supported" for a
  // "p=" flag, and returns false. False with "unexpected message" if called
  // twice.
  bool Step1(std::string_view client_first, std::string* username, std::string* error);

  // After Step1 succeeded and the caller found the account: returns the
  // server-first-message "r=<client nonce><server nonce>,s=<base64 salt>,
  // i=<iterations>" (RFC 5802 §7) and remembers `v` for Step2 (copied).
  // A malformed verifier (corrupt record) still yields a message, and Step2
  // then fails with "malformed verifier". Calling it before a successful
  // Step1, or twice, is a programming error and aborts.
  std::string ServerFirst(const ScramVerifier& v);

  // Instead of ServerFirst when the username has no account (or is
  // disabled): returns a server-first-message indistinguishable from a real
  // one, with `iterations` (pass the count new accounts get) and a kSaltBytes
  // salt = the first kSaltBytes of HMAC-SHA-256(key = fake_salt_seed,
  // message = Fold(username)) (ascii casemapping, as account lookups use),
  // so the same unknown name always gets the same salt, whatever its case.
  // `fake_salt_seed` must be a server secret (random, e.g. 32 bytes kept in
  // the data directory) that stays the same across restarts: anything a
  // client can learn, such as the server name, lets it recompute the fake
  // salt and so tell unknown names from real ones; a seed that changes
  // makes the same unknown name get different salts over time. Step2
  // then does the same work as for a real account and always returns false
  // with "unknown user". Same call-order rules as ServerFirst.
  std::string ServerFirstForUnknown(uint32_t iterations, std::string_view fake_salt_seed);

  // Checks the client-final-message (RFC 5802 §7):
  //   "c=" base64(gs2-header) ",r=" nonce ["," ext...] ",p=" base64(proof)
  // The channel binding must decode to exactly the gs2 header of the
  // client-first-message ("biws" for "n,,"; it includes any authzid), the
  // nonce must equal client nonce + server nonce, and the proof must be 32
  // bytes with SHA-256(ClientProof XOR ClientSignature) == StoredKey,
  // compared in constant time (RFC 5802 §3). On success sets *server_final
  // to "v=" base64(ServerSignature) and returns true; the client is then
  // authenticated as the Step1 username. On failure sets *error and
  // returns false, leaving *server_final untouched (there is no "e="
  // reply: the IRC caller sends ERR_SASLFAIL). Called out of order it
  // returns false with "unexpected message".
  bool Step2(std::string_view client_final, std::string* server_final, std::string* error);

  // The decoded authzid from the gs2 header, or "" when none was given.
  // Valid after Step1 succeeded. The caller decides whether an authzid other
  // than the username is acceptable (chatd refuses it).
  const std::string& authzid() const { return authzid_; }
  // The decoded username from Step1, "" before.
  const std::string& username() const { return username_; }

 private:
  enum class State { kStart, kGotClientFirst, kSentServerFirst, kDone };

  std::string ServerFirstWith(ScramVerifier v);

  State state_ = State::kStart;
  bool unknown_user_ = false;
  std::string server_nonce_;
  std::string gs2_header_;         // e.g. "n,,", checked against c=
  std::string client_first_bare_;  // for AuthMessage
  std::string client_nonce_;
  std::string username_;
  std::string authzid_;
  std::string server_first_;  // for AuthMessage
  ScramVerifier verifier_;
};

// The client side of one SCRAM-SHA-256 exchange, for tests and the GTK
// client. Sends no authzid and no channel binding (gs2 header "n,,").
// Order: ClientFirst, ClientFinal, VerifyServerFinal. Not thread-safe.
class ScramClient {
 public:
  // `user` and `password` are UTF-8 bytes, not SASLprep'd. `nonce_override`
  // empty: the client nonce is 24 bytes from RAND_bytes, base64-encoded
  // (aborts if OpenSSL has no randomness); non-empty: used verbatim (tests
  // only; printable ASCII other than ',').
  ScramClient(std::string user, std::string password, std::string nonce_override = "");

  // The client-first-message "n,,n=<user>,r=<nonce>" with ',' and '=' in
  // the user escaped as "=2C" and "=3D" (RFC 5802 §5.1).
  std::string ClientFirst();

  // Given the server-first-message "r=...,s=...,i=..." (RFC 5802 §7),
  // computes the proof and sets *client_final to
  // "c=biws,r=<nonce>,p=<base64 proof>". Fails (false, *error set) when the
  // message is malformed, starts with "m=", the nonce does not extend ours,
  // the salt is not valid non-empty base64, or the iteration count is 0 or
  // above kMaxClientIterations. Costs `i` HMACs (PBKDF2). Must follow
  // ClientFirst; otherwise false with "unexpected message".
  bool ClientFinal(std::string_view server_first, std::string* client_final, std::string* error);

  // True when server_final is "v=<base64 ServerSignature>" (optionally
  // followed by extensions) with the signature we expect, compared in
  // constant time: the server proved it knows our verifier (RFC 5802 §5).
  // False for "e=..." errors, anything malformed, or before ClientFinal
  // succeeded. Only after this returns true may the client treat the server
  // as authenticated.
  bool VerifyServerFinal(std::string_view server_final);

 private:
  enum class State { kStart, kSentClientFirst, kSentClientFinal, kDone };

  State state_ = State::kStart;
  std::string user_;
  std::string password_;
  std::string nonce_;
  std::string client_first_bare_;
  std::string server_signature_;  // raw, expected in server-final
};

}  // namespace chat::sasl

#endif  // CHAT_LIBCHAT_SASL_H_
