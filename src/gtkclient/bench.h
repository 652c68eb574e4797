// chatgtk::RunBench: chat-gtk --bench, the main-thread cost of a long
// conversation. A loopback Session (no network) is fed a channel with
// `members` members and `lines` messages, shown in a real MainWindow; then
// `events` incoming messages, joins and quits are fed one at a time, each
// followed by `period_ms` of main loop. The main thread's CPU time
// (CLOCK_THREAD_CPUTIME_ID) over each phase, minus an idle phase of the same
// length, divided by `events`, is the cost of one event: parsing, the
// model, the window's refresh, layout and drawing. Needs a display (Xvfb).
//
// Prints one line per phase ("message 10000 lines: 1.23 ms/event ...") on
// stdout; returns the process exit status (0).
#ifndef CHAT_GTKCLIENT_BENCH_H_
#define CHAT_GTKCLIENT_BENCH_H_

#include <gtkmm.h>

namespace chatgtk {

struct BenchOptions {
  int lines = 10000;    // messages loaded before measuring
  int members = 200;    // channel members (NAMES)
  int events = 20;      // events measured per kind
  int period_ms = 200;  // main loop run after each event
};

int RunBench(Gtk::Application& app, const BenchOptions& options);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_BENCH_H_
