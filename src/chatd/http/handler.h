// The contract between chatd's HTTP connection (http/connection.cc) and the
// code that answers requests (files/, api/, built-in routes): a Handler per
// request, talking to its Exchange.
//
// The life of one request, all on the loop thread:
//   1. The head arrived and the router matched a route: the route's factory
//      makes a Handler and the connection calls OnRequest(ex).
//   2. Body: nothing is read until the handler calls ex.ReadBody(). Then
//      OnBody(piece) for every piece as it arrives (never the whole body),
//      and OnBodyEnd() after the last. PauseBody()/ResumeBody() give
//      backpressure (a busy upload sink): while paused, the socket is not
//      read and the body-idle timeout does not run.
//   3. Response: either Respond(head, body) for a small complete response,
//      or StartResponse(head) then WriteBody(...) from OnWritable() calls
//      (each time the connection's unsent output drops below
//      kLowWatermark) and finally EndResponse().
//   4. OnClose(complete) exactly once: after the response was fully queued
//      (complete = true) or when the exchange ends early (client gone,
//      timeout, protocol error; complete = false). The Exchange must not be
//      used after OnClose; the connection then drops its reference to the
//      Handler.
// The connection never calls a Handler from inside one of the Handler's own
// calls to its Exchange (no re-entrancy): OnWritable, OnClose and body
// delivery after ResumeBody run from the loop.
//
// Work off the loop (fdatasync, file reads): post it to the Worker
// (core/worker.h) and come back with a weak reference, e.g.
//   worker->Post([st] { st->rc = fdatasync(st->fd); },
//                [weak = weak_from_this()] {
//                  if (auto self = weak.lock()) self->Synced();  // check ex_ != nullptr
//                });
// A Handler whose exchange closed (OnClose) is released by the connection,
// so the weak reference then fails unless the handler keeps itself alive.
// (weak_from_this() is a weak_ptr<Handler>: std::static_pointer_cast the
// locked pointer to the derived type; test_routes.cc shows it.) The job
// must own what it touches (a shared_ptr to the upload state), since the
// handler may be gone when the job runs.
//
// Responding before the body is read (401, 413 on a declared length): the
// connection then discards a small declared remainder (≤ 64 KiB) to keep
// the connection, otherwise it answers with "Connection: close" and closes
// after the response. Responding in the middle of a body (quota exceeded
// while streaming) also closes the connection after the response.
//
// HEAD (RFC 9110 §9.3.2): a route without its own HEAD handler gets the GET
// handler with ex.is_head() true. The connection sends the head only:
// Respond's body is not sent (its length is still announced), and
// StartResponse on a HEAD request ends the response at once (no
// OnWritable; WriteBody and EndResponse are then no-ops).
#ifndef CHATD_HTTP_HANDLER_H_
#define CHATD_HTTP_HANDLER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/http/request.h"
#include "libchat/http/response.h"

namespace chatd {
class Conn;
}

namespace chatd::http {

// Unsent output below which a streamed response is asked for more, and how
// much a handler should write per OnWritable call: memory per download
// stays under about kLowWatermark + kRefillBytes.
inline constexpr std::size_t kLowWatermark = 256 * 1024;
inline constexpr std::size_t kRefillBytes = 256 * 1024;

// One request/response on a connection, implemented by the connection.
// Valid from OnRequest until OnClose.
class Exchange {
 public:
  virtual ~Exchange() = default;

  // ---- the request
  virtual const chat::http::RequestHead& head() const = 0;
  // Path of the target, still percent-encoded, without the query; "*" for
  // "OPTIONS *".
  virtual std::string_view path() const = 0;
  // The query after '?', without it; "" when none. Never logged.
  virtual std::string_view query() const = 0;
  // The route's {captures} in pattern order, percent-decoded (router.h).
  virtual const std::vector<std::string>& params() const = 0;
  // The client's address as text ("127.0.0.1", "2001:db8::1").
  virtual const std::string& peer_address() const = 0;
  virtual bool is_tls() const = 0;
  // The method is HEAD (served by a GET handler, see above).
  virtual bool is_head() const = 0;

  // ---- the request body
  // Starts delivering the body to the handler (OnBody, OnBodyEnd); sends
  // "100 Continue" first when the client asked for it. A request without
  // a body gets OnBodyEnd right away (from the loop). Call at most once.
  virtual void ReadBody() = 0;
  // Stops / restarts body delivery and socket reads (backpressure).
  virtual void PauseBody() = 0;
  virtual void ResumeBody() = 0;

  // ---- the response (exactly one of Respond or StartResponse)
  // A complete response; Content-Length is body.size() (head's
  // content_length is ignored). At most 8 MiB (the HTTP SendQ; more loses
  // the connection): stream anything larger with StartResponse. Extra framing fields in head.fields are
  // not allowed (response.h).
  virtual void Respond(chat::http::ResponseHead head, std::string_view body) = 0;
  // A streamed response: head.content_length set to the exact length, or
  // nullopt for chunked. Then WriteBody from OnWritable, then EndResponse.
  virtual void StartResponse(chat::http::ResponseHead head) = 0;
  // Queues body bytes of a streamed response (framed as a chunk when
  // chunked). Writing more than content_length in total is a bug: the
  // connection closes instead of sending a wrong body.
  virtual void WriteBody(std::string_view bytes) = 0;
  // Ends a streamed response. With a declared length, ending early (a file
  // read failed) closes the connection so the client sees a short body.
  virtual void EndResponse() = 0;
  // Unsent output bytes queued on the connection (for pacing).
  virtual std::size_t unsent_bytes() const = 0;

  // ---- switching protocols (RFC 9110 §7.8, §15.2.2; WebSocket)
  // Instead of a response: queues `head` (status 101 with its Upgrade and
  // Connection fields, which FormatResponseHead leaves alone for 1xx) and
  // hands the socket over. Returns the Conn, still in byte-stream mode with
  // no stream handler: the caller must SetStreamHandler before returning to
  // the loop; *early gets the bytes the client sent after this request
  // (the new protocol's first ones, in order). The HTTP connection is done
  // with it: the exchange ends (OnClose(true) from the loop) and no other
  // request is read. Returns nullptr (and queues nothing) when a response
  // was already started or the request has a body; the handler must then
  // answer normally.
  virtual std::unique_ptr<Conn> Upgrade(chat::http::ResponseHead head, std::string* early) = 0;
};

// Answers one request. Made by a route's factory for every request it
// matches; owned by the connection through a shared_ptr until OnClose.
class Handler : public std::enable_shared_from_this<Handler> {
 public:
  virtual ~Handler() = default;
  // The head arrived. Keep `ex` (valid until OnClose) and either respond,
  // or call ex.ReadBody(), or start other work and respond later.
  virtual void OnRequest(Exchange& ex) = 0;
  // A piece of the body (never empty; the view is valid only during the
  // call).
  virtual void OnBody(std::string_view piece) { (void)piece; }
  // The body is complete (Content-Length bytes, or the last chunk; trailer
  // fields are discarded).
  virtual void OnBodyEnd() {}
  // A streamed response may take more: write about kRefillBytes with
  // WriteBody (or start an off-loop read and write when it is done). Called
  // first right after StartResponse, then whenever the unsent output falls
  // below kLowWatermark, until EndResponse.
  virtual void OnWritable() {}
  // The exchange is over (see the top of this file). `complete` is false
  // when it ended before the response was fully queued.
  virtual void OnClose(bool complete) { (void)complete; }
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_HANDLER_H_
