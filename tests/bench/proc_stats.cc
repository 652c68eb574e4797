// /proc and getrusage readings (proc_stats.h).
#include "proc_stats.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "clock.h"

namespace chatbench {

namespace {

// The second field of a schedstat file (ns waiting on a run queue), in seconds.
double ReadWaitSeconds(const char* path) {
  FILE* f = fopen(path, "r");
  if (f == nullptr) return 0;
  unsigned long long run = 0, wait = 0;
  int n = fscanf(f, "%llu %llu", &run, &wait);
  fclose(f);
  return n == 2 ? static_cast<double>(wait) / 1e9 : 0;
}

}  // namespace

ProcSample SampleProcess(pid_t pid) {
  ProcSample s;
  s.taken_ns = NowNs();
  if (pid <= 0) return s;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", static_cast<int>(pid));
  FILE* f = fopen(path, "r");
  if (f == nullptr) return s;
  char line[256];
  bool have_rss = false;
  while (fgets(line, sizeof line, f) != nullptr) {
    if (strncmp(line, "VmRSS:", 6) == 0) {
      s.rss_kib = strtoll(line + 6, nullptr, 10);
      have_rss = true;
      break;
    }
  }
  fclose(f);
  snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  f = fopen(path, "r");
  if (f == nullptr) return s;
  char buf[1024];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  // Field 2 (comm) may hold spaces; fields after the last ')' are fixed.
  char* p = strrchr(buf, ')');
  if (p == nullptr) return s;
  unsigned long long utime = 0, stime = 0;
  // After ")": state(3) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15)
  if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2) {
    return s;
  }
  long hz = sysconf(_SC_CLK_TCK);
  s.cpu_s = static_cast<double>(utime + stime) / static_cast<double>(hz > 0 ? hz : 100);
  snprintf(path, sizeof path, "/proc/%d/schedstat", static_cast<int>(pid));
  s.wait_s = ReadWaitSeconds(path);
  s.ok = have_rss;
  return s;
}

double SelfCpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long RaiseFileLimit(long* hard) {
  rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    *hard = -1;
    return -1;
  }
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  *hard = rl.rlim_max == RLIM_INFINITY ? -1 : static_cast<long>(rl.rlim_max);
  return rl.rlim_cur == RLIM_INFINITY ? -1 : static_cast<long>(rl.rlim_cur);
}

double SelfWaitSeconds() { return ReadWaitSeconds("/proc/thread-self/schedstat"); }

double CpuPercent(const ProcSample& before, const ProcSample& after) {
  double wall = static_cast<double>(after.taken_ns - before.taken_ns) / 1e9;
  if (!before.ok || !after.ok || wall <= 0) return NAN;
  return 100.0 * (after.cpu_s - before.cpu_s) / wall;
}

double WaitPercent(const ProcSample& before, const ProcSample& after) {
  double wall = static_cast<double>(after.taken_ns - before.taken_ns) / 1e9;
  if (!before.ok || !after.ok || wall <= 0) return NAN;
  return 100.0 * (after.wait_s - before.wait_s) / wall;
}

}  // namespace chatbench
