// Monotonic time in nanoseconds: the one clock chatbench uses for pacing,
// deadlines and message timestamps. Server and generator run on the same
// machine, so a CLOCK_MONOTONIC value written into a message by the sender
// can be compared with the receiver's clock directly.
#ifndef CHATBENCH_CLOCK_H_
#define CHATBENCH_CLOCK_H_

#include <time.h>

#include <cstdint>

namespace chatbench {

inline constexpr int64_t kNsPerMs = 1000000;
inline constexpr int64_t kNsPerSec = 1000000000;

// CLOCK_MONOTONIC now, in ns. Cheap (vDSO); callable from anywhere.
inline int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * kNsPerSec + ts.tv_nsec;
}

// Seconds as ns, for options given in (fractional) seconds.
inline int64_t SecToNs(double s) { return static_cast<int64_t>(s * 1e9); }

}  // namespace chatbench

#endif  // CHATBENCH_CLOCK_H_
