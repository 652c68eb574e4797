// Conn: socket (optionally OpenSSL) I/O for one client connection. Input is
// framed into lines here; output is bounded by the SendQ and written once
// per loop pass (see conn.h).
#include "chatd/core/conn.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>

#include "libchat/message.h"

namespace chatd {
namespace {

// One read call's buffer (the stack of the loop's callback), and how many
// reads one readiness event may do before other connections get a turn.
constexpr std::size_t kReadChunk = 16384;
constexpr int kReadsPerEvent = 4;
// Drained output queues kept for reuse, so a fan-out to a big channel
// costs no malloc per member: as many as a large channel's members, each
// small, so idle that is at most a few MiB for the whole process.
constexpr std::size_t kSpareBuffers = 2048;
constexpr std::size_t kSpareBufferMaxBytes = 16384;
// Passes that write to at least kCoalesceMinConns connections come at most
// once per kCoalesceUs (µs); see FlushPassCb.
constexpr std::size_t kCoalesceMinConns = 32;
constexpr int64_t kCoalesceUs = 1000;
// A fresh queue starts with room for a few lines, so that appends in one
// pass rarely reallocate.
constexpr std::size_t kFirstQueueBytes = 1024;

int64_t MonotonicUs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return int64_t{now.tv_sec} * 1000000 + now.tv_nsec / 1000;
}

}  // namespace

std::set<Conn*> Conn::lingering_;
std::vector<Conn*> Conn::dirty_list_;
std::vector<Conn*> Conn::flushing_;
std::vector<std::string> Conn::spare_buffers_;
event* Conn::flush_ev_ = nullptr;
std::vector<Conn*> Conn::drain_list_;
std::vector<Conn*> Conn::draining_;
event* Conn::drain_ev_ = nullptr;
void (*Conn::before_write_)(void*) = nullptr;
void* Conn::before_write_arg_ = nullptr;
int64_t Conn::last_big_flush_us_ = 0;

std::unique_ptr<Conn> Conn::Create(event_base* base, evutil_socket_t fd, SSL* ssl,
                                   std::string address, const ConnLimits& limits) {
  evutil_make_socket_nonblocking(fd);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // best effort (not TCP: ignored)
  if (ssl != nullptr) {
    // Partial writes let the queue track what was sent; the queue's storage
    // may move between a blocked SSL_write and its retry.
    SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_set_fd(ssl, fd) != 1) {
      ERR_clear_error();
      SSL_free(ssl);
      evutil_closesocket(fd);
      return nullptr;
    }
  }
  if (flush_ev_ == nullptr) flush_ev_ = event_new(base, -1, 0, &Conn::FlushPassCb, nullptr);
  if (drain_ev_ == nullptr) drain_ev_ = evtimer_new(base, &Conn::DrainCb, nullptr);
  std::unique_ptr<Conn> conn(new Conn(base, fd, ssl, std::move(address), limits));
  if (conn->ev_ == nullptr || flush_ev_ == nullptr || drain_ev_ == nullptr ||
      event_add(conn->ev_, nullptr) != 0) {
    return nullptr;  // ~Conn closes fd and frees ssl
  }
  conn->watching_ = EV_READ;
  return conn;
}

Conn::Conn(event_base* base, evutil_socket_t fd, SSL* ssl, std::string address,
           const ConnLimits& limits)
    : fd_(fd),
      ssl_(ssl),
      ev_(event_new(base, fd, EV_READ | EV_PERSIST, &Conn::IoCb, this)),
      address_(std::move(address)),
      limits_(limits),
      framer_(chat::irc::kMaxLineBytes) {}

void Conn::DestroyLingering() {
  while (!lingering_.empty()) delete *lingering_.begin();  // ~Conn erases it
  // Give the lists' storage back too (swap, not clear): nothing is left
  // allocated after shutdown.
  std::vector<Conn*>().swap(dirty_list_);
  std::vector<Conn*>().swap(flushing_);
  std::vector<std::string>().swap(spare_buffers_);
  if (flush_ev_ != nullptr) event_free(flush_ev_);
  flush_ev_ = nullptr;
  std::vector<Conn*>().swap(drain_list_);
  std::vector<Conn*>().swap(draining_);
  if (drain_ev_ != nullptr) event_free(drain_ev_);
  drain_ev_ = nullptr;
}

