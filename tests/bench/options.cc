// Command-line parsing (options.h).
#include "options.h"

#include <arpa/inet.h>
#include <getopt.h>

#include <cstdlib>
#include <cstring>
#include <random>

namespace chatbench {

std::string UsageText() {
  return
      "usage: chatbench --scenario NAME [options]\n"
      "Drives an IRC server on loopback and reports throughput, latency and cost.\n"
      "\n"
      "scenarios:\n"
      "  idle       --connections N held for --duration s: connect time, server RSS and CPU per connection\n"
      "  handshake  TLS handshakes/s and server CPU per handshake (--concurrency, --duration, --resume)\n"
      "  fanout     --channels C x --members M, --senders S at --rate msgs/s for --duration s\n"
      "  rooms      fanout with every member sending (defaults: 1000 x 5, 1 msg/s total per 5 users)\n"
      "  ramp       fanout stepping the rate up until delivery < --min-delivery or p99 > --max-p99-ms\n"
      "  history    CHATHISTORY LATEST/BEFORE queries/s and latency (needs draft/chathistory)\n"
      "\n"
      "target and output:\n"
      "  --host ADDR          server address in 127.0.0.0/8 (default 127.0.0.1)\n"
      "  --port N             server port (default 6667)\n"
      "  --tls                speak TLS (certificates are not verified)\n"
      "  --server-pid PID     read the server's RSS and CPU from /proc/PID\n"
      "  --json               one JSON object on stdout instead of text\n"
      "  --verbose            progress on stderr\n"
      "  --timeout S          hard limit for the whole run (default: derived)\n"
      "\n"
      "connection setup:\n"
      "  --sources N          source addresses 127.0.0.1..N (default 8)\n"
      "  --connect-rate R     connections started per second (default 2000)\n"
      "  --inflight N         connections being set up at once (default 200)\n"
      "  --setup-timeout S    per connection, to register and join (default 60)\n"
      "  --nick-prefix P      nick prefix (default b + 2 random characters)\n"
      "  --channel-prefix P   channel name prefix (default #bench)\n"
      "  --oper NAME:PASS     sending connections send OPER after 001\n"
      "  --oper-umode MODES   and then MODE <nick> MODES (ngircd: +F lifts flood throttling)\n"
      "\n"
      "scenario knobs:\n"
      "  --connections N      idle: connections (default 1000)\n"
      "  --duration S         idle hold time / measured window / ramp step length (default 10)\n"
      "  --channels C         channels (default 1)\n"
      "  --members M          members per channel, senders included (default 100)\n"
      "  --senders S          sending members in total, 0 = all (default 1)\n"
      "  --rate R             PRIVMSGs per second, all senders together (default 1000)\n"
      "  --payload B          padding bytes per message (default 32)\n"
      "  --drain S            wait for late deliveries after the window (default 2)\n"
      "  --settle S           quiet time between setup and measuring (default 1)\n"
      "  --ramp-start D       ramp: deliveries/s of the first step (default 50000)\n"
      "  --ramp-factor F      ramp: step multiplier (default 1.5)\n"
      "  --ramp-max-steps N   ramp: at most N rising steps (default 16)\n"
      "  --ramp-refine N      ramp: bisection steps after the first failure (default 2)\n"
      "  --max-p99-ms MS      ramp: strict capacity counts steps up to this p99 (default 10)\n"
      "  --capacity-p99-ms MS ramp: climbs while p99 stays up to this (default 100)\n"
      "  --min-delivery F     ramp: a step fails below this delivered fraction (default 0.999)\n"
      "  --concurrency N      handshake: handshakes in flight (default 128)\n"
      "  --resume             handshake: also measure resumed sessions\n"
      "  --history-fill N     history: messages stored first (default 2000)\n"
      "  --history-limit N    history: messages per query (default 50)\n"
      "  --history-clients N  history: querying connections (default 8)\n";
}

namespace {

enum OptId {
  kScenario = 1000, kHost, kPort, kTls, kServerPid, kJson, kVerbose, kTimeout, kSources,
  kConnectRate, kInflight, kSetupTimeout, kNickPrefix, kChannelPrefix, kOper, kOperUmode,
  kConnections, kDuration, kChannels, kMembers, kSenders, kRate, kPayload, kDrain, kSettle,
  kRampStart, kRampFactor, kRampMaxSteps, kRampRefine, kMaxP99, kCapacityP99, kMinDelivery, kConcurrency,
  kResume, kHistoryFill, kHistoryLimit, kHistoryClients, kHelp,
};

bool ToInt(const char* s, long lo, long hi, int* out) {
  char* end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

bool ToDouble(const char* s, double lo, double hi, double* out) {
  char* end;
  double v = strtod(s, &end);
  if (*s == '\0' || *end != '\0' || !(v >= lo && v <= hi)) return false;
  *out = v;
  return true;
}

}  // namespace

bool ParseOptions(int argc, char** argv, Options* o, std::string* message, int* exit_code) {
  static const option kLong[] = {
      {"scenario", required_argument, nullptr, kScenario},
      {"host", required_argument, nullptr, kHost},
      {"port", required_argument, nullptr, kPort},
      {"tls", no_argument, nullptr, kTls},
      {"server-pid", required_argument, nullptr, kServerPid},
      {"json", no_argument, nullptr, kJson},
      {"verbose", no_argument, nullptr, kVerbose},
      {"timeout", required_argument, nullptr, kTimeout},
      {"sources", required_argument, nullptr, kSources},
      {"connect-rate", required_argument, nullptr, kConnectRate},
      {"inflight", required_argument, nullptr, kInflight},
      {"setup-timeout", required_argument, nullptr, kSetupTimeout},
      {"nick-prefix", required_argument, nullptr, kNickPrefix},
      {"channel-prefix", required_argument, nullptr, kChannelPrefix},
      {"oper", required_argument, nullptr, kOper},
      {"oper-umode", required_argument, nullptr, kOperUmode},
      {"connections", required_argument, nullptr, kConnections},
      {"duration", required_argument, nullptr, kDuration},
      {"channels", required_argument, nullptr, kChannels},
      {"members", required_argument, nullptr, kMembers},
      {"senders", required_argument, nullptr, kSenders},
      {"rate", required_argument, nullptr, kRate},
      {"payload", required_argument, nullptr, kPayload},
      {"drain", required_argument, nullptr, kDrain},
      {"settle", required_argument, nullptr, kSettle},
      {"ramp-start", required_argument, nullptr, kRampStart},
      {"ramp-factor", required_argument, nullptr, kRampFactor},
      {"ramp-max-steps", required_argument, nullptr, kRampMaxSteps},
      {"ramp-refine", required_argument, nullptr, kRampRefine},
      {"max-p99-ms", required_argument, nullptr, kMaxP99},
      {"capacity-p99-ms", required_argument, nullptr, kCapacityP99},
      {"min-delivery", required_argument, nullptr, kMinDelivery},
      {"concurrency", required_argument, nullptr, kConcurrency},
      {"resume", no_argument, nullptr, kResume},
      {"history-fill", required_argument, nullptr, kHistoryFill},
      {"history-limit", required_argument, nullptr, kHistoryLimit},
      {"history-clients", required_argument, nullptr, kHistoryClients},
      {"help", no_argument, nullptr, kHelp},
      {nullptr, 0, nullptr, 0},
  };
  bool saw_channels = false, saw_members = false, saw_senders = false,
       saw_rate = false;
  *exit_code = 2;
  optind = 1;
  int c;
  while ((c = getopt_long(argc, argv, "", kLong, nullptr)) != -1) {
    const char* a = optarg;
    bool ok = true;
    int pid = 0;
    switch (c) {
      case kScenario: o->scenario = a; break;
      case kHost: o->host = a; break;
      case kPort: ok = ToInt(a, 1, 65535, &o->port); break;
      case kTls: o->tls = true; break;
      case kServerPid: ok = ToInt(a, 1, 1 << 30, &pid); o->server_pid = pid; break;
      case kJson: o->json = true; break;
      case kVerbose: o->verbose = true; break;
      case kTimeout: ok = ToDouble(a, 1, 86400, &o->timeout_s); break;
      case kSources: ok = ToInt(a, 1, 254, &o->sources); break;
      case kConnectRate: ok = ToDouble(a, 1, 1e6, &o->connect_rate); break;
      case kInflight: ok = ToInt(a, 1, 100000, &o->inflight); break;
      case kSetupTimeout: ok = ToDouble(a, 1, 3600, &o->setup_timeout_s); break;
      case kNickPrefix: o->nick_prefix = a; ok = !o->nick_prefix.empty() && o->nick_prefix.size() <= 4; break;
      case kChannelPrefix: o->channel_prefix = a; ok = !o->channel_prefix.empty() && o->channel_prefix[0] == '#'; break;
      case kOper: o->oper = a; ok = o->oper.find(':') != std::string::npos; break;
      case kOperUmode: o->oper_umode = a; break;
      case kConnections: ok = ToInt(a, 1, 1000000, &o->connections); break;
      case kDuration: ok = ToDouble(a, 0.1, 3600, &o->duration_s); break;
      case kChannels: ok = ToInt(a, 1, 100000, &o->channels); saw_channels = true; break;
      case kMembers: ok = ToInt(a, 1, 100000, &o->members); saw_members = true; break;
      case kSenders: ok = ToInt(a, 0, 1000000, &o->senders); saw_senders = true; break;
      case kRate: ok = ToDouble(a, 0.01, 1e7, &o->rate); saw_rate = true; break;
      case kPayload: ok = ToInt(a, 0, 350, &o->payload); break;
      case kDrain: ok = ToDouble(a, 0, 60, &o->drain_s); break;
      case kSettle: ok = ToDouble(a, 0, 60, &o->settle_s); break;
      case kRampStart: ok = ToDouble(a, 1, 1e9, &o->ramp_start); break;
      case kRampFactor: ok = ToDouble(a, 1.01, 10, &o->ramp_factor); break;
      case kRampMaxSteps: ok = ToInt(a, 1, 100, &o->ramp_max_steps); break;
      case kRampRefine: ok = ToInt(a, 0, 10, &o->ramp_refine); break;
      case kMaxP99: ok = ToDouble(a, 0.01, 60000, &o->max_p99_ms); break;
      case kCapacityP99: ok = ToDouble(a, 0.01, 60000, &o->capacity_p99_ms); break;
      case kMinDelivery: ok = ToDouble(a, 0, 1, &o->min_delivery); break;
      case kConcurrency: ok = ToInt(a, 1, 10000, &o->concurrency); break;
      case kResume: o->resume = true; break;
      case kHistoryFill: ok = ToInt(a, 0, 1000000, &o->history_fill); break;
      case kHistoryLimit: ok = ToInt(a, 1, 1000, &o->history_limit); break;
      case kHistoryClients: ok = ToInt(a, 1, 1000, &o->history_clients); break;
      case kHelp: *message = UsageText(); *exit_code = 0; return false;
      default: *message = UsageText(); return false;
    }
    if (!ok) {
      *message = std::string("chatbench: bad value for --") + kLong[c - kScenario].name + ": " + a;
      return false;
    }
  }
  if (optind != argc) {
    *message = std::string("chatbench: unexpected argument ") + argv[optind];
    return false;
  }
  static const char* const kScenarios[] = {"idle", "handshake", "fanout", "rooms", "ramp", "history"};
  bool known = false;
  for (const char* s : kScenarios) known = known || o->scenario == s;
  if (!known) {
    *message = "chatbench: --scenario must be one of idle, handshake, fanout, rooms, ramp, history";
    return false;
  }
  in_addr addr;
  if (inet_pton(AF_INET, o->host.c_str(), &addr) != 1 || (ntohl(addr.s_addr) >> 24) != 127) {
    *message = "chatbench: --host must be an IPv4 address in 127.0.0.0/8 (loopback only)";
    return false;
  }
  if (o->scenario == "rooms") {
    if (!saw_channels) o->channels = 1000;
    if (!saw_members) o->members = 5;
    if (!saw_senders) o->senders = 0;
    if (!saw_rate) o->rate = o->channels;  // one message per room per second
  }
  if (o->senders == 0 || o->senders > o->channels * o->members) o->senders = o->channels * o->members;
  if (o->members < 2 && o->scenario != "idle" && o->scenario != "handshake" && o->scenario != "history") {
    *message = "chatbench: --members must be at least 2 (a sender and a receiver)";
    return false;
  }
  if (o->scenario == "handshake" && !o->tls) o->tls = true;
  if (o->nick_prefix.empty()) {
    static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    o->nick_prefix = "b";
    o->nick_prefix += kAlnum[rd() % 26];
    o->nick_prefix += kAlnum[rd() % 36];
  }
  *exit_code = 0;
  return true;
}

}  // namespace chatbench
