// Tests for the offline outbox (libchat/outbox.h): order, labels, the
// IRC-line serialization round trip and corrupt input.
#include "libchat/outbox.h"

#include <string>

#include "CppUTest/TestHarness.h"
#include "libchat/client_time.h"

using chat::client::FormatServerTime;
using chat::client::Outbox;
using chat::client::OutboxEntry;
using chat::client::ParseServerTime;

namespace {

OutboxEntry Entry(const std::string& label, const std::string& target, const std::string& text,
                  int64_t ms = 1700000000123) {
  OutboxEntry e;
  e.label = label;
  e.target = target;
  e.text = text;
  e.created_ms = ms;
  return e;
}

}  // namespace

TEST_GROUP(Outbox){};

TEST(Outbox, KeepsOrderAndFindsAndRemovesByLabel) {
  Outbox box;
  CHECK_TRUE(box.empty());
  CHECK_TRUE(box.Add(Entry("a1", "#general", "one")));
  CHECK_TRUE(box.Add(Entry("b2", "alice", "two")));
  CHECK_TRUE(box.Add(Entry("c3", "#general", "three")));
  LONGS_EQUAL(3, box.size());
  STRCMP_EQUAL("two", box.Find("b2")->text.c_str());
  CHECK_TRUE(box.Find("zz") == nullptr);
  CHECK_TRUE(box.MarkAcked("b2"));
  CHECK_FALSE(box.Remove("b2"));
  LONGS_EQUAL(2, box.size());
  STRCMP_EQUAL("a1", box.entries()[0].label.c_str());
  STRCMP_EQUAL("c3", box.entries()[1].label.c_str());
}

TEST(Outbox, RefusesDuplicateAndInvalidEntries) {
  Outbox box;
  CHECK_TRUE(box.Add(Entry("a1", "#general", "one")));
  CHECK_FALSE(box.Add(Entry("a1", "#general", "again")));       // same label
  CHECK_FALSE(box.Add(Entry("", "#general", "x")));             // no label
  CHECK_FALSE(box.Add(Entry("a-b", "#general", "x")));          // not alphanumeric
  CHECK_FALSE(box.Add(Entry("b2", "", "x")));                   // no target
  CHECK_FALSE(box.Add(Entry("b3", "two words", "x")));          // space in target
  CHECK_FALSE(box.Add(Entry("b4", "#general", "line\nbreak")));  // CR/LF in text
  OutboxEntry e = Entry("b5", "#general", "x");
  e.command = "JOIN";
  CHECK_FALSE(box.Add(e));
  LONGS_EQUAL(1, box.size());
}

TEST(Outbox, IsBounded) {
  Outbox box;
  for (std::size_t i = 0; i < Outbox::kMaxEntries; ++i) {
    CHECK_TRUE(box.Add(Entry("l" + std::to_string(i), "#general", "m")));
  }
  CHECK_FALSE(box.Add(Entry("over", "#general", "m")));
  LONGS_EQUAL(Outbox::kMaxEntries, box.size());
}

TEST(Outbox, SerializesOneIrcLinePerEntry) {
  Outbox box;
  CHECK_TRUE(box.Add(Entry("a1", "#general", "hello world", 0)));
  OutboxEntry n = Entry("b2", "alice", "hi", 1000);
  n.command = "NOTICE";
  CHECK_TRUE(box.Add(n));
  STRCMP_EQUAL(
      "@label=a1;time=1970-01-01T00:00:00.000Z PRIVMSG #general :hello world\r\n"
      "@label=b2;time=1970-01-01T00:00:01.000Z NOTICE alice hi\r\n",
      box.Serialize().c_str());
  STRCMP_EQUAL("", Outbox().Serialize().c_str());
}

