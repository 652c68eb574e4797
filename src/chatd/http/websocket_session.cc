// Self-deleting WebSocket owners and their shutdown registry
// (websocket_session.h).
#include "chatd/http/websocket_session.h"

namespace chatd::http {

std::set<WebSocketSession*> WebSocketSession::owned_;

WebSocketSession::WebSocketSession(event_base* base, std::unique_ptr<WebSocket> ws)
    : base_(base), ws_(std::move(ws)) {
  ws_->SetHandler(this);
}

WebSocketSession::~WebSocketSession() {
  owned_.erase(this);
  if (delete_ != nullptr) event_free(delete_);
  ws_.reset();  // drops the socket if still open; never inside the WebSocket's callbacks
}

void WebSocketSession::DestroyAll() {
  while (!owned_.empty()) delete *owned_.begin();  // ~WebSocketSession erases it
}

void WebSocketSession::DeleteLater() {
  OwnSelf();
  if (delete_ != nullptr) return;
  delete_ = event_new(base_, -1, 0, &WebSocketSession::DeleteCb, this);
  if (delete_ != nullptr) event_active(delete_, 0, 0);
}

void WebSocketSession::DeleteCb(evutil_socket_t, short, void* arg) noexcept {
  delete static_cast<WebSocketSession*>(arg);
}

}  // namespace chatd::http
