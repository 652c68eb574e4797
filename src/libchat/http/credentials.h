// The Authorization request header (RFC 9110 §11.6.2) for the two schemes
// chatd accepts on its HTTP side: Basic (RFC 7617, the account's password)
// and Bearer (RFC 6750 §2.1, a token issued over IRC). Pure parsing.
#ifndef CHAT_LIBCHAT_HTTP_CREDENTIALS_H_
#define CHAT_LIBCHAT_HTTP_CREDENTIALS_H_

#include <string>
#include <string_view>

namespace chat::http {

struct Credentials {
  enum class Scheme { kNone, kBasic, kBearer };
  Scheme scheme = Scheme::kNone;
  std::string user;      // Basic: the user-id (UTF-8, no ':'), else empty
  std::string password;  // Basic: the password (may contain ':'), else empty
  std::string token;     // Bearer: the token68 text, else empty
};

// Parses an Authorization value. The scheme name is case-insensitive; one
// or more spaces separate it from its credentials.
//  - Basic: strict base64 (RFC 4648) of "user:password"; the user part must
//    be non-empty and contain no control characters (RFC 7617 §2).
//  - Bearer: a token68 (RFC 9110 §11.2: ALPHA DIGIT - . _ ~ + / then '='s).
// Returns false (and *out unchanged) for another scheme or malformed
// credentials, which the caller answers with 401 like missing ones.
bool ParseAuthorization(std::string_view value, Credentials* out);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_CREDENTIALS_H_
