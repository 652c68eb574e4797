// The channel-message engine (traffic.h).
#include "traffic.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "clock.h"
#include "proc_stats.h"

namespace chatbench {

namespace {

double Ms(int64_t ns) { return static_cast<double>(ns) / 1e6; }

void AppendUint(std::string* s, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  s->append(buf, static_cast<std::size_t>(r.ptr - buf));
}

}  // namespace

void WindowResult::AddTo(Report* r, const std::string& p) const {
  r->Set(p + "rate_msgs_per_s", rate);
  r->Set(p + "offered_deliveries_per_s", offered_dps);
  r->Set(p + "delivered_per_s", delivered_dps);
  r->SetInt(p + "sent", static_cast<int64_t>(sent));
  r->SetInt(p + "expected", static_cast<int64_t>(expected));
  r->SetInt(p + "delivered", static_cast<int64_t>(delivered));
  r->SetInt(p + "lost", static_cast<int64_t>(lost));
  r->SetInt(p + "stale", static_cast<int64_t>(stale));
  r->Set(p + "latency_p50_ms", Ms(p50_ns));
  r->Set(p + "latency_p99_ms", Ms(p99_ns));
  r->Set(p + "latency_p999_ms", Ms(p999_ns));
  r->Set(p + "latency_max_ms", Ms(max_ns));
  r->Set(p + "window_s", window_s);
  r->Set(p + "server_cpu_pct", server_cpu_pct);
  r->Set(p + "gen_cpu_pct", gen_cpu_pct);
  r->Set(p + "server_wait_pct", server_wait_pct);
  r->Set(p + "gen_wait_pct", gen_wait_pct);
  r->Set(p + "gen_lines_per_read", lines_per_read);
  r->SetInt(p + "conns_lost", static_cast<int64_t>(conns_lost));
}

std::string WindowResult::ToJson(bool pass) const {
  char buf[512];
  snprintf(buf, sizeof buf,
           "{\"offered_deliveries_per_s\": %.0f, \"delivered_per_s\": %.0f, \"delivered_fraction\": %.6f, "
           "\"latency_p50_ms\": %.3f, \"latency_p99_ms\": %.3f, \"latency_max_ms\": %.3f, "
           "\"server_cpu_pct\": %.1f, \"gen_cpu_pct\": %.1f, \"server_wait_pct\": %.1f, "
           "\"gen_wait_pct\": %.1f, \"pass\": %s}",
           offered_dps, delivered_dps,
           expected ? static_cast<double>(delivered) / static_cast<double>(expected) : 0.0, Ms(p50_ns),
           Ms(p99_ns), Ms(max_ns), server_cpu_pct, gen_cpu_pct, server_wait_pct, gen_wait_pct,
           pass ? "true" : "false");
  return buf;
}

Traffic::Traffic(const Options& opt, Pool* pool) : opt_(opt), pool_(pool) {
  padding_.assign(static_cast<std::size_t>(opt.payload), 'x');
  line_.reserve(600);
  for (int k = 0; k < opt.channels; ++k) channel_names_.push_back(pool->ChannelName(k));
  alive_in_channel_.assign(static_cast<std::size_t>(opt.channels), 0);
}

bool Traffic::Setup(SetupResult* result, std::string* error) {
  const std::size_t n = static_cast<std::size_t>(opt_.channels) * static_cast<std::size_t>(opt_.members);
  senders_ = static_cast<std::size_t>(opt_.senders);
  const int channels = opt_.channels;
  const std::size_t senders = senders_;
  int64_t deadline = NowNs() + SecToNs(opt_.setup_timeout_s + static_cast<double>(n) / opt_.connect_rate);
  *result = pool_->Establish(
      n, [channels](std::size_t i) { return static_cast<int>(i % static_cast<std::size_t>(channels)); },
      [senders](std::size_t i) { return i < senders; }, deadline);
  if (result->ready != n) {
    *error = "only " + std::to_string(result->ready) + " of " + std::to_string(n) +
             " connections got ready: " + result->first_error;
    return false;
  }
  for (const Conn& c : pool_->conns()) {
    if (c.state == ConnState::kReady) ++alive_in_channel_[static_cast<std::size_t>(c.channel)];
  }
  pool_->set_handler(this);
  // Let JOIN broadcasts and NAMES replies drain before measuring.
  pool_->Run(NowNs() + SecToNs(opt_.settle_s), 10 * kNsPerMs, [](int64_t) { return true; });
  return true;
}

void Traffic::SendOne(uint64_t k, int64_t now) {
  Conn& c = pool_->conns()[k % senders_];
  if (c.state != ConnState::kReady) return;
  const std::size_t ch = static_cast<std::size_t>(c.channel);
  line_.clear();
  line_.append("PRIVMSG ");
  line_.append(channel_names_[ch]);
  line_.append(" :B ");
  AppendUint(&line_, window_);
  line_.push_back(' ');
  AppendUint(&line_, k);
  line_.push_back(' ');
  AppendUint(&line_, static_cast<uint64_t>(now));
  line_.push_back(' ');
  line_.append(padding_);
  line_.append("\r\n");
  pool_->Send(c, line_);
  expected_ += static_cast<uint64_t>(std::max(0, alive_in_channel_[ch] - 1));
}

void Traffic::OnLine(Conn&, const LineView& l, int64_t now_ns) {
  if (l.command != "PRIVMSG" || l.nparams < 2) return;
  std::string_view text = l.params[1];
  if (text.size() < 2 || text[0] != 'B' || text[1] != ' ') return;
  text.remove_prefix(2);
  uint64_t window = 0, k = 0, ts = 0;
  if (!TakeUint(&text, &window) || !TakeUint(&text, &k) || !TakeUint(&text, &ts)) return;
  last_any_ns_ = now_ns;
  if (window != window_) {
    ++stale_;
    return;
  }
  ++delivered_;
  last_delivery_ns_ = now_ns;
  latency_.Record(now_ns - static_cast<int64_t>(ts));
}

void Traffic::OnLost(Conn& c) {
  if (c.channel >= 0) --alive_in_channel_[static_cast<std::size_t>(c.channel)];
}

bool Traffic::Quiesce(int64_t max_ns) {
  constexpr int64_t kQuiet = 300 * kNsPerMs;
  const int64_t start = NowNs();
  bool quiet = false;
  pool_->Run(start + max_ns, 10 * kNsPerMs, [&](int64_t now) {
    quiet = now - std::max(last_any_ns_, start - kQuiet) >= kQuiet;
    return !quiet;
  });
  return quiet;
}

WindowResult Traffic::RunWindow(double rate, int64_t duration_ns, int64_t drain_ns) {
  Quiesce(30 * kNsPerSec);
  ++window_;
  delivered_ = stale_ = expected_ = 0;
  last_delivery_ns_ = 0;
  latency_.Reset();
  const std::size_t lost_before = pool_->lost();
  const IoCounters io_before = pool_->io();
  const ProcSample srv_before = SampleProcess(opt_.server_pid);
  const double cpu_before = SelfCpuSeconds();
  const double wait_before = SelfWaitSeconds();
  const int64_t t0 = NowNs();
  const int64_t t_end = t0 + duration_ns;
  const double per_ns = rate / 1e9;
  uint64_t sent = 0;
  constexpr uint64_t kMaxBurst = 20000;  // per loop pass, if the loop ever stalls
  // Pacing tick: fine enough that a message waits at most ~1/4 of its interval.
  int64_t tick = std::clamp<int64_t>(static_cast<int64_t>(2.5e8 / rate), 50000, kNsPerMs);
  pool_->Run(t_end, tick, [&](int64_t now) {
    uint64_t due = static_cast<uint64_t>(static_cast<double>(now - t0) * per_ns) + 1;
    uint64_t burst = 0;
    while (sent < due && burst < kMaxBurst) {
      SendOne(sent++, now);
      ++burst;
    }
    return true;
  });
  const int64_t sent_end = NowNs();
  pool_->Run(sent_end + drain_ns, kNsPerMs, [&](int64_t) { return delivered_ < expected_; });
  const int64_t end = NowNs();
  const ProcSample srv_after = SampleProcess(opt_.server_pid);
  const double cpu_after = SelfCpuSeconds();
  const double wait_after = SelfWaitSeconds();
  const IoCounters& io_after = pool_->io();

  WindowResult w;
  w.rate = rate;
  w.offered_dps = rate * fanout();
  w.sent = sent;
  w.expected = expected_;
  w.delivered = delivered_;
  w.stale = stale_;
  w.lost = expected_ > delivered_ ? expected_ - delivered_ : 0;
  w.window_s = static_cast<double>(sent_end - t0) / 1e9;
  int64_t span = std::max(sent_end, last_delivery_ns_) - t0;
  w.delivered_dps = span > 0 ? static_cast<double>(delivered_) * 1e9 / static_cast<double>(span) : 0;
  w.p50_ns = latency_.Quantile(0.50);
  w.p99_ns = latency_.Quantile(0.99);
  w.p999_ns = latency_.Quantile(0.999);
  w.max_ns = latency_.max();
  double wall = static_cast<double>(end - t0) / 1e9;
  w.gen_cpu_pct = wall > 0 ? 100.0 * (cpu_after - cpu_before) / wall : 0;
  w.gen_wait_pct = wall > 0 ? 100.0 * (wait_after - wait_before) / wall : 0;
  w.server_cpu_pct = CpuPercent(srv_before, srv_after);
  w.server_wait_pct = WaitPercent(srv_before, srv_after);
  uint64_t reads = io_after.reads - io_before.reads;
  w.lines_per_read = reads ? static_cast<double>(io_after.lines - io_before.lines) / static_cast<double>(reads) : 0;
  w.conns_lost = pool_->lost() - lost_before;
  return w;
}

}  // namespace chatbench
