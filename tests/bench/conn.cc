// Nonblocking socket and TLS steps for one generator connection (conn.h).
#include "conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace chatbench {

int ConnectFrom(const sockaddr_in& src, const sockaddr_in& dst) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&src), sizeof src) != 0 ||
      (connect(fd, reinterpret_cast<const sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS)) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

Step FinishConnect(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return Step::kFailed;
  if (err == 0) return Step::kDone;
  if (err == EINPROGRESS || err == EALREADY) return Step::kPending;
  errno = err;
  return Step::kFailed;
}

Step TlsHandshake(Conn& c) {
  ERR_clear_error();
  int r = SSL_do_handshake(c.ssl);
  if (r == 1) return Step::kDone;
  int e = SSL_get_error(c.ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return Step::kPending;
  ERR_clear_error();
  return Step::kFailed;
}

long ReadSome(Conn& c, char* buf, std::size_t cap) {
  if (c.ssl == nullptr) {
    ssize_t n = read(c.fd, buf, cap);
    if (n > 0) return n;
    if (n == 0) return 0;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -2 : -1;
  }
  ERR_clear_error();
  std::size_t got = 0;
  int r = SSL_read_ex(c.ssl, buf, cap, &got);
  if (r == 1) return static_cast<long>(got);
  int e = SSL_get_error(c.ssl, r);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -2;
  ERR_clear_error();
  return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
}

int64_t ReadClock() { return NowNs(); }

Step Flush(Conn& c, IoCounters* k) {
  while (c.out_off < c.out.size()) {
    const char* p = c.out.data() + c.out_off;
    std::size_t len = c.out.size() - c.out_off;
    if (c.ssl == nullptr) {
      ssize_t n = send(c.fd, p, len, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
          c.write_blocked = true;
          return Step::kPending;
        }
        return Step::kFailed;
      }
      c.out_off += static_cast<std::size_t>(n);
      ++k->writes;
      k->write_bytes += static_cast<uint64_t>(n);
    } else {
      ERR_clear_error();
      std::size_t n = 0;
      int r = SSL_write_ex(c.ssl, p, len, &n);
      if (r != 1) {
        int e = SSL_get_error(c.ssl, r);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) {
          c.write_blocked = true;
          return Step::kPending;
        }
        ERR_clear_error();
        return Step::kFailed;
      }
      c.out_off += n;
      ++k->writes;
      k->write_bytes += n;
    }
  }
  c.out.clear();
  c.out_off = 0;
  c.write_blocked = false;
  return Step::kDone;
}

void CloseConn(Conn& c) {
  if (c.ssl != nullptr) {
    SSL_free(c.ssl);
    c.ssl = nullptr;
  }
  if (c.fd >= 0) {
    close(c.fd);
    c.fd = -1;
  }
  c.state = ConnState::kClosed;
  c.write_blocked = false;
}

}  // namespace chatbench
