// chat::http::RequestParser: a sans-I/O HTTP/1.1 request parser (RFC 9112)
// with strict framing, for a server. Bytes go in with Append(); Next()
// hands back one event at a time: the request head, pieces of the body as
// they arrive (never the whole body), the end of the message, or an error
// carrying the status to answer with. Pipelined requests are parsed one
// after another from the same buffer, only when the caller asks.
//
// The grammar is Boost.Beast's http::basic_parser (1.81); this wrapper
// closes its gaps (research/http.md §3) and is the only code that sees
// Beast, so the parser library can be swapped without touching callers.
//
// Refused, with the status a caller should send before closing the
// connection (the framing of anything after an error is unknown):
//   400 malformed request line or field, bare LF, NUL or other controls,
//       empty or whitespace-ended field name ("Content-Length : 5"),
//       obs-fold (RFC 9112 §5.2), several or invalid Content-Length values
//       (RFC 9112 §6.3 item 5), Content-Length with Transfer-Encoding
//       (§6.3 item 3), Transfer-Encoding whose final coding is not chunked
//       or that applies chunked twice (§6.1, §7), Transfer-Encoding in an
//       HTTP/1.0 request (§6.1), a malformed or oversized (> 2^64-1) chunk
//       size or chunk line, a chunk line or trailer section longer than
//       max_header_bytes, an HTTP/1.1 request without exactly one Host
//       (§3.2), a request-target in no form RFC 9112 §3.2 allows;
//   417 an Expect other than 100-continue (RFC 9110 §10.1.1);
//   501 Transfer-Encoding with a coding other than chunked before the
//       final chunked ("gzip, chunked": understood, not implemented, §6.1);
//   505 an HTTP version other than 1.0 and 1.1 (RFC 9110 §15.6.6);
//   431 a request line plus header section longer than max_header_bytes
//       (RFC 6585 §5).
// Empty lines before a request line are skipped (RFC 9112 §2.2).
// Chunk extensions are ignored; trailer fields are parsed and discarded.
#ifndef CHAT_LIBCHAT_HTTP_REQUEST_PARSER_H_
#define CHAT_LIBCHAT_HTTP_REQUEST_PARSER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "libchat/http/request.h"

namespace chat::http {

// Why a request was refused: the status to send, a stable machine-readable
// code for the problem document ("conflicting-content-length", ...), and a
// sentence for a human.
struct ParseError {
  int status = 400;
  std::string code;
  std::string detail;
};

class RequestParser {
 public:
  struct Limits {
    std::size_t max_header_bytes = 8192;  // request line + fields + final CRLF
  };

  enum class Event {
    kNeedMore,  // nothing complete in the buffer: Append more bytes
    kHead,      // head() holds a new request
    kBody,      // *body holds the next piece of the body
    kEnd,       // the request (and its body) is complete
    kError,     // error() says why; the parser stays in this state
  };

  explicit RequestParser(Limits limits);
  RequestParser();
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Adds received bytes to the parser's buffer (copied). The caller bounds
  // what it appends: the buffer holds only what Next() has not consumed.
  void Append(std::string_view bytes);
  // Bytes appended and not yet consumed by Next().
  std::size_t buffered() const;
  // Removes and returns the bytes not yet consumed by Next(). Used after a
  // protocol switch (101, WebSocket): what the client sent after the
  // request belongs to the new protocol. Call only after kEnd; the parser
  // is then between requests with an empty buffer.
  std::string TakeBuffered();

  // Parses from the buffer until one event happens. For kBody, *body views
  // the piece (never empty) inside the buffer, valid until the next call of
  // Append or Next. After kEnd, the next call starts the following request
  // (pipelining): the caller decides when. body may be null when the
  // caller only wants to skip a body.
  Event Next(std::string_view* body);

  // The current request's head; valid from kHead until the next kHead.
  const RequestHead& head() const;
  // The last kError's details.
  const ParseError& error() const;
  // True between kHead and kEnd (a body may still be arriving).
  bool in_body() const;
  // True when nothing of a next request has been seen: between requests
  // with an empty buffer (used to tell an idle keep-alive connection from
  // a slow header).
  bool idle() const;

 private:
  friend class BeastParser;  // request_parser.cc: Beast's callbacks
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_REQUEST_PARSER_H_
