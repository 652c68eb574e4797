// The history scenario (scenarios.h): CHATHISTORY (IRCv3 draft/chathistory,
// https://ircv3.net/specs/extensions/chathistory) query rate and latency.
// One connection first writes --history-fill messages to a channel; then
// --history-clients connections query it in a loop, one query in flight
// each, alternating LATEST and BEFORE <oldest timestamp seen>. A query is
// done at the end of its chathistory batch. Servers that do not offer the
// capability are skipped.
#include <cstring>
#include <vector>

#include "clock.h"
#include "histogram.h"
#include "pool.h"
#include "proc_stats.h"
#include "scenarios.h"

namespace chatbench {

namespace {

class HistoryHandler final : public LineHandler {
 public:
  HistoryHandler(Pool* pool, const Options& opt, std::string channel)
      : pool_(pool), opt_(opt), channel_(std::move(channel)) {
    state_.resize(static_cast<std::size_t>(opt.history_clients) + 1);
  }

  void OnLine(Conn& c, const LineView& l, int64_t now) override {
    if (!querying_ && c.index == 1 && l.command == "PRIVMSG" && l.nparams >= 2 &&
        l.params[1].substr(0, 2) == "H ") {
      ++fill_seen_;
      return;
    }
    if (c.index == 0 || l.command != "BATCH" || l.nparams < 1) {
      if (c.index != 0 && querying_) NoteTime(c, l);
      return;
    }
    PerConn& s = state_[c.index];
    std::string_view ref = l.params[0];
    if (!ref.empty() && ref[0] == '+') {
      s.batch.assign(ref.substr(1));
    } else if (!ref.empty() && ref[0] == '-' && ref.substr(1) == s.batch && s.in_flight) {
      s.in_flight = false;
      ++done_;
      latency_.Record(now - s.sent_ns);
      if (querying_) Query(c, now);
    }
  }

  // Sends the next query on c (alternating LATEST and BEFORE).
  void Query(Conn& c, int64_t now) {
    PerConn& s = state_[c.index];
    std::string q = "CHATHISTORY ";
    if (s.use_before && !s.oldest.empty()) {
      q += "BEFORE " + channel_ + " timestamp=" + s.oldest;
    } else {
      q += "LATEST " + channel_ + " *";
    }
    q += " " + std::to_string(opt_.history_limit) + "\r\n";
    s.use_before = !s.use_before;
    s.oldest.clear();
    s.in_flight = true;
    s.sent_ns = now;
    pool_->Send(c, q);
  }

  uint64_t fill_seen_ = 0;
  uint64_t done_ = 0;
  uint64_t messages_ = 0;
  bool querying_ = false;
  LatencyHistogram latency_;

 private:
  struct PerConn {
    std::string batch;
    std::string oldest;  // earliest time= tag in the current reply
    bool in_flight = false;
    bool use_before = false;
    int64_t sent_ns = 0;
  };

  void NoteTime(Conn& c, const LineView& l) {
    if (l.command != "PRIVMSG") return;
    ++messages_;
    std::string_view t;
    PerConn& s = state_[c.index];
    if (l.FindTag("time", &t) && (s.oldest.empty() || t < s.oldest)) s.oldest.assign(t);
  }

