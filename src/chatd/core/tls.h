// The server's TLS configuration: one OpenSSL SSL_CTX built from the
// certificate and key files named in [tls], replaceable at runtime (SIGHUP).
// Only conn.cc and main.cc use this; protocol code never sees OpenSSL.
#ifndef CHATD_TLS_H_
#define CHATD_TLS_H_

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "libchat/status.h"

namespace chatd {

// Owns the server SSL_CTX. Reload swaps in a new context; connections
// already established keep the one they started with (each SSL holds a
// reference to its SSL_CTX). Event-loop thread only.
class TlsContext {
 public:
  // Builds a context from PEM files: `cert_file` is the certificate chain,
  // leaf first; `key_file` the unencrypted private key. TLS 1.2 minimum;
  // TLS 1.2 limited to ECDHE with AES-GCM or ChaCha20-Poly1305 (TLS 1.3
  // suites are all AEAD); server cipher preference; no compression; no
  // renegotiation; server-side session cache; one TLS 1.3 session ticket
  // per handshake; record buffers released while idle.
  // Key exchange only with `groups`, an OpenSSL groups list ("X25519:P-256",
  // names as SSL_CTX_set1_groups_list takes them): by default the cheap EC
  // groups, so that no client can make the server pay for ffdhe8192 (about
  // 100 times the CPU of X25519 per handshake; doc/security.md).
  // Errors name the file and the problem: Status::IOError when a file is
  // missing or unreadable, Status::InvalidArgument when it holds no usable
  // PEM certificate/key, the key does not match the certificate, or a group
  // is unknown. The OpenSSL error text is appended in parentheses.
  static chat::Result<std::unique_ptr<TlsContext>> Create(const std::string& cert_file,
                                                          const std::string& key_file,
                                                          const std::string& groups = kDefaultGroups);

  // Re-reads the files as Create does. On success new connections use the
  // new context; on error the current context stays and the error is returned.
  chat::Status Reload(const std::string& cert_file, const std::string& key_file,
                      const std::string& groups = kDefaultGroups);

  // [tls] groups' default.
  static constexpr char kDefaultGroups[] = "X25519:P-256:P-384";

  // A new server-side SSL for one connection, in accept state. The caller
  // owns it (Conn::Create takes ownership).
  // nullptr on allocation failure.
  SSL* NewSsl() const;

  // The current context, for inspection (e.g. tests). Owned by this object;
  // valid until the next successful Reload or destruction.
  SSL_CTX* ctx() const { return ctx_; }

  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;  // owned; never null
};

}  // namespace chatd

#endif  // CHATD_TLS_H_