TEST(Outbox, RoundTripsAwkwardText) {
  Outbox box;
  CHECK_TRUE(box.Add(Entry("a1", "#general", ":starts with colon; has \\ and ;", 1700000000123)));
  CHECK_TRUE(box.Add(Entry("b2", "alice", "\x01" "ACTION waves\x01", 1700000000999)));
  CHECK_TRUE(box.Add(Entry("c3", "#x", "ünïcödé ✓", 1)));
  auto parsed = Outbox::Parse(box.Serialize());
  CHECK_TRUE(parsed.ok());
  const Outbox& back = parsed.value();
  LONGS_EQUAL(3, back.size());
  for (std::size_t i = 0; i < 3; ++i) {
    const OutboxEntry& a = box.entries()[i];
    const OutboxEntry& b = back.entries()[i];
    STRCMP_EQUAL(a.label.c_str(), b.label.c_str());
    STRCMP_EQUAL(a.target.c_str(), b.target.c_str());
    STRCMP_EQUAL(a.command.c_str(), b.command.c_str());
    STRCMP_EQUAL(a.text.c_str(), b.text.c_str());
    CHECK_EQUAL(a.created_ms, b.created_ms);
  }
}

TEST(Outbox, ParseRejectsCorruptInputAndLoadSkipsIt) {
  const std::string good1 = "@label=a1;time=2024-01-02T03:04:05.006Z PRIVMSG #general :one\r\n";
  const std::string good2 = "@label=b2;time=2024-01-02T03:04:06.000Z PRIVMSG alice :two\r\n";
  const std::string bad[] = {
      "garbage\r\n",
      "@label=x;time=notatime PRIVMSG #a :t\r\n",
      "@time=2024-01-02T03:04:05Z PRIVMSG #a :no label\r\n",
      "@label=y;time=2024-01-02T03:04:05Z PRIVMSG #a\r\n",
      "@label=z;time=2024-01-02T03:04:05Z KICK #a :bad command\r\n",
      "@label=a1;time=2024-01-02T03:04:05Z PRIVMSG #a :duplicate label\r\n",
      "@label=w;time=2024-01-02T03:04:05Z PRIVMSG #a :\xff\xfe\r\n",
  };
  for (const std::string& b : bad) {
    auto r = Outbox::Parse(good1 + b + good2);
    CHECK_FALSE(r.ok());
    CHECK_TRUE(r.status().code() == chat::Status::Code::kCorruption);
    Outbox box;
    CHECK_FALSE(box.Load(good1 + b + good2));
    LONGS_EQUAL(2, box.size());
    STRCMP_EQUAL("two", box.entries()[1].text.c_str());
  }
  Outbox box;
  CHECK_TRUE(box.Load(good1 + "\r\n\n" + good2));  // blank lines are fine
  LONGS_EQUAL(2, box.size());
  CHECK_TRUE(Outbox::Parse("").ok());
}

TEST(Outbox, ServerTimeFormatAndParse) {
  STRCMP_EQUAL("2023-11-14T22:13:20.123Z", FormatServerTime(1700000000123).c_str());
  STRCMP_EQUAL("2000-02-29T00:00:00.000Z", FormatServerTime(951782400000).c_str());
  int64_t ms = 0;
  CHECK_TRUE(ParseServerTime("2023-11-14T22:13:20.123Z", &ms));
  CHECK_EQUAL(1700000000123, ms);
  CHECK_TRUE(ParseServerTime("2023-11-14T22:13:20Z", &ms));
  CHECK_EQUAL(1700000000000, ms);
  CHECK_TRUE(ParseServerTime("2023-11-14T22:13:20.123456Z", &ms));
  CHECK_EQUAL(1700000000123, ms);
  CHECK_FALSE(ParseServerTime("2023-13-14T22:13:20Z", &ms));
  CHECK_FALSE(ParseServerTime("2023-11-14 22:13:20Z", &ms));
  CHECK_FALSE(ParseServerTime("2023-11-14T22:13:20", &ms));
  CHECK_FALSE(ParseServerTime("2023-11-14T22:13:20.Z", &ms));
  CHECK_FALSE(ParseServerTime("", &ms));
}
