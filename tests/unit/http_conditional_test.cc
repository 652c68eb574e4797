// Tests for HTTP dates and If-None-Match (libchat/http/conditional.h).
#include "libchat/http/conditional.h"

#include <string>

#include "CppUTest/TestHarness.h"
#include "libchat/http/response.h"

using chat::http::HttpDate;
using chat::http::IfNoneMatchMatches;
using chat::http::ParseHttpDate;

TEST_GROUP(HttpConditional) {};

TEST(HttpConditional, ParsesImfFixdates) {
  int64_t t = 0;
  CHECK(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT", &t));  // RFC 9110 §5.6.7
  CHECK_EQUAL(784111777, t);
  CHECK(ParseHttpDate("Thu, 29 Feb 2024 23:59:59 GMT", &t));
  CHECK_EQUAL(1709251199, t);
}

TEST(HttpConditional, ParsesWhatResponseHeadsFormat) {
  for (int64_t t : {int64_t{0}, int64_t{784111777}, int64_t{1709251199}, int64_t{4102444800}}) {
    int64_t back = -1;
    CHECK(ParseHttpDate(HttpDate(static_cast<time_t>(t)), &back));
    CHECK_EQUAL(t, back);
  }
}

TEST(HttpConditional, RejectsMalformedDates) {
  int64_t t = 0;
  const char* bad[] = {"",
                       "Sun, 06 Nov 1994 08:49:37 UTC",
                       "Sunday, 06-Nov-94 08:49:37 GMT",
                       "Sun Nov  6 08:49:37 1994",
                       "Sun, 31 Feb 1994 08:49:37 GMT",
                       "Mon, 06 Nov 1994 08:49:37 GMT",  // wrong weekday
                       "Sun, 06 Nov 1994 24:49:37 GMT",
                       "Sun, 06 Xyz 1994 08:49:37 GMT",
                       "Sun, 6 Nov 1994 08:49:37 GMT"};
  for (const char* b : bad) CHECK_FALSE_TEXT(ParseHttpDate(b, &t), b);
}

TEST(HttpConditional, IfNoneMatchUsesWeakComparison) {
  const std::string etag = "\"sha256-ab\"";
  CHECK(IfNoneMatchMatches("*", etag));
  CHECK(IfNoneMatchMatches("\"sha256-ab\"", etag));
  CHECK(IfNoneMatchMatches("W/\"sha256-ab\"", etag));
  CHECK(IfNoneMatchMatches("\"x\", \"sha256-ab\"", etag));
  CHECK(IfNoneMatchMatches(" \"x\" ,, W/\"sha256-ab\" ", etag));
  CHECK_FALSE(IfNoneMatchMatches("\"x\"", etag));
  CHECK_FALSE(IfNoneMatchMatches("", etag));
  CHECK_FALSE(IfNoneMatchMatches("sha256-ab", etag));         // unquoted
  CHECK_FALSE(IfNoneMatchMatches("\"sha256-ab\", junk", etag));  // malformed list
  CHECK_FALSE(IfNoneMatchMatches("\"a\"b\"", etag));
}
