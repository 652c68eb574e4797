// A zero-allocation view of one received IRC line (RFC 1459 §2.3.1 with
// IRCv3 message-tags): string_views into the caller's buffer. chatbench
// parses every delivered message, so this is on its hot path; the
// allocating chat::irc::ParseLine is not used here for that reason.
#ifndef CHATBENCH_IRC_LINE_H_
#define CHATBENCH_IRC_LINE_H_

#include <cstdint>
#include <string_view>

namespace chatbench {

struct LineView {
  static constexpr int kMaxParams = 15;
  std::string_view tags;     // without '@', raw (escaped); empty when absent
  std::string_view source;   // without ':'; empty when absent
  std::string_view command;  // as sent (numerics are 3 digits)
  std::string_view params[kMaxParams];
  int nparams = 0;

  // The i-th parameter, or "" when there are fewer.
  std::string_view param(int i) const { return i < nparams ? params[i] : std::string_view(); }
  // The last parameter (the trailing one when present), or "".
  std::string_view last() const { return nparams > 0 ? params[nparams - 1] : std::string_view(); }
  // The raw value of tag `key` (still escaped), or false when absent.
  bool FindTag(std::string_view key, std::string_view* value) const;
};

// Splits `line` (no CR LF) into *out. Returns false when there is no
// command. Parameters past kMaxParams are folded into the last one.
bool ParseLineView(std::string_view line, LineView* out);

// Parses the unsigned decimal at the start of *s and advances *s past it
// and one following space. Returns false when *s does not start with a digit.
bool TakeUint(std::string_view* s, uint64_t* value);

// The nick part of a "nick!user@host" source.
std::string_view NickOf(std::string_view source);

}  // namespace chatbench

#endif  // CHATBENCH_IRC_LINE_H_
