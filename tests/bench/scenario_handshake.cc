// The handshake scenario (scenarios.h): TLS connections opened and closed
// as fast as the server completes them, --concurrency at a time. A
// handshake counts once the server has answered a "PING" sent over the new
// session (so the server finished its side too); then the connection is
// closed. Full handshakes first; with --resume, resumed ones after.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "clock.h"
#include "conn.h"
#include "histogram.h"
#include "proc_stats.h"
#include "scenarios.h"

namespace chatbench {

namespace {

struct PhaseResult {
  uint64_t done = 0;
  uint64_t failed = 0;
  uint64_t resumed = 0;  // handshakes where the server accepted the session
  double seconds = 0;
  double server_cpu_s = NAN;
  double server_wait_pct = NAN;
  double gen_wait_pct = 0;
  double gen_cpu_s = 0;
  LatencyHistogram latency;  // connect() to the PING answer
};

class HandshakeRunner {
 public:
  explicit HandshakeRunner(const Options& opt) : opt_(opt) {}
  ~HandshakeRunner() {
    for (Conn& c : slots_) CloseConn(c);
    for (SSL_SESSION* s : sessions_) SSL_SESSION_free(s);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (epfd_ >= 0) close(epfd_);
  }

  bool Init(std::string* error) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (epfd_ < 0 || ctx_ == nullptr) {
      *error = "epoll/SSL_CTX setup failed";
      return false;
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    dst_.sin_family = AF_INET;
    dst_.sin_port = htons(static_cast<uint16_t>(opt_.port));
    inet_pton(AF_INET, opt_.host.c_str(), &dst_.sin_addr);
    slots_.resize(static_cast<std::size_t>(opt_.concurrency));
    sessions_.assign(slots_.size(), nullptr);
    for (std::size_t i = 0; i < slots_.size(); ++i) slots_[i].index = static_cast<uint32_t>(i);
    scratch_.resize(16384);
    return true;
  }

  // Runs handshakes for `seconds`; with `resume`, offers the saved session.
  PhaseResult Phase(double seconds, bool resume) {
    PhaseResult r;
    resume_ = resume;
    result_ = &r;
    const ProcSample before = SampleProcess(opt_.server_pid);
    const double gen_before = SelfCpuSeconds();
    const double gen_wait_before = SelfWaitSeconds();
    const int64_t t0 = NowNs();
    const int64_t end = t0 + SecToNs(seconds);
    const int64_t per_conn_timeout = 10 * kNsPerSec;
    for (Conn& c : slots_) Start(c, t0);
    std::vector<epoll_event> events(slots_.size() + 1);
    int64_t last_scan = t0;
    for (;;) {
      int64_t now = NowNs();
      if (now >= end) break;
      int n = epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), 10);
      now = NowNs();
      for (int i = 0; i < n; ++i) {
        Conn& c = slots_[events[static_cast<std::size_t>(i)].data.u32];
        if (c.fd >= 0) Advance(c, now, now < end);
      }
      if (now - last_scan > 100 * kNsPerMs) {
        last_scan = now;
        for (Conn& c : slots_) {
          if (c.fd >= 0 && now - c.started_ns > per_conn_timeout) Finish(c, now, false, now < end);
          if (c.fd < 0 && now < end) Start(c, now);  // connect() itself failed earlier
        }
      }
    }
    const int64_t t1 = NowNs();
    for (Conn& c : slots_) CloseConn(c);
    const ProcSample after = SampleProcess(opt_.server_pid);
    r.seconds = static_cast<double>(t1 - t0) / 1e9;
    r.gen_cpu_s = SelfCpuSeconds() - gen_before;
    if (before.ok && after.ok) r.server_cpu_s = after.cpu_s - before.cpu_s;
    r.server_wait_pct = WaitPercent(before, after);
    r.gen_wait_pct = 100.0 * (SelfWaitSeconds() - gen_wait_before) / r.seconds;
    result_ = nullptr;
    return r;
  }

 private:
  void Start(Conn& c, int64_t now) {
    c.partial.clear();
    c.out.clear();
    c.out_off = 0;
    c.started_ns = now;
    sockaddr_in src{};
    src.sin_family = AF_INET;
    src.sin_addr.s_addr = htonl((127u << 24) | static_cast<uint32_t>(1 + next_source_++ % opt_.sources));
    c.fd = ConnectFrom(src, dst_);
    if (c.fd < 0) {
      ++result_->failed;
      c.state = ConnState::kClosed;
      return;
    }
    c.ssl = SSL_new(ctx_);
    SSL_set_fd(c.ssl, c.fd);
    SSL_set_connect_state(c.ssl);
    if (resume_ && sessions_[c.index] != nullptr) SSL_set_session(c.ssl, sessions_[c.index]);
    c.state = ConnState::kConnecting;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    ev.data.u32 = c.index;
    epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
  }

