// Conn: the Peer over a non-blocking socket, plain or OpenSSL. The only
// code in chatd that knows about sockets and TLS (STYLE.md).
//
// Output is coalesced: Write() only appends to the connection's own queue,
// and one flush pass, run by the event loop after the callbacks of the
// current pass, writes every connection that got output with a single
// send() / SSL_write() call (a pass writing to many connections comes at
// most once a millisecond, see FlushPassCb). EV_WRITE is watched only
// while the kernel refuses bytes (EAGAIN), so the common case costs no
// epoll_ctl. An idle
// connection holds no I/O buffers: the queue's storage goes back to a small
// shared pool when it drains, and TLS record buffers are released.
#ifndef CHATD_CONN_H_
#define CHATD_CONN_H_

#include <event2/event.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "chatd/core/peer.h"
#include "libchat/line_framer.h"

namespace chatd {

struct ConnLimits {
  std::size_t recvq_bytes;   // unprocessed input allowed before "RecvQ exceeded"
  std::size_t sendq_bytes;   // queued output allowed before "SendQ exceeded"
  int flush_timeout_s = 5;   // how long CloseAfterFlush waits for a slow reader (fixed deadline)
};

class Conn final : public Peer {
 public:
  // Takes ownership of fd and (if non-null) ssl, which must be a fresh
  // server-side SSL in accept state. Sets TCP_NODELAY (writes are already
  // coalesced per loop pass, so Nagle would only add a delayed-ACK wait).
  // Returns nullptr if the socket can't be set up (fd and ssl are freed then).
  static std::unique_ptr<Conn> Create(event_base* base, evutil_socket_t fd, SSL* ssl,
                                      std::string address, const ConnLimits& limits);
  ~Conn() override;

  void SetHandler(PeerHandler* handler) override { handler_ = handler; }
  void Write(std::string_view bytes) override;
  void ResumeLines() override;
  void CloseAfterFlush() override;
  const std::string& address() const override { return address_; }
  bool is_tls() const override { return ssl_ != nullptr; }

  // ---- byte-stream mode (HTTP). A Conn is in one mode for its life: line
  // mode with a PeerHandler (IRC, the default), or byte-stream mode once
  // SetStreamHandler is called (before any input is read, right after
  // Create). Write, CloseAfterFlush, address and is_tls work in both.
  void SetStreamHandler(StreamHandler* handler);
  // Stops (true) or restarts (false) reading the socket; input already
  // decrypted inside OpenSSL waits there too. Idempotent.
  void PauseReading(bool paused);
  // Asks for OnDrained whenever the unsent output falls below
  // `low_watermark` bytes (0: stop asking). OnDrained also comes once soon
  // after this call if the output is already below it.
  void WatchDrain(std::size_t low_watermark);
  // Queued output bytes the socket has not taken yet.
  std::size_t unsent_bytes() const { return out_.size() - sent_; }
  // Replaces the RecvQ/SendQ limits (a connection switching protocols, e.g.
  // HTTP to IRC over WebSocket, takes the new protocol's). Applies to the
  // next Write; bytes already queued stay.
  void SetLimits(const ConnLimits& limits) { limits_ = limits; }

  // Frees every Conn still flushing after CloseAfterFlush, and the flush
  // pass's event. Called once at shutdown, before the event base is freed.
  static void DestroyLingering();
  // Sets what runs at the start of every flush pass, before any queued byte
  // reaches a socket (chatd: Store::WriteLog, so that nobody sees a message
  // whose log is still in memory). nullptr for nothing.
  static void SetBeforeWrite(void (*fn)(void* arg), void* arg) {
    before_write_ = fn;
    before_write_arg_ = arg;
  }

 private:
  enum class Flushed { kAll, kBlocked, kFailed };

