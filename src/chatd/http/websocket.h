// chatd::http::WebSocket: one RFC 6455 connection after its opening
// handshake, over a byte-stream Conn (core/conn.h) taken from the HTTP
// connection by Exchange::Upgrade. Framing, masking, control frames,
// fragment reassembly and UTF-8 checks of text frames are Debian's libwslay
// (its event API without I/O: this file feeds it the Conn's bytes and
// queues its output on the Conn); permessage-deflate (RFC 7692) and the
// limits of doc/http.md "WebSocket" are added here:
//   - a message larger than max_message_bytes, reassembled or inflated:
//     close 1009 (§7.4.1);
//   - invalid UTF-8 in a text message (inflated ones included): 1007;
//   - a protocol error (unmasked frame, reserved bits or opcodes, a
//     continuation with nothing to continue, a bad close code): 1002; a
//     frame wslay's frame parser rejects outright (a fragmented or
//     oversized control frame): a close frame without a code;
//   - a peer that does not read: its unsent output is bounded by the Conn's
//     SendQ; beyond it the connection is dropped (OnClosed 1006 "SendQ
//     exceeded"), like a slow IRC client, so others never wait for it;
//   - idle: no byte for idle_timeout_s → a ping; no byte for another
//     idle_timeout_s → close 1001 "idle timeout".
// Pings are answered with pongs (wslay); a close frame from the peer is
// answered with the same code and the socket is closed (§5.5.1, §7.1.1).
// Loop thread only. State is node-local (one socket).
#ifndef CHATD_HTTP_WEBSOCKET_H_
#define CHATD_HTTP_WEBSOCKET_H_

#include <event2/event.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chatd/core/peer.h"
#include "libchat/http/permessage_deflate.h"

struct wslay_event_context;

namespace chatd {
class Conn;
}

namespace chatd::http {

// RFC 6455 §7.4.1 status codes chatd sends.
enum WebSocketCode : uint16_t {
  kWsNormal = 1000,
  kWsGoingAway = 1001,
  kWsProtocolError = 1002,
  kWsInvalidData = 1007,
  kWsPolicy = 1008,
  kWsTooBig = 1009,
  kWsAbnormal = 1006,  // never sent: reported when the connection was lost
};

struct WebSocketOptions {
  // Largest data message accepted, in bytes, after reassembly of its
  // fragments and after inflation (permessage-deflate). Larger → 1009.
  std::size_t max_message_bytes = 64 * 1024;
  // Unsent output (bytes, frames included) the connection may hold; more
  // drops it (the Conn's SendQ).
  std::size_t sendq_bytes = 1024 * 1024;
  // Seconds without input before a ping, and again before closing with
  // 1001; 0 disables the check.
  int idle_timeout_s = 0;
  // Negotiated permessage-deflate parameters; nullopt when not in use.
  std::optional<chat::http::DeflateParams> deflate;
  // zlib memLevel for the compressor (1..9), see MessageDeflater.
  int deflate_mem_level = 4;
};

// Receives a WebSocket's events. Called from the loop only, never from
// inside a WebSocket method the handler itself called.
class WebSocketHandler {
 public:
  virtual ~WebSocketHandler() = default;
  // One complete data message: `text` true for a text message (valid
  // UTF-8, checked), false for binary. The view is valid only during the
  // call. The handler may Send or Close from here.
  virtual void OnMessage(bool text, std::string_view payload) = 0;
  // The WebSocket is over: the peer closed it (`code` as it sent, 1005
  // when it sent none), chatd failed it for a protocol error or limit (the
  // code chatd sent), or the connection was lost (1006; `reason` says why:
  // "SendQ exceeded", "Connection reset by peer"...). Called at most once,
  // and not after the handler called Close. The handler must not delete
  // the WebSocket from inside this call (defer it to the loop).
  virtual void OnClosed(uint16_t code, const std::string& reason) = 0;
};

class WebSocket final : public StreamHandler {
 public:
  // Takes over `conn` (from Exchange::Upgrade, the 101 response already
  // queued) and `early` (bytes the client sent after the handshake).
  // Applies options.sendq_bytes to the Conn. Reads nothing until Start.
  WebSocket(event_base* base, std::unique_ptr<Conn> conn, std::string early, const WebSocketOptions& options);
  // Drops the connection at once if it is still open (no close frame).
  // Must not run inside this object's own callbacks (OnMessage/OnClosed).
  ~WebSocket() override;
  WebSocket(const WebSocket&) = delete;
  WebSocket& operator=(const WebSocket&) = delete;

