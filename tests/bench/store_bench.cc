// A benchmark of the Berkeley DB store (not a test; built by "make check",
// never run by it): fills one target with N messages through AppendHistory,
// reporting append throughput, then times CHATHISTORY LATEST 100 and a few
// other selections on it. Numbers and the command are in doc/storage.md.
//   tests/bench/store_bench [-n messages] [-d dir] [-s] [-w appends]
//   -s: sync_on_commit; -w: appends per WriteLog (chatd's messages per flush
//   pass; default 1, the worst case)
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "chatd/store/store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

chatd::HistoryRecord Message(int64_t i) {
  chatd::HistoryRecord r;
  r.target = "#bench";
  r.msgid = "01HBENCH" + std::to_string(i * 2654435761u % 1000000007u) + "-" + std::to_string(i);
  r.time_ms = 1700000000000 + i;
  r.command = "PRIVMSG";
  r.source = "alice!alice@192.0.2.1";
  r.account = "alice";
  r.to = "#bench";
  r.text = "a typical chat line of about sixty bytes, give or take some";
  return r;
}

// Runs q `reps` times; prints the median and worst time.
void Time(chatd::Store& s, const char* name, const chatd::HistoryQuery& q, int reps = 201) {
  std::vector<double> t;
  size_t got = 0;
  for (int i = 0; i < reps; ++i) {
    auto start = Clock::now();
    auto r = s.QueryHistory(q);
    t.push_back(Ms(Clock::now() - start));
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", name, r.status().ToString().c_str());
      exit(1);
    }
    got = r.value().size();
  }
  std::sort(t.begin(), t.end());
  std::printf("%-28s %4zu msgs  median %.3f ms  max %.3f ms\n", name, got, t[t.size() / 2], t.back());
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 1000000;
  std::string dir;
  chatd::StoreOptions opts;
  int64_t per_write = 1;
  for (int c; (c = getopt(argc, argv, "n:d:sw:")) != -1;) {
    if (c == 'n') n = atoll(optarg);
    else if (c == 'w') per_write = std::max<int64_t>(1, atoll(optarg));
    else if (c == 'd') dir = optarg;
    else if (c == 's') opts.sync_on_commit = true;
    else return 2;
  }
  bool temp = dir.empty();
  if (temp) {
    char tmpl[] = "/tmp/chatd-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return 1;
    dir = tmpl;
  }
  auto opened = chatd::OpenBdbStore(dir, opts);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  auto store = std::move(opened).value();
  std::printf("%lld messages into %s (%s, WriteLog every %lld)\n", static_cast<long long>(n), dir.c_str(),
              opts.sync_on_commit ? "sync on commit" : "WRITE_NOSYNC", static_cast<long long>(per_write));
  auto start = Clock::now();
  auto lap = start;
  for (int64_t i = 0; i < n; ++i) {
    chat::Status st = store->AppendHistory(Message(i));
    if (st.ok() && (i + 1) % per_write == 0) st = store->WriteLog();
    if (!st.ok()) {
      std::fprintf(stderr, "append %lld: %s\n", static_cast<long long>(i), st.ToString().c_str());
      return 1;
    }
    if ((i + 1) % 100000 == 0) {
      auto now = Clock::now();
      std::printf("  %7lld appended, %.0f msg/s over the last 100000\n", static_cast<long long>(i + 1),
                  100000 / (Ms(now - lap) / 1000));
      lap = now;
      (void)store->Checkpoint();
    }
  }
  double total = Ms(Clock::now() - start);
  std::printf("append: %.0f msg/s (%.1f s)\n", n / (total / 1000), total / 1000);

  chatd::HistoryQuery q;
  q.target = "#bench";
  q.limit = 100;
  Time(*store, "LATEST * 100", q);
  q.kind = chatd::HistoryQueryKind::kBefore;
  q.a.msgid = Message(n / 2).msgid;
  Time(*store, "BEFORE msgid(middle) 100", q);
  q.kind = chatd::HistoryQueryKind::kAfter;
  q.a = {};
  q.a.time_ms = Message(n / 3).time_ms;
  Time(*store, "AFTER timestamp 100", q);
  q.kind = chatd::HistoryQueryKind::kAround;
  q.a.msgid = Message(n / 4).msgid;
  Time(*store, "AROUND msgid 100", q);

  // Reopen: how long recovery-free open takes on this environment.
  store.reset();
  start = Clock::now();
  opened = chatd::OpenBdbStore(dir, opts);
  std::printf("close + reopen: %.1f ms\n", Ms(Clock::now() - start));
  if (!opened.ok()) return 1;
  store = std::move(opened).value();
  q.kind = chatd::HistoryQueryKind::kLatest;
  q.a = {};
  Time(*store, "LATEST * 100 after reopen", q);
  store.reset();
  if (temp) std::filesystem::remove_all(dir);
  return 0;
}
