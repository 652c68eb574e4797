// chatd::http::EventStream: a WebSocket that a producer hands JSON events,
// one text message each — the transport of the API's event stream
// (GET /api/v1/events, issue 13 item 3; doc/http.md "Event streams").
// What it adds to WebSocket:
//   - a consumer that falls behind (more than max_behind_bytes of events
//     unsent) is closed with 1008 and the reason "behind: resume with
//     after=<last msgid you received>"; it never slows the producer or other
//     consumers, and loses nothing, since it resumes from history;
//   - the object owns itself: the producer keeps the raw pointer from
//     Start until its on_end callback runs (the stream closed for any
//     reason), and must not use it afterwards;
//   - messages from the consumer go to an optional callback (the API has no
//     commands on the stream yet; by default they are ignored).
// Fan-out to many streams is the producer's loop over its subscribers: it
// serializes an event once and Pushes the same bytes to each (a stream
// with permessage-deflate compresses them for its own connection).
// Loop thread only; node-local (a socket).
#ifndef CHATD_HTTP_WEBSOCKET_EVENTS_H_
#define CHATD_HTTP_WEBSOCKET_EVENTS_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "chatd/http/websocket_session.h"

namespace chatd::http {

class EventStream final : public WebSocketSession {
 public:
  struct Options {
    // Unsent bytes (frames included) past which the consumer is behind.
    std::size_t max_behind_bytes = 256 * 1024;
    // Called once when the stream is over (consumer closed, behind, lost,
    // or Close), from the loop; the pointer is dead once it returns.
    std::function<void(EventStream*)> on_end;
    // Each text or binary message the consumer sends (optional).
    std::function<void(EventStream*, std::string_view)> on_message;
  };

  // Takes an accepted WebSocket (websocket_accept.h, not started) and
  // starts it. Returns the stream, owned by itself (see above).
  static EventStream* Start(event_base* base, std::unique_ptr<WebSocket> ws, Options options);
  // At shutdown (WebSocketSession::DestroyAll) a live stream is closed
  // with 1001 and freed without on_end: its producer is gone by then.
  ~EventStream() override;

  // Sends one event: `json` must be one valid UTF-8 JSON text (the
  // caller's serializer guarantees it). Returns false when the stream is
  // closed, or closes now because the consumer is behind (on_end follows
  // from the loop).
  bool Push(std::string_view json);
  // Closes the stream (close frame `code`, `reason`); on_end follows from
  // the loop. Idempotent.
  void Close(uint16_t code, std::string_view reason);
  bool closed() const { return ended_; }

  // ---- WebSocketHandler
  void OnMessage(bool text, std::string_view payload) override;
  void OnClosed(uint16_t code, const std::string& reason) override;

 private:
  EventStream(event_base* base, std::unique_ptr<WebSocket> ws, Options options);
  // Marks the stream over and schedules on_end and the deletion.
  void End();
  static void EndCb(evutil_socket_t, short, void* arg) noexcept;

  Options options_;
  bool ended_ = false;
  event* end_ev_ = nullptr;
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_WEBSOCKET_EVENTS_H_
