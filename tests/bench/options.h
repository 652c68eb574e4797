// chatbench's command line: every knob of every scenario, with defaults
// sized for a 2-core machine and a loopback target.
#ifndef CHATBENCH_OPTIONS_H_
#define CHATBENCH_OPTIONS_H_

#include <sys/types.h>

#include <string>

namespace chatbench {

struct Options {
  std::string scenario;              // idle, handshake, fanout, rooms, ramp, history
  std::string host = "127.0.0.1";    // must be in 127.0.0.0/8 (traffic stays on loopback)
  int port = 6667;
  bool tls = false;
  pid_t server_pid = 0;              // for RSS/CPU readings; 0 = none
  bool json = false;
  bool verbose = false;

  // Connection setup (all scenarios).
  int sources = 8;                   // source addresses 127.0.0.1 .. 127.0.0.<sources>
  double connect_rate = 2000;        // new connections started per second
  int inflight = 200;                // connections connecting/registering/joining at once
  double setup_timeout_s = 60;       // per connection, to be registered and joined
  std::string nick_prefix;           // default "b" + 2 random characters (ngircd: nicks <= 9)
  std::string channel_prefix = "#bench";
  std::string oper;                  // "name:password": sending connections OPER first
  std::string oper_umode;            // then set this user mode (ngircd: "+F", no flood throttling)

  // idle
  int connections = 1000;
  double duration_s = 10;            // idle: hold time; traffic scenarios: measured window

  // fanout, rooms, ramp
  int channels = 1;
  int members = 100;                 // per channel, senders included
  int senders = 1;                   // total; 0 = every member sends (rooms)
  double rate = 1000;                // total PRIVMSGs per second offered by all senders
  int payload = 32;                  // padding bytes in each message's text
  double drain_s = 2;                // after the window: wait this long for stragglers
  double settle_s = 1;               // after setup: quiet time before measuring

  // ramp: steps the offered deliveries/s up until a step fails.
  double ramp_start = 50000;         // deliveries/s of the first step
  double ramp_factor = 1.5;          // next step = previous * factor
  int ramp_max_steps = 16;
  int ramp_refine = 2;               // bisection steps between the last pass and the first fail
  // A step passes with no connection lost, at least min_delivery of the
  // deliveries in time, and p99 <= max_p99_ms (the criterion,
  // "strict"). Servers without TCP_NODELAY sit above 10 ms at any rate, so
  // the ramp keeps climbing while p99 <= capacity_p99_ms ("throughput"
  // capacity) and reports both.
  double max_p99_ms = 10;
  double capacity_p99_ms = 100;
  double min_delivery = 0.999;

  // handshake
  int concurrency = 128;             // handshakes in flight
  bool resume = false;               // also measure resumed handshakes (session tickets/ids)

  // history (chatd only: needs draft/chathistory)
  int history_fill = 2000;           // messages written to the channel before querying
  int history_limit = 50;            // messages per CHATHISTORY query
  int history_clients = 8;           // querying connections, one query in flight each

  double timeout_s = 0;              // whole run; 0 = derived from the scenario's own bounds
};

// Parses argv into *out. On error or --help returns false with *message set
// (the usage text for --help, with *exit_code 0; an error and 2 otherwise).
bool ParseOptions(int argc, char** argv, Options* out, std::string* message, int* exit_code);

// The usage text.
std::string UsageText();

}  // namespace chatbench

#endif  // CHATBENCH_OPTIONS_H_
