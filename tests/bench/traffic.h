// Traffic: the channel-message engine behind the fanout, rooms and ramp
// scenarios. C channels of M members (connection i is in channel i % C);
// the first S connections send. Message k of a window goes out at
// t0 + k / rate from sender k % S, as
//   PRIVMSG #chan :B <window> <k> <send CLOCK_MONOTONIC ns> <padding>
// and every other member of the channel should receive it. Receivers parse
// the timestamp and record latency; counts give delivered and lost.
#ifndef CHATBENCH_TRAFFIC_H_
#define CHATBENCH_TRAFFIC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "histogram.h"
#include "pool.h"
#include "report.h"

namespace chatbench {

// The outcome of one measured window.
struct WindowResult {
  double rate = 0;                // offered PRIVMSGs/s
  double offered_dps = 0;         // offered deliveries/s (rate x receivers per message)
  uint64_t sent = 0;              // PRIVMSGs written
  uint64_t expected = 0;          // deliveries those should produce
  uint64_t delivered = 0;         // deliveries received in time (window + drain)
  uint64_t stale = 0;             // deliveries of an earlier window, received during this one
  uint64_t lost = 0;              // expected - delivered
  double window_s = 0;            // sending time
  double delivered_dps = 0;       // delivered / max(window, first send .. last delivery)
  int64_t p50_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  double gen_cpu_pct = 0;         // generator CPU over window + drain, % of one core
  double server_cpu_pct = 0;      // server CPU over the same span (needs --server-pid)
  double server_wait_pct = 0;     // server runnable but not running (another process on its core)
  double gen_wait_pct = 0;        // the same for the generator
  double lines_per_read = 0;      // generator: lines received per read call
  std::size_t conns_lost = 0;     // connections lost during the window
  bool delivery_ok(double min_fraction) const {
    return expected > 0 && static_cast<double>(delivered) >= min_fraction * static_cast<double>(expected);
  }
  // Adds this window's fields to r, each key prefixed with `prefix`.
  void AddTo(Report* r, const std::string& prefix) const;
  // The window as one JSON object (for the ramp's step list).
  std::string ToJson(bool pass) const;
};

class Traffic final : public LineHandler {
 public:
  // `opt` and `pool` must outlive this object.
  Traffic(const Options& opt, Pool* pool);

  // Opens and joins --channels x --members connections. Returns the setup
  // outcome; fails (false, *error) unless every connection got ready.
  bool Setup(SetupResult* result, std::string* error);

  // Waits (at most `max_ns`) until no benchmark message has arrived for
  // 300 ms, so that a backlog left by an overloaded window does not count
  // against the next one. Returns false if traffic never stopped.
  bool Quiesce(int64_t max_ns);

  // Quiesces, then sends at `rate` PRIVMSGs/s for `duration_ns`, then waits
  // up to `drain_ns` for outstanding deliveries.
  WindowResult RunWindow(double rate, int64_t duration_ns, int64_t drain_ns);

  // Receivers per message (members - 1).
  int fanout() const { return opt_.members - 1; }

  // LineHandler
  void OnLine(Conn& c, const LineView& line, int64_t now_ns) override;
  void OnLost(Conn& c) override;

 private:
  void SendOne(uint64_t k, int64_t now);

  const Options& opt_;
  Pool* pool_;
  std::vector<int> alive_in_channel_;  // ready members per channel
  std::vector<std::string> channel_names_;
  std::string padding_;
  std::string line_;                   // reused buffer for one PRIVMSG
  uint64_t window_ = 0;                // id of the current window
  uint64_t delivered_ = 0;
  uint64_t stale_ = 0;
  uint64_t expected_ = 0;
  int64_t last_delivery_ns_ = 0;
  int64_t last_any_ns_ = 0;            // last benchmark message of any window
  std::size_t senders_ = 0;
  LatencyHistogram latency_;
};

}  // namespace chatbench

#endif  // CHATBENCH_TRAFFIC_H_
