// The IRC message codec: parsing and serializing one protocol line, with
// IRCv3 message tags. Pure functions, no I/O.
//
// Specs: RFC 1459 §2.3.1 and RFC 2812 §2.3.1 (message format), the "Modern
// IRC Client Protocol" message section, and IRCv3 message-tags
// (https://ircv3.net/specs/extensions/message-tags).
#ifndef CHAT_LIBCHAT_MESSAGE_H_
#define CHAT_LIBCHAT_MESSAGE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chat::irc {

// Byte limits from the specs. A line's "body" is everything after the tags
// section (source, command, params) plus the trailing CRLF.
inline constexpr std::size_t kMaxBodyBytes = 512;          // RFC 1459 §2.3, incl. CRLF
inline constexpr std::size_t kMaxClientTagBytes = 4094;    // message-tags: client-only tags
inline constexpr std::size_t kMaxTagSectionBytes = 8191;   // message-tags: '@' .. ' ' total
// The longest line a reader must accept before giving ERR_INPUTTOOLONG:
// tags (8191 incl. '@' and the space) + body (512 incl. CRLF).
inline constexpr std::size_t kMaxLineBytes = kMaxTagSectionBytes + kMaxBodyBytes;

struct Tag {
  std::string key;    // e.g. "time", "+draft/reply", "example.com/x"
  std::string value;  // unescaped; empty when the tag had no value
};

// One IRC message. Strings are raw bytes (UTF-8 on this server).
struct Message {
  std::vector<Tag> tags;            // unique keys, in order of first appearance
  std::string source;               // prefix without the leading ':'; may be empty
  std::string command;              // as sent; ParseLine upper-cases letters
  std::vector<std::string> params;  // middle params then the trailing one, unescaped

  // The value of tag `key`, or nullptr when absent.
  const std::string* FindTag(std::string_view key) const;
  // Sets (replaces or appends) tag `key`.
  void SetTag(std::string_view key, std::string_view value);
  // Removes tag `key` if present.
  void RemoveTag(std::string_view key);
};

// Why a line was rejected. kNone means it parsed.
enum class LineError {
  kNone,
  kEmpty,             // nothing but spaces: RFC says silently ignore
  kInputTooLong,      // body over kMaxBodyBytes: reply ERR_INPUTTOOLONG (417)
  kTagsTooLong,       // tag section over its limits: reply ERR_INPUTTOOLONG (417)
  kMalformedTags,     // '@' with no command after it, empty key, bad key chars
  kNoCommand,         // source without command, or bad command token
  kForbiddenByte,     // NUL, CR or LF inside the line
  kInvalidUtf8,       // only with Limits::utf8_only: reply FAIL <cmd> INVALID_UTF8
};

// What ParseLine enforces.
struct Limits {
  std::size_t max_body = kMaxBodyBytes;            // incl. the CRLF the caller stripped
  // Tag data budget (message-tags §"Size limit"). With client_tags_only (a
  // line from a client) the spec's rule applies: all tag data the client
  // sent, i.e. every byte between '@' and the space, whether or not the tags
  // are client-only. Otherwise (a line from a server) only the client-only
  // tags are counted: each '+' tag's wire bytes ("+key=escaped") plus one ';'
  // between consecutive ones, as if they had been sent on their own.
  std::size_t max_client_tags = kMaxClientTagBytes;
  std::size_t max_tag_section = kMaxTagSectionBytes;  // '@' through the space
  bool utf8_only = true;                            // ISUPPORT UTF8ONLY
  bool client_tags_only = false;  // true for lines from clients: drop tags not starting with '+'
                                  // from the result (they're still counted); the spec says servers
                                  // ignore client-sent non-client tags except those they understand
};

// Parses one line (without its CR LF terminator) into *out.
// Duplicate tag keys: the last value wins (message-tags §"Rules"). A tag
// value's escapes \: \s \\ \r \n are decoded; an unknown escape "\x" becomes
// "x"; a trailing lone backslash is dropped. Empty segments between ';' are
// skipped; a tag section with no tag at all is kMalformedTags.
// The command is upper-cased; a numeric command must be exactly 3 digits.
// Runs of spaces between tokens are tolerated; more than 15 params are kept.
// Checks run in this order: kForbiddenByte, kEmpty, the tag section
// (kTagsTooLong, kMalformedTags), kInputTooLong, kNoCommand, kInvalidUtf8
// (over the whole line, tags included). On kInvalidUtf8 *out holds the parsed
// message, so the caller can name the command in FAIL; after any other error
// *out is unspecified.
LineError ParseLine(std::string_view line, const Limits& limits, Message* out);

// Serializes msg as one wire line ending in "\r\n". Tag values are escaped,
// the last param is written as trailing (with ':') when it is empty, starts
// with ':' or contains a space. Middle params must not be empty, start with
// ':' or contain spaces (callers guarantee it; they are written as given).
std::string Serialize(const Message& msg);

// Tag value escaping per message-tags §"Escaping values".
std::string EscapeTagValue(std::string_view raw);
std::string UnescapeTagValue(std::string_view escaped);

// True when s is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// s with every byte that does not start a well-formed UTF-8 sequence
// replaced by U+FFFD (one per byte); valid input comes back unchanged.
std::string ReplaceInvalidUtf8(std::string_view s);

// Truncates s to at most max_bytes without splitting a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view s, std::size_t max_bytes);

}  // namespace chat::irc

#endif  // CHAT_LIBCHAT_MESSAGE_H_