  // Sets the receiver of messages (not owned; must outlive this object or
  // call Close first), then Start begins reading, the early bytes first
  // (from the loop).
  void SetHandler(WebSocketHandler* handler) { handler_ = handler; }
  void Start();

  // Queues one data message as a single frame: text (payload must be
  // valid UTF-8, the caller's duty) or binary, compressed when
  // permessage-deflate is in use and it helps. Returns false when the
  // WebSocket is closing or closed (nothing is queued).
  bool Send(bool text, std::string_view payload);
  // Starts the closing handshake (§7.1.2): queues a close frame with `code`
  // and `reason` (UTF-8, cut to 123 bytes), stops reading, then the Conn
  // flushes, half-closes and reads the peer's close until EOF (bounded by
  // its flush timeout). The handler is not called again. Idempotent; safe
  // from inside OnMessage.
  void Close(uint16_t code, std::string_view reason);
  // True once closing or closed (Close, a close frame, an error, a loss).
  bool closing() const { return conn_ == nullptr || finished_ || closing_; }

  // Stops (true) or restarts (false) reading the socket (backpressure).
  void PauseReading(bool paused);
  std::size_t unsent_bytes() const;
  const std::string& address() const { return address_; }
  bool is_tls() const { return tls_; }
  bool compressing() const { return deflater_ != nullptr; }

  // ---- StreamHandler (the Conn's events)
  void OnBytes(std::string_view bytes) override;
  void OnDrained() override {}
  void OnPeerLost(const std::string& reason) override;

 private:
  // Runs wslay over `bytes`, then sends what it queued.
  void Feed(std::string_view bytes);
  // Hands wslay's queued frames to the Conn; finishes once a close frame
  // went out.
  void Pump();
  // Queues a close frame for a protocol or limit failure (reported to the
  // handler as OnClosed(code)).
  void Fail(uint16_t code, std::string_view reason);
  // Queues a close frame, or (inside wslay_event_recv) notes it for Feed
  // to queue after the data the handler queued meanwhile.
  void QueueClose(uint16_t code, std::string_view reason);
  // Ends the WebSocket: tells the handler (unless it closed), and lets the
  // Conn flush and close itself.
  void Finish(uint16_t code, const std::string& reason);
  void Message(uint8_t opcode, uint8_t rsv, std::string_view payload);
  void ArmIdle();

  friend struct WebSocketCallbacks;  // websocket.cc: wslay's C callbacks
  static void KickCb(evutil_socket_t, short, void* arg) noexcept;
  static void IdleCb(evutil_socket_t, short, void* arg) noexcept;

  std::unique_ptr<Conn> conn_;  // null once finished (the Conn then owns itself)
  wslay_event_context* ctx_ = nullptr;
  WebSocketHandler* handler_ = nullptr;
  WebSocketOptions options_;
  std::string address_;
  bool tls_ = false;
  std::string early_;          // bytes before Start, fed first
  std::string_view input_;     // the bytes wslay is reading now
  bool in_recv_ = false;       // inside wslay_event_recv
  bool closing_ = false;       // Close or Fail queued a close frame
  bool close_pending_ = false; // QueueClose inside wslay_event_recv
  uint16_t close_code_ = 0;
  std::string close_reason_;
  bool owner_closed_ = false;  // Close: no more handler calls
  bool finished_ = false;
  uint16_t fail_code_ = 0;     // our failure's code, for OnClosed
  std::string fail_reason_;
  bool active_ = false;        // input since the idle timer last fired
  bool pinged_ = false;        // the idle timer sent a ping
  event* kick_ = nullptr;
  event* idle_ = nullptr;
  std::unique_ptr<chat::http::MessageDeflater> deflater_;
  std::unique_ptr<chat::http::MessageInflater> inflater_;
  std::string scratch_;        // compressed / inflated message buffer
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_WEBSOCKET_H_
