// Wildcard mask matching and ban mask completion (wildcard.h).
#include "libchat/wildcard.h"

namespace chat::irc {

namespace {

char FoldChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

// Greedy matching that remembers only the most recent '*': on a mismatch it
// lets that star absorb one more byte and retries from there. Earlier stars
// never need revisiting (anything they could absorb, the last star can), so
// the work is bounded by len(mask) * len(text) with no recursion.
bool MaskMatch(std::string_view mask, std::string_view text) {
  constexpr std::size_t kNoStar = std::string_view::npos;
  std::size_t m = 0;
  std::size_t t = 0;
  std::size_t star = kNoStar;  // index in mask of the last '*' seen
  std::size_t mark = 0;        // text index that star's match ends at
  while (t < text.size()) {
    if (m < mask.size() && mask[m] == '*') {
      star = m++;
      mark = t;
    } else if (m < mask.size() && (mask[m] == '?' || FoldChar(mask[m]) == FoldChar(text[t]))) {
      ++m;
      ++t;
    } else if (star != kNoStar) {
      m = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (m < mask.size() && mask[m] == '*') ++m;
  return m == mask.size();
}

std::string NormalizeMask(std::string_view mask) {
  auto or_star = [](std::string_view s) { return s.empty() ? std::string("*") : std::string(s); };
  std::string_view nick;
  std::string_view user;
  std::string_view host;
  std::size_t bang = mask.find('!');
  std::size_t at = mask.find('@', bang == std::string_view::npos ? 0 : bang + 1);
  if (bang != std::string_view::npos) {
    nick = mask.substr(0, bang);
    if (at != std::string_view::npos) {
      user = mask.substr(bang + 1, at - bang - 1);
      host = mask.substr(at + 1);
    } else {
      user = mask.substr(bang + 1);
    }
  } else if (at != std::string_view::npos) {
    user = mask.substr(0, at);
    host = mask.substr(at + 1);
  } else if (mask.find_first_of(".:") != std::string_view::npos) {
    host = mask;  // nicks contain neither '.' nor ':'; IPv6 hosts contain ':'
  } else {
    nick = mask;
  }
  return or_star(nick) + "!" + or_star(user) + "@" + or_star(host);
}

}  // namespace chat::irc
