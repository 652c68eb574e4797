// The IRC message codec declared in message.h: ParseLine and Serialize, tag
// value escaping, and the UTF-8 checks the codec and its callers share.
//
// Specs: the "Modern IRC Client Protocol" message section
// (https://modern.ircdocs.horse/#messages) and IRCv3 message-tags
// (https://ircv3.net/specs/extensions/message-tags).
#include "libchat/message.h"

#include <unordered_map>

namespace chat::irc {

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// message-tags: <key_name> ::= letters, digits, hyphens.
bool IsKeyNameChar(char c) { return IsAsciiLetter(c) || IsAsciiDigit(c) || c == '-'; }
// message-tags: <vendor> ::= <host>, a DNS name.
bool IsVendorChar(char c) { return IsKeyNameChar(c) || c == '.'; }

// message-tags: <key> ::= [ <client_prefix> ] [ <vendor> '/' ] <key_name>
bool IsValidTagKey(std::string_view key) {
  if (!key.empty() && key[0] == '+') key.remove_prefix(1);
  std::size_t slash = key.find('/');
  if (slash != std::string_view::npos) {
    if (slash == 0) return false;
    for (char c : key.substr(0, slash)) {
      if (!IsVendorChar(c)) return false;
    }
    key.remove_prefix(slash + 1);
  }
  if (key.empty()) return false;
  for (char c : key) {
    if (!IsKeyNameChar(c)) return false;
  }
  return true;
}

// A command is a word of letters or exactly three digits (Modern IRC,
// "Command"). Upper-cases `cmd` in place when valid.
bool CheckCommand(std::string* cmd) {
  if (cmd->empty()) return false;
  if (IsAsciiDigit((*cmd)[0])) {
    if (cmd->size() != 3) return false;
    for (char c : *cmd) {
      if (!IsAsciiDigit(c)) return false;
    }
    return true;
  }
  for (char& c : *cmd) {
    if (!IsAsciiLetter(c)) return false;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return true;
}

std::size_t SkipSpaces(std::string_view s, std::size_t i) {
  while (i < s.size() && s[i] == ' ') ++i;
  return i;
}

// Parses the tag data (between '@' and the space) into out->tags.
LineError ParseTags(std::string_view data, const Limits& limits, Message* out) {
  std::size_t client_bytes = 0;  // wire bytes of '+' tags
  std::size_t client_count = 0;
  bool any = false;
  // Index of each key in out->tags, so that a line with thousands of tags
  // costs O(n), not O(n^2). Keys are views into `data`.
  std::unordered_map<std::string_view, std::size_t> index;
  std::size_t start = 0;
  while (start <= data.size()) {
    std::size_t end = data.find(';', start);
    if (end == std::string_view::npos) end = data.size();
    std::string_view seg = data.substr(start, end - start);
    start = end + 1;
    if (seg.empty()) continue;  // "@a;;b": tolerated
    std::size_t eq = seg.find('=');
    std::string_view key = seg.substr(0, eq);
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : seg.substr(eq + 1);
    if (!IsValidTagKey(key)) return LineError::kMalformedTags;
    any = true;
    bool client_only = key[0] == '+';
    if (client_only) {
      client_bytes += seg.size();
      ++client_count;
    }
    if (limits.client_tags_only && !client_only) continue;
    auto [it, inserted] = index.emplace(key, out->tags.size());
    if (inserted) {
      out->tags.push_back(Tag{std::string(key), UnescapeTagValue(raw)});
    } else {
      out->tags[it->second].value = UnescapeTagValue(raw);  // last value wins
    }
  }
  if (!any) return LineError::kMalformedTags;

  // See Limits::max_client_tags for what is counted.
  std::size_t counted = limits.client_tags_only
                            ? data.size()
                            : client_bytes + (client_count > 0 ? client_count - 1 : 0);
  if (counted > limits.max_client_tags) return LineError::kTagsTooLong;
  return LineError::kNone;
}

}  // namespace

const std::string* Message::FindTag(std::string_view key) const {
  for (const Tag& t : tags) {
    if (t.key == key) return &t.value;
  }
  return nullptr;
}

void Message::SetTag(std::string_view key, std::string_view value) {
  for (Tag& t : tags) {
    if (t.key == key) {
      t.value.assign(value);
      return;
    }
  }
  tags.push_back(Tag{std::string(key), std::string(value)});
}

void Message::RemoveTag(std::string_view key) {
  for (auto it = tags.begin(); it != tags.end(); ++it) {
    if (it->key == key) {
      tags.erase(it);
      return;
    }
  }
}

LineError ParseLine(std::string_view line, const Limits& limits, Message* out) {
  out->tags.clear();
  out->source.clear();
  out->command.clear();
  out->params.clear();

  if (line.find_first_of(std::string_view("\0\r\n", 3)) != std::string_view::npos) {
    return LineError::kForbiddenByte;
  }
  if (line.find_first_not_of(' ') == std::string_view::npos) return LineError::kEmpty;

  // message-tags: the tag section runs from '@' through the first space.
  std::string_view body = line;
  if (line[0] == '@') {
    std::size_t sp = line.find(' ');
    std::size_t section = sp == std::string_view::npos ? line.size() : sp + 1;
    if (section > limits.max_tag_section) return LineError::kTagsTooLong;
    if (sp == std::string_view::npos) return LineError::kMalformedTags;
    LineError err = ParseTags(line.substr(1, sp - 1), limits, out);
    if (err != LineError::kNone) return err;
    body = line.substr(sp + 1);
    if (body.find_first_not_of(' ') == std::string_view::npos) return LineError::kMalformedTags;
  }
  // RFC 1459 §2.3: 512 bytes including the CR LF the framer stripped.
  if (body.size() + 2 > limits.max_body) return LineError::kInputTooLong;

  std::size_t i = SkipSpaces(body, 0);
  if (body[i] == ':') {
    std::size_t end = body.find(' ', i);
    if (end == std::string_view::npos || end == i + 1) return LineError::kNoCommand;
    out->source.assign(body.substr(i + 1, end - i - 1));
    i = SkipSpaces(body, end);
    if (i == body.size()) return LineError::kNoCommand;
  }
  std::size_t end = body.find(' ', i);
  if (end == std::string_view::npos) end = body.size();
  out->command.assign(body.substr(i, end - i));
  if (!CheckCommand(&out->command)) return LineError::kNoCommand;

  // Params: middles separated by runs of spaces, then an optional trailing
  // param after ':' that takes the rest of the line. More than 15 params are
  // kept rather than refused (the body limit bounds their number).
  i = end;
  for (;;) {
    i = SkipSpaces(body, i);
    if (i == body.size()) break;
    if (body[i] == ':') {
      out->params.emplace_back(body.substr(i + 1));
      break;
    }
    end = body.find(' ', i);
    if (end == std::string_view::npos) end = body.size();
    out->params.emplace_back(body.substr(i, end - i));
    i = end;
  }

  // Checked last so that *out names the command for FAIL <cmd> INVALID_UTF8.
  if (limits.utf8_only && !IsValidUtf8(line)) return LineError::kInvalidUtf8;
  return LineError::kNone;
}

std::string Serialize(const Message& msg) {
  std::string out;
  out.reserve(64);
  if (!msg.tags.empty()) {
    out += '@';
    for (std::size_t i = 0; i < msg.tags.size(); ++i) {
      if (i > 0) out += ';';
      out += msg.tags[i].key;
      if (!msg.tags[i].value.empty()) {
        out += '=';
        out += EscapeTagValue(msg.tags[i].value);
      }
    }
    out += ' ';
  }
  if (!msg.source.empty()) {
    out += ':';
    out += msg.source;
    out += ' ';
  }
  out += msg.command;
  for (std::size_t i = 0; i < msg.params.size(); ++i) {
    const std::string& p = msg.params[i];
    out += ' ';
    if (i + 1 == msg.params.size() &&
        (p.empty() || p[0] == ':' || p.find(' ') != std::string::npos)) {
      out += ':';
    }
    out += p;
  }
  out += "\r\n";
  return out;
}

std::string EscapeTagValue(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case ';': out += "\\:"; break;
      case ' ': out += "\\s"; break;
      case '\\': out += "\\\\"; break;
      case '\r': out += "\\r"; break;
      case '\n': out += "\\n"; break;
      default: out += c; break;
    }
  }
  return out;
}

