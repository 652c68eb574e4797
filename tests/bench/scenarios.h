// The scenarios chatbench runs. Each takes the parsed options, adds its
// results to *report and returns the process exit status: 0 when the
// scenario ran (whatever the numbers), 1 when it could not (setup failed,
// server gone). A scenario that does not apply to the server (history
// without draft/chathistory) reports "skipped" and returns 0.
// Every scenario is bounded in time by its own options, and main() adds an
// alarm as a last resort.
#ifndef CHATBENCH_SCENARIOS_H_
#define CHATBENCH_SCENARIOS_H_

#include "options.h"
#include "report.h"

namespace chatbench {

// idle: --connections registered connections held for --duration s.
// Connect time, server RSS and CPU per connection.
int RunIdle(const Options& opt, Report* report);

// handshake: TLS handshakes/s with --concurrency in flight for --duration s,
// full handshakes, then (--resume) resumed ones; server CPU per handshake.
int RunHandshake(const Options& opt, Report* report);

// fanout and rooms: one measured window at --rate.
int RunFanout(const Options& opt, Report* report);

// ramp: fan-out windows at rising rates; the highest passing delivered
// rate is the capacity.
int RunRamp(const Options& opt, Report* report);

// history: CHATHISTORY LATEST/BEFORE query rate and latency.
int RunHistory(const Options& opt, Report* report);

}  // namespace chatbench

#endif  // CHATBENCH_SCENARIOS_H_
