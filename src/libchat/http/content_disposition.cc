// Content-Disposition parsing and formatting (content_disposition.h;
// RFC 6266, RFC 8187, RFC 9110 §5.6).
#include "libchat/http/content_disposition.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace chat::http {
namespace {

bool IsTchar(char c) {
  // RFC 9110 §5.6.2
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsAttrChar(unsigned char c) {
  // RFC 8187 §3.2.1 attr-char
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '&': case '+': case '-': case '.':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void SkipOws(std::string_view* s) {
  while (!s->empty() && (s->front() == ' ' || s->front() == '\t')) s->remove_prefix(1);
}

std::string_view TakeToken(std::string_view* s) {
  std::size_t n = 0;
  while (n < s->size() && IsTchar((*s)[n])) ++n;
  std::string_view tok = s->substr(0, n);
  s->remove_prefix(n);
  return tok;
}

// quoted-string (RFC 9110 §5.6.4) at the start of *s; unescaped into *out.
bool TakeQuoted(std::string_view* s, std::string* out) {
  if (s->empty() || s->front() != '"') return false;
  std::size_t i = 1;
  out->clear();
  while (i < s->size()) {
    auto c = static_cast<unsigned char>((*s)[i]);
    if (c == '"') {
      s->remove_prefix(i + 1);
      return true;
    }
    if (c == '\\') {
      if (++i >= s->size()) return false;
      c = static_cast<unsigned char>((*s)[i]);
      if (c < 0x20 && c != '\t') return false;
      if (c == 0x7f) return false;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return false;
    }
    out->push_back(static_cast<char>(c));
    ++i;
  }
  return false;
}

// RFC 8187 ext-value: charset "'" [language] "'" value-chars.
// ISO-8859-1 bytes are converted to UTF-8.
bool DecodeExtValue(std::string_view v, std::string* out) {
  std::size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return false;
  std::size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return false;
  std::string charset = LowerAscii(v.substr(0, q1));
  bool latin1 = charset == "iso-8859-1";
  if (charset != "utf-8" && !latin1) return false;
  std::string raw;
  std::string_view chars = v.substr(q2 + 1);
  for (std::size_t i = 0; i < chars.size(); ++i) {
    char c = chars[i];
    if (c == '%') {
      if (i + 2 >= chars.size()) return false;
      int hi = HexValue(chars[i + 1]), lo = HexValue(chars[i + 2]);
      if (hi < 0 || lo < 0) return false;
      raw.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (IsAttrChar(static_cast<unsigned char>(c))) {
      raw.push_back(c);
    } else {
      return false;
    }
  }
  if (!latin1) {
    *out = std::move(raw);
    return true;
  }
  out->clear();
  for (char c : raw) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out->push_back(c);
    } else {
      out->push_back(static_cast<char>(0xc0 | (u >> 6)));
      out->push_back(static_cast<char>(0x80 | (u & 0x3f)));
    }
  }
  return true;
}

}  // namespace

bool ParseContentDispositionFilename(std::string_view value, std::string* filename) {
  std::string_view s = value;
  SkipOws(&s);
  if (TakeToken(&s).empty()) return false;  // disposition-type
  std::string plain, ext;
  bool have_plain = false, have_ext = false, ext_ok = false;
  std::vector<std::string> seen;
  for (;;) {
    SkipOws(&s);
    if (s.empty()) break;
    if (s.front() != ';') return false;
    s.remove_prefix(1);
    SkipOws(&s);
    if (s.empty()) break;  // a trailing ';' is tolerated
    std::string name = LowerAscii(TakeToken(&s));
    if (name.empty()) return false;
    SkipOws(&s);
    if (s.empty() || s.front() != '=') return false;
    s.remove_prefix(1);
    SkipOws(&s);
    for (const auto& n : seen) {
      if (n == name) return false;  // RFC 6266 §4.1: a parameter appears once
    }
    seen.push_back(name);
    std::string val;
    if (!s.empty() && s.front() == '"') {
      if (name.back() == '*') return false;  // ext-value is never quoted
      if (!TakeQuoted(&s, &val)) return false;
    } else {
      std::string_view tok = TakeToken(&s);
      if (tok.empty()) return false;
      val.assign(tok);
    }
    if (name == "filename") {
      plain = std::move(val);
      have_plain = true;
    } else if (name == "filename*") {
      have_ext = true;
      ext_ok = DecodeExtValue(val, &ext);
    }
  }
  if (have_ext && ext_ok) {
    *filename = std::move(ext);
    return true;
  }
  if (have_ext && !have_plain) return false;
  if (!have_plain) return false;
  *filename = std::move(plain);
  return true;
}

std::string FormatContentDisposition(bool inline_disposition, std::string_view utf8_name) {
  std::string out = inline_disposition ? "inline" : "attachment";
  if (utf8_name.empty()) return out;
  out += "; filename=\"";
  for (char c : utf8_name) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u >= 0x7f || c == '"' || c == '\\' || c == '%' ? '_' : c);
  }
  out += "\"; filename*=UTF-8''";
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : utf8_name) {
    auto u = static_cast<unsigned char>(c);
    if (IsAttrChar(u)) {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

std::string PercentEncodePathSegment(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    }
  }
  return out;
}

}  // namespace chat::http
