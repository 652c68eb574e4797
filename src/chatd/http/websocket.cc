// WebSocket: wslay's event API over a byte-stream Conn, plus
// permessage-deflate and chatd's limits (websocket.h).
#include "chatd/http/websocket.h"

#include <sys/types.h>
#include <wslay/wslay.h>

#include <cstring>
#include <utility>

#include "chatd/core/conn.h"
#include "chatd/core/log.h"
#include "libchat/message.h"

namespace chatd::http {

// wslay's C callbacks; each contains its failures (STYLE.md: nothing
// throws across a C callback).
struct WebSocketCallbacks {
  static ssize_t Recv(wslay_event_context_ptr ctx, uint8_t* buf, size_t len, int, void* user) noexcept {
    auto* ws = static_cast<WebSocket*>(user);
    if (ws->input_.empty()) {
      wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
      return -1;
    }
    std::size_t n = std::min(len, ws->input_.size());
    memcpy(buf, ws->input_.data(), n);
    ws->input_.remove_prefix(n);
    return static_cast<ssize_t>(n);
  }

  static ssize_t Send(wslay_event_context_ptr, const uint8_t* data, size_t len, int, void* user) noexcept {
    auto* ws = static_cast<WebSocket*>(user);
    // The Conn queues everything (bounded by its SendQ, past which it is
    // lost and reports it from the loop), so wslay never holds output.
    if (ws->conn_ != nullptr) ws->conn_->Write(std::string_view(reinterpret_cast<const char*>(data), len));
    return static_cast<ssize_t>(len);
  }

  static void Msg(wslay_event_context_ptr, const wslay_event_on_msg_recv_arg* arg, void* user) noexcept {
    auto* ws = static_cast<WebSocket*>(user);
    ws->Message(arg->opcode, arg->rsv,
                std::string_view(reinterpret_cast<const char*>(arg->msg), arg->msg_length));
  }
};

WebSocket::WebSocket(event_base* base, std::unique_ptr<Conn> conn, std::string early,
                     const WebSocketOptions& options)
    : conn_(std::move(conn)), options_(options), early_(std::move(early)) {
  address_ = conn_->address();
  tls_ = conn_->is_tls();
  ConnLimits limits{options_.max_message_bytes, options_.sendq_bytes};
  conn_->SetLimits(limits);
  conn_->SetStreamHandler(this);
  conn_->PauseReading(true);  // until Start
  wslay_event_callbacks cbs{};
  cbs.recv_callback = &WebSocketCallbacks::Recv;
  cbs.send_callback = &WebSocketCallbacks::Send;
  cbs.on_msg_recv_callback = &WebSocketCallbacks::Msg;
  if (wslay_event_context_server_init(&ctx_, &cbs, this) != 0) abort();  // only on out of memory
  // Reassembled messages are checked against the limit by wslay (1009);
  // inflated ones below.
  wslay_event_config_set_max_recv_msg_length(ctx_, options_.max_message_bytes);
  if (options_.deflate) {
    wslay_event_config_set_allowed_rsv_bits(ctx_, WSLAY_RSV1_BIT);
    deflater_ = std::make_unique<chat::http::MessageDeflater>(*options_.deflate, options_.deflate_mem_level);
    inflater_ = std::make_unique<chat::http::MessageInflater>(*options_.deflate);
  }
  kick_ = event_new(base, -1, 0, &WebSocket::KickCb, this);
  idle_ = evtimer_new(base, &WebSocket::IdleCb, this);
}

WebSocket::~WebSocket() {
  if (kick_ != nullptr) event_free(kick_);
  if (idle_ != nullptr) event_free(idle_);
  if (conn_ != nullptr) {
    conn_->SetStreamHandler(nullptr);
    conn_->CloseAfterFlush();
    (void)conn_.release();  // it owns itself now
  }
  if (ctx_ != nullptr) wslay_event_context_free(ctx_);
}

void WebSocket::Start() {
  if (conn_ == nullptr) return;
  conn_->PauseReading(false);
  ArmIdle();
  if (!early_.empty()) event_active(kick_, 0, 0);
}

void WebSocket::KickCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<WebSocket*>(arg);
  std::string early = std::move(self->early_);
  self->early_.clear();
  if (!early.empty() && !self->finished_) self->Feed(early);
}

