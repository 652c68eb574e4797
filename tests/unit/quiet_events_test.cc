// Tests for libchat/quiet_events.h (collapsed joins and quits) and
// libchat/notify_policy.h (which messages notify).
#include "libchat/quiet_events.h"

#include <deque>
#include <string>

#include "libchat/notify_policy.h"

// Last: its memory-leak macros redefine `new`, which breaks standard headers.
#include "CppUTest/TestHarness.h"

using chat::client::ChatLine;
using chat::client::DescribeQuietRun;
using chat::client::NotifyLevel;
using chat::client::QuietRun;

namespace {

ChatLine Line(ChatLine::Kind kind, const std::string& from, const std::string& text = "") {
  ChatLine l;
  l.kind = kind;
  l.from = from;
  l.text = text;
  return l;
}

}  // namespace

TEST_GROUP(QuietEvents) {
  std::deque<ChatLine> lines;
};

TEST(QuietEvents, ThreeJoinsShowAsOneLine) {
  lines = {Line(ChatLine::Kind::kMessage, "zoe", "hi"), Line(ChatLine::Kind::kJoin, "alice"),
           Line(ChatLine::Kind::kJoin, "bob"), Line(ChatLine::Kind::kJoin, "carol"),
           Line(ChatLine::Kind::kMessage, "zoe", "welcome")};
  CHECK_FALSE(DescribeQuietRun(lines, 0).hidden);
  LONGS_EQUAL(0, DescribeQuietRun(lines, 0).count);
  CHECK_TRUE(DescribeQuietRun(lines, 1).hidden);
  CHECK_TRUE(DescribeQuietRun(lines, 2).hidden);
  QuietRun last = DescribeQuietRun(lines, 3);
  CHECK_FALSE(last.hidden);
  LONGS_EQUAL(3, last.count);
  STRCMP_EQUAL("alice, bob and carol joined", last.summary.c_str());
}

TEST(QuietEvents, MixedVerbsAndRepeatedNicks) {
  lines = {Line(ChatLine::Kind::kJoin, "alice"), Line(ChatLine::Kind::kJoin, "bob"),
           Line(ChatLine::Kind::kPart, "carol", "bye"), Line(ChatLine::Kind::kQuit, "dan"),
           Line(ChatLine::Kind::kJoin, "ALICE"), Line(ChatLine::Kind::kNick, "erin", "erin2")};
  QuietRun run = DescribeQuietRun(lines, 5);
  LONGS_EQUAL(6, run.count);
  STRCMP_EQUAL("alice and bob joined; carol left; dan went offline; erin is now erin2",
               run.summary.c_str());
}

TEST(QuietEvents, LoneEventKeepsItsOwnText) {
  lines = {Line(ChatLine::Kind::kJoin, "alice"), Line(ChatLine::Kind::kMessage, "alice", "hi")};
  QuietRun run = DescribeQuietRun(lines, 0);
  CHECK_FALSE(run.hidden);
  LONGS_EQUAL(1, run.count);
  STRCMP_EQUAL("", run.summary.c_str());
}

TEST(QuietEvents, KicksAndTopicsBreakARun) {
  lines = {Line(ChatLine::Kind::kJoin, "alice"), Line(ChatLine::Kind::kKick, "bob"),
           Line(ChatLine::Kind::kJoin, "carol"), Line(ChatLine::Kind::kTopic, "carol", "t")};
  CHECK_FALSE(DescribeQuietRun(lines, 0).hidden);
  LONGS_EQUAL(1, DescribeQuietRun(lines, 2).count);
  LONGS_EQUAL(0, DescribeQuietRun(lines, 1).count);
}

TEST(QuietEvents, ManyNicksAreCounted) {
  for (int i = 0; i < 7; ++i) lines.push_back(Line(ChatLine::Kind::kJoin, "n" + std::to_string(i)));
  STRCMP_EQUAL("n0, n1, n2 and 4 others joined", DescribeQuietRun(lines, 6).summary.c_str());
}

TEST(QuietEvents, LongRunReadsAtMostTheCap) {
  const std::size_t n = chat::client::kMaxQuietRun + 50;
  for (std::size_t i = 0; i < n; ++i) lines.push_back(Line(ChatLine::Kind::kJoin, "n" + std::to_string(i)));
  QuietRun run = DescribeQuietRun(lines, n - 1);
  LONGS_EQUAL(chat::client::kMaxQuietRun, run.count);
  CHECK_TRUE(run.summary.find("and earlier changes") != std::string::npos);
  // The first line of the run is unaffected by the cap.
  LONGS_EQUAL(1, DescribeQuietRun(lines, 0).count);
}

TEST(QuietEvents, OutOfRangeIndexIsNotAnEvent) {
  LONGS_EQUAL(0, DescribeQuietRun(lines, 3).count);
}

TEST_GROUP(NotifyPolicy) {};

TEST(NotifyPolicy, LevelsAndMute) {
  using chat::client::ShouldNotify;
  CHECK_TRUE(ShouldNotify(NotifyLevel::kAll, false, false, false));
  CHECK_FALSE(ShouldNotify(NotifyLevel::kMentions, false, false, false));
  CHECK_TRUE(ShouldNotify(NotifyLevel::kMentions, false, true, false));
  CHECK_TRUE(ShouldNotify(NotifyLevel::kMentions, false, false, true));
  CHECK_FALSE(ShouldNotify(NotifyLevel::kNone, false, true, true));
  CHECK_FALSE(ShouldNotify(NotifyLevel::kAll, true, true, true));  // muted: never
}

TEST(NotifyPolicy, NamesRoundTrip) {
  for (NotifyLevel l : {NotifyLevel::kAll, NotifyLevel::kMentions, NotifyLevel::kNone})
    CHECK_TRUE(chat::client::ParseNotifyLevel(chat::client::NotifyLevelName(l)) == l);
  CHECK_FALSE(chat::client::ParseNotifyLevel("loud").has_value());
  CHECK_FALSE(chat::client::ParseNotifyLevel("").has_value());
}
