// Tests for chatd::Worker (core/worker.h): jobs run off the loop thread,
// `done` runs on it, in order per thread, and the destructor lets queued
// jobs finish.
#include "chatd/core/worker.h"

#include <event2/event.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "CppUTest/TestHarness.h"

TEST_GROUP(Worker) {
  event_base* base = nullptr;
  void setup() override { base = event_base_new(); }
  void teardown() override { event_base_free(base); }
};

TEST(Worker, JobsRunOffTheLoopAndDoneOnIt) {
  auto w = chatd::Worker::Create(base, 2);
  CHECK_TRUE(w.ok());
  std::unique_ptr<chatd::Worker> worker = std::move(w).value();
  const std::thread::id loop = std::this_thread::get_id();
  auto off_loop = std::make_shared<std::atomic<int>>(0);
  std::vector<int> done_order;
  int done_on_loop = 0;
  for (int i = 0; i < 20; ++i) {
    worker->Post([off_loop, loop] { if (std::this_thread::get_id() != loop) ++*off_loop; },
                 [&, i] {
                   if (std::this_thread::get_id() == loop) ++done_on_loop;
                   done_order.push_back(i);
                 });
  }
  LONGS_EQUAL(20, worker->pending());
  while (worker->pending() > 0) event_base_loop(base, EVLOOP_ONCE);
  LONGS_EQUAL(20, off_loop->load());
  LONGS_EQUAL(20, done_on_loop);
  LONGS_EQUAL(20, done_order.size());
}

TEST(Worker, DestructorFinishesQueuedJobs) {
  auto ran = std::make_shared<std::atomic<int>>(0);
  {
    auto w = chatd::Worker::Create(base, 1);
    CHECK_TRUE(w.ok());
    for (int i = 0; i < 50; ++i) w.value()->Post([ran] { ++*ran; }, [] { FAIL("done after destruction"); });
  }
  LONGS_EQUAL(50, ran->load());
}

TEST(Worker, BadThreadCountIsRefused) {
  CHECK_FALSE(chatd::Worker::Create(base, 0).ok());
  CHECK_FALSE(chatd::Worker::Create(base, 5).ok());
}
