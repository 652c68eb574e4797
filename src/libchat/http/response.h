// chat::http response heads: status reason phrases (RFC 9110 §15), the
// IMF-fixdate Date format (RFC 9110 §5.6.7), the serialised status line and
// header section with its framing fields (RFC 9112 §4, §6), and chunked
// framing of body pieces (RFC 9112 §7.1). No I/O, no clock: callers pass
// the time.
#ifndef CHAT_LIBCHAT_HTTP_RESPONSE_H_
#define CHAT_LIBCHAT_HTTP_RESPONSE_H_

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/http/request.h"

namespace chat::http {

// The reason phrase RFC 9110 §15 gives `status` ("Not Found"), or "" for a
// code it does not define (the status line then ends after the code).
std::string_view StatusReason(int status);

// "Sun, 06 Nov 1994 08:49:37 GMT" for Unix time `t` (IMF-fixdate).
std::string HttpDate(time_t t);

// A response's status and fields as a handler builds them. The framing
// fields (Content-Length, Transfer-Encoding, Connection, Date) are added by
// FormatResponseHead; do not put them in `fields`.
struct ResponseHead {
  int status = 200;
  std::vector<Field> fields;
  // Body length in bytes; nullopt means unknown (chunked on HTTP/1.1, the
  // connection closes at the end on HTTP/1.0). Ignored for 1xx, 204 and 304,
  // which have no body (RFC 9110 §6.4.1).
  std::optional<uint64_t> content_length;

  ResponseHead& Add(std::string name, std::string value) {
    fields.push_back({std::move(name), std::move(value)});
    return *this;
  }
};

// How FormatResponseHead frames the body.
struct ResponseFraming {
  bool chunked = false;        // Transfer-Encoding: chunked was added
  bool close = false;          // "Connection: close" was added
  bool has_body = true;        // the status allows a body (not 1xx/204/304)
};

// Serialises the status line ("HTTP/1.1 404 Not Found") and the header
// section, ending with the empty line. Adds Date (now), Content-Length or
// Transfer-Encoding: chunked (never both), and Connection: close when
// `close` is true or the framing needs it (unknown length on HTTP/1.0).
// `request_minor` is the request's HTTP/1.x minor version. Field values
// are written as given: the caller must not put CR, LF or NUL in them
// (FormatResponseHead drops such fields rather than emit them).
std::string FormatResponseHead(const ResponseHead& head, int request_minor, bool close, time_t now,
                               ResponseFraming* framing);

// Appends `data` as one chunk ("<hex size>\r\n<data>\r\n") to *out;
// nothing for empty data (an empty chunk would end the body).
void AppendChunk(std::string* out, std::string_view data);
// The last chunk and an empty trailer section: "0\r\n\r\n".
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_RESPONSE_H_
