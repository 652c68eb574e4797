// Base64 (RFC 4648 §4, the standard alphabet with '=' padding) for SASL
// payloads: IRCv3 AUTHENTICATE carries base64, and SCRAM messages carry
// base64 salts, proofs and signatures (RFC 5802 §7). Pure functions. Nothing
// here is SASL-specific; it lives in chat::sasl because SASL is its user.
#ifndef CHAT_LIBCHAT_BASE64_H_
#define CHAT_LIBCHAT_BASE64_H_

#include <string>
#include <string_view>

namespace chat::sasl {

// Encodes raw bytes as padded base64 (RFC 4648 §4): 4 * ceil(n / 3)
// characters from A-Z a-z 0-9 + /, with '=' padding, no line breaks.
// An empty input gives an empty string. Never fails.
std::string Base64Encode(std::string_view raw);

// Decodes padded base64 text into *raw (replaced, not appended to).
// Strict, so one byte string has exactly one accepted encoding:
//  - the length must be a multiple of 4 (padding is required, RFC 4648 §3.2);
//  - only the standard alphabet (§4) is accepted: no URL-safe '-' '_',
//    no whitespace or line breaks (§3.1, §3.3), no NUL;
//  - '=' may appear only as the last one or two characters (§3.2);
//  - the unused bits before the padding must be zero (§3.5 allows rejecting
//    non-canonical encodings, and we do).
// The empty string decodes to no bytes. IRCv3 SASL's "+" for an empty
// payload is not base64 and must be handled by the caller.
// Returns false (leaving *raw unspecified) on any violation.
bool Base64Decode(std::string_view text, std::string* raw);

}  // namespace chat::sasl

#endif  // CHAT_LIBCHAT_BASE64_H_
