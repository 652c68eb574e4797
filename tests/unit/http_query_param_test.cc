// Tests for URL query parameters (libchat/http/query_param.h).
#include "libchat/http/query_param.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::http::QueryParam;

TEST_GROUP(QueryParam) {
  std::string v;
};

TEST(QueryParam, FindsAndDecodesTheFirstPair) {
  CHECK(QueryParam("target=%23chan", "target", &v));
  STRCMP_EQUAL("#chan", v.c_str());
  CHECK(QueryParam("a=1&exp=1700000000&sig=ab&exp=2", "exp", &v));
  STRCMP_EQUAL("1700000000", v.c_str());
  CHECK(QueryParam("flag&x=1", "flag", &v));
  STRCMP_EQUAL("", v.c_str());
  CHECK(QueryParam("q=a+b", "q", &v));
  STRCMP_EQUAL("a+b", v.c_str());  // '+' stays '+'
}

TEST(QueryParam, AbsentOrMalformedIsFalse) {
  CHECK_FALSE(QueryParam("", "target", &v));
  CHECK_FALSE(QueryParam("targets=1", "target", &v));
  CHECK_FALSE(QueryParam("target=%2", "target", &v));
  CHECK_FALSE(QueryParam("target=%00", "target", &v));
  CHECK_FALSE(QueryParam("target=a%2Fb", "target", &v));
}
