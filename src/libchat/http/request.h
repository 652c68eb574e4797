// chat::http::RequestHead: an HTTP/1.x request line and header section as
// the request parser (request_parser.h) validated them (RFC 9112 §2-§6,
// RFC 9110 §5). Plain data, no I/O; independent of the parser library.
#ifndef CHAT_LIBCHAT_HTTP_REQUEST_H_
#define CHAT_LIBCHAT_HTTP_REQUEST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chat::http {

// One field line. Names keep the client's case; compare them with
// EqualsIgnoreCase (field names are case-insensitive, RFC 9110 §5.1).
struct Field {
  std::string name;
  std::string value;  // leading and trailing whitespace (OWS) removed
};

// How the request's body is delimited (RFC 9112 §6.3).
enum class BodyFraming {
  kNone,     // no body (no Content-Length, no Transfer-Encoding, or Content-Length: 0)
  kLength,   // Content-Length bytes follow
  kChunked,  // Transfer-Encoding: chunked (exactly; anything else is refused)
};

struct RequestHead {
  std::string method;  // as sent; methods are case-sensitive (RFC 9110 §9.1)
  std::string target;  // request-target as sent: "/p?q", "*", "http://h/p" (RFC 9112 §3.2)
  int version_minor = 1;  // HTTP/1.<minor>: 0 or 1 (anything else is refused with 505)
  std::vector<Field> fields;  // in arrival order, trailers excluded

  BodyFraming framing = BodyFraming::kNone;
  uint64_t content_length = 0;  // bytes, when framing == kLength
  // The connection may stay open after this request: HTTP/1.1 without
  // "Connection: close", or HTTP/1.0 with "Connection: keep-alive"
  // (RFC 9112 §9.3).
  bool keep_alive = true;
  // "Expect: 100-continue" was sent (RFC 9110 §10.1.1).
  bool expect_continue = false;

  // The value of the first field named `name` (case-insensitive), or
  // nullptr. For fields that may repeat, walk `fields`.
  const std::string* Find(std::string_view name) const;
  // The path part of the target: origin-form up to '?', the path of an
  // absolute-form target ("/" if it has none), or "*". Still percent-encoded.
  std::string_view Path() const;
  // The query after '?', without it; empty when there is none.
  std::string_view Query() const;
};

// ASCII case-insensitive comparison (field names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Decodes %XX escapes of a path segment or query component (RFC 3986
// §2.1). Returns false (and leaves *out unspecified) on a malformed escape
// or when the decoded bytes contain NUL or '/' (so a decoded segment can
// never name a different path).
bool PercentDecodeSegment(std::string_view in, std::string* out);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_REQUEST_H_
