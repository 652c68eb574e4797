// libFuzzer target: SASL messages as a client sends them (IRCv3 SASL 3.2),
// after base64: PLAIN (RFC 4616) and a whole SCRAM-SHA-256 exchange
// (RFC 5802) against a fixed verifier. The first byte picks the mechanism;
// for SCRAM the rest is client-first, a NUL, then client-final. Nothing may
// crash or trip a sanitizer; a parsed PLAIN message must hold no NUL in
// its fields, and a SCRAM exchange with random bytes must never succeed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libchat/base64.h"
#include "libchat/sasl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sasl = chat::sasl;
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 3 == 0) {
    sasl::PlainCredentials cred;
    if (sasl::ParsePlain(in, &cred)) {
      for (const std::string* s : {&cred.authzid, &cred.authcid, &cred.password}) {
        if (s->find('\0') != std::string::npos) abort();
      }
    }
    return 0;
  }
  if (data[0] % 3 == 1) {  // the base64 framing of AUTHENTICATE payloads
    std::string raw;
    if (sasl::Base64Decode(in, &raw) && sasl::Base64Encode(raw) != in) abort();
    return 0;
  }
  // One verifier for every run (PBKDF2 at the minimum count: speed matters here).
  static const sasl::ScramVerifier verifier = sasl::MakeVerifierWithSalt("pencil", "0123456789abcdef", 4096);
  const std::size_t nul = in.find('\0');
  std::string_view first = in.substr(0, nul), final_msg = nul == std::string_view::npos ? "" : in.substr(nul + 1);
  sasl::ScramServer server("fixed-server-nonce");
  std::string user, error, server_final;
  if (!server.Step1(first, &user, &error)) return 0;
  if (user.empty()) abort();
  (void)server.ServerFirst(verifier);
  if (server.Step2(final_msg, &server_final, &error)) abort();  // no valid proof without the password
  return 0;
}