Conn::~Conn() {
  lingering_.erase(this);
  if (dirty_) {  // rare: only DestroyLingering deletes a Conn outside the flush pass
    std::replace(dirty_list_.begin(), dirty_list_.end(), this, static_cast<Conn*>(nullptr));
    std::replace(flushing_.begin(), flushing_.end(), this, static_cast<Conn*>(nullptr));
  }
  if (drain_pending_) {
    std::replace(drain_list_.begin(), drain_list_.end(), this, static_cast<Conn*>(nullptr));
    std::replace(draining_.begin(), draining_.end(), this, static_cast<Conn*>(nullptr));
  }
  if (ev_ != nullptr) event_free(ev_);
  if (ssl_ != nullptr) SSL_free(ssl_);
  evutil_closesocket(fd_);
}

void Conn::Write(std::string_view bytes) {
  if (lost_ || closing_) return;
  if (out_.size() - sent_ + bytes.size() > limits_.sendq_bytes) {
    LoseLater("SendQ exceeded");
    return;
  }
  if (out_.empty()) {
    if (!spare_buffers_.empty()) {
      out_.swap(spare_buffers_.back());
      spare_buffers_.pop_back();
    }
    out_.reserve(std::max(bytes.size(), kFirstQueueBytes));
  }
  out_.append(bytes);
  if (!want_write_ && !write_wants_read_) MarkDirty();  // else the socket's readiness flushes
}

void Conn::ResumeLines() {
  if (!lost_ && !closing_) RunLines();
}

void Conn::CloseAfterFlush() {
  handler_ = nullptr;
  stream_ = nullptr;
  closing_ = true;
  close_deadline_us_ = MonotonicUs() + int64_t{limits_.flush_timeout_s} * 1000000;
  lingering_.insert(this);
  UpdateInterest();  // stop reading
  MarkDirty();       // the pass flushes what is queued, then deletes this
}

void Conn::SetStreamHandler(StreamHandler* handler) {
  stream_ = handler;
  stream_mode_ = true;
}

void Conn::PauseReading(bool paused) {
  if (paused_ == paused || lost_ || closing_) {
    paused_ = paused;
    return;
  }
  paused_ = paused;
  UpdateInterest();
  // Decrypted bytes may wait inside OpenSSL, where epoll can't see them.
  if (!paused && ssl_ != nullptr && SSL_has_pending(ssl_)) event_active(ev_, EV_READ, 0);
}

void Conn::WatchDrain(std::size_t low_watermark) {
  drain_watermark_ = low_watermark;
  if (low_watermark != 0 && unsent_bytes() < low_watermark) ScheduleDrain();
}

void Conn::ScheduleDrain() {
  if (drain_pending_) return;
  drain_pending_ = true;
  drain_list_.push_back(this);
  // A zero timeout runs after the loop's next poll: a download refills
  // once per iteration, and other connections' I/O goes in between.
  if (drain_list_.size() == 1) {
    timeval now{0, 0};
    event_add(drain_ev_, &now);
  }
}

void Conn::DrainCb(evutil_socket_t, short, void*) noexcept {
  draining_.swap(drain_list_);
  for (std::size_t i = 0; i < draining_.size(); ++i) {
    Conn* c = draining_[i];
    if (c == nullptr) continue;  // freed by an earlier callback of this pass
    c->drain_pending_ = false;
    if (c->stream_ != nullptr && !c->lost_ && !c->closing_ && c->drain_watermark_ != 0 &&
        c->unsent_bytes() < c->drain_watermark_) {
      c->stream_->OnDrained();
    }
  }
  draining_.clear();
}

