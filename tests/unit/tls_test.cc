// Tests for tls.h: building the server context from throwaway certificates
// (made with the openssl command), its error messages, Reload, and real
// in-memory handshakes to check the protocol and cipher policy.
#include "chatd/core/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "CppUTest/TestHarness.h"

namespace {

// The directory holding the generated files: made once, on first use, and
// removed at exit. A fixed buffer, so CppUTest's leak check (per test) does
// not count it.
char g_cert_dir[256];
bool g_certs_ok = false;

bool MakePair(const std::string& dir, const char* cert, const char* key) {
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=localhost -keyout '" + dir + "/" + key + "' -out '" + dir + "/" + cert +
      "' >/dev/null 2>&1";
  return system(cmd.c_str()) == 0;
}

void RemoveCertDir() {
  std::error_code ec;
  std::filesystem::remove_all(g_cert_dir, ec);
}

// Generates cert.pem/key.pem, cert2.pem/key2.pem (an unrelated pair) and
// garbage.pem (not PEM at all) in a temporary directory.
bool MakeCertDir() {
  if (g_cert_dir[0] != '\0') return g_certs_ok;
  const char* tmp = getenv("TMPDIR");
  snprintf(g_cert_dir, sizeof g_cert_dir, "%s/chatd_tls_test.XXXXXX",
           tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
  if (mkdtemp(g_cert_dir) == nullptr) return false;
  atexit(RemoveCertDir);
  const std::string dir = g_cert_dir;
  FILE* f = fopen((dir + "/garbage.pem").c_str(), "w");
  if (f == nullptr) return false;
  fputs("this is not a certificate\n", f);
  fclose(f);
  g_certs_ok = MakePair(dir, "cert.pem", "key.pem") && MakePair(dir, "cert2.pem", "key2.pem");
  return g_certs_ok;
}

// Paths of the generated files for one test.
struct TestCerts {
  explicit TestCerts(const std::string& dir)
      : cert(dir + "/cert.pem"),
        key(dir + "/key.pem"),
        cert2(dir + "/cert2.pem"),
        key2(dir + "/key2.pem"),
        garbage(dir + "/garbage.pem"),
        missing(dir + "/missing.pem") {}
  std::string cert;     // matches key
  std::string key;
  std::string cert2;    // a second pair, for reloads and mismatches
  std::string key2;
  std::string garbage;  // not PEM at all
  std::string missing;  // does not exist
};

std::unique_ptr<chatd::TlsContext> MustCreate(const std::string& cert, const std::string& key) {
  chat::Result<std::unique_ptr<chatd::TlsContext>> r = chatd::TlsContext::Create(cert, key);
  if (!r.ok()) FAIL(r.status().ToString().c_str());
  return std::move(r).value();
}

// Runs a handshake between a server SSL from `server` and a client built
// from `client_ctx`, over an in-memory BIO pair. Returns true when both
// sides complete; *version and *cipher describe the result.
bool Handshake(const chatd::TlsContext& server, SSL_CTX* client_ctx, std::string* version,
               std::string* cipher) {
  SSL* s = server.NewSsl();
  SSL* c = SSL_new(client_ctx);
  BIO* sb = nullptr;
  BIO* cb = nullptr;
  BIO_new_bio_pair(&sb, 0, &cb, 0);
  SSL_set_bio(s, sb, sb);
  SSL_set_bio(c, cb, cb);
  SSL_set_connect_state(c);
  bool c_done = false;
  bool s_done = false;
  bool failed = false;
  for (int i = 0; i < 100 && !(c_done && s_done) && !failed; ++i) {
    if (!c_done) {
      int rc = SSL_do_handshake(c);
      if (rc == 1) {
        c_done = true;
      } else {
        int e = SSL_get_error(c, rc);
        failed = e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
      }
    }
    if (!s_done && !failed) {
      int rs = SSL_do_handshake(s);
      if (rs == 1) {
        s_done = true;
      } else {
        int e = SSL_get_error(s, rs);
        failed = e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE;
      }
    }
  }
  if (c_done && s_done) {
    *version = SSL_get_version(s);
    *cipher = SSL_get_cipher_name(s);
  }
  SSL_free(c);
  SSL_free(s);
  ERR_clear_error();
  return c_done && s_done && !failed;
}

struct ClientCtx {
  ClientCtx() : ctx(SSL_CTX_new(TLS_client_method())) {}
  ~ClientCtx() { SSL_CTX_free(ctx); }
  SSL_CTX* ctx;
};

}  // namespace

TEST_GROUP(Tls) {
  std::unique_ptr<TestCerts> certs;
  void setup() override {
    CHECK_TRUE_TEXT(MakeCertDir(), "could not generate test certificates with the openssl command");
    certs.reset(new TestCerts(g_cert_dir));
  }
  void teardown() override { certs.reset(); }
};

TEST(Tls, CreateSucceedsAndAppliesPolicy) {
  std::unique_ptr<chatd::TlsContext> tls = MustCreate(certs->cert, certs->key);
  SSL_CTX* ctx = tls->ctx();
  CHECK_EQUAL(TLS1_2_VERSION, SSL_CTX_get_min_proto_version(ctx));
  const uint64_t want = SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                        SSL_OP_NO_RENEGOTIATION;
  CHECK_EQUAL(want, SSL_CTX_get_options(ctx) & want);
  CHECK_TRUE((SSL_CTX_get_session_cache_mode(ctx) & SSL_SESS_CACHE_SERVER) != 0);

  SSL* ssl = tls->NewSsl();
  CHECK_TRUE(ssl != nullptr);
  CHECK_TRUE(SSL_is_server(ssl) == 1);
  SSL_free(ssl);
}

TEST(Tls, MissingFilesAreNamed) {
  chat::Result<std::unique_ptr<chatd::TlsContext>> r =
      chatd::TlsContext::Create(certs->missing, certs->key);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kIOError);
  STRCMP_EQUAL((certs->missing + ": cannot open certificate: No such file or directory").c_str(),
               r.status().message().c_str());

