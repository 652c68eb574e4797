// Tests for strict base64 (libchat/base64.h): RFC 4648 §10 vectors, round
// trips over every byte value and length, and the rejects that make the
// decoder strict.
#include "libchat/base64.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::sasl::Base64Decode;
using chat::sasl::Base64Encode;

namespace {

struct Vector {
  const char* raw;
  const char* encoded;
};

// RFC 4648 §10.
const Vector kRfc4648[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                           {"foobar", "Zm9vYmFy"}};

}  // namespace

TEST_GROUP(Base64) {};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648) CHECK_EQUAL(std::string(v.encoded), Base64Encode(v.raw));
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648) {
    std::string raw = "junk";  // replaced, not appended to
    CHECK_TEXT(Base64Decode(v.encoded, &raw), v.encoded);
    CHECK_EQUAL(std::string(v.raw), raw);
  }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); ++len) {
    std::string raw = all.substr(256 - len);  // high bytes first, then the rest
    std::string text = Base64Encode(raw);
    CHECK_EQUAL((len + 2) / 3 * 4, text.size());
    std::string back;
    CHECK(Base64Decode(text, &back));
    CHECK(raw == back);
  }
}

TEST(Base64, UsesStandardAlphabet) {
  CHECK_EQUAL(std::string("+/+/"), Base64Encode("\xfb\xff\xbf"));
  std::string raw;
  CHECK(Base64Decode("+/+/", &raw));
  CHECK(raw == "\xfb\xff\xbf");
}

TEST(Base64, RejectsNonStrictInput) {
  const std::string bad[] = {
      "+",             // IRCv3 SASL's empty marker is the caller's business
      "Zg",            // padding is required
      "Zg=",           // incomplete padding
      "Zm9vY",         // length not a multiple of 4
      "Zm9v\n",        // line break
      " Zm9v",         // leading space
      "Zm9v ",         // trailing space
      "Zm 9v",         // inner space
      "Zm9v\r\nYg==",  // CRLF inside
      "Zm=v",          // '=' before the end
      "Zm8=Zm8=",      // padding in a non-final quantum
      "Z===",          // three '='
      "====",          // only padding
      "=Zm9",          // leading '='
      "Zh==",          // non-zero bits before "==" (canonical is Zg==)
      "Zm9=",          // non-zero bits before "=" (canonical is Zm8=)
      "Zm-_",          // URL-safe alphabet (RFC 4648 §5)
      "Zm9\x80",       // non-ASCII
      std::string("Zm9\0", 4),
      "Zm9v!g==",
  };
  for (const std::string& text : bad) {
    std::string raw;
    CHECK_FALSE_TEXT(Base64Decode(text, &raw), text.c_str());
  }
}