void Conn::MarkDirty() {
  if (dirty_) return;
  dirty_ = true;
  dirty_list_.push_back(this);
  // Queued behind the callbacks already active in this loop pass, so every
  // write they make lands in the same flush.
  if (dirty_list_.size() == 1) event_active(flush_ev_, 0, 0);
}

void Conn::FlushPassCb(evutil_socket_t, short what, void*) noexcept {
  // A big fan-out pass that follows another within kCoalesceUs waits out
  // the rest of that window, so that under load each member gets one send()
  // for several messages: with TCP_NODELAY every send is a segment, and on
  // a busy channel the segments, not the bytes, are the server's cost. An
  // occasional big pass, and every small one (replies, small rooms), is
  // written at once (like Nagle, with a 1 ms bound instead of an ACK wait).
  if (dirty_list_.size() >= kCoalesceMinConns) {
    const int64_t now_us = MonotonicUs();
    const int64_t since_us = now_us - last_big_flush_us_;
    if (!(what & EV_TIMEOUT) && since_us < kCoalesceUs) {
      timeval rest{0, static_cast<suseconds_t>(kCoalesceUs - since_us)};
      event_add(flush_ev_, &rest);
      return;
    }
    last_big_flush_us_ = now_us;
  }
  // A connection's Pump may make output for others (a QUIT fan-out when it
  // is lost): they join dirty_list_ and get their turn in the next round.
  while (!dirty_list_.empty()) {
    if (before_write_ != nullptr) before_write_(before_write_arg_);
    flushing_.swap(dirty_list_);
    for (std::size_t i = 0; i < flushing_.size(); ++i) {
      Conn* c = flushing_[i];
      if (c == nullptr) continue;
      c->dirty_ = false;
      c->Pump();
    }
    flushing_.clear();
  }
}

void Conn::Pump() {
  if (!lost_ && !half_closed_) {
    switch (Flush()) {
      case Flushed::kBlocked:
        UpdateInterest();
        if (drain_watermark_ != 0 && unsent_bytes() < drain_watermark_) ScheduleDrain();
        return;
      case Flushed::kFailed:
        break;
      case Flushed::kAll:
        if (!closing_) {
          UpdateInterest();
          if (drain_watermark_ != 0) ScheduleDrain();
          return;
        }
        if (ssl_ != nullptr) {  // best effort close_notify; the socket closes anyway
          SSL_shutdown(ssl_);
          ERR_clear_error();
        }
        if (stream_mode_ && shutdown(fd_, SHUT_WR) == 0) {
          half_closed_ = true;
          UpdateInterest();  // read (and drop) until EOF, bounded by the flush timeout
          return;
        }
        break;
    }
  }
  if (closing_) {
    delete this;
    return;
  }
  if (!reported_) {
    reported_ = true;
    UpdateInterest();
    ReportLost(lost_reason_);
  }
}

void Conn::ReportLost(const char* reason) {
  if (handler_ != nullptr) {
    handler_->OnPeerLost(reason);
  } else if (stream_ != nullptr) {
    stream_->OnPeerLost(reason);
  }
}

bool Conn::DiscardInput() {
  char chunk[kReadChunk];
  for (int i = 0; i < kReadsPerEvent; ++i) {
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) continue;
    if (n < 0 && errno == EINTR) continue;
    return !(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
  }
  return false;
}