  r = chatd::TlsContext::Create(certs->cert, certs->missing);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kIOError);
  STRCMP_EQUAL((certs->missing + ": cannot open private key: No such file or directory").c_str(),
               r.status().message().c_str());
}

TEST(Tls, DirectoryIsNotAFile) {
  chat::Result<std::unique_ptr<chatd::TlsContext>> r =
      chatd::TlsContext::Create(g_cert_dir, certs->key);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kIOError);
  STRCMP_EQUAL((std::string(g_cert_dir) + ": cannot open certificate: Is a directory").c_str(),
               r.status().message().c_str());
}

TEST(Tls, MismatchedKeyFails) {
  chat::Result<std::unique_ptr<chatd::TlsContext>> r =
      chatd::TlsContext::Create(certs->cert, certs->key2);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kInvalidArgument);
  STRCMP_CONTAINS((certs->key2 + ": private key does not match certificate " + certs->cert).c_str(),
                  r.status().message().c_str());
}

TEST(Tls, GarbageFilesFail) {
  chat::Result<std::unique_ptr<chatd::TlsContext>> r =
      chatd::TlsContext::Create(certs->garbage, certs->key);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kInvalidArgument);
  STRCMP_CONTAINS((certs->garbage + ": not a PEM certificate chain").c_str(),
                  r.status().message().c_str());

  r = chatd::TlsContext::Create(certs->cert, certs->garbage);
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kInvalidArgument);
  STRCMP_CONTAINS((certs->garbage + ": not an unencrypted PEM private key").c_str(),
                  r.status().message().c_str());

  // The key where the certificate should be.
  r = chatd::TlsContext::Create(certs->key, certs->key);
  CHECK_FALSE(r.ok());
  STRCMP_CONTAINS("not a PEM certificate chain", r.status().message().c_str());
}

TEST(Tls, ReloadWithBadFilesKeepsTheOldContext) {
  std::unique_ptr<chatd::TlsContext> tls = MustCreate(certs->cert, certs->key);
  SSL_CTX* before = tls->ctx();

  chat::Status s = tls->Reload(certs->garbage, certs->key);
  CHECK_FALSE(s.ok());
  STRCMP_CONTAINS(certs->garbage.c_str(), s.message().c_str());
  s = tls->Reload(certs->cert, certs->key2);
  CHECK_FALSE(s.ok());
  s = tls->Reload(certs->missing, certs->key);
  CHECK_TRUE(s.code() == chat::Status::Code::kIOError);

  POINTERS_EQUAL(before, tls->ctx());
  SSL* ssl = tls->NewSsl();
  CHECK_TRUE(ssl != nullptr);
  SSL_free(ssl);

  ClientCtx client;
  std::string version;
  std::string cipher;
  CHECK_TRUE(Handshake(*tls, client.ctx, &version, &cipher));
}

