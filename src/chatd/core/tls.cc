// TlsContext (tls.h): building and swapping the server SSL_CTX.
#include "chatd/core/tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

namespace chatd {
namespace {

// TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only, in Mozilla's
// "intermediate" order minus DHE.
constexpr char kTls12Ciphers[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// TLS 1.3 suites, all AEAD; the server's order wins. AES-128-GCM first (as
// Mozilla orders them): its SHA-256 key schedule and transcript hash cost
// less per handshake than the SHA-384 of OpenSSL's default first choice,
// and SHA-256 has CPU instructions on current x86 and ARM.
constexpr char kTls13Ciphersuites[] =
    "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384";

constexpr unsigned char kSessionIdContext[] = "chatd";

// Drains OpenSSL's error queue into " (a; b)", or "" when it is empty.
std::string OpenSslErrors() {
  std::string out;
  unsigned long e;
  while ((e = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    out += out.empty() ? " (" : "; ";
    out += buf;
  }
  if (!out.empty()) out += ")";
  return out;
}

// Refuses to prompt for a passphrase on the terminal: encrypted keys fail.
int NoPassword(char*, int, int, void*) { return 0; }

struct BioCloser {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFreer {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct CtxFreer {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};

// Checks that `path` can be opened for reading, so that a missing file gets
// a plain errno message rather than an OpenSSL error chain.
chat::Status CheckReadable(const std::string& path, const char* what) {
  if (path.empty()) return chat::Status::InvalidArgument(std::string("no ") + what + " file given");
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return chat::Status::IOError(path + ": cannot open " + what + ": " + strerror(errno));
  }
  struct stat st;
  const bool is_dir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
  fclose(f);
  if (is_dir) return chat::Status::IOError(path + ": cannot open " + what + ": Is a directory");
  return chat::Status::OK();
}

}  // namespace

chat::Result<std::unique_ptr<TlsContext>> TlsContext::Create(const std::string& cert_file,
                                                             const std::string& key_file,
                                                             const std::string& groups) {
  ERR_clear_error();
  chat::Status s = CheckReadable(cert_file, "certificate");
  if (!s.ok()) return s;
  s = CheckReadable(key_file, "private key");
  if (!s.ok()) return s;

  std::unique_ptr<SSL_CTX, CtxFreer> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return chat::Status::IOError("SSL_CTX_new failed" + OpenSslErrors());

  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kTls12Ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx.get(), kTls13Ciphersuites) != 1) {
    return chat::Status::InvalidArgument("cannot set TLS protocol/ciphers" + OpenSslErrors());
  }
  if (SSL_CTX_set1_groups_list(ctx.get(), groups.c_str()) != 1) {
    return chat::Status::InvalidArgument("[tls] groups: cannot use \"" + groups + "\"" + OpenSslErrors());
  }
  // SSL_OP_NO_RENEGOTIATION refuses renegotiation in both directions.
  SSL_CTX_set_options(ctx.get(), SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                                     SSL_OP_NO_RENEGOTIATION);
  // Idle connections (most IRC clients) must not pin 2 x 16 KiB of record
  // buffers: Conn frees them with SSL_free_buffers once a read or flush has
  // drained them, which is once per event rather than once per record as
  // SSL_MODE_RELEASE_BUFFERS would. Read-ahead takes everything the socket
  // holds in one read(), instead of a header read and a body read per record.
  // The chain is the certificate file as given: without NO_AUTO_CHAIN,
  // OpenSSL would run X509_verify_cert against the (empty) trust store on
  // every handshake to look for more of it.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_NO_AUTO_CHAIN);
  SSL_CTX_set_read_ahead(ctx.get(), 1);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_SERVER);
  // One TLS 1.3 ticket per handshake instead of OpenSSL's two: a client
  // resumes with one, and each ticket costs an encryption and allocations.
  SSL_CTX_set_num_tickets(ctx.get(), 1);
  SSL_CTX_set_session_id_context(ctx.get(), kSessionIdContext, sizeof kSessionIdContext - 1);
  SSL_CTX_set_default_passwd_cb(ctx.get(), NoPassword);

  if (SSL_CTX_use_certificate_chain_file(ctx.get(), cert_file.c_str()) != 1) {
    return chat::Status::InvalidArgument(cert_file + ": not a PEM certificate chain" +
                                         OpenSslErrors());
  }

  // The key is read separately so that "not a key" and "wrong key" get
  // different messages (SSL_CTX_use_PrivateKey_file reports both alike).
  std::unique_ptr<BIO, BioCloser> bio(BIO_new_file(key_file.c_str(), "r"));
  if (!bio) return chat::Status::IOError(key_file + ": cannot open private key" + OpenSslErrors());
  std::unique_ptr<EVP_PKEY, PkeyFreer> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr));
  if (!key) {
    return chat::Status::InvalidArgument(key_file +
                                         ": not an unencrypted PEM private key" + OpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return chat::Status::InvalidArgument(key_file + ": private key does not match certificate " +
                                         cert_file + OpenSslErrors());
  }
  ERR_clear_error();
  return std::unique_ptr<TlsContext>(new TlsContext(ctx.release()));
}

chat::Status TlsContext::Reload(const std::string& cert_file, const std::string& key_file,
                               const std::string& groups) {
  chat::Result<std::unique_ptr<TlsContext>> fresh = Create(cert_file, key_file, groups);
  if (!fresh.ok()) return fresh.status();
  // Existing SSL objects hold their own reference to the old context.
  std::swap(ctx_, fresh.value()->ctx_);
  return chat::Status::OK();  // `fresh` now frees the old context
}

SSL* TlsContext::NewSsl() const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) {
    ERR_clear_error();
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace chatd
