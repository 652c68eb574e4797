// Tests for RateLimiter (libchat/rate_limit.h): the limit within a window,
// the block length, windows that end, independent keys, Forget, pruning.
#include "libchat/rate_limit.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::RateLimiter;

TEST_GROUP(RateLimiter) {};

TEST(RateLimiter, BlocksAtTheLimitForBlockSeconds) {
  RateLimiter r(3, 10, 10);
  r.Note("k", 100);
  r.Note("k", 101);
  LONGS_EQUAL(0, r.Wait("k", 101));
  r.Note("k", 102);
  LONGS_EQUAL(10, r.Wait("k", 102));
  LONGS_EQUAL(1, r.Wait("k", 111));
  LONGS_EQUAL(0, r.Wait("k", 112));
}

TEST(RateLimiter, AWindowThatEndsStartsAfresh) {
  RateLimiter r(3, 10, 10);
  r.Note("k", 100);
  r.Note("k", 101);
  r.Note("k", 110);  // the first window ended at 110: this is the first of a new one
  LONGS_EQUAL(0, r.Wait("k", 110));
  r.Note("k", 111);
  r.Note("k", 112);
  LONGS_EQUAL(10, r.Wait("k", 112));
}

TEST(RateLimiter, BlockZeroMeansUntilTheWindowEnds) {
  RateLimiter r(2, 600, 0);
  r.Note("ip", 1000);
  r.Note("ip", 1100);
  LONGS_EQUAL(500, r.Wait("ip", 1100));
  LONGS_EQUAL(0, r.Wait("ip", 1600));
}

TEST(RateLimiter, KeysAreIndependentAndForgetClearsOne) {
  RateLimiter r(1, 10, 10);
  r.Note("a", 5);
  CHECK(r.Wait("a", 5) > 0);
  LONGS_EQUAL(0, r.Wait("b", 5));
  r.Forget("a");
  LONGS_EQUAL(0, r.Wait("a", 5));
}

TEST(RateLimiter, StaleKeysArePruned) {
  RateLimiter r(3, 10, 10);
  for (int i = 0; i < 5000; ++i) r.Note("key" + std::to_string(i), 0);
  for (int i = 0; i < 5000; ++i) r.Note("late" + std::to_string(i), 1000);
  LONGS_EQUAL(5000, r.size());  // the 5000 stale keys went as the table grew
}