TEST(Tls, ReloadSwapsInTheNewCertificateAndOldConnectionsSurvive) {
  std::unique_ptr<chatd::TlsContext> tls = MustCreate(certs->cert, certs->key);
  SSL* old_ssl = tls->NewSsl();
  CHECK_TRUE(old_ssl != nullptr);
  // Owned by the old context, which old_ssl keeps alive across the reload.
  X509* old_cert = SSL_CTX_get0_certificate(tls->ctx());
  CHECK_TRUE(old_cert != nullptr);

  chat::Status s = tls->Reload(certs->cert2, certs->key2);
  CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
  X509* new_cert = SSL_CTX_get0_certificate(tls->ctx());
  CHECK_TRUE(new_cert != nullptr);
  CHECK_TRUE(X509_cmp(old_cert, new_cert) != 0);

  // The connection made before the reload still holds the old context.
  CHECK_TRUE(SSL_get_SSL_CTX(old_ssl) != tls->ctx());
  CHECK_TRUE(SSL_get_certificate(old_ssl) != nullptr);
  SSL_free(old_ssl);

  ClientCtx client;
  std::string version;
  std::string cipher;
  CHECK_TRUE(Handshake(*tls, client.ctx, &version, &cipher));
}

TEST(Tls, HandshakeNegotiatesModernProtocols) {
  std::unique_ptr<chatd::TlsContext> tls = MustCreate(certs->cert, certs->key);
  std::string version;
  std::string cipher;

  ClientCtx any;
  CHECK_TRUE(Handshake(*tls, any.ctx, &version, &cipher));
  STRCMP_EQUAL("TLSv1.3", version.c_str());

  // The server's TLS 1.3 order wins over a client that lists AES-256 first.
  ClientCtx aes256_first;
  CHECK_TRUE(SSL_CTX_set_ciphersuites(aes256_first.ctx,
                                      "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256") == 1);
  CHECK_TRUE(Handshake(*tls, aes256_first.ctx, &version, &cipher));
  STRCMP_EQUAL("TLS_AES_128_GCM_SHA256", cipher.c_str());
  ClientCtx aes256_only;  // and every suite in it is still accepted
  CHECK_TRUE(SSL_CTX_set_ciphersuites(aes256_only.ctx, "TLS_AES_256_GCM_SHA384") == 1);
  CHECK_TRUE(Handshake(*tls, aes256_only.ctx, &version, &cipher));
  STRCMP_EQUAL("TLS_AES_256_GCM_SHA384", cipher.c_str());

  ClientCtx tls12;
  SSL_CTX_set_max_proto_version(tls12.ctx, TLS1_2_VERSION);
  CHECK_TRUE(Handshake(*tls, tls12.ctx, &version, &cipher));
  STRCMP_EQUAL("TLSv1.2", version.c_str());
  STRCMP_EQUAL("ECDHE-ECDSA-AES128-GCM-SHA256", cipher.c_str());  // server preference
}

TEST(Tls, HandshakeRefusesOldProtocolsAndNonAeadCiphers) {
  std::unique_ptr<chatd::TlsContext> tls = MustCreate(certs->cert, certs->key);
  std::string version;
  std::string cipher;

  ClientCtx tls11;
  SSL_CTX_set_security_level(tls11.ctx, 0);
  SSL_CTX_set_min_proto_version(tls11.ctx, TLS1_VERSION);
  SSL_CTX_set_max_proto_version(tls11.ctx, TLS1_1_VERSION);
  CHECK_FALSE(Handshake(*tls, tls11.ctx, &version, &cipher));

  ClientCtx cbc;
  SSL_CTX_set_max_proto_version(cbc.ctx, TLS1_2_VERSION);
  CHECK_TRUE(SSL_CTX_set_cipher_list(cbc.ctx, "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA") ==
             1);
  CHECK_FALSE(Handshake(*tls, cbc.ctx, &version, &cipher));
}