Conn::Flushed Conn::Flush() {
  want_write_ = write_wants_read_ = false;
  while (sent_ < out_.size()) {
    const char* data = out_.data() + sent_;
    std::size_t left = out_.size() - sent_;
    if (ssl_ != nullptr) {
      ERR_clear_error();
      int n = SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(left, INT_MAX)));
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
        continue;
      }
      int err = SSL_get_error(ssl_, n);
      if (err == SSL_ERROR_WANT_WRITE) {
        want_write_ = true;
      } else if (err == SSL_ERROR_WANT_READ) {
        write_wants_read_ = true;
      } else {
        lost_ = true;
        lost_reason_ = err == SSL_ERROR_SSL ? "TLS error" : "Connection reset";
        ERR_clear_error();
        DropOutput();
        return Flushed::kFailed;
      }
      break;
    }
    ssize_t n = send(fd_, data, left, MSG_NOSIGNAL);
    if (n >= 0) {
      sent_ += static_cast<std::size_t>(n);
      if (static_cast<std::size_t>(n) < left) {  // the kernel's buffer is full
        want_write_ = true;
        break;
      }
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      want_write_ = true;
      break;
    }
    lost_ = true;
    lost_reason_ = "Connection reset";
    DropOutput();
    return Flushed::kFailed;
  }
  if (sent_ < out_.size()) {
    // Blocked. Compact when most of the queue is sent; the unsent bytes
    // stay first (a TLS retry needs them, ACCEPT_MOVING_WRITE_BUFFER lets
    // them move).
    if (sent_ > out_.size() / 2) {
      out_.erase(0, sent_);
      sent_ = 0;
    }
    return Flushed::kBlocked;
  }
  DropOutput();
  ReleaseTlsBuffers();
  return Flushed::kAll;
}

void Conn::DropOutput() {
  std::string storage;
  storage.swap(out_);  // out_ is now empty and owns no memory
  sent_ = 0;
  if (storage.capacity() <= kSpareBufferMaxBytes && spare_buffers_.size() < kSpareBuffers) {
    storage.clear();
    spare_buffers_.push_back(std::move(storage));
  }
}

void Conn::UpdateInterest() {
  short want = 0;
  // A closing TLS connection still reads while its last SSL_write needs
  // handshake input (e.g. "Server is full" before the handshake finished).
  if (!lost_ && ((!closing_ && !paused_) || write_wants_read_ || half_closed_)) want |= EV_READ;
  if (!lost_ && (want_write_ || read_wants_write_)) want |= EV_WRITE;
  const bool timed = closing_ && want != 0;
  // A timed event is re-added every time: a persistent event's timeout
  // restarts whenever it fires, and the deadline must not move with each
  // byte a slow peer sends (a TLS handshake trickled in byte by byte).
  if (want == watching_ && timed == timed_ && !timed) return;
  event_base* base = event_get_base(ev_);
  event_del(ev_);
  event_assign(ev_, base, fd_, static_cast<short>(want | EV_PERSIST), &Conn::IoCb, this);
  const int64_t left_us = std::max<int64_t>(close_deadline_us_ - MonotonicUs(), 0);
  timeval flush_timeout{static_cast<time_t>(left_us / 1000000), static_cast<suseconds_t>(left_us % 1000000)};
  if (want != 0) event_add(ev_, timed ? &flush_timeout : nullptr);
  watching_ = want;
  timed_ = timed;
}

void Conn::IoCb(evutil_socket_t, short what, void* arg) noexcept {
  auto* self = static_cast<Conn*>(arg);
  if (self->closing_ && MonotonicUs() >= self->close_deadline_us_) what |= EV_TIMEOUT;
  if (what & EV_TIMEOUT) {  // only a closing connection's flush is timed: a slow reader
    self->lost_ = true;
    if (!self->dirty_) delete self;  // else the pass deletes it
    return;
  }
  if (what & EV_WRITE) {
    if (self->read_wants_write_) {
      self->read_wants_write_ = false;
      what |= EV_READ;
    }
    if (self->want_write_) {
      self->want_write_ = false;
      self->MarkDirty();  // the pass writes, then sets the interest
    }
  }
  if ((what & EV_READ) && !self->lost_) {
    if (self->half_closed_) {
      if (self->DiscardInput()) {
        self->lost_ = true;
        if (!self->dirty_) delete self;  // else the pass deletes it
      }
      return;
    }
    if (!self->closing_ && !self->paused_) {
      self->OnReadable();
    } else if (self->write_wants_read_) {
      self->write_wants_read_ = false;
      self->MarkDirty();  // SSL_write consumes the handshake input
    }  // else paused: the input waits
  }
  if (!self->dirty_) self->UpdateInterest();  // e.g. drop EV_WRITE after a TLS read needed it
}

