// Conn: one client connection of the generator, plain TCP or TLS, with its
// input framing and output queue; and the nonblocking I/O steps on it.
// Buffers are per-connection std::strings whose capacity is kept, so after
// the first few messages no I/O step allocates. Single-threaded: all of it
// runs on the generator's one loop.
#ifndef CHATBENCH_CONN_H_
#define CHATBENCH_CONN_H_

#include <netinet/in.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace chatbench {

enum class ConnState : uint8_t {
  kFree,          // slot not in use yet
  kConnecting,    // connect() in progress
  kTlsHandshake,  // TLS client handshake in progress
  kRegistering,   // NICK/USER sent, waiting for 001
  kOpering,       // OPER sent, waiting for 381
  kJoining,       // JOIN sent, waiting for 366
  kReady,         // registered and joined: the scenario's
  kClosed,        // failed or closed; fd released
};

// Counters over all connections, for the generator's own report.
struct IoCounters {
  uint64_t reads = 0;        // read()/SSL_read() calls that returned data
  uint64_t read_bytes = 0;
  uint64_t lines = 0;        // complete lines received
  uint64_t writes = 0;       // write()/SSL_write() calls that sent data
  uint64_t write_bytes = 0;
};

struct Conn {
  int fd = -1;
  SSL* ssl = nullptr;  // owned; null for plaintext
  ConnState state = ConnState::kFree;
  bool write_blocked = false;  // EAGAIN on the last write: EPOLLOUT requested
  bool dirty = false;          // on the pool's list of connections with output
  bool sender = false;         // sends traffic (and OPERs when asked)
  int32_t channel = -1;        // channel number to join, -1 for none
  uint32_t index = 0;          // position in the pool
  int64_t started_ns = 0;      // connect() issued
  int64_t ready_ns = 0;        // entered kReady
  std::string partial;         // an incomplete line carried to the next read
  std::string out;             // queued output, from out_off on
  std::size_t out_off = 0;
  char nick[16] = {};
  uint8_t nick_len = 0;

  std::string_view Nick() const { return std::string_view(nick, nick_len); }
  std::size_t pending_out() const { return out.size() - out_off; }
};

enum class Step { kDone, kPending, kFailed };

// Opens a nonblocking TCP socket bound to `src` (port chosen at connect time,
// IP_BIND_ADDRESS_NO_PORT, so many sources share the ephemeral range) with
// TCP_NODELAY, and starts connecting to `dst`. Returns the fd, or -1 with errno set.
int ConnectFrom(const sockaddr_in& src, const sockaddr_in& dst);

// Checks a connect() in progress on fd: kDone when connected, kPending when
// not yet, kFailed (errno set) on error.
Step FinishConnect(int fd);

// Advances c's TLS client handshake (c.ssl set up by the caller).
Step TlsHandshake(Conn& c);

// Reads what is available on c and calls on_line(std::string_view) for each
// complete line (CR LF or LF stripped); the view is valid only during the
// call. `scratch` of `cap` bytes is shared by all connections. Returns false
// on EOF or error (the connection is dead), true otherwise. *now_ns is
// refreshed after each read, before its lines are handed out.
template <typename OnLine>
bool ReadLines(Conn& c, char* scratch, std::size_t cap, IoCounters* k, int64_t* now_ns,
               OnLine&& on_line);

// Writes c's queued output. kDone when all was sent, kPending on EAGAIN
// (c.write_blocked set), kFailed on error.
Step Flush(Conn& c, IoCounters* k);

// Frees c's SSL and closes its fd; state becomes kClosed. Buffers are kept.
void CloseConn(Conn& c);

// ---- implementation of ReadLines

// One read into buf: bytes read, 0 on EOF, -1 on error, -2 when nothing is
// available now.
long ReadSome(Conn& c, char* buf, std::size_t cap);
int64_t ReadClock();

template <typename OnLine>
bool ReadLines(Conn& c, char* scratch, std::size_t cap, IoCounters* k, int64_t* now_ns,
               OnLine&& on_line) {
  constexpr std::size_t kMaxPartial = 16384;  // longer than any legal line (8191 + 512)
  for (;;) {
    long n = ReadSome(c, scratch, cap);
    if (n == -2) return true;
    if (n <= 0) return false;
    *now_ns = ReadClock();
    ++k->reads;
    k->read_bytes += static_cast<uint64_t>(n);
    const char* p = scratch;
    const char* end = scratch + n;
    if (!c.partial.empty()) {
      const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (nl == nullptr) {
        c.partial.append(p, static_cast<std::size_t>(end - p));
        if (c.partial.size() > kMaxPartial) return false;
        continue;
      }
      c.partial.append(p, static_cast<std::size_t>(nl - p));
      p = nl + 1;
      std::string_view line(c.partial);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++k->lines;
      on_line(line);
      c.partial.clear();
      if (c.state == ConnState::kClosed) return true;
    }
    for (;;) {
      const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (nl == nullptr) break;
      std::string_view line(p, static_cast<std::size_t>(nl - p));
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      p = nl + 1;
      ++k->lines;
      on_line(line);
      if (c.state == ConnState::kClosed) return true;
    }
    if (p < end) {
      c.partial.assign(p, static_cast<std::size_t>(end - p));
      if (c.partial.size() > kMaxPartial) return false;
    }
    // Plaintext: a short read means the socket is drained; level-triggered
    // epoll reports it again otherwise. TLS: drain OpenSSL's buffer too.
    if (c.ssl == nullptr && static_cast<std::size_t>(n) < cap) return true;
  }
}

}  // namespace chatbench

#endif  // CHATBENCH_CONN_H_
