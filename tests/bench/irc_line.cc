// LineView parsing (irc_line.h).
#include "irc_line.h"

namespace chatbench {

namespace {

// Skips spaces at the start of *s.
void SkipSpaces(std::string_view* s) {
  std::size_t i = 0;
  while (i < s->size() && (*s)[i] == ' ') ++i;
  s->remove_prefix(i);
}

// Takes the token up to the next space.
std::string_view TakeToken(std::string_view* s) {
  std::size_t sp = s->find(' ');
  std::string_view tok = s->substr(0, sp);
  s->remove_prefix(sp == std::string_view::npos ? s->size() : sp);
  return tok;
}

}  // namespace

bool ParseLineView(std::string_view s, LineView* out) {
  out->tags = {};
  out->source = {};
  out->command = {};
  out->nparams = 0;
  if (!s.empty() && s[0] == '@') {
    s.remove_prefix(1);
    out->tags = TakeToken(&s);
    SkipSpaces(&s);
  }
  if (!s.empty() && s[0] == ':') {
    s.remove_prefix(1);
    out->source = TakeToken(&s);
    SkipSpaces(&s);
  }
  out->command = TakeToken(&s);
  if (out->command.empty()) return false;
  for (;;) {
    SkipSpaces(&s);
    if (s.empty()) break;
    if (s[0] == ':' || out->nparams == LineView::kMaxParams - 1) {
      if (s[0] == ':') s.remove_prefix(1);
      out->params[out->nparams++] = s;
      break;
    }
    out->params[out->nparams++] = TakeToken(&s);
  }
  return true;
}

bool LineView::FindTag(std::string_view key, std::string_view* value) const {
  std::string_view t = tags;
  while (!t.empty()) {
    std::size_t semi = t.find(';');
    std::string_view one = t.substr(0, semi);
    t.remove_prefix(semi == std::string_view::npos ? t.size() : semi + 1);
    std::size_t eq = one.find('=');
    if (one.substr(0, eq) == key) {
      *value = eq == std::string_view::npos ? std::string_view() : one.substr(eq + 1);
      return true;
    }
  }
  return false;
}

bool TakeUint(std::string_view* s, uint64_t* value) {
  std::size_t i = 0;
  uint64_t v = 0;
  while (i < s->size() && (*s)[i] >= '0' && (*s)[i] <= '9') {
    v = v * 10 + static_cast<uint64_t>((*s)[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  if (i < s->size() && (*s)[i] == ' ') ++i;
  s->remove_prefix(i);
  *value = v;
  return true;
}

std::string_view NickOf(std::string_view source) {
  return source.substr(0, source.find('!'));
}

}  // namespace chatbench
