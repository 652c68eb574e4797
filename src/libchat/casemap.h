// Casemapping and name validation. chatd advertises CASEMAPPING=ascii
// (https://modern.ircdocs.horse/#casemapping-parameter): only A-Z fold to
// a-z. Nicks and channel names are compared by their folded form.
#ifndef CHAT_LIBCHAT_CASEMAP_H_
#define CHAT_LIBCHAT_CASEMAP_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace chat::irc {

inline constexpr const char* kCasemappingName = "ascii";

// Folds s with the ascii casemapping.
std::string Fold(std::string_view s);
// True when a and b are equal after folding.
bool EqualFold(std::string_view a, std::string_view b);

// A valid nickname: 1..max_len bytes; first char a letter or one of
// "[]\`_^{|}"; the rest letters, digits, "-" or those specials
// (RFC 2812 §2.3.1). Never starts with a digit, '-', '#', '&' or ':'.
bool IsValidNick(std::string_view nick, std::size_t max_len);

// A valid channel name: starts with '#' (our CHANTYPES), 2..max_len bytes,
// no space, comma, BELL (^G), NUL, CR or LF (RFC 2812 §1.3), valid UTF-8,
// and nothing that makes two names look alike or hides text: no C0 or C1
// control characters or DEL, no bidirectional formatting (U+061C, U+200E,
// U+200F, U+202A..U+202E, U+2066..U+2069) and no zero-width or invisible
// characters (U+00AD, U+180E, U+200B..U+200D, U+2060..U+2064, U+FEFF).
// Used by the server (JOIN, registration) and the client alike.
bool IsValidChannelName(std::string_view name, std::size_t max_len);

// True when s starts with a channel type character ('#').
bool IsChannelName(std::string_view s);

}  // namespace chat::irc

#endif  // CHAT_LIBCHAT_CASEMAP_H_
