// EventStream: JSON events over a self-owned WebSocket (websocket_events.h).
#include "chatd/http/websocket_events.h"

#include "chatd/core/log.h"

namespace chatd::http {

EventStream* EventStream::Start(event_base* base, std::unique_ptr<WebSocket> ws, Options options) {
  auto* s = new EventStream(base, std::move(ws), std::move(options));  // owns itself (OwnSelf)
  s->ws()->Start();
  return s;
}

EventStream::EventStream(event_base* base, std::unique_ptr<WebSocket> ws, Options options)
    : WebSocketSession(base, std::move(ws)), options_(std::move(options)) {
  OwnSelf();
  end_ev_ = event_new(base, -1, 0, &EventStream::EndCb, this);
}

EventStream::~EventStream() {
  if (end_ev_ != nullptr) event_free(end_ev_);
  if (!ended_) ws()->Close(kWsGoingAway, "server shutting down");
}

bool EventStream::Push(std::string_view json) {
  if (ended_) return false;
  if (ws()->unsent_bytes() + json.size() > options_.max_behind_bytes) {
    LOG_DEBUG("event stream %s: consumer behind, closing", ws()->address().c_str());
    Close(kWsPolicy, "behind: resume with after=<last msgid you received>");
    return false;
  }
  return ws()->Send(true, json);
}

void EventStream::Close(uint16_t code, std::string_view reason) {
  if (ended_) return;
  ws()->Close(code, reason);
  End();
}

void EventStream::OnMessage(bool, std::string_view payload) {
  if (!ended_ && options_.on_message) options_.on_message(this, payload);
}

void EventStream::OnClosed(uint16_t, const std::string&) { End(); }

void EventStream::End() {
  if (ended_) return;
  ended_ = true;
  if (end_ev_ != nullptr) event_active(end_ev_, 0, 0);
}

void EventStream::EndCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<EventStream*>(arg);
  if (self->options_.on_end) self->options_.on_end(self);
  delete self;  // our own event, not a WebSocket callback
}

}  // namespace chatd::http
