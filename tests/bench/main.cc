// chatbench: the load generator for chatd and its peers. Entry point:
// options, limits, the run's safety alarm, one scenario, the report.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "options.h"
#include "proc_stats.h"
#include "report.h"
#include "scenarios.h"

namespace {

void OnAlarm(int) {
  static const char kMsg[] = "chatbench: run exceeded its time limit (--timeout); exiting\n";
  ssize_t ignored = write(2, kMsg, sizeof kMsg - 1);
  (void)ignored;
  _exit(3);
}

// The longest a scenario can legitimately take with these options, plus slack.
double DefaultTimeout(const chatbench::Options& o) {
  double conns = o.scenario == "idle" ? o.connections
                 : o.scenario == "history" ? o.history_clients + 1
                 : static_cast<double>(o.channels) * o.members;
  double setup = o.setup_timeout_s + conns / o.connect_rate + o.settle_s;
  double step = o.duration_s + o.drain_s + 1;
  if (o.scenario == "idle") return setup + o.duration_s + 30;
  if (o.scenario == "handshake") return o.duration_s * (o.resume ? 2 : 1) + 30;
  if (o.scenario == "ramp") return setup + (o.ramp_max_steps + o.ramp_refine) * step + 30;
  if (o.scenario == "history") return 2 * setup + o.history_fill / 2000.0 + 30 + o.duration_s + 30;
  return setup + step + 30;
}

double LoadAverage() {
  FILE* f = fopen("/proc/loadavg", "r");
  double v = -1;
  if (f != nullptr) {
    if (fscanf(f, "%lf", &v) != 1) v = -1;
    fclose(f);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  chatbench::Options opt;
  std::string message;
  int code = 0;
  if (!chatbench::ParseOptions(argc, argv, &opt, &message, &code)) {
    fputs(message.c_str(), code == 0 ? stdout : stderr);
    if (message.empty() || message.back() != '\n') fputc('\n', code == 0 ? stdout : stderr);
    return code;
  }
  signal(SIGPIPE, SIG_IGN);
  double timeout = opt.timeout_s > 0 ? opt.timeout_s : DefaultTimeout(opt);
  signal(SIGALRM, OnAlarm);
  alarm(static_cast<unsigned>(timeout) + 1);

  chatbench::Report report;
  report.SetString("scenario", opt.scenario);
  report.SetString("target", opt.host + ":" + std::to_string(opt.port));
  report.SetString("tls", opt.tls ? "yes" : "no");
  if (opt.server_pid > 0) report.SetInt("server_pid", opt.server_pid);
  long hard = 0;
  long soft = chatbench::RaiseFileLimit(&hard);
  report.SetInt("nofile_limit", soft);
  report.Set("loadavg_1m_at_start", LoadAverage());

  long needed = opt.scenario == "idle" ? opt.connections
                : opt.scenario == "handshake" ? opt.concurrency
                : opt.scenario == "history" ? opt.history_clients + 1
                : static_cast<long>(opt.channels) * opt.members;
  if (soft >= 0 && needed + 16 > soft) {
    report.SetString("error", "needs " + std::to_string(needed + 16) +
                                  " file descriptors but RLIMIT_NOFILE is " + std::to_string(soft));
    report.Print(stdout, opt.json);
    return 1;
  }

  int rc = 1;
  if (opt.scenario == "idle") rc = chatbench::RunIdle(opt, &report);
  else if (opt.scenario == "handshake") rc = chatbench::RunHandshake(opt, &report);
  else if (opt.scenario == "fanout" || opt.scenario == "rooms") rc = chatbench::RunFanout(opt, &report);
  else if (opt.scenario == "ramp") rc = chatbench::RunRamp(opt, &report);
  else if (opt.scenario == "history") rc = chatbench::RunHistory(opt, &report);
  report.Print(stdout, opt.json);
  return rc;
}
