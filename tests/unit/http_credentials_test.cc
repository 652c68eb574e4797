// Tests for Authorization parsing (libchat/http/credentials.h).
#include "libchat/http/credentials.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::http::Credentials;
using chat::http::ParseAuthorization;

TEST_GROUP(HttpCredentials) {
  Credentials c;
};

TEST(HttpCredentials, ParsesBasic) {
  // RFC 7617 §2: "Aladdin:open sesame".
  CHECK(ParseAuthorization("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", &c));
  CHECK(c.scheme == Credentials::Scheme::kBasic);
  CHECK_EQUAL(std::string("Aladdin"), c.user);
  CHECK_EQUAL(std::string("open sesame"), c.password);
  // Case-insensitive scheme; the password may contain ':'; empty password.
  CHECK(ParseAuthorization("basic   YTpiOmM=", &c));  // a:b:c
  CHECK_EQUAL(std::string("a"), c.user);
  CHECK_EQUAL(std::string("b:c"), c.password);
  CHECK(ParseAuthorization("BASIC YTo=", &c));  // a:
  CHECK_EQUAL(std::string(""), c.password);
}

TEST(HttpCredentials, ParsesBearer) {
  CHECK(ParseAuthorization("Bearer abc-DEF_1.2~3+/==", &c));
  CHECK(c.scheme == Credentials::Scheme::kBearer);
  CHECK_EQUAL(std::string("abc-DEF_1.2~3+/=="), c.token);
  CHECK(c.user.empty());
}

TEST(HttpCredentials, RejectsOtherSchemesAndMalformedCredentials) {
  c.user = "unchanged";
  const char* bad[] = {"",
                       "Basic",
                       "Basic ",
                       "Digest abc",
                       "Basic QWxhZGRpbg==",   // no colon
                       "Basic OnB3",           // ":pw", empty user
                       "Basic YQFiOmM=",       // control character in the user
                       "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ",  // bad padding
                       "Basic QWxh ZGRp",
                       "Bearer a=b",
                       "Bearer a b",
                       "Bearer"};
  for (const char* b : bad) CHECK_FALSE_TEXT(ParseAuthorization(b, &c), b);
  CHECK_EQUAL(std::string("unchanged"), c.user);
}
