// Content-Disposition (RFC 6266) with RFC 8187 extended parameters: parsing
// the upload's filename from a request and formatting the download's
// header. Pure functions on byte strings; names are UTF-8.
#ifndef CHAT_LIBCHAT_HTTP_CONTENT_DISPOSITION_H_
#define CHAT_LIBCHAT_HTTP_CONTENT_DISPOSITION_H_

#include <string>
#include <string_view>

namespace chat::http {

// Extracts the filename from a Content-Disposition value (RFC 6266 §4.1):
// a disposition type token, then `; param=value` pairs whose value is a
// token or a quoted-string (RFC 9110 §5.6.4, backslash escapes). A
// `filename*` (RFC 8187 §3.2: charset UTF-8 or ISO-8859-1, optional
// language, percent-encoded value) wins over `filename` (RFC 6266 §4.3).
// The result is the raw name as UTF-8, not yet sanitised (see
// chat::files::SanitizeFileName). Returns false when the header is
// malformed, has no filename, a parameter appears twice, a percent escape
// is broken, or the charset is neither UTF-8 nor ISO-8859-1 (with no plain
// `filename` to fall back on).
bool ParseContentDispositionFilename(std::string_view value, std::string* filename);

// Formats a Content-Disposition value for a download (RFC 6266 §4, §4.3):
// `inline` or `attachment`, then `filename="<fallback>"` with every byte
// outside printable ASCII, and every '"' '\\' '%', replaced by '_', then
// `filename*=UTF-8''<percent-encoded name>` (RFC 8187 §3.2.1 attr-chars
// kept, every other byte %XX). An empty name gives the type alone.
std::string FormatContentDisposition(bool inline_disposition, std::string_view utf8_name);

// Percent-encodes every byte of `s` except RFC 3986 unreserved characters
// (ALPHA DIGIT - . _ ~), for a URL path segment.
std::string PercentEncodePathSegment(std::string_view s);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_CONTENT_DISPOSITION_H_
