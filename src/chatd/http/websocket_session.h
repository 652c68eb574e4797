// chatd::http::WebSocketSession: the base of objects that own a WebSocket
// and, once it closes, delete themselves from the loop (never inside the
// WebSocket's own callbacks). Sessions that own themselves are kept in one
// registry so that shutdown frees them (DestroyAll) before the event base
// goes. Used by WsIrcPeer (IRC over WebSocket, once its Client let go) and
// EventStream (JSON events). Loop thread only.
#ifndef CHATD_HTTP_WEBSOCKET_SESSION_H_
#define CHATD_HTTP_WEBSOCKET_SESSION_H_

#include <event2/event.h>

#include <memory>
#include <set>

#include "chatd/http/websocket.h"

namespace chatd::http {

class WebSocketSession : public WebSocketHandler {
 public:
  // Deletes every session that owns itself (closing their sockets without
  // a close frame if still open). Called once at shutdown, after the
  // objects that own sessions (Clients) are gone and before
  // Conn::DestroyLingering and event_base_free.
  static void DestroyAll();

 protected:
  // Takes `ws` (not started) and becomes its handler; Start it when ready.
  WebSocketSession(event_base* base, std::unique_ptr<WebSocket> ws);
  ~WebSocketSession() override;
  WebSocketSession(const WebSocketSession&) = delete;
  WebSocketSession& operator=(const WebSocketSession&) = delete;

  // From now on this object owns itself (DestroyAll may free it).
  void OwnSelf() { owned_.insert(this); }
  // Schedules `delete this` from the loop; implies OwnSelf. Idempotent.
  void DeleteLater();
  WebSocket* ws() const { return ws_.get(); }
  event_base* base() const { return base_; }

 private:
  static void DeleteCb(evutil_socket_t, short, void* arg) noexcept;

  event_base* base_;
  std::unique_ptr<WebSocket> ws_;
  event* delete_ = nullptr;
  static std::set<WebSocketSession*> owned_;
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_WEBSOCKET_SESSION_H_