  void Finish(Conn& c, int64_t now, bool ok, bool restart) {
    if (ok) {
      ++result_->done;
      result_->latency.Record(now - c.started_ns);
      if (SSL_session_reused(c.ssl)) ++result_->resumed;
      // Each slot keeps its newest session and offers it next time, as a
      // real client would: TLS 1.3 tickets arrive before the PONG and are
      // meant to be used once (RFC 8446, C.4), and a server may hold them
      // in a cache that forgets a ticket once it is used.
      SSL_SESSION* fresh = SSL_get1_session(c.ssl);
      if (fresh != nullptr) {
        SSL_SESSION_free(sessions_[c.index]);
        sessions_[c.index] = fresh;
      }
    } else {
      ++result_->failed;
    }
    if (ok) SSL_shutdown(c.ssl);  // close_notify, no wait
    CloseConn(c);
    if (restart) Start(c, now);
  }

  void Advance(Conn& c, int64_t now, bool restart) {
    if (c.state == ConnState::kConnecting) {
      Step s = FinishConnect(c.fd);
      if (s == Step::kPending) return;
      if (s == Step::kFailed) return Finish(c, now, false, restart);
      c.state = ConnState::kTlsHandshake;
    }
    if (c.state == ConnState::kTlsHandshake) {
      Step s = TlsHandshake(c);
      if (s == Step::kPending) return;
      if (s == Step::kFailed) return Finish(c, now, false, restart);
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLRDHUP;
      ev.data.u32 = c.index;
      epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
      c.out.assign("PING :hs\r\n");
      if (Flush(c, &io_) == Step::kFailed) return Finish(c, now, false, restart);
      c.state = ConnState::kRegistering;
    }
    bool got_line = false;
    int64_t t = now;
    bool alive = ReadLines(c, scratch_.data(), scratch_.size(), &io_, &t,
                           [&](std::string_view) { got_line = true; });
    if (got_line) return Finish(c, now, true, restart);
    if (!alive) return Finish(c, now, false, restart);
  }

  const Options& opt_;
  int epfd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  std::vector<SSL_SESSION*> sessions_;  // per slot: the newest session, or null
  sockaddr_in dst_{};
  std::vector<Conn> slots_;
  std::vector<char> scratch_;
  IoCounters io_;
  unsigned next_source_ = 0;
  bool resume_ = false;
  PhaseResult* result_ = nullptr;
};

void AddPhase(const PhaseResult& r, const std::string& p, Report* report) {
  report->SetInt(p + "handshakes", static_cast<int64_t>(r.done));
  report->SetInt(p + "failed", static_cast<int64_t>(r.failed));
  report->Set(p + "handshakes_per_s", r.seconds > 0 ? static_cast<double>(r.done) / r.seconds : 0);
  if (r.done > 0 && !std::isnan(r.server_cpu_s)) {
    report->Set(p + "server_cpu_per_handshake_ms", r.server_cpu_s * 1e3 / static_cast<double>(r.done));
    report->Set(p + "server_cpu_pct", 100.0 * r.server_cpu_s / r.seconds);
  }
  report->Set(p + "gen_cpu_pct", 100.0 * r.gen_cpu_s / r.seconds);
  report->Set(p + "server_wait_pct", r.server_wait_pct);
  report->Set(p + "gen_wait_pct", r.gen_wait_pct);
  report->Set(p + "latency_p50_ms", static_cast<double>(r.latency.Quantile(0.5)) / 1e6);
  report->Set(p + "latency_p99_ms", static_cast<double>(r.latency.Quantile(0.99)) / 1e6);
}

}  // namespace

int RunHandshake(const Options& opt, Report* report) {
  HandshakeRunner runner(opt);
  std::string error;
  if (!runner.Init(&error)) {
    report->SetString("error", error);
    return 1;
  }
  report->SetInt("concurrency", opt.concurrency);
  PhaseResult full = runner.Phase(opt.duration_s, false);
  AddPhase(full, "", report);
  if (opt.resume) {
    PhaseResult resumed = runner.Phase(opt.duration_s, true);
    AddPhase(resumed, "resumed_", report);
    report->SetInt("resumed_accepted", static_cast<int64_t>(resumed.resumed));
  }
  if (full.done == 0) {
    report->SetString("error", "no handshake completed");
    return 1;
  }
  return 0;
}

}  // namespace chatbench