  Pool* pool_;
  const Options& opt_;
  std::string channel_;
  std::vector<PerConn> state_;
};

}  // namespace

int RunHistory(const Options& opt, Report* report) {
  // Probe: does the server offer chathistory? One registered connection
  // asks with CAP REQ; the ACK or NAK (or 421/410 without CAP) decides.
  std::string error;
  bool offered = false;
  {
    Options probe_opt = opt;
    Pool probe(probe_opt);
    if (!probe.Init(&error)) {
      report->SetString("error", error);
      return 1;
    }
    SetupResult s = probe.Establish(1, [](std::size_t) { return -1; }, [](std::size_t) { return false; },
                                    NowNs() + 10 * kNsPerSec);
    (void)s;
    struct Watch final : LineHandler {
      bool answered = false, acked = false;
      void OnLine(Conn&, const LineView& l, int64_t) override {
        if (l.command == "CAP" && l.nparams >= 3) {
          answered = true;
          acked = l.params[1] == "ACK" && l.last().find("chathistory") != std::string_view::npos;
        } else if (l.command == "410" || l.command == "421") {
          answered = true;  // ERR_INVALIDCAPCMD / ERR_UNKNOWNCOMMAND
        }
      }
    } watch;
    probe.set_handler(&watch);
    if (!probe.conns().empty() && probe.conns()[0].state == ConnState::kReady) {
      probe.Send(probe.conns()[0], "CAP REQ :draft/chathistory\r\n");
      probe.Run(NowNs() + 5 * kNsPerSec, 10 * kNsPerMs, [&](int64_t) { return !watch.answered; });
    } else {
      report->SetString("error", "probe connection failed: " + s.first_error);
      return 1;
    }
    offered = watch.acked;
  }
  if (!offered) {
    fprintf(stderr, "chatbench: the server does not offer draft/chathistory; history scenario skipped\n");
    report->SetString("skipped", "server lacks draft/chathistory");
    return 0;
  }

  Pool pool(opt);
  if (!pool.Init(&error)) {
    report->SetString("error", error);
    return 1;
  }
  pool.set_cap_request("batch server-time message-tags draft/chathistory");
  const std::size_t n = static_cast<std::size_t>(opt.history_clients) + 1;
  SetupResult setup = pool.Establish(n, [](std::size_t) { return 0; }, [](std::size_t i) { return i == 0; },
                                     NowNs() + SecToNs(opt.setup_timeout_s));
  if (setup.ready != n) {
    report->SetString("error", "setup failed: " + setup.first_error);
    return 1;
  }
  const std::string channel = pool.ChannelName(0);
  HistoryHandler handler(&pool, opt, channel);
  pool.set_handler(&handler);

  // Fill at up to 2000 messages/s, until connection 1 has seen them all.
  const int64_t fill_start = NowNs();
  uint64_t filled = 0;
  std::string line;
  const uint64_t fill = static_cast<uint64_t>(opt.history_fill);
  pool.Run(fill_start + SecToNs(static_cast<double>(fill) / 2000.0 + 30), kNsPerMs, [&](int64_t now) {
    uint64_t due = std::min<uint64_t>(fill, static_cast<uint64_t>((now - fill_start) / (kNsPerSec / 2000)) + 1);
    while (filled < due) {
      line = "PRIVMSG " + channel + " :H " + std::to_string(filled++) + " history fill\r\n";
      pool.Send(pool.conns()[0], line);
    }
    return handler.fill_seen_ < fill;
  });
  report->SetInt("history_filled", static_cast<int64_t>(handler.fill_seen_));

  const ProcSample before = SampleProcess(opt.server_pid);
  const int64_t t0 = NowNs();
  handler.querying_ = true;
  for (std::size_t i = 1; i < n; ++i) handler.Query(pool.conns()[i], t0);
  pool.Run(t0 + SecToNs(opt.duration_s), kNsPerMs, [](int64_t) { return true; });
  handler.querying_ = false;
  const double secs = static_cast<double>(NowNs() - t0) / 1e9;
  const ProcSample after = SampleProcess(opt.server_pid);
  report->SetInt("queries", static_cast<int64_t>(handler.done_));
  report->Set("queries_per_s", static_cast<double>(handler.done_) / secs);
  report->Set("messages_per_query", handler.done_ ? static_cast<double>(handler.messages_) / handler.done_ : 0);
  report->Set("latency_p50_ms", static_cast<double>(handler.latency_.Quantile(0.5)) / 1e6);
  report->Set("latency_p99_ms", static_cast<double>(handler.latency_.Quantile(0.99)) / 1e6);
  report->Set("latency_max_ms", static_cast<double>(handler.latency_.max()) / 1e6);
  if (before.ok && after.ok) {
    report->Set("server_cpu_pct", 100.0 * (after.cpu_s - before.cpu_s) / secs);
    if (handler.done_) report->Set("server_cpu_per_query_ms", (after.cpu_s - before.cpu_s) * 1e3 / handler.done_);
  }
  return handler.done_ > 0 ? 0 : 1;
}

}  // namespace chatbench
