// Reading one parameter of a URL query ("a=1&target=%23chan"), RFC 3986
// §3.4 with the application/x-www-form-urlencoded pairing convention
// ('&' between pairs, '=' between name and value; '+' is NOT a space).
#ifndef CHAT_LIBCHAT_HTTP_QUERY_PARAM_H_
#define CHAT_LIBCHAT_HTTP_QUERY_PARAM_H_

#include <string>
#include <string_view>

namespace chat::http {

// Finds the first pair named `name` (compared before decoding) in `query`
// (without the '?') and percent-decodes its value into *value. Returns
// false when absent, or when the value's escapes are malformed or decode to
// NUL or '/' (PercentDecodeSegment's rules, request.h).
bool QueryParam(std::string_view query, std::string_view name, std::string* value);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_QUERY_PARAM_H_
