// Tests for single byte ranges and If-Range (libchat/http/range.h):
// RFC 9110 §14.1.2's examples, clamping, 416 cases and ignored inputs.
#include "libchat/http/range.h"

#include <string>

#include "CppUTest/TestHarness.h"
#include "libchat/http/conditional.h"

using chat::http::ByteRange;
using chat::http::EvaluateRange;
using chat::http::RangeOutcome;

TEST_GROUP(HttpRange) {
  ByteRange r;
  RangeOutcome Eval(const char* v, uint64_t size) { return EvaluateRange(v, size, &r); }
};

TEST(HttpRange, ParsesTheRfc9110Examples) {
  // RFC 9110 §14.1.2, a 10000-byte representation.
  CHECK(Eval("bytes=0-499", 10000) == RangeOutcome::kPartial);
  CHECK_EQUAL(0u, r.first);
  CHECK_EQUAL(499u, r.last);
  CHECK_EQUAL(500u, r.length());
  CHECK(Eval("bytes=500-999", 10000) == RangeOutcome::kPartial);
  CHECK_EQUAL(500u, r.first);
  CHECK_EQUAL(999u, r.last);
  CHECK(Eval("bytes=-500", 10000) == RangeOutcome::kPartial);
  CHECK_EQUAL(9500u, r.first);
  CHECK_EQUAL(9999u, r.last);
  CHECK(Eval("bytes=9500-", 10000) == RangeOutcome::kPartial);
  CHECK_EQUAL(9500u, r.first);
  CHECK_EQUAL(9999u, r.last);
}

TEST(HttpRange, ClampsTheLastPositionAndLongSuffixes) {
  CHECK(Eval("bytes=5-100000", 10) == RangeOutcome::kPartial);
  CHECK_EQUAL(5u, r.first);
  CHECK_EQUAL(9u, r.last);
  CHECK(Eval("bytes=-100", 10) == RangeOutcome::kPartial);
  CHECK_EQUAL(0u, r.first);
  CHECK_EQUAL(9u, r.last);
  CHECK(Eval("bytes=0-99999999999999999999999999", 10) == RangeOutcome::kPartial);
  CHECK_EQUAL(9u, r.last);
  CHECK(Eval(" BYTES = 2-3 ", 10) == RangeOutcome::kPartial);
  CHECK_EQUAL(2u, r.first);
}

TEST(HttpRange, UnsatisfiableRangesGive416) {
  CHECK(Eval("bytes=10-", 10) == RangeOutcome::kUnsatisfiable);
  CHECK(Eval("bytes=10-20", 10) == RangeOutcome::kUnsatisfiable);
  CHECK(Eval("bytes=-0", 10) == RangeOutcome::kUnsatisfiable);
  CHECK(Eval("bytes=0-", 0) == RangeOutcome::kUnsatisfiable);
  CHECK(Eval("bytes=-5", 0) == RangeOutcome::kUnsatisfiable);
  CHECK(Eval("bytes=99999999999999999999999-", 10) == RangeOutcome::kUnsatisfiable);
}

TEST(HttpRange, InvalidOrMultipleRangesAreIgnored) {
  const char* ignored[] = {"",          "bytes",       "bytes=",     "bytes=5",     "bytes=5-2",
                           "bytes=a-b", "bytes=+1-2",  "bytes=-",    "bytes=1--2",  "items=0-1",
                           "bytes=0-1,3-4", "bytes=0-1, 5-6", "bytes=1 -2", "bytes=-1-2"};
  for (const char* v : ignored) CHECK_TEXT(Eval(v, 100) == RangeOutcome::kFull, v);
}

TEST(HttpRange, FormatsContentRange) {
  CHECK_EQUAL(std::string("bytes 0-499/1234"), chat::http::FormatContentRange({0, 499}, 1234));
  CHECK_EQUAL(std::string("bytes */1234"), chat::http::FormatUnsatisfiedRange(1234));
}

TEST(HttpRange, ParseDecimalRejectsSignsJunkAndOverflow) {
  uint64_t v = 7;
  CHECK(chat::http::ParseDecimal("0", &v));
  CHECK_EQUAL(0u, v);
  CHECK(chat::http::ParseDecimal("18446744073709551615", &v));
  CHECK(v == UINT64_MAX);
  CHECK(chat::http::ParseDecimal("007", &v));
  CHECK_EQUAL(7u, v);
  const char* bad[] = {"", "-1", "+1", " 1", "1 ", "1a", "18446744073709551616", "99999999999999999999999"};
  for (const char* b : bad) CHECK_FALSE_TEXT(chat::http::ParseDecimal(b, &v), b);
}

TEST(HttpRange, IfRangeMatchesTheStrongEtagOrTheExactDate) {
  const std::string etag = "\"sha256-abc\"";
  const int64_t mtime = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
  CHECK(chat::http::IfRangeAllows("\"sha256-abc\"", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("\"sha256-abd\"", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("W/\"sha256-abc\"", etag, mtime));  // weak never matches
  CHECK(chat::http::IfRangeAllows("Sun, 06 Nov 1994 08:49:37 GMT", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("Sun, 06 Nov 1994 08:49:38 GMT", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("Sunday, 06-Nov-94 08:49:37 GMT", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("", etag, mtime));
  CHECK_FALSE(chat::http::IfRangeAllows("garbage", etag, mtime));
}
