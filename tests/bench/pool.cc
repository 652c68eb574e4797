// The generator's connection pool and loop (pool.h).
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/err.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "clock.h"

namespace chatbench {

namespace {

constexpr std::size_t kScratchBytes = 256 * 1024;

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Numerics that end a JOIN attempt (RFC 2812 §3.2.1) or registration.
bool IsJoinError(std::string_view cmd) {
  return cmd == "403" || cmd == "405" || cmd == "471" || cmd == "473" || cmd == "474" ||
         cmd == "475" || cmd == "476" || cmd == "477" || cmd == "489";
}

}  // namespace

Pool::Pool(const Options& opt) : opt_(opt) {}

Pool::~Pool() {
  CloseAll();
  if (epfd_ >= 0) close(epfd_);
  if (ssl_ctx_ != nullptr) SSL_CTX_free(ssl_ctx_);
}

bool Pool::Init(std::string* error) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) {
    *error = std::string("epoll_create1: ") + strerror(errno);
    return false;
  }
  dst_.sin_family = AF_INET;
  dst_.sin_port = htons(static_cast<uint16_t>(opt_.port));
  inet_pton(AF_INET, opt_.host.c_str(), &dst_.sin_addr);
  for (int k = 1; k <= opt_.sources; ++k) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_addr.s_addr = htonl((127u << 24) | static_cast<uint32_t>(k));
    sources_.push_back(s);
  }
  scratch_.resize(kScratchBytes);
  events_.resize(1024);
  if (!opt_.oper.empty()) {
    std::size_t colon = opt_.oper.find(':');
    oper_line_ = "OPER " + opt_.oper.substr(0, colon) + " " + opt_.oper.substr(colon + 1) + "\r\n";
  }
  if (opt_.tls) {
    ssl_ctx_ = SSL_CTX_new(TLS_client_method());
    if (ssl_ctx_ == nullptr) {
      *error = "SSL_CTX_new failed";
      return false;
    }
    SSL_CTX_set_verify(ssl_ctx_, SSL_VERIFY_NONE, nullptr);  // a loopback benchmark
    SSL_CTX_set_mode(ssl_ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                   SSL_MODE_RELEASE_BUFFERS);
  }
  return true;
}

std::string Pool::ChannelName(int k) const { return opt_.channel_prefix + std::to_string(k); }

void Pool::Send(Conn& c, std::string_view bytes) {
  if (c.state == ConnState::kClosed || c.fd < 0) return;
  c.out.append(bytes.data(), bytes.size());
  if (!c.dirty) {
    c.dirty = true;
    dirty_.push_back(c.index);
  }
}

void Pool::WatchWrite(Conn& c, bool on) {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0u);
  ev.data.u32 = c.index;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
}

SetupResult Pool::Establish(std::size_t n, const std::function<int(std::size_t)>& channel_of,
                            const std::function<bool(std::size_t)>& is_sender, int64_t deadline_ns) {
  static const char kB36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  conns_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    Conn& c = conns_[i];
    c.index = static_cast<uint32_t>(i);
    c.channel = channel_of(i);
    c.sender = is_sender(i);
    c.partial.reserve(1024);
    c.out.reserve(512);
    char digits[16];
    int nd = 0;
    std::size_t v = i;
    do {
      digits[nd++] = kB36[v % 36];
      v /= 36;
    } while (v != 0);
    std::size_t len = std::min(opt_.nick_prefix.size(), sizeof c.nick - 1 - nd);
    memcpy(c.nick, opt_.nick_prefix.data(), len);
    while (nd > 0) c.nick[len++] = digits[--nd];
    c.nick_len = static_cast<uint8_t>(len);
  }
  const int64_t start = NowNs();
  const int64_t per_conn_timeout = SecToNs(opt_.setup_timeout_s);
  std::size_t next = 0;
  int64_t last_scan = start;
  for (;;) {
    int64_t now = NowNs();
    std::size_t done = failed_ + ready_now_ + lost_;
    if (done >= n) break;
    if (now >= deadline_ns) {
      for (std::size_t i = 0; i < n; ++i) {
        Conn& c = conns_[i];
        if (c.state == ConnState::kFree) {
          c.state = ConnState::kClosed;
          ++failed_;
          if (first_error_.empty()) first_error_ = "setup deadline passed before connecting";
        } else if (c.state != ConnState::kReady && c.state != ConnState::kClosed) {
          Fail(c, "setup deadline passed");
        }
      }
      break;
    }
    double allowed = static_cast<double>(now - start) * opt_.connect_rate / 1e9 + 1.0 -
                     static_cast<double>(next);
    while (next < n && allowed >= 1.0 && in_setup_ < static_cast<std::size_t>(opt_.inflight)) {
      StartOne(next++, now);
      allowed -= 1.0;
    }
    if (now - last_scan > 100 * kNsPerMs) {  // per-connection setup timeouts
      last_scan = now;
      for (std::size_t i = 0; i < next; ++i) {
        Conn& c = conns_[i];
        if (c.state != ConnState::kReady && c.state != ConnState::kClosed &&
            now - c.started_ns > per_conn_timeout) {
          Fail(c, "setup timed out");
        }
      }
    }
    FlushDirty();
    PollOnce(next < n ? kNsPerMs : 10 * kNsPerMs);
    FlushDirty();
  }
  SetupResult r;
  r.ready = ready_now_;
  r.failed = failed_ + lost_;
  r.elapsed_ns = NowNs() - start;
  r.first_error = first_error_;
  return r;
}

