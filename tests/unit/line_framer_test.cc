// Tests for LineFramer (libchat/line_framer.h): terminators, partial reads,
// overlong lines and the memory bound.
#include "libchat/line_framer.h"

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"

using chat::irc::LineFramer;
using Next = chat::irc::LineFramer::Next;

namespace {

// Drains the framer: lines as given, overlong lines as "<overlong>".
std::vector<std::string> Drain(LineFramer* f) {
  std::vector<std::string> out;
  std::string_view line;
  for (;;) {
    Next n = f->TakeNext(&line);
    if (n == Next::kNone) break;
    out.push_back(n == Next::kLine ? std::string(line) : std::string("<overlong>"));
  }
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += "[" + x + "]";
  return s;
}

}  // namespace

#define CHECK_LINES(expected, framer) CHECK_EQUAL(std::string(expected), Join(Drain(framer)))

TEST_GROUP(LineFramer) {};

TEST(LineFramer, CrlfAndBareLf) {
  LineFramer f(512);
  f.Feed("PING a\r\nPING b\nPING c\r\n");
  CHECK_LINES("[PING a][PING b][PING c]", &f);
  LONGS_EQUAL(0, f.buffered());
}

TEST(LineFramer, OnlyOneCrIsStripped) {
  LineFramer f(512);
  f.Feed("a\r\r\nb\rc\n\r\n\n");
  CHECK_LINES("[a\r][b\rc][][]", &f);
}

TEST(LineFramer, NothingBeforeATerminator) {
  LineFramer f(512);
  std::string_view line = "untouched";
  CHECK(f.TakeNext(&line) == Next::kNone);
  f.Feed("PING");
  CHECK(f.TakeNext(&line) == Next::kNone);
  CHECK_EQUAL(std::string("untouched"), std::string(line));
  LONGS_EQUAL(4, f.buffered());
}

TEST(LineFramer, PartialLinesAcrossFeeds) {
  LineFramer f(512);
  f.Feed("PRIV");
  CHECK_LINES("", &f);
  f.Feed("MSG #a :hi\r");
  CHECK_LINES("", &f);
  f.Feed("\nPI");
  CHECK_LINES("[PRIVMSG #a :hi]", &f);
  LONGS_EQUAL(2, f.buffered());
  f.Feed("NG\r\n");
  CHECK_LINES("[PING]", &f);
  LONGS_EQUAL(0, f.buffered());
}

TEST(LineFramer, ByteAtATime) {
  LineFramer f(512);
  std::string input = "NICK a\r\nUSER u 0 * :R N\nPING x\r\n";
  std::vector<std::string> lines;
  for (char c : input) {
    f.Feed(std::string_view(&c, 1));
    for (std::string& l : Drain(&f)) lines.push_back(l);
  }
  CHECK_EQUAL(std::string("[NICK a][USER u 0 * :R N][PING x]"), Join(lines));
}

TEST(LineFramer, ManyLinesInOneFeed) {
  LineFramer f(512);
  std::string input;
  for (int i = 0; i < 1000; ++i) input += "PRIVMSG #a :" + std::to_string(i) + "\r\n";
  input += "PART";
  f.Feed(input);
  std::vector<std::string> lines = Drain(&f);
  LONGS_EQUAL(1000, lines.size());
  CHECK_EQUAL(std::string("PRIVMSG #a :0"), lines[0]);
  CHECK_EQUAL(std::string("PRIVMSG #a :999"), lines[999]);
  LONGS_EQUAL(4, f.buffered());
}

TEST(LineFramer, LineOfExactlyMaxLineIsAccepted) {
  LineFramer f(10);
  f.Feed("0123456789\r\n0123456789\n");
  CHECK_LINES("[0123456789][0123456789]", &f);
  // Its CR may arrive before its LF without being taken for an 11th byte.
  f.Feed("0123456789\r");
  CHECK_LINES("", &f);
  LONGS_EQUAL(11, f.buffered());
  f.Feed("\n");
  CHECK_LINES("[0123456789]", &f);
}

TEST(LineFramer, OverlongCompleteLineThenNormalLine) {
  LineFramer f(10);
  f.Feed("01234567890\r\nPING\r\n");
  CHECK_LINES("[<overlong>][PING]", &f);
}

TEST(LineFramer, OverlongLineReportedOnceThenNormalLine) {
  LineFramer f(10);
  f.Feed("0123456789ab");
  CHECK_LINES("[<overlong>]", &f);
  LONGS_EQUAL(0, f.buffered());
  f.Feed("more bytes of the same line");
  CHECK_LINES("", &f);
  f.Feed(" and its end\r\nPING x\r\nPI");
  CHECK_LINES("[PING x]", &f);
  f.Feed("NG y\n");
  CHECK_LINES("[PING y]", &f);
}

TEST(LineFramer, CompleteLinesBeforeAnOverlongTailComeFirst) {
  LineFramer f(10);
  f.Feed("A\r\nB\r\n0123456789abcdef");
  CHECK_LINES("[A][B][<overlong>]", &f);
  f.Feed("gh\nC\n");
  CHECK_LINES("[C]", &f);
}

TEST(LineFramer, MemoryStaysBoundedByMaxLine) {
  LineFramer f(512);
  std::string chunk(4096, 'x');
  int overlong = 0;
  for (int i = 0; i < 256; ++i) {  // 1 MiB without LF
    f.Feed(chunk);
    std::string_view line;
    for (Next n; (n = f.TakeNext(&line)) != Next::kNone;) {
      CHECK(n == Next::kOverlong);
      ++overlong;
    }
    CHECK(f.buffered() <= 512);
  }
  LONGS_EQUAL(1, overlong);
  f.Feed("x\r\nPING\r\n");
  CHECK_LINES("[PING]", &f);
}

TEST(LineFramer, SlowPartialLineStaysBuffered) {
  LineFramer f(512);
  std::string expect;
  for (int i = 0; i < 500; ++i) {
    f.Feed("y");
    expect += 'y';
    CHECK_LINES("", &f);
    LONGS_EQUAL(i + 1, f.buffered());
  }
  f.Feed("\n");
  CHECK_LINES("[" + expect + "]", &f);
}
