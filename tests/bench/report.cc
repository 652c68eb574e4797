// Report printing (report.h).
#include "report.h"

#include <cmath>

namespace chatbench {

std::string Report::Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void Report::Put(const std::string& key, std::string json, std::string text) {
  for (auto& e : entries_) {
    if (e.key == key) {
      e.json = std::move(json);
      e.text = std::move(text);
      return;
    }
  }
  entries_.push_back({key, std::move(json), std::move(text)});
}

void Report::Set(const std::string& key, double value) {
  char buf[64];
  if (!std::isfinite(value)) {
    Put(key, "null", "n/a");
    return;
  }
  if (std::fabs(value) >= 1e6 || value == std::floor(value)) {
    snprintf(buf, sizeof buf, "%.0f", value);
  } else if (std::fabs(value) >= 100) {
    snprintf(buf, sizeof buf, "%.1f", value);
  } else {
    snprintf(buf, sizeof buf, "%.4g", value);
  }
  Put(key, buf, buf);
}

void Report::SetInt(const std::string& key, int64_t value) {
  std::string s = std::to_string(value);
  Put(key, s, s);
}

void Report::SetString(const std::string& key, const std::string& value) {
  Put(key, Quote(value), value);
}

void Report::SetRaw(const std::string& key, const std::string& json) { Put(key, json, json); }

void Report::Print(FILE* out, bool json) const {
  if (json) {
    fputc('{', out);
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      fprintf(out, "%s%s: %s", i ? ", " : "", Quote(entries_[i].key).c_str(), entries_[i].json.c_str());
    }
    fputs("}\n", out);
    return;
  }
  std::size_t width = 0;
  for (const auto& e : entries_) width = std::max(width, e.key.size());
  for (const auto& e : entries_) {
    fprintf(out, "%-*s  %s\n", static_cast<int>(width + 1), (e.key + ":").c_str(), e.text.c_str());
  }
}

}  // namespace chatbench
