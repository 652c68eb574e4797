// Conn: bufferevent (optionally OpenSSL) I/O for one client connection.
// Input is framed into lines here; output is bounded by the SendQ.
#include "chatd/conn.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>

#include "libchat/message.h"

namespace chatd {

std::unique_ptr<Conn> Conn::Create(event_base* base, evutil_socket_t fd, SSL* ssl,
                                   std::string address, const ConnLimits& limits) {
  evutil_make_socket_nonblocking(fd);
  bufferevent* bev;
  if (ssl != nullptr) {
    bev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE);
    if (bev != nullptr) bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  } else {
    bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
  }
  if (bev == nullptr) {
    if (ssl != nullptr) SSL_free(ssl);
    evutil_closesocket(fd);
    return nullptr;
  }
  return std::unique_ptr<Conn>(new Conn(base, bev, ssl != nullptr, std::move(address), limits));
}

Conn::Conn(event_base* base, bufferevent* bev, bool tls, std::string address,
           const ConnLimits& limits)
    : bev_(bev),
      deferred_(event_new(base, -1, 0, &Conn::DeferredCb, this)),
      tls_(tls),
      address_(std::move(address)),
      limits_(limits),
      framer_(chat::irc::kMaxLineBytes) {
  bufferevent_setcb(bev_, &Conn::ReadCb, nullptr, &Conn::EventCb, this);
  bufferevent_enable(bev_, EV_READ | EV_WRITE);
}

std::set<Conn*> Conn::lingering_;

void Conn::DestroyLingering() {
  while (!lingering_.empty()) delete *lingering_.begin();  // ~Conn erases it
}

Conn::~Conn() {
  lingering_.erase(this);
  if (deferred_ != nullptr) event_free(deferred_);
  bufferevent_free(bev_);
}

void Conn::Write(std::string_view bytes) {
  if (lost_ || closing_) return;
  evbuffer* out = bufferevent_get_output(bev_);
  if (evbuffer_get_length(out) + bytes.size() > limits_.sendq_bytes) {
    LoseLater("SendQ exceeded");
    return;
  }
  evbuffer_add(out, bytes.data(), bytes.size());
}

void Conn::ResumeLines() {
  if (!lost_ && !closing_) RunLines();
}

void Conn::CloseAfterFlush() {
  handler_ = nullptr;
  closing_ = true;
  lingering_.insert(this);
  bufferevent_disable(bev_, EV_READ);
  if (lost_ || evbuffer_get_length(bufferevent_get_output(bev_)) == 0) {
    event_active(deferred_, 0, 0);  // delete from the loop, not from our caller's stack
    return;
  }
  timeval tv{limits_.flush_timeout_s, 0};
  bufferevent_set_timeouts(bev_, nullptr, &tv);
  bufferevent_setcb(bev_, nullptr, &Conn::WriteCb, &Conn::EventCb, this);
}

void Conn::ReadCb(bufferevent* bev, void* arg) noexcept {
  auto* self = static_cast<Conn*>(arg);
  evbuffer* in = bufferevent_get_input(bev);
  char chunk[4096];
  int n;
  while ((n = evbuffer_remove(in, chunk, sizeof chunk)) > 0) {
    self->framer_.Feed(std::string_view(chunk, static_cast<size_t>(n)));
  }
  self->RunLines();
  if (!self->lost_ && !self->closing_ && self->framer_.buffered() > self->limits_.recvq_bytes) {
    self->Lose("RecvQ exceeded");
  }
}

void Conn::RunLines() {
  if (in_lines_) return;
  in_lines_ = true;
  std::string_view line;
  while (handler_ != nullptr && !lost_ && handler_->ReadyForLines()) {
    auto next = framer_.TakeNext(&line);
    if (next == chat::irc::LineFramer::Next::kNone) break;
    if (next == chat::irc::LineFramer::Next::kOverlong) {
      handler_->OnOverlong();
    } else {
      handler_->OnLine(line);
    }
  }
  in_lines_ = false;
}

void Conn::WriteCb(bufferevent* bev, void* arg) noexcept {
  auto* self = static_cast<Conn*>(arg);
  if (self->closing_ && evbuffer_get_length(bufferevent_get_output(bev)) == 0) delete self;
}

void Conn::EventCb(bufferevent*, short what, void* arg) noexcept {
  auto* self = static_cast<Conn*>(arg);
  if (self->closing_) {  // flush finished badly (error, EOF or timeout): give up
    delete self;
    return;
  }
  if (what & BEV_EVENT_EOF) {
    self->Lose("Connection closed");
  } else if (what & BEV_EVENT_TIMEOUT) {
    self->Lose("Timeout");
  } else if (what & BEV_EVENT_ERROR) {
    unsigned long ssl_err = self->tls_ ? bufferevent_get_openssl_error(self->bev_) : 0;
    (void)ssl_err;
    self->Lose(self->tls_ && ssl_err != 0 ? "TLS error" : "Connection reset");
  }
}

void Conn::Lose(const std::string& reason) {
  if (lost_) return;
  lost_ = true;
  bufferevent_disable(bev_, EV_READ | EV_WRITE);
  if (handler_ != nullptr) handler_->OnPeerLost(reason);
}

void Conn::LoseLater(const std::string& reason) {
  if (lost_) return;
  lost_ = true;
  lost_reason_ = reason;
  bufferevent_disable(bev_, EV_READ | EV_WRITE);
  evbuffer_drain(bufferevent_get_output(bev_), evbuffer_get_length(bufferevent_get_output(bev_)));
  event_active(deferred_, 0, 0);
}

void Conn::DeferredCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Conn*>(arg);
  if (self->closing_) {
    delete self;
    return;
  }
  if (self->handler_ != nullptr) self->handler_->OnPeerLost(self->lost_reason_);
}

}  // namespace chatd
