// The `+chatd.dev/file` client-only message tag (doc/files.md, "In the
// conversation"; doc/protocol.md, "File sharing"): a PRIVMSG carrying a file
// link also carries `name=<name>,size=<bytes>,type=<media type>`, values
// percent-encoded, so rich clients show a file card. Pure formatting and
// parsing; IRCv3 tag-value escaping is the message codec's job.
#ifndef CHAT_LIBCHAT_FILES_FILE_TAG_H_
#define CHAT_LIBCHAT_FILES_FILE_TAG_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::files {

// The tag's name, for irc::Message::SetTag/FindTag.
inline constexpr std::string_view kFileTagName = "+chatd.dev/file";

struct FileTag {
  std::string name;   // UTF-8 file name as shown (never empty once parsed)
  uint64_t size = 0;  // bytes
  std::string type;   // lower-case media type "type/subtype"
};

// Formats `tag` as the tag value: "name=..,size=..,type=..". Bytes outside
// printable ASCII and the separators '%' ',' '=' ';' '\' and space are
// written as %XX (upper-case hex).
std::string FormatFileTag(const FileTag& tag);

// Parses a tag value. Keys may come in any order; unknown keys are ignored
// (for later extension). Returns false, leaving *out unspecified, when
// `name` is missing or empty, `size` is missing or not a decimal number
// that fits 64 bits, a key appears twice, a pair has no '=', a percent
// escape is malformed, or a decoded value holds a control character (< 0x20
// or 0x7f) — hostile input is shown as a plain link instead. A missing or
// malformed `type` gives "application/octet-stream".
bool ParseFileTag(std::string_view value, FileTag* out);

// The value escaping used above (and by the pending-uploads file): bytes
// outside printable ASCII and % , = ; \ and space become %XX. Unescape
// returns false on a malformed escape or a decoded control character.
std::string EscapeTagValue(std::string_view s);
bool UnescapeTagValue(std::string_view in, std::string* out);

// True for the media types chat-gtk decodes into a thumbnail (PNG, JPEG,
// GIF, WebP, BMP). SVG is excluded: it is a document, not a picture.
bool IsThumbnailType(std::string_view type);

// A short human size: "512 bytes", "48.2 kB", "3.1 MB", "1.2 GB" (SI units,
// as GNOME shows them; one decimal under 100).
std::string HumanSize(uint64_t bytes);

}  // namespace chat::files

#endif  // CHAT_LIBCHAT_FILES_FILE_TAG_H_
