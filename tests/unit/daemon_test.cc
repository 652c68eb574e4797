// Tests for RaiseFileLimit (daemon.h): the soft RLIMIT_NOFILE goes up to
// the hard limit.
#include <sys/resource.h>

#include "chatd/core/daemon.h"

// CppUTest last: its leak detector redefines operator new.
#include <CppUTest/TestHarness.h>

TEST_GROUP(FileLimit) {
  struct rlimit saved;
  void setup() override { CHECK_EQUAL(0, getrlimit(RLIMIT_NOFILE, &saved)); }
  void teardown() override { setrlimit(RLIMIT_NOFILE, &saved); }
};

TEST(FileLimit, RaisesTheSoftLimitToTheHardLimit) {
  struct rlimit low = saved;
  low.rlim_cur = 256;  // lowering is always allowed, and raising back up to the hard limit too
  CHECK_EQUAL(0, setrlimit(RLIMIT_NOFILE, &low));

  auto raised = chatd::RaiseFileLimit();
  CHECK_TRUE_TEXT(raised.ok(), raised.status().ToString().c_str());
  CHECK_EQUAL(256ULL, raised.value().before);
  CHECK_TRUE(raised.value().after > 256ULL);
  CHECK_EQUAL(raised.value().hard, raised.value().after);

  struct rlimit now;
  CHECK_EQUAL(0, getrlimit(RLIMIT_NOFILE, &now));
  CHECK_EQUAL(raised.value().after, static_cast<unsigned long long>(now.rlim_cur));
  if (saved.rlim_max != RLIM_INFINITY) {
    CHECK_EQUAL(static_cast<unsigned long long>(saved.rlim_max), raised.value().hard);
  }
}

TEST(FileLimit, AlreadyAtTheHardLimitChangesNothing) {
  auto first = chatd::RaiseFileLimit();
  CHECK_TRUE(first.ok());
  auto second = chatd::RaiseFileLimit();
  CHECK_TRUE(second.ok());
  CHECK_EQUAL(first.value().after, second.value().before);
  CHECK_EQUAL(second.value().before, second.value().after);
}
