// The server's half of a WebSocket opening handshake on one HTTP exchange
// (RFC 6455 §4.2.2), shared by every WebSocket route (/irc; the API's
// event stream next): request checks, Origin allow-list, subprotocol and
// permessage-deflate negotiation, the 101 response, and the WebSocket made
// from the upgraded connection. Loop thread only.
#ifndef CHATD_HTTP_WEBSOCKET_ACCEPT_H_
#define CHATD_HTTP_WEBSOCKET_ACCEPT_H_

#include <event2/event.h>

#include <memory>
#include <string>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/http/handler.h"
#include "chatd/http/websocket.h"

namespace chatd::http {

struct WebSocketRoute {
  // Subprotocols this route speaks, in the server's order of preference
  // among equals (the client's order decides, §4.2.2).
  std::vector<std::string> subprotocols;
  // Largest message and unsent output for the sessions, in bytes
  // (WebSocketOptions).
  std::size_t max_message_bytes = 64 * 1024;
  std::size_t sendq_bytes = 1024 * 1024;
};

struct AcceptedWebSocket {
  std::unique_ptr<WebSocket> ws;  // not started: SetHandler, then Start
  std::string subprotocol;        // "" when none was agreed
};

// Answers `ex` as a WebSocket opening handshake for `route` under the
// [http] settings `cfg` (websocket_origins, websocket_deflate,
// websocket_idle_timeout). On success queues 101 Switching Protocols and
// returns the new WebSocket; otherwise answers with a problem document and
// returns a null ws:
//   400 websocket-bad-request / websocket-bad-key, 426
//   websocket-upgrade-required (with Upgrade: websocket) or
//   websocket-version (with Sec-WebSocket-Version: 13): see
//   CheckWebSocketUpgrade;
//   403 websocket-origin: an Origin header (sent once) not in
//   websocket_origins, or more than one Origin header. No Origin header
//   is allowed (non-browser clients).
// A client that offers only unknown subprotocols gets none (no
// Sec-WebSocket-Protocol in the response, §4.2.2 item 5.4; the route
// decides what that means).
AcceptedWebSocket AcceptWebSocket(Exchange& ex, event_base* base, const HttpConfig& cfg,
                                  const WebSocketRoute& route);

}  // namespace chatd::http

#endif  // CHATD_HTTP_WEBSOCKET_ACCEPT_H_
