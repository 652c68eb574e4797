// chatgtk::Connection: the byte transport under a Session. TCP (and TLS,
// through GIO's GTlsClientConnection) opened asynchronously with
// Gio::SocketClient on the GLib main loop; reads feed a callback, writes are
// queued with one write in flight. It knows nothing of IRC.
//
// Certificates: GIO validates against the system CAs. A certificate it
// rejects is accepted only if its SHA-256 fingerprint is pinned in the
// TrustStore for this host:port, or was trusted once in this Connection's
// lifetime; otherwise the handshake is refused and, once the connect attempt
// has failed, `certificate_refused` reports a CertificateProblem (with the
// old fingerprint when the pinned certificate CHANGED).
//
// Main thread only. Events are never emitted from inside Open/Send/Close.
// The Connection may be destroyed at any time, including from inside one of
// its own event callbacks; pending operations are then cancelled (queued
// writes are still flushed before the socket closes).
#ifndef CHAT_GTKCLIENT_CONNECTION_H_
#define CHAT_GTKCLIENT_CONNECTION_H_

#include <giomm.h>

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "gtkclient/session.h"
#include "gtkclient/trust_store.h"

namespace chatgtk {

class Connection {
 public:
  struct Events {
    std::function<void()> connected;
    std::function<void(std::string_view bytes)> data;
    // Human sentences, e.g. "Could not connect to example.org:6697: Connection refused".
    std::function<void(const std::string& reason)> connect_failed;
    std::function<void(const std::string& reason)> disconnected;
    std::function<void(const CertificateProblem& problem)> certificate_refused;
  };

  // `trust` must outlive the Connection.
  Connection(ServerAddress address, TrustStore* trust, Events events);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts connecting (closing any previous connection first). Gives up
  // with connect_failed after kConnectTimeoutSeconds.
  void Open();
  // Queues bytes for the current connection; dropped when not connected.
  void Send(std::string_view bytes);
  // Closes now without emitting `disconnected`. Bytes already queued are
  // still written; `flushed` (optional) runs once they are out and the
  // socket is closed, or the attempt is over (never from inside Close).
  void Close(std::function<void()> flushed = nullptr);
  // Accepts the certificate with this fingerprint for this Connection's
  // lifetime ("Trust once").
  void TrustOnce(const std::string& fingerprint);
  // Was `fingerprint` trusted once in this Connection's lifetime?
  bool TrustedOnce(const std::string& fingerprint) const { return trusted_once_.count(fingerprint) != 0; }

  // "host:port" as used for pins and messages ("[::1]:6697" for IPv6).
  static std::string HostPort(const ServerAddress& address);
  // SHA-256 of DER bytes as upper-case hex pairs joined by ':'.
  static std::string Fingerprint(const unsigned char* der, std::size_t size);
  // Human text for GIO's validation flags ("it is self-signed or ...").
  static std::string DescribeErrors(Gio::TlsCertificateFlags errors);

  static constexpr int kConnectTimeoutSeconds = 20;

 private:
  struct Link;  // one connection attempt; outlives Close() while flushing
  bool Accept(Link& link, const Glib::RefPtr<const Gio::TlsCertificate>& cert,
              Gio::TlsCertificateFlags errors);
  void OnConnectDone(const std::shared_ptr<Link>& link, Glib::RefPtr<Gio::AsyncResult>& result);
  void ReadMore(const std::shared_ptr<Link>& link);
  static void WriteMore(const std::shared_ptr<Link>& link);
  void Fail(const std::string& reason);

  ServerAddress address_;
  TrustStore* trust_;
  Events events_;
  std::set<std::string> trusted_once_;
  std::shared_ptr<Link> link_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_CONNECTION_H_