void Conn::OnReadable() {
  const char* lost = ssl_ != nullptr ? ReadTls() : ReadPlain();
  if (write_wants_read_) {
    write_wants_read_ = false;
    MarkDirty();
  }
  // Lines that arrived before an EOF still run (e.g. "QUIT" then close).
  if (!stream_mode_) RunLines();
  if (lost_ || closing_) return;
  if (lost != nullptr) {
    Lose(lost);
  } else if (framer_.buffered() > limits_.recvq_bytes) {
    Lose("RecvQ exceeded");
  } else {
    ReleaseTlsBuffers();
  }
}

void Conn::ReleaseTlsBuffers() {
  // SSL_free_buffers refuses while a record is half read or written; a
  // decrypted record not yet consumed lives in the read buffer, hence the
  // SSL_has_pending check.
  if (ssl_ != nullptr && !SSL_has_pending(ssl_)) SSL_free_buffers(ssl_);
}

const char* Conn::ReadPlain() {
  char chunk[kReadChunk];
  for (int i = 0; i < kReadsPerEvent; ++i) {
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      if (!Deliver(chunk, static_cast<std::size_t>(n))) return nullptr;
      if (static_cast<std::size_t>(n) < sizeof chunk) return nullptr;
      continue;
    }
    if (n == 0) return "Connection closed";
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return nullptr;
    return "Connection reset";
  }
  return nullptr;  // more to read: the level-triggered event fires again
}

const char* Conn::ReadTls() {
  char chunk[kReadChunk];
  for (int i = 0; i < kReadsPerEvent; ++i) {
    ERR_clear_error();
    int n = SSL_read(ssl_, chunk, sizeof chunk);
    if (n > 0) {
      if (!Deliver(chunk, static_cast<std::size_t>(n))) break;
      continue;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ) return nullptr;
    if (err == SSL_ERROR_WANT_WRITE) {  // a handshake message the socket can't take yet
      read_wants_write_ = true;
      UpdateInterest();
      return nullptr;
    }
    ERR_clear_error();
    if (err == SSL_ERROR_ZERO_RETURN) return "Connection closed";
    if (err == SSL_ERROR_SYSCALL) return errno == 0 || n == 0 ? "Connection closed" : "Connection reset";
    return "TLS error";
  }
  // Decrypted bytes may wait inside OpenSSL, where epoll can't see them.
  if (!paused_ && !closing_ && !lost_ && SSL_has_pending(ssl_)) event_active(ev_, EV_READ, 0);
  return nullptr;
}

bool Conn::Deliver(const char* data, std::size_t n) {
  if (!stream_mode_) {  // IRC: the framer, as before byte-stream mode existed
    framer_.Feed(std::string_view(data, n));
    fed_line_end_ = data[n - 1] == '\n';
    return true;
  }
  if (stream_ != nullptr) stream_->OnBytes(std::string_view(data, n));
  return !paused_ && !closing_ && !lost_ && stream_ != nullptr;
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
  // Everything taken and the input ended on a line boundary: a fresh framer
  // gives its buffer back, so an idle connection holds none.
  if (fed_line_end_ && framer_.buffered() == 0) framer_ = chat::irc::LineFramer(chat::irc::kMaxLineBytes);
}

void Conn::Lose(const char* reason) {
  if (lost_) return;
  lost_ = true;
  RunOnClosed();  // the other side is gone: the socket no longer counts
  reported_ = true;
  lost_reason_ = reason;
  DropOutput();
  UpdateInterest();
  ReportLost(reason);
}

void Conn::LoseLater(const char* reason) {
  if (lost_) return;
  lost_ = true;
  RunOnClosed();
  lost_reason_ = reason;
  DropOutput();
  UpdateInterest();
  MarkDirty();  // the flush pass reports it, outside the writer's stack
}

}  // namespace chatd