// ---------------------------------------------------------------- input

void WebSocket::OnBytes(std::string_view bytes) {
  if (finished_) return;
  active_ = true;
  pinged_ = false;
  if (!early_.empty()) {  // Start's kick has not run yet: keep the order
    early_.append(bytes);
    return;
  }
  Feed(bytes);
}

void WebSocket::Feed(std::string_view bytes) {
  input_ = bytes;
  in_recv_ = true;
  int rc = wslay_event_recv(ctx_);
  in_recv_ = false;
  input_ = {};
  if (rc != 0) {
    // A frame wslay's parser refused outright (a fragmented or oversized
    // control frame, a bad length): it queued a close frame without a
    // code; send it and end.
    if (rc != WSLAY_ERR_NOMEM) (void)wslay_event_send(ctx_);
    Finish(kWsProtocolError, "WebSocket protocol error");
    return;
  }
  // Data queued while the messages were handled goes out before a close
  // frame queued meanwhile (wslay would send control frames first).
  Pump();
  if (close_pending_) {
    close_pending_ = false;
    QueueClose(close_code_, close_reason_);
  }
  Pump();
}

void WebSocket::QueueClose(uint16_t code, std::string_view reason) {
  if (in_recv_) {
    close_pending_ = true;
    close_code_ = code;
    close_reason_ = std::string(reason);
    return;
  }
  std::string_view r = chat::irc::TruncateUtf8(reason, 123);
  (void)wslay_event_queue_close(ctx_, code, reinterpret_cast<const uint8_t*>(r.data()), r.size());
}

void WebSocket::Message(uint8_t opcode, uint8_t rsv, std::string_view payload) {
  if (finished_ || closing_) return;
  if (opcode != WSLAY_TEXT_FRAME && opcode != WSLAY_BINARY_FRAME) return;  // control frames: wslay's
  bool text = opcode == WSLAY_TEXT_FRAME;
  if ((rsv & WSLAY_RSV1_BIT) != 0) {
    if (inflater_ == nullptr) {
      Fail(kWsProtocolError, "RSV1 without permessage-deflate");
      return;
    }
    switch (inflater_->Decompress(payload, options_.max_message_bytes, &scratch_)) {
      case chat::http::MessageInflater::Result::kOk:
        break;
      case chat::http::MessageInflater::Result::kTooBig:
        Fail(kWsTooBig, "message too big");
        return;
      case chat::http::MessageInflater::Result::kCorrupt:
        Fail(kWsInvalidData, "invalid compressed data");
        return;
    }
    payload = scratch_;
  }
  // wslay checks UTF-8 of uncompressed text frames as they arrive; an
  // inflated message is checked here (RFC 6455 §8.1).
  if (text && !chat::irc::IsValidUtf8(payload)) {
    Fail(kWsInvalidData, "invalid UTF-8 in a text message");
    return;
  }
  if (handler_ != nullptr && !owner_closed_) handler_->OnMessage(text, payload);
}

// ---------------------------------------------------------------- output

bool WebSocket::Send(bool text, std::string_view payload) {
  if (closing()) return false;
  wslay_event_msg msg{};
  msg.opcode = text ? WSLAY_TEXT_FRAME : WSLAY_BINARY_FRAME;
  uint8_t rsv = WSLAY_RSV_NONE;
  std::string compressed;
  if (deflater_ != nullptr && deflater_->Compress(payload, &compressed)) {
    payload = compressed;
    rsv = WSLAY_RSV1_BIT;
  }
  msg.msg = reinterpret_cast<const uint8_t*>(payload.data());
  msg.msg_length = payload.size();
  if (wslay_event_queue_msg_ex(ctx_, &msg, rsv) != 0) return false;  // wslay copied the payload
  if (!in_recv_) Pump();
  return true;
}

