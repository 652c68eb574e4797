// Upload names and media types (file_name.h).
#include "libchat/files/file_name.h"

#include <cstdint>

namespace chat::files {
namespace {

// Decodes one UTF-8 sequence at s[i]; returns its length (0 if invalid) and
// the code point. Rejects overlong forms, surrogates and > U+10FFFF.
std::size_t DecodeUtf8(std::string_view s, std::size_t i, uint32_t* cp) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  std::size_t n;
  uint32_t v, min;
  if ((b0 & 0xe0) == 0xc0) {
    n = 2, v = b0 & 0x1f, min = 0x80;
  } else if ((b0 & 0xf0) == 0xe0) {
    n = 3, v = b0 & 0x0f, min = 0x800;
  } else if ((b0 & 0xf8) == 0xf0) {
    n = 4, v = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3f);
  }
  if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return 0;
  *cp = v;
  return n;
}

bool IsUnsafeCodePoint(uint32_t cp) {
  return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
         (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2069) ||
         cp == 0xfeff;
}

// The largest prefix length <= max that ends on a character boundary.
std::size_t CutUtf8(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80) --n;
  return n;
}

bool IsTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::string SanitizeFileName(std::string_view name) {
  std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    std::size_t n = DecodeUtf8(name, i, &cp);
    if (n == 0) {
      out.push_back('_');
      ++i;
      continue;
    }
    if (IsUnsafeCodePoint(cp)) {
      out.push_back('_');
    } else {
      out.append(name.substr(i, n));
    }
    i += n;
  }
  std::size_t b = 0;
  while (b < out.size() && (out[b] == '.' || out[b] == ' ')) ++b;
  out.erase(0, b);
  while (!out.empty() && (out.back() == '.' || out.back() == ' ')) out.pop_back();
  if (out.size() > kMaxFileNameBytes) {
    std::size_t dot = out.rfind('.');
    std::string ext = dot != std::string::npos && out.size() - dot <= 16 ? out.substr(dot) : "";
    out = out.substr(0, CutUtf8(out, kMaxFileNameBytes - ext.size())) + ext;
  }
  if (out.empty()) out = "file";
  return out;
}

std::string NormalizeMediaType(std::string_view v) {
  constexpr std::string_view kDefault = "application/octet-stream";
  std::size_t semi = v.find(';');
  v = v.substr(0, semi);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  std::size_t slash = v.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == v.size() || v.size() > 127) return std::string(kDefault);
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (i != slash && !IsTchar(c)) return std::string(kDefault);
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

bool IsInlineSafe(std::string_view t) {
  static constexpr std::string_view kSafe[] = {
      "image/png",  "image/jpeg", "image/gif",  "image/webp", "image/apng", "image/avif",
      "audio/aac",  "audio/mp4",  "audio/mpeg", "audio/ogg",  "audio/webm", "audio/wav",
      "audio/flac", "video/mp4",  "video/ogg",  "video/webm", "text/plain"};
  for (std::string_view s : kSafe) {
    if (t == s) return true;
  }
  return false;
}

std::string ResponseContentType(std::string_view media_type) {
  std::string out(media_type);
  if (media_type == "text/plain") out += "; charset=utf-8";
  return out;
}

}  // namespace chat::files
