// The idle scenario (scenarios.h): what holding connections costs a server.
#include "clock.h"
#include "pool.h"
#include "proc_stats.h"
#include "scenarios.h"

namespace chatbench {

int RunIdle(const Options& opt, Report* report) {
  Pool pool(opt);
  std::string error;
  if (!pool.Init(&error)) {
    report->SetString("error", error);
    return 1;
  }
  const std::size_t n = static_cast<std::size_t>(opt.connections);
  const ProcSample base = SampleProcess(opt.server_pid);
  const double gen_before = SelfCpuSeconds();
  int64_t deadline = NowNs() + SecToNs(opt.setup_timeout_s + static_cast<double>(n) / opt.connect_rate);
  SetupResult setup = pool.Establish(n, [](std::size_t) { return -1; }, [](std::size_t) { return false; }, deadline);
  const ProcSample connected = SampleProcess(opt.server_pid);
  const double gen_after = SelfCpuSeconds();

  report->SetInt("connections", static_cast<int64_t>(n));
  report->SetInt("ready", static_cast<int64_t>(setup.ready));
  report->SetInt("failed", static_cast<int64_t>(setup.failed));
  if (!setup.first_error.empty()) report->SetString("first_error", setup.first_error);
  double secs = static_cast<double>(setup.elapsed_ns) / 1e9;
  report->Set("connect_time_s", secs);
  report->Set("connects_per_s", secs > 0 ? static_cast<double>(setup.ready) / secs : 0);
  report->Set("setup_p50_ms", static_cast<double>(pool.setup_latency().Quantile(0.5)) / 1e6);
  report->Set("setup_p99_ms", static_cast<double>(pool.setup_latency().Quantile(0.99)) / 1e6);
  report->Set("setup_max_ms", static_cast<double>(pool.setup_latency().max()) / 1e6);
  report->Set("gen_cpu_per_conn_ms", setup.ready ? (gen_after - gen_before) * 1e3 / static_cast<double>(setup.ready) : 0);
  if (setup.ready == 0) {
    report->SetString("error", "no connection got ready");
    return 1;
  }
  if (base.ok && connected.ok) {
    report->SetInt("server_rss_base_kib", base.rss_kib);
    report->Set("server_cpu_per_conn_ms", (connected.cpu_s - base.cpu_s) * 1e3 / static_cast<double>(setup.ready));
  }

  // Hold: answer PINGs, nothing else.
  pool.Run(NowNs() + SecToNs(opt.duration_s), 50 * kNsPerMs, [](int64_t) { return true; });
  const ProcSample held = SampleProcess(opt.server_pid);
  report->Set("hold_s", opt.duration_s);
  report->SetInt("lost_while_holding", static_cast<int64_t>(pool.lost()));
  if (base.ok && held.ok) {
    report->SetInt("server_rss_kib", held.rss_kib);
    report->Set("server_rss_per_conn_kib",
                static_cast<double>(held.rss_kib - base.rss_kib) / static_cast<double>(setup.ready));
    double wall = static_cast<double>(held.taken_ns - connected.taken_ns) / 1e9;
    report->Set("server_idle_cpu_pct", wall > 0 ? 100.0 * (held.cpu_s - connected.cpu_s) / wall : 0);
    report->Set("server_wait_pct_during_connect", WaitPercent(base, connected));
  } else if (opt.server_pid > 0) {
    report->SetString("error", "cannot read /proc/" + std::to_string(opt.server_pid) + " (server gone?)");
    return 1;
  }
  return setup.failed == 0 ? 0 : 1;
}

}  // namespace chatbench
