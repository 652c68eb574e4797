// Resource readings: a server process's RSS and CPU time from /proc/PID,
// and the generator's own CPU time from getrusage(2).
#ifndef CHATBENCH_PROC_STATS_H_
#define CHATBENCH_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>

namespace chatbench {

// One reading of a process. `ok` is false when /proc/PID could not be read
// (no pid given, or the process is gone).
struct ProcSample {
  bool ok = false;
  int64_t rss_kib = 0;     // VmRSS from /proc/PID/status
  double cpu_s = 0;        // utime + stime from /proc/PID/stat, in seconds (10 ms resolution)
  double wait_s = 0;       // time runnable but waiting for a CPU (/proc/PID/schedstat, main
                           // thread): how much other load on its core disturbed the run
  int64_t taken_ns = 0;    // NowNs() when read
};

// Reads /proc/`pid`/status and /proc/`pid`/stat. pid <= 0 gives !ok.
ProcSample SampleProcess(pid_t pid);

// The calling process's user + system CPU time in seconds (getrusage, µs resolution).
double SelfCpuSeconds();

// Seconds the calling thread spent runnable but waiting for a CPU.
double SelfWaitSeconds();

// 100 * (after - before) / wall seconds between the samples; NAN unless both are ok.
double CpuPercent(const ProcSample& before, const ProcSample& after);
double WaitPercent(const ProcSample& before, const ProcSample& after);

// The soft RLIMIT_NOFILE after raising it to the hard limit (best effort).
// *hard receives the hard limit.
long RaiseFileLimit(long* hard);

}  // namespace chatbench

#endif  // CHATBENCH_PROC_STATS_H_
