// IRC over WebSocket at GET /irc (https://ircv3.net/specs/extensions/websocket):
// the route, and WsIrcPeer, the Peer (core/peer.h) that lets an ordinary
// IRC Client (irc/client.h) talk through a WebSocket. The Client, its
// dispatch, registration timeout, flood control and every IRC limit are
// the same as on a TCP connection; only the framing differs:
//   - one IRC line per WebSocket message, without CR LF (one trailing
//     CR LF or LF from a lenient client is dropped); a line with CR, LF or
//     NUL inside is a malformed line (ERR_UNKNOWNERROR), as on TCP;
//   - subprotocol "text.ircv3.net" (and the default when none is agreed):
//     chatd sends text messages, with any invalid UTF-8 replaced by U+FFFD
//     as the spec asks; "binary.ircv3.net": binary messages, bytes as they
//     are. The client may send either kind in both;
//   - a line longer than the IRC line limit gets ERR_INPUTTOOLONG (as on
//     TCP); a message over 16 KiB closes the socket with 1009;
//   - lines held back by flood control wait (like the TCP RecvQ) up to
//     [limits] recvq bytes; more disconnects with "RecvQ exceeded";
//   - output is bounded by [limits] sendq: a socket that does not read is
//     dropped with "SendQ exceeded", like a slow TCP client.
// The connection counts against [limits] max_clients and max_per_ip (it
// is an IRC client), not against the HTTP connection limits.
#ifndef CHATD_HTTP_WEBSOCKET_IRC_H_
#define CHATD_HTTP_WEBSOCKET_IRC_H_

#include <event2/event.h>

#include <deque>
#include <memory>
#include <string>

#include "chatd/core/peer.h"
#include "chatd/http/router.h"
#include "chatd/http/websocket.h"
#include "chatd/http/websocket_session.h"

namespace chatd {
class Server;
}

namespace chatd::http {

inline constexpr std::string_view kIrcBinaryProtocol = "binary.ircv3.net";
inline constexpr std::string_view kIrcTextProtocol = "text.ircv3.net";
// Largest WebSocket message /irc accepts (bytes); larger closes with 1009.
inline constexpr std::size_t kIrcWsMaxMessage = 16 * 1024;

class WsIrcPeer final : public Peer, public WebSocketSession {
 public:
  // Owns `ws` (not yet started; this starts it). `text` selects
  // text.ircv3.net framing for output. `recvq_bytes` bounds lines held
  // back by flood control.
  WsIrcPeer(event_base* base, std::unique_ptr<WebSocket> ws, bool text, std::size_t recvq_bytes);
  ~WsIrcPeer() override;

  // ---- Peer
  void SetHandler(PeerHandler* handler) override { handler_ = handler; }
  // `bytes` holds whole IRC lines ending in CR LF (a Client writes one
  // line per call); each line becomes one message without its CR LF.
  void Write(std::string_view bytes) override;
  void ResumeLines() override;
  // Closes the WebSocket (1000) after what is queued, and deletes this
  // peer from the loop.
  void CloseAfterFlush() override;
  const std::string& address() const override { return ws()->address(); }
  bool is_tls() const override { return ws()->is_tls(); }

  // ---- WebSocketHandler
  void OnMessage(bool text, std::string_view payload) override;
  void OnClosed(uint16_t code, const std::string& reason) override;

 private:
  void RunLines();
  void Lose(const std::string& reason);

  bool text_;
  std::size_t recvq_bytes_;
  PeerHandler* handler_ = nullptr;
  std::string partial_;              // output without its CR LF yet
  std::deque<std::string> pending_;  // lines waiting for ReadyForLines
  std::size_t pending_bytes_ = 0;
  bool in_lines_ = false;
  bool closing_ = false;
  bool lost_ = false;
};

// Adds GET /irc to `router` (routes.cc), its clients joining `server`.
void RegisterIrcWebSocket(Router* router, Server* server);

}  // namespace chatd::http

#endif  // CHATD_HTTP_WEBSOCKET_IRC_H_