void Pool::Run(int64_t until_ns, int64_t tick_ns, const std::function<bool(int64_t)>& step) {
  for (;;) {
    int64_t now = NowNs();
    if (now >= until_ns) break;
    if (!step(now)) break;
    FlushDirty();
    now = NowNs();
    PollOnce(std::min(tick_ns, std::max<int64_t>(0, until_ns - now)));
    FlushDirty();
  }
}

void Pool::StartOne(std::size_t i, int64_t now) {
  Conn& c = conns_[i];
  c.started_ns = now;
  ++in_setup_;
  int fd = ConnectFrom(sources_[i % sources_.size()], dst_);
  if (fd < 0) {
    c.state = ConnState::kConnecting;
    Fail(c, std::string("connect: ") + strerror(errno));
    return;
  }
  c.fd = fd;
  c.state = ConnState::kConnecting;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
  ev.data.u32 = c.index;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) Fail(c, std::string("epoll_ctl: ") + strerror(errno));
}

void Pool::PollOnce(int64_t timeout_ns) {
  timespec ts{static_cast<time_t>(timeout_ns / kNsPerSec), static_cast<long>(timeout_ns % kNsPerSec)};
  int n = epoll_pwait2(epfd_, events_.data(), static_cast<int>(events_.size()), &ts, nullptr);
  if (n <= 0) return;
  int64_t now = NowNs();
  for (int i = 0; i < n; ++i) {
    uint32_t idx = events_[static_cast<std::size_t>(i)].data.u32;
    if (idx >= conns_.size()) continue;
    Conn& c = conns_[idx];
    if (c.state == ConnState::kClosed || c.fd < 0) continue;
    OnEvent(c, events_[static_cast<std::size_t>(i)].events, now);
  }
}

void Pool::SendRegistration(Conn& c) {
  std::string_view nick = c.Nick();
  if (!cap_req_.empty()) {
    Send(c, "CAP REQ :");
    Send(c, cap_req_);
    Send(c, "\r\n");
  }
  Send(c, "NICK ");
  Send(c, nick);
  Send(c, "\r\nUSER ");
  Send(c, nick);
  Send(c, " 0 * :chatbench\r\n");
  if (!cap_req_.empty()) Send(c, "CAP END\r\n");
  c.state = ConnState::kRegistering;
}

void Pool::OnEvent(Conn& c, uint32_t events, int64_t now) {
  if (c.state == ConnState::kConnecting) {
    Step s = FinishConnect(c.fd);
    if (s == Step::kPending) return;
    if (s == Step::kFailed) {
      Fail(c, std::string("connect: ") + strerror(errno));
      return;
    }
    if (ssl_ctx_ != nullptr) {
      c.ssl = SSL_new(ssl_ctx_);
      if (c.ssl == nullptr || SSL_set_fd(c.ssl, c.fd) != 1) {
        Fail(c, "SSL_new failed");
        return;
      }
      SSL_set_connect_state(c.ssl);
      c.state = ConnState::kTlsHandshake;
    } else {
      WatchWrite(c, false);
      SendRegistration(c);
      return;  // level-triggered: pending input is reported again
    }
  }
  if (c.state == ConnState::kTlsHandshake) {
    Step s = TlsHandshake(c);
    if (s == Step::kPending) return;
    if (s == Step::kFailed) {
      Fail(c, "TLS handshake failed");
      return;
    }
    WatchWrite(c, false);
    SendRegistration(c);
  }
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    int64_t read_ns = now;
    LineView lv;
    bool ok = ReadLines(c, scratch_.data(), scratch_.size(), &io_, &read_ns, [&](std::string_view line) {
      if (!ParseLineView(line, &lv)) return;
      if (lv.command == "PING") {
        Send(c, "PONG :");
        Send(c, lv.last());
        Send(c, "\r\n");
        return;
      }
      if (c.state == ConnState::kReady) {
        if (handler_ != nullptr) handler_->OnLine(c, lv, read_ns);
      } else {
        OnSetupLine(c, lv, read_ns);
      }
    });
    if (!ok && c.state != ConnState::kClosed) {
      if (c.state == ConnState::kReady) {
        Lose(c);
      } else {
        Fail(c, c.partial.size() > 16384 ? "line too long" : "connection closed by the server");
      }
      return;
    }
  }
  if ((events & EPOLLOUT) && c.write_blocked && c.state != ConnState::kClosed) {
    Step s = Flush(c, &io_);
    if (s == Step::kDone) WatchWrite(c, false);
    if (s == Step::kFailed) {
      if (c.state == ConnState::kReady) Lose(c); else Fail(c, "write failed");
    }
  }
}