std::string UnescapeTagValue(std::string_view escaped) {
  std::string out;
  out.reserve(escaped.size());
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    char c = escaped[i];
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i == escaped.size()) break;  // trailing lone backslash: dropped
    switch (escaped[i]) {
      case ':': out += ';'; break;
      case 's': out += ' '; break;
      case '\\': out += '\\'; break;
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      default: out += escaped[i]; break;  // "\x" -> "x"
    }
  }
  return out;
}

// Well-formed sequences per Unicode 15 §3.9, Table 3-7.
namespace {

// Length of the well-formed UTF-8 sequence at p[i] (1..4), or 0 when the
// bytes there are not one (overlong, surrogate, above U+10FFFF, cut short).
std::size_t Utf8SequenceAt(const unsigned char* p, std::size_t n, std::size_t i) {
  unsigned char c = p[i];
  if (c < 0x80) return 1;
  // Sequence length, and the range allowed for the second byte.
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates U+D800..DFFF
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;  // no overlongs
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;  // continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (n - i < len) return 0;
  if (p[i + 1] < lo || p[i + 1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (p[i + k] < 0x80 || p[i + k] > 0xBF) return 0;
  }
  return len;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8SequenceAt(p, s.size(), i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string ReplaceInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = Utf8SequenceAt(p, s.size(), i);
    if (len == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  return out;
}

std::string_view TruncateUtf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  // Back up over at most 3 continuation bytes to the start of the sequence
  // that would be cut.
  std::size_t cut = max_bytes;
  for (int k = 0; k < 3 && cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80; ++k) {
    --cut;
  }
  if ((static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) cut = max_bytes;  // not UTF-8 anyway
  return s.substr(0, cut);
}

}  // namespace chat::irc
