// Tests for Conn's byte-stream mode (core/conn.h) over a socketpair: raw
// bytes reach the handler, PauseReading holds them in the socket,
// WatchDrain reports a drained queue from the loop (never inside Write),
// and CloseAfterFlush delivers queued output before closing.
#include "chatd/core/conn.h"

#include <event2/event.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "CppUTest/TestHarness.h"

namespace {

struct Recorder : chatd::StreamHandler {
  std::string bytes;
  int drained = 0;
  bool lost = false;
  bool in_write = false;  // set around Conn::Write calls by the test
  bool drained_inside_write = false;
  void OnBytes(std::string_view b) override { bytes.append(b); }
  void OnDrained() override {
    if (in_write) drained_inside_write = true;
    ++drained;
  }
  void OnPeerLost(const std::string&) override { lost = true; }
};

void RunLoop(event_base* base, int rounds = 5) {
  for (int i = 0; i < rounds; ++i) event_base_loop(base, EVLOOP_NONBLOCK);
}

}  // namespace

TEST_GROUP(ConnStream) {
  event_base* base = nullptr;
  int fds[2] = {-1, -1};
  std::unique_ptr<chatd::Conn> conn;
  Recorder rec;
  void setup() override {
    base = event_base_new();
    CHECK_EQUAL(0, socketpair(AF_UNIX, SOCK_STREAM, 0, fds));
    conn = chatd::Conn::Create(base, fds[0], nullptr, "test", chatd::ConnLimits{4096, 1 << 20});
    CHECK(conn != nullptr);
    conn->SetStreamHandler(&rec);
  }
  void teardown() override {
    conn.reset();
    chatd::Conn::DestroyLingering();
    if (fds[1] >= 0) close(fds[1]);
    event_base_free(base);
  }
};

TEST(ConnStream, BytesArriveRawAndPauseHoldsThem) {
  std::string crlf_free = "no lines here, \0 and binary \xff";
  CHECK(write(fds[1], crlf_free.data(), crlf_free.size()) == static_cast<ssize_t>(crlf_free.size()));
  RunLoop(base);
  STRCMP_EQUAL(crlf_free.c_str(), rec.bytes.c_str());
  LONGS_EQUAL(crlf_free.size(), rec.bytes.size());
  conn->PauseReading(true);
  CHECK(write(fds[1], "more", 4) == 4);
  RunLoop(base);
  LONGS_EQUAL(crlf_free.size(), rec.bytes.size());  // held in the socket
  conn->PauseReading(false);
  RunLoop(base);
  LONGS_EQUAL(crlf_free.size() + 4, rec.bytes.size());
}

TEST(ConnStream, DrainIsReportedFromTheLoop) {
  conn->WatchDrain(1024);
  rec.in_write = true;
  conn->Write("hello");
  rec.in_write = false;
  CHECK_FALSE(rec.drained_inside_write);
  RunLoop(base);
  CHECK(rec.drained >= 1);
  char buf[16];
  LONGS_EQUAL(5, read(fds[1], buf, sizeof buf));
  int before = rec.drained;
  conn->WatchDrain(0);
  conn->Write("x");
  RunLoop(base);
  LONGS_EQUAL(before, rec.drained);
}

TEST(ConnStream, PeerCloseIsReported) {
  close(fds[1]);
  fds[1] = -1;
  RunLoop(base);
  CHECK_TRUE(rec.lost);
}

TEST(ConnStream, CloseAfterFlushSendsQueuedOutputThenEof) {
  conn->Write("last words");
  conn->CloseAfterFlush();
  conn.release();  // owns itself now
  RunLoop(base);
  shutdown(fds[1], SHUT_WR);  // the client's EOF ends the lingering read
  RunLoop(base);
  char buf[64];
  ssize_t n = read(fds[1], buf, sizeof buf);
  LONGS_EQUAL(10, n);
  LONGS_EQUAL(0, read(fds[1], buf, sizeof buf));  // then EOF
}
