// Conn: the Peer over a libevent bufferevent, plain or OpenSSL. The only
// code in chatd that knows about bufferevents and TLS (STYLE.md).
#ifndef CHATD_CONN_H_
#define CHATD_CONN_H_

#include <event2/event.h>
#include <openssl/ssl.h>

#include <memory>
#include <set>
#include <string>

#include "chatd/peer.h"
#include "libchat/line_framer.h"

struct bufferevent;

namespace chatd {

struct ConnLimits {
  std::size_t recvq_bytes;   // unprocessed input allowed before "RecvQ exceeded"
  std::size_t sendq_bytes;   // queued output allowed before "SendQ exceeded"
  int flush_timeout_s = 5;   // how long CloseAfterFlush waits for a slow reader
};

class Conn final : public Peer {
 public:
  // Takes ownership of fd and (if non-null) ssl, which must be a fresh
  // server-side SSL. Returns nullptr if libevent can't set the socket up
  // (fd is closed then).
  static std::unique_ptr<Conn> Create(event_base* base, evutil_socket_t fd, SSL* ssl,
                                      std::string address, const ConnLimits& limits);
  ~Conn() override;

  void SetHandler(PeerHandler* handler) override { handler_ = handler; }
  void Write(std::string_view bytes) override;
  void ResumeLines() override;
  void CloseAfterFlush() override;
  const std::string& address() const override { return address_; }
  bool is_tls() const override { return tls_; }

  // Frees every Conn still flushing after CloseAfterFlush. Called once at
  // shutdown, before the event base is freed.
  static void DestroyLingering();

 private:
  Conn(event_base* base, bufferevent* bev, bool tls, std::string address, const ConnLimits& limits);
  static void ReadCb(bufferevent* bev, void* arg) noexcept;
  static void WriteCb(bufferevent* bev, void* arg) noexcept;
  static void EventCb(bufferevent* bev, short what, void* arg) noexcept;
  static void DeferredCb(evutil_socket_t, short, void* arg) noexcept;
  void Lose(const std::string& reason);      // report now (own callback)
  void LoseLater(const std::string& reason); // report from the loop
  void RunLines();

  bufferevent* bev_;
  event* deferred_;     // delivers LoseLater / self-deletion outside callers' stacks
  bool tls_;
  std::string address_;
  ConnLimits limits_;
  chat::irc::LineFramer framer_;
  PeerHandler* handler_ = nullptr;
  std::string lost_reason_;
  bool lost_ = false;      // handler told (or about to be)
  bool closing_ = false;   // owned by itself, flushing
  bool in_lines_ = false;  // guards re-entrant RunLines
  static std::set<Conn*> lingering_;  // closing Conns, which own themselves
};

}  // namespace chatd

#endif  // CHATD_CONN_H_