void Pool::OnSetupLine(Conn& c, const LineView& l, int64_t now) {
  std::string_view cmd = l.command;
  if (cmd == "ERROR") {
    Fail(c, std::string("ERROR from server: ") + std::string(l.last()));
    return;
  }
  switch (c.state) {
    case ConnState::kRegistering:
      if (cmd == "001") {
        if (c.sender && !oper_line_.empty()) {
          Send(c, oper_line_);
          c.state = ConnState::kOpering;
        } else {
          Join(c, now);
        }
      } else if (cmd == "432" || cmd == "433" || cmd == "436" || cmd == "465") {
        Fail(c, std::string("registration refused: ") + std::string(cmd) + " " + std::string(l.last()));
      }
      break;
    case ConnState::kOpering:
      if (cmd == "381") {
        if (!opt_.oper_umode.empty()) {
          Send(c, "MODE ");
          Send(c, c.Nick());
          Send(c, " ");
          Send(c, opt_.oper_umode);
          Send(c, "\r\n");
        }
        Join(c, now);
      } else if (cmd == "464" || cmd == "491") {
        Fail(c, std::string("OPER refused: ") + std::string(cmd) + " " + std::string(l.last()));
      }
      break;
    case ConnState::kJoining:
      if (cmd == "366" && c.channel >= 0 && EqualsNoCase(l.param(1), ChannelName(c.channel))) {
        BecomeReady(c, now);
      } else if (IsJoinError(cmd)) {
        Fail(c, std::string("JOIN refused: ") + std::string(cmd) + " " + std::string(l.last()));
      }
      break;
    default:
      break;
  }
}

void Pool::Join(Conn& c, int64_t now) {
  if (c.channel < 0) {
    BecomeReady(c, now);
    return;
  }
  Send(c, "JOIN ");
  Send(c, ChannelName(c.channel));
  Send(c, "\r\n");
  c.state = ConnState::kJoining;
}

void Pool::BecomeReady(Conn& c, int64_t now) {
  c.state = ConnState::kReady;
  c.ready_ns = now;
  setup_latency_.Record(now - c.started_ns);
  --in_setup_;
  ++ready_now_;
}

void Pool::Fail(Conn& c, std::string_view why) {
  if (first_error_.empty()) {
    first_error_ = "connection " + std::to_string(c.index) + " (" + std::string(c.Nick()) + "): " + std::string(why);
  }
  if (opt_.verbose) {
    fprintf(stderr, "chatbench: connection %u failed: %.*s\n", c.index, static_cast<int>(why.size()), why.data());
  }
  CloseConn(c);
  --in_setup_;
  ++failed_;
}

void Pool::Lose(Conn& c) {
  CloseConn(c);
  --ready_now_;
  ++lost_;
  if (first_error_.empty()) first_error_ = "connection " + std::to_string(c.index) + " closed by the server after setup";
  if (handler_ != nullptr) handler_->OnLost(c);
}

void Pool::FlushDirty() {
  for (std::size_t i = 0; i < dirty_.size(); ++i) {
    Conn& c = conns_[dirty_[i]];
    c.dirty = false;
    if (c.state == ConnState::kClosed || c.fd < 0 || c.write_blocked) continue;
    if (c.state == ConnState::kConnecting || c.state == ConnState::kTlsHandshake) continue;
    Step s = Flush(c, &io_);
    if (s == Step::kPending) {
      WatchWrite(c, true);
    } else if (s == Step::kFailed) {
      if (c.state == ConnState::kReady) Lose(c); else Fail(c, "write failed");
    }
  }
  dirty_.clear();
}

void Pool::CloseAll() {
  for (Conn& c : conns_) {
    if (c.fd >= 0) CloseConn(c);
  }
}

}  // namespace chatbench
