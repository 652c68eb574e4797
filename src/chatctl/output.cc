// Tables, records and JSON for chatctl (output.h).
#include "chatctl/output.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "libchat/message.h"

namespace chat::ctl {

namespace {

// Longest cell in a table, in characters; `show` and --json give it all.
constexpr std::size_t kMaxCell = 60;

// Characters (UTF-8 code points) in s.
std::size_t Width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// s cut to at most `max` characters, ending in "…" when cut.
std::string Cut(const std::string& s, std::size_t max) {
  if (Width(s) <= max) return s;
  std::size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++chars == max) break;
  }
  return s.substr(0, i) + "\xe2\x80\xa6";
}

std::string Upper(std::string s) {
  for (char& c : s) c = c == '_' ? ' ' : static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string JsonObject(const Row& row) {
  std::string out = "{";
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i != 0) out += ", ";
    out += JsonString(row[i].first) + ": " + JsonString(row[i].second);
  }
  return out + "}";
}

}  // namespace

std::string JsonString(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // The longest valid UTF-8 sequence starting here, else U+FFFD for one byte.
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len > 1 && i + len <= s.size() && chat::irc::IsValidUtf8(s.substr(i, len))) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
  return out + "\"";
}

std::string Printable(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void PrintResponse(FILE* out, const Response& r, Shape shape, bool json) {
  if (json) {
    switch (shape) {
      case Shape::kMessage:
        fprintf(out, "{\"ok\": true, \"message\": %s}\n", JsonString(r.message).c_str());
        return;
      case Shape::kRecord:
        if (r.rows.size() == 1) {
          fprintf(out, "%s\n", JsonObject(r.rows[0]).c_str());
          return;
        }
        [[fallthrough]];
      case Shape::kTable: {
        fputs("[", out);
        for (std::size_t i = 0; i < r.rows.size(); ++i) {
          fprintf(out, "%s\n  %s", i == 0 ? "" : ",", JsonObject(r.rows[i]).c_str());
        }
        fputs(r.rows.empty() ? "]\n" : "\n]\n", out);
        return;
      }
    }
    return;
  }
  switch (shape) {
    case Shape::kMessage:
      if (!r.message.empty()) fprintf(out, "%s\n", Printable(r.message).c_str());
      return;
    case Shape::kRecord:
      for (std::size_t i = 0; i < r.rows.size(); ++i) {
        if (i != 0) fputs("\n", out);
        std::size_t width = 0;
        for (const auto& [k, v] : r.rows[i]) width = std::max(width, k.size());
        for (const auto& [k, v] : r.rows[i]) {
          if (v.empty()) {
            fprintf(out, "%s:\n", k.c_str());
          } else {
            fprintf(out, "%s:%*s %s\n", k.c_str(), static_cast<int>(width - k.size()), "", Printable(v).c_str());
          }
        }
      }
      if (!r.message.empty()) fprintf(out, "%s\n", Printable(r.message).c_str());
      return;
    case Shape::kTable: {
      // Columns in order of first appearance.
      std::vector<std::string> columns;
      for (const Row& row : r.rows) {
        for (const auto& [k, v] : row) {
          if (std::find(columns.begin(), columns.end(), k) == columns.end()) columns.push_back(k);
        }
      }
      std::vector<std::vector<std::string>> cells;
      std::vector<std::size_t> widths;
      for (const auto& c : columns) widths.push_back(Width(Upper(c)));
      for (const Row& row : r.rows) {
        std::vector<std::string> line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
          const std::string* v = FindField(row, columns[i]);
          line.push_back(v == nullptr ? "" : Cut(Printable(*v), kMaxCell));
          widths[i] = std::max(widths[i], Width(line.back()));
        }
        cells.push_back(std::move(line));
      }
      auto print = [&](const std::vector<std::string>& line) {
        std::string text;
        for (std::size_t i = 0; i < line.size(); ++i) {
          text += line[i];
          if (i + 1 < line.size()) text += std::string(widths[i] - Width(line[i]) + 2, ' ');
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        fprintf(out, "%s\n", text.c_str());
      };
      if (r.rows.empty()) fputs("(none)\n", out);
      if (!columns.empty()) {
        std::vector<std::string> header;
        for (const auto& c : columns) header.push_back(Upper(c));
        print(header);
      }
      for (const auto& line : cells) print(line);
      if (!r.message.empty()) fprintf(out, "%s\n", Printable(r.message).c_str());
      return;
    }
  }
}

}  // namespace chat::ctl
