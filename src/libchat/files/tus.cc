// tus 1.0.0 header fields (tus.h).
#include "libchat/files/tus.h"

#include "libchat/base64.h"
#include "libchat/http/range.h"

namespace chat::files {

bool TusVersionSupported(std::string_view v) { return v == kTusVersion; }

bool ParseTusNumber(std::string_view text, uint64_t* out) { return chat::http::ParseDecimal(text, out); }

bool ParseTusMetadata(std::string_view text, std::vector<std::pair<std::string, std::string>>* out) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (text.empty()) {
    out->clear();
    return true;
  }
  for (;;) {
    std::size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::size_t sp = item.find(' ');
    std::string_view key = item.substr(0, sp);
    if (key.empty()) return false;
    for (char c : key) {
      auto u = static_cast<unsigned char>(c);
      if (u <= 0x20 || u >= 0x7f) return false;
    }
    std::string value;
    if (sp != std::string_view::npos && !chat::sasl::Base64Decode(item.substr(sp + 1), &value)) return false;
    for (const auto& p : pairs) {
      if (p.first == key) return false;
    }
    pairs.emplace_back(std::string(key), std::move(value));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  *out = std::move(pairs);
  return true;
}

TusChecksum ParseTusChecksum(std::string_view text, std::string* digest) {
  std::size_t sp = text.find(' ');
  if (sp == std::string_view::npos || sp == 0) return TusChecksum::kMalformed;
  std::string algo(text.substr(0, sp));
  for (char& c : algo) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  std::string raw;
  if (!chat::sasl::Base64Decode(text.substr(sp + 1), &raw)) return TusChecksum::kMalformed;
  if (algo != "sha256") return TusChecksum::kUnsupported;
  if (raw.size() != 32) return TusChecksum::kMalformed;
  *digest = std::move(raw);
  return TusChecksum::kOk;
}

}  // namespace chat::files
