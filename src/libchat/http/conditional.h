// Validators and conditional requests for downloads (RFC 9110 §8.8 ETag and
// Last-Modified, §13.1.2 If-None-Match) and parsing the HTTP date format
// (§5.6.7 IMF-fixdate; response.h formats it). Pure functions.
#ifndef CHAT_LIBCHAT_HTTP_CONDITIONAL_H_
#define CHAT_LIBCHAT_HTTP_CONDITIONAL_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::http {

// Parses an IMF-fixdate (as response.h HttpDate formats it) into Unix seconds. The obsolete RFC 850 and asctime
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