void WebSocket::Pump() {
  if (finished_ || conn_ == nullptr) return;
  if (wslay_event_send(ctx_) != 0) {
    Finish(kWsAbnormal, "WebSocket send failed");
    return;
  }
  if (!wslay_event_get_close_sent(ctx_)) return;
  // Our close frame is out: the reply to the peer's, or our own.
  if (wslay_event_get_close_received(ctx_) && fail_code_ == 0 && !owner_closed_) {
    uint16_t code = wslay_event_get_status_code_received(ctx_);
    Finish(code, "closed by the peer");
  } else {
    uint16_t code = fail_code_ != 0 ? fail_code_ : wslay_event_get_status_code_sent(ctx_);
    Finish(code, fail_reason_.empty() ? "WebSocket closed" : fail_reason_);
  }
}

void WebSocket::Fail(uint16_t code, std::string_view reason) {
  if (closing_ || finished_) return;
  closing_ = true;
  fail_code_ = code;
  fail_reason_ = std::string(reason);
  wslay_event_shutdown_read(ctx_);
  QueueClose(code, reason);
  if (!in_recv_) Pump();
}

void WebSocket::Close(uint16_t code, std::string_view reason) {
  owner_closed_ = true;
  handler_ = nullptr;
  if (finished_) return;
  if (!closing_) {
    closing_ = true;
    wslay_event_shutdown_read(ctx_);
    QueueClose(code, reason);
  }
  if (!in_recv_) Pump();
}

void WebSocket::Finish(uint16_t code, const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  if (idle_ != nullptr) event_del(idle_);
  if (conn_ != nullptr) {
    conn_->SetStreamHandler(nullptr);
    conn_->CloseAfterFlush();  // flush, half-close, read the peer's close until EOF
    (void)conn_.release();
  }
  WebSocketHandler* h = owner_closed_ ? nullptr : handler_;
  handler_ = nullptr;
  if (h != nullptr) h->OnClosed(code, reason);
}

void WebSocket::OnPeerLost(const std::string& reason) {
  if (finished_) return;
  // A close handshake we started may end with the peer's EOF: that is a
  // clean end, not a loss.
  uint16_t code = closing_ && fail_code_ != 0 ? fail_code_ : static_cast<uint16_t>(kWsAbnormal);
  Finish(code, reason);
}

void WebSocket::PauseReading(bool paused) {
  if (conn_ != nullptr) conn_->PauseReading(paused);
}

std::size_t WebSocket::unsent_bytes() const { return conn_ != nullptr ? conn_->unsent_bytes() : 0; }

// ---------------------------------------------------------------- idle

void WebSocket::ArmIdle() {
  if (options_.idle_timeout_s <= 0 || idle_ == nullptr) return;
  timeval tv{options_.idle_timeout_s, 0};
  evtimer_add(idle_, &tv);
}

void WebSocket::IdleCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<WebSocket*>(arg);
  if (self->finished_) return;
  if (self->active_) {
    self->active_ = false;
    self->ArmIdle();
    return;
  }
  if (!self->pinged_ && !self->closing_) {
    self->pinged_ = true;
    wslay_event_msg ping{};
    ping.opcode = WSLAY_PING;
    (void)wslay_event_queue_msg(self->ctx_, &ping);
    self->Pump();
    self->ArmIdle();
    return;
  }
  LOG_DEBUG("websocket %s: idle timeout", self->address_.c_str());
  self->Fail(kWsGoingAway, "idle timeout");
  if (!self->finished_) self->Finish(kWsGoingAway, "idle timeout");  // the close frame is queued
}

}  // namespace chatd::http