  Conn(event_base* base, evutil_socket_t fd, SSL* ssl, std::string address,
       const ConnLimits& limits);
  static void IoCb(evutil_socket_t, short what, void* arg) noexcept;
  static void FlushPassCb(evutil_socket_t, short, void* arg) noexcept;
  static void DrainCb(evutil_socket_t, short, void* arg) noexcept;
  // Hands one read's bytes to the framer (lines) or the stream handler.
  // Returns false when reading must stop now (paused, closing or lost).
  bool Deliver(const char* data, std::size_t n);
  // Reports a loss to whichever handler is set.
  void ReportLost(const char* reason);
  // Queues OnDrained for the next loop iteration (after other I/O).
  void ScheduleDrain();
  // Byte-stream conns close lingering: after the last byte, half-close and
  // read until EOF (or the flush timeout), so a client still sending a body
  // gets our response instead of a reset. Returns true when done.
  bool DiscardInput();
  void OnReadable();
  // Reads what the socket has into the framer. Returns the loss reason
  // (EOF, reset, TLS failure) or nullptr while the connection is fine.
  const char* ReadPlain();
  const char* ReadTls();
  // Writes the queue; sets want_write_ when the kernel is full.
  Flushed Flush();
  // The flush pass's work for this connection: flush, then report a loss
  // or delete a closing connection. May delete this.
  void Pump();
  void MarkDirty();
  // Registers the events the current state needs (read unless closing or
  // lost; write while blocked), touching epoll only when they change.
  void UpdateInterest();
  void DropOutput();
  // An idle TLS connection keeps no record buffers (about 8 KiB each).
  void ReleaseTlsBuffers();
  void Lose(const char* reason);       // report now (own I/O callback)
  void LoseLater(const char* reason);  // report from the flush pass
  void RunLines();

  evutil_socket_t fd_;
  SSL* ssl_;            // owned; null for plaintext
  event* ev_;           // the socket's one event; its flags follow UpdateInterest
  short watching_ = 0;  // EV_READ / EV_WRITE as registered in ev_
  bool timed_ = false;  // ev_ registered with the flush timeout
  int64_t close_deadline_us_ = 0;  // CLOCK_MONOTONIC; a closing Conn is freed by then
  bool lost_ = false;        // unusable; handler told or about to be
  bool reported_ = false;    // OnPeerLost called
  bool closing_ = false;     // owned by itself, flushing
  bool in_lines_ = false;    // guards re-entrant RunLines
  bool dirty_ = false;       // in the flush pass's list
  bool want_write_ = false;  // output blocked until the socket is writable
  bool read_wants_write_ = false;  // SSL_read needs the socket writable
  bool write_wants_read_ = false;  // SSL_write needs the socket readable
  bool fed_line_end_ = true;       // the last byte fed to framer_ was LF
  const char* lost_reason_ = "";
  PeerHandler* handler_ = nullptr;
  StreamHandler* stream_ = nullptr;  // byte-stream mode's handler
  bool stream_mode_ = false;         // SetStreamHandler was called
  bool paused_ = false;              // PauseReading(true)
  bool drain_pending_ = false;       // in drain_list_
  bool half_closed_ = false;         // closing: half-closed, discarding input
  std::size_t drain_watermark_ = 0;  // WatchDrain's; 0 = off
  std::string out_;           // queued output; out_[sent_, size) not yet written
  std::size_t sent_ = 0;
  std::string address_;
  ConnLimits limits_;
  chat::irc::LineFramer framer_;

  static std::set<Conn*> lingering_;   // closing Conns, which own themselves
  static std::vector<Conn*> dirty_list_;  // waiting for the flush pass
  static std::vector<Conn*> flushing_;    // the list the running pass works on
  static std::vector<std::string> spare_buffers_;  // drained queues' storage, reused
  static event* flush_ev_;             // runs FlushPassCb; made by the first Create
  static std::vector<Conn*> drain_list_;  // waiting for DrainCb
  static std::vector<Conn*> draining_;    // the list the running DrainCb works on
  static event* drain_ev_;             // zero-timeout timer running DrainCb
  static void (*before_write_)(void* arg);  // SetBeforeWrite's hook, or nullptr
  static void* before_write_arg_;
  static int64_t last_big_flush_us_;   // CLOCK_MONOTONIC of the last big pass
};

}  // namespace chatd

#endif  // CHATD_CONN_H_
