// The fanout, rooms and ramp scenarios (scenarios.h) over the Traffic engine.
#include <algorithm>
#include <cmath>

#include "clock.h"
#include "traffic.h"
#include "scenarios.h"

namespace chatbench {

namespace {

void ReportSetup(const Options& opt, const SetupResult& s, Report* r) {
  r->SetInt("channels", opt.channels);
  r->SetInt("members", opt.members);
  r->SetInt("senders", opt.senders);
  r->SetInt("connections", static_cast<int64_t>(s.ready + s.failed));
  r->Set("setup_s", static_cast<double>(s.elapsed_ns) / 1e9);
  if (!s.first_error.empty()) r->SetString("first_error", s.first_error);
}

// A step passes with no connection lost, enough deliveries in time and
// p99 within `p99_limit_ms`.
bool StepPasses(const Options& opt, const WindowResult& w, double p99_limit_ms) {
  return w.conns_lost == 0 && w.delivery_ok(opt.min_delivery) &&
         static_cast<double>(w.p99_ns) <= p99_limit_ms * 1e6;
}

}  // namespace

int RunFanout(const Options& opt, Report* report) {
  Pool pool(opt);
  std::string error;
  if (!pool.Init(&error)) {
    report->SetString("error", error);
    return 1;
  }
  Traffic traffic(opt, &pool);
  SetupResult setup;
  bool ok = traffic.Setup(&setup, &error);
  ReportSetup(opt, setup, report);
  if (!ok) {
    report->SetString("error", error);
    return 1;
  }
  WindowResult w = traffic.RunWindow(opt.rate, SecToNs(opt.duration_s), SecToNs(opt.drain_s));
  w.AddTo(report, "");
  report->SetString("generator_saturated", w.gen_cpu_pct > 90 ? "yes" : "no");
  return 0;
}

int RunRamp(const Options& opt, Report* report) {
  Pool pool(opt);
  std::string error;
  if (!pool.Init(&error)) {
    report->SetString("error", error);
    return 1;
  }
  Traffic traffic(opt, &pool);
  SetupResult setup;
  bool ok = traffic.Setup(&setup, &error);
  ReportSetup(opt, setup, report);
  if (!ok) {
    report->SetString("error", error);
    return 1;
  }
  const int64_t window = SecToNs(opt.duration_s);
  const int64_t drain = SecToNs(opt.drain_s);
  const double loose = std::max(opt.capacity_p99_ms, opt.max_p99_ms);
  std::string steps = "[";
  WindowResult best, best_strict;
  bool have_best = false, have_strict = false;
  double pass_dps = 0, fail_dps = 0;
  std::string stop_reason = "max steps";
  // Runs one step at `target_dps` offered deliveries/s; true when it passes
  // the throughput criterion.
  auto run_step = [&](double target_dps, WindowResult* out) {
    WindowResult w = traffic.RunWindow(target_dps / traffic.fanout(), window, drain);
    bool pass = StepPasses(opt, w, loose);
    bool strict = StepPasses(opt, w, opt.max_p99_ms);
    if (steps.size() > 1) steps += ", ";
    steps += w.ToJson(pass);
    if (opt.verbose) {
      fprintf(stderr, "chatbench: ramp offered %.0f/s delivered %.0f/s (%.4f) p99 %.2f ms server %.0f%% gen %.0f%% %s\n",
              w.offered_dps, w.delivered_dps,
              w.expected ? static_cast<double>(w.delivered) / static_cast<double>(w.expected) : 0.0,
              static_cast<double>(w.p99_ns) / 1e6, w.server_cpu_pct, w.gen_cpu_pct,
              strict ? "pass" : pass ? "pass (throughput only)" : "FAIL");
    }
    if (pass && (!have_best || w.delivered_dps > best.delivered_dps)) {
      best = w;
      have_best = true;
    }
    if (strict && (!have_strict || w.delivered_dps > best_strict.delivered_dps)) {
      best_strict = w;
      have_strict = true;
    }
    *out = w;
    return pass;
  };
  double target = opt.ramp_start;
  for (int i = 0; i < opt.ramp_max_steps; ++i) {
    WindowResult w;
    if (!run_step(target, &w)) {
      fail_dps = target;
      stop_reason = w.conns_lost ? "connections lost" :
                    !w.delivery_ok(opt.min_delivery) ? "delivery below threshold" : "p99 above capacity threshold";
      break;
    }
    pass_dps = target;
    target *= opt.ramp_factor;
  }
  // Bisect (geometrically) between the last pass and the first failure.
  for (int i = 0; i < opt.ramp_refine && fail_dps > 0 && pass_dps > 0 && pool.lost() == 0; ++i) {
    double mid = std::sqrt(pass_dps * fail_dps);
    WindowResult w;
    if (run_step(mid, &w)) pass_dps = mid; else fail_dps = mid;
  }
  steps += "]";
  report->SetString("stop_reason", stop_reason);
  report->Set("capacity_p99_limit_ms", loose);
  report->Set("capacity_deliveries_per_s", have_best ? best.delivered_dps : 0);
  report->Set("strict_p99_limit_ms", opt.max_p99_ms);
  report->Set("strict_capacity_deliveries_per_s", have_strict ? best_strict.delivered_dps : 0);
  if (have_best) best.AddTo(report, "at_capacity_");
  report->SetRaw("steps", steps);
  return 0;
}

}  // namespace chatbench
