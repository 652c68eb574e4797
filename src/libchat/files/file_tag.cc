// The +chatd.dev/file tag value (file_tag.h).
#include "libchat/files/file_tag.h"

#include <cstdio>
#include <set>

#include "libchat/http/range.h"

namespace chat::files {
namespace {

bool MustEscape(unsigned char c) {
  return c <= 0x20 || c >= 0x7f || c == '%' || c == ',' || c == '=' || c == ';' || c == '\\';
}

}  // namespace

std::string EscapeTagValue(std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (MustEscape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool UnescapeTagValue(std::string_view in, std::string* out) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      if (in.size() - i < 3) return false;
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<unsigned char>(hi * 16 + lo);
      i += 2;
    }
    if (c < 0x20 || c == 0x7f) return false;
    *out += static_cast<char>(c);
  }
  return true;
}

namespace {

bool IsMediaType(std::string_view t) {
  const std::size_t slash = t.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == t.size()) return false;
  for (char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
                    c == '+' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return t.find('/', slash + 1) == std::string_view::npos;
}

}  // namespace

std::string FormatFileTag(const FileTag& tag) {
  return "name=" + EscapeTagValue(tag.name) + ",size=" + std::to_string(tag.size) + ",type=" + EscapeTagValue(tag.type);
}

bool ParseFileTag(std::string_view value, FileTag* out) {
  FileTag tag;
  std::set<std::string> seen;
  bool have_size = false;
  while (!value.empty()) {
    const std::size_t comma = value.find(',');
    std::string_view pair = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) return false;
    const std::string key(pair.substr(0, eq));
    if (!seen.insert(key).second) return false;
    std::string decoded;
    if (!UnescapeTagValue(pair.substr(eq + 1), &decoded)) return false;
    if (key == "name") {
      tag.name = std::move(decoded);
    } else if (key == "size") {
      if (!chat::http::ParseDecimal(decoded, &tag.size)) return false;
      have_size = true;
    } else if (key == "type") {
      for (char& c : decoded) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      tag.type = std::move(decoded);
    }
  }
  if (tag.name.empty() || !have_size) return false;
  if (!IsMediaType(tag.type)) tag.type = "application/octet-stream";
  *out = std::move(tag);
  return true;
}

bool IsThumbnailType(std::string_view type) {
  return type == "image/png" || type == "image/jpeg" || type == "image/gif" || type == "image/webp" ||
         type == "image/bmp";
}

std::string HumanSize(uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes) / 1000.0;
  int unit = 0;
  while (v >= 1000.0 && unit < 5) {
    v /= 1000.0;
    ++unit;
  }
  char buf[32];
  if (v < 100.0) {
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f %s", v, kUnits[unit]);
  }
  return buf;
}

}  // namespace chat::files
