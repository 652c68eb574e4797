// Validators and conditional requests for downloads (RFC 9110 §8.8 ETag and
// Last-Modified, §13.1.2 If-None-Match) and the HTTP date format
// (§5.6.7 IMF-fixdate). Pure functions; the caller supplies the time.
#ifndef CHAT_LIBCHAT_HTTP_CONDITIONAL_H_
#define CHAT_LIBCHAT_HTTP_CONDITIONAL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::http {

// Formats Unix seconds as an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37
// GMT" (RFC 9110 §5.6.7). Times before 1970 or after 9999 are clamped.
std::string FormatHttpDate(int64_t unix_seconds);

// Parses an IMF-fixdate into Unix seconds. The obsolete RFC 850 and asctime
// forms are not accepted (the callers only compare dates chatd itself sent).
// Returns false on any deviation from the exact format or an invalid date.
bool ParseHttpDate(std::string_view text, int64_t* unix_seconds);

// Whether an If-None-Match value (RFC 9110 §13.1.2) matches the current
// representation's entity-tag `etag` (with its quotes, e.g. "\"sha256-ab\"")
// under the weak comparison (§8.8.3.2): "*" matches, so does any member of
// the comma-separated list equal to etag once "W/" prefixes are ignored. A
// malformed list matches nothing (the caller then answers normally).
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_CONDITIONAL_H_
