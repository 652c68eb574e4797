// Wildcard masks as used by bans and WHO/LIST filters (RFC 2812 §2.5):
// '*' matches any run of bytes, '?' exactly one byte. Matching is
// case-insensitive under the ascii casemapping (casemap.h).
#ifndef CHAT_LIBCHAT_WILDCARD_H_
#define CHAT_LIBCHAT_WILDCARD_H_

#include <string>
#include <string_view>

namespace chat::irc {

// True when `text` matches `mask`. Runs in O(len(mask) * len(text)) worst case,
// never recursion-deep (hostile masks like "*a*a*a*a*b" are safe).
bool MaskMatch(std::string_view mask, std::string_view text);

// Completes a partial ban mask to nick!user@host form as servers do:
// "nick" -> "nick!*@*", "user@host" -> "*!user@host", "host.name" (has '.'
// or ':', no '!'/'@') -> "*!*@host.name", "nick!user" -> "nick!user@*".
// Empty parts become "*" ("" -> "*!*@*", "nick!@" -> "nick!*@*").
std::string NormalizeMask(std::string_view mask);

}  // namespace chat::irc

#endif  // CHAT_LIBCHAT_WILDCARD_H_
