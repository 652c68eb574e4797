// The ascii casemapping and nick/channel name validation (casemap.h).
#include "libchat/casemap.h"

#include "libchat/message.h"

namespace chat::irc {

namespace {

char FoldChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 2812 §2.3.1: special = "[", "]", "\", "`", "_", "^", "{", "|", "}".
bool IsNickSpecial(char c) {
  switch (c) {
    case '[': case ']': case '\\': case '`': case '_': case '^': case '{': case '|': case '}':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string Fold(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = FoldChar(c);
  return out;
}

bool EqualFold(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (FoldChar(a[i]) != FoldChar(b[i])) return false;
  }
  return true;
}

bool IsValidNick(std::string_view nick, std::size_t max_len) {
  if (nick.empty() || nick.size() > max_len) return false;
  if (!IsAsciiLetter(nick[0]) && !IsNickSpecial(nick[0])) return false;
  for (char c : nick.substr(1)) {
    if (!IsAsciiLetter(c) && !IsAsciiDigit(c) && !IsNickSpecial(c) && c != '-') return false;
  }
  return true;
}

namespace {

// Controls, bidirectional formatting and invisible characters (see
// IsValidChannelName).
bool IsHiddenOrControl(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return true;
  switch (cp) {
    case 0x00ad: case 0x061c: case 0x180e: case 0xfeff:
      return true;
    default:
      break;
  }
  return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069);
}

// The code point of the UTF-8 sequence at s[*i] (valid UTF-8 assumed);
// advances *i past it.
char32_t NextCodePoint(std::string_view s, std::size_t* i) {
  const auto b = static_cast<unsigned char>(s[*i]);
  const int extra = b < 0x80 ? 0 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
  char32_t cp = extra == 0 ? b : b & (0x3f >> extra);
  for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[*i + k]) & 0x3f);
  *i += 1 + extra;
  return cp;
}

}  // namespace

bool IsValidChannelName(std::string_view name, std::size_t max_len) {
  if (name.size() < 2 || name.size() > max_len || !IsChannelName(name)) return false;
  // RFC 2812 §1.3: no space, ^G (BELL), comma; NUL/CR/LF can't be on the wire.
  if (name.find_first_of(std::string_view(" ,\a\0\r\n", 6)) != std::string_view::npos) return false;
  if (!IsValidUtf8(name)) return false;
  for (std::size_t i = 0; i < name.size();) {
    if (IsHiddenOrControl(NextCodePoint(name, &i))) return false;
  }
  return true;
}

bool IsChannelName(std::string_view s) { return !s.empty() && s[0] == '#'; }

}  // namespace chat::irc
