// The control protocol's line codec (control.h, doc/control.md).
#include "libchat/control.h"

#include <algorithm>

#include "libchat/message.h"

namespace chat::ctl {

namespace {

std::string_view StripCr(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Splits on TAB (no escapes span a TAB, so this is safe before unescaping).
std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) {
      out.push_back(line.substr(start));
      return out;
    }
    out.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
}

bool IsKey(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

std::string EscapeField(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\0': out += "\\0"; break;
      default: out += c;
    }
  }
  return out;
}

bool UnescapeField(std::string_view escaped, std::string* out) {
  std::string s;
  s.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    char c = escaped[i];
    if (c != '\\') {
      s += c;
      continue;
    }
    if (++i == escaped.size()) return false;
    switch (escaped[i]) {
      case '\\': s += '\\'; break;
      case 't': s += '\t'; break;
      case 'n': s += '\n'; break;
      case 'r': s += '\r'; break;
      case '0': s += '\0'; break;
      default: return false;
    }
  }
  *out = std::move(s);
  return true;
}

chat::Status SplitWords(std::string_view line, std::vector<std::string>* words) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  std::size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      std::size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) return chat::Status::InvalidArgument("unterminated ' quote");
      word.append(line.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return chat::Status::InvalidArgument("unterminated \" quote");
        char d = line[i];
        if (d == '"') break;
        if (d == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        ++i;
      }
      ++i;  // the closing quote
    } else if (c == '\\') {
      if (i + 1 >= line.size()) return chat::Status::InvalidArgument("trailing backslash");
      word += line[i + 1];
      i += 2;
    } else {
      word += c;
      ++i;
    }
  }
  if (in_word) out.push_back(std::move(word));
  *words = std::move(out);
  return chat::Status::OK();
}

chat::Result<std::string> EncodeRequest(const std::vector<std::string>& args) {
  if (args.empty()) return chat::Status::InvalidArgument("empty request");
  std::string line;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i != 0) line += '\t';
    line += EscapeField(args[i]);
    if (line.size() >= kMaxLineBytes) break;
  }
  line += '\t';  // marks the line as fields, not words (DecodeRequest)
  line += '\n';
  if (line.size() > kMaxLineBytes) {
    return chat::Status::InvalidArgument("request longer than " + std::to_string(kMaxLineBytes) + " bytes");
  }
  return line;
}

chat::Status DecodeRequest(std::string_view line, std::vector<std::string>* args) {
  line = StripCr(line);
  if (line.size() > kMaxLineBytes - 1) return chat::Status::Protocol("request line too long");
  std::vector<std::string> out;
  if (line.empty() || line.back() != '\t') {
    chat::Status s = SplitWords(line, &out);
    if (!s.ok()) return chat::Status::Protocol(s.message());
  } else {
    line.remove_suffix(1);
    for (std::string_view f : SplitTabs(line)) {
      std::string value;
      if (!UnescapeField(f, &value)) return chat::Status::Protocol("bad escape in a request field");
      out.push_back(std::move(value));
    }
  }
  if (out.empty() || out[0].empty()) return chat::Status::Protocol("empty request");
  for (const std::string& a : out) {
    if (!chat::irc::IsValidUtf8(a)) return chat::Status::Protocol("request is not valid UTF-8");
  }
  *args = std::move(out);
  return chat::Status::OK();
}

chat::Result<std::string> EncodeRow(const Row& row) {
  std::string line = "ROW";
  for (const auto& [key, value] : row) {
    if (!IsKey(key)) return chat::Status::InvalidArgument("bad row key '" + key + "'");
    line += '\t';
    line += key;
    line += '=';
    line += EscapeField(value);
    if (line.size() >= kMaxLineBytes) break;
  }
  line += '\n';
  if (line.size() > kMaxLineBytes) {
    return chat::Status::InvalidArgument("row longer than " + std::to_string(kMaxLineBytes) + " bytes");
  }
  return line;
}

std::string EncodeOk(std::string_view message) {
  if (message.empty()) return "OK\n";
  std::string escaped = EscapeField(message);
  std::string_view cut = chat::irc::TruncateUtf8(escaped, kMaxLineBytes - 5);
  // Never end on half an escape.
  std::size_t n = cut.size();
  std::size_t slashes = 0;
  while (slashes < n && cut[n - 1 - slashes] == '\\') ++slashes;
  if (slashes % 2 == 1) cut.remove_suffix(1);
  return "OK\t" + std::string(cut) + "\n";
}

std::string EncodeErr(std::string_view code, std::string_view message) {
  std::string head = "ERR\t" + EscapeField(code) + "\t";
  std::string escaped = EscapeField(message.empty() ? code : message);
  std::size_t room = kMaxLineBytes - 1 - std::min(head.size(), kMaxLineBytes - 1);
  std::string_view cut = chat::irc::TruncateUtf8(escaped, room);
  std::size_t n = cut.size();
  std::size_t slashes = 0;
  while (slashes < n && cut[n - 1 - slashes] == '\\') ++slashes;
  if (slashes % 2 == 1) cut.remove_suffix(1);
  return head + std::string(cut) + "\n";
}

chat::Status ResponseParser::Feed(std::string_view line) {
  line = StripCr(line);
  if (done_) return chat::Status::Protocol("data after the end of the response");
  if (line.size() > kMaxLineBytes - 1) return chat::Status::Protocol("response line too long");
  std::vector<std::string_view> fields = SplitTabs(line);
  std::string_view type = fields[0];
  if (type == "ROW") {
    Row row;
    for (std::size_t i = 1; i < fields.size(); ++i) {
      std::size_t eq = fields[i].find('=');
      if (eq == std::string_view::npos) return chat::Status::Protocol("ROW field without '='");
      std::string key(fields[i].substr(0, eq));
      if (!IsKey(key)) return chat::Status::Protocol("ROW field with a bad key");
      std::string value;
      if (!UnescapeField(fields[i].substr(eq + 1), &value)) return chat::Status::Protocol("bad escape in a ROW value");
      row.emplace_back(std::move(key), std::move(value));
    }
    response_.rows.push_back(std::move(row));
    return chat::Status::OK();
  }
  if (type == "OK") {
    if (fields.size() > 2) return chat::Status::Protocol("OK with more than one field");
    if (fields.size() == 2 && !UnescapeField(fields[1], &response_.message)) {
      return chat::Status::Protocol("bad escape in the OK message");
    }
    response_.ok = true;
    done_ = true;
    return chat::Status::OK();
  }
  if (type == "ERR") {
    if (fields.size() != 3 || fields[1].empty()) return chat::Status::Protocol("ERR needs a code and a message");
    if (!UnescapeField(fields[1], &response_.code) || !UnescapeField(fields[2], &response_.message)) {
      return chat::Status::Protocol("bad escape in ERR");
    }
    response_.ok = false;
    done_ = true;
    return chat::Status::OK();
  }
  return chat::Status::Protocol("unknown response line type");
}

const std::string* FindField(const Row& row, std::string_view key) {
  for (const auto& [k, v] : row) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace chat::ctl
