// Tests for the +chatd.dev/file tag value (libchat/files/file_tag.h).
#include "libchat/files/file_tag.h"

#include <string>

#include "CppUTest/TestHarness.h"

using namespace chat::files;

TEST_GROUP(FileTag) {};

TEST(FileTag, RoundTripsNamesWithSeparatorsAndUnicode) {
  FileTag t{"a,b=c;d e%f\\g – ü.png", 48213, "image/png"};
  const std::string v = FormatFileTag(t);
  CHECK(v.find(' ') == std::string::npos);
  CHECK(v.find(';') == std::string::npos);
  CHECK_EQUAL(std::string("size=48213,type=image/png"), v.substr(v.find("size=")));
  FileTag back;
  CHECK(ParseFileTag(v, &back));
  CHECK_EQUAL(t.name, back.name);
  CHECK_EQUAL(t.size, back.size);
  CHECK_EQUAL(t.type, back.type);
}

TEST(FileTag, ParsesTheDocumentedExampleInAnyOrder) {
  FileTag t;
  CHECK(ParseFileTag("type=IMAGE/PNG,size=48213,name=cat.png,future=1", &t));
  CHECK_EQUAL(std::string("cat.png"), t.name);
  CHECK_EQUAL(48213u, t.size);
  CHECK_EQUAL(std::string("image/png"), t.type);
}

TEST(FileTag, MissingOrBadTypeIsOctetStream) {
  FileTag t;
  CHECK(ParseFileTag("name=x,size=1", &t));
  CHECK_EQUAL(std::string("application/octet-stream"), t.type);
  CHECK(ParseFileTag("name=x,size=1,type=text/html\"><", &t));
  CHECK_EQUAL(std::string("application/octet-stream"), t.type);
}

TEST(FileTag, RefusesHostileOrIncompleteValues) {
  const char* bad[] = {"",
                       "size=1",                      // no name
                       "name=,size=1",                // empty name
                       "name=x",                      // no size
                       "name=x,size=-1",              // not decimal
                       "name=x,size=99999999999999999999",  // overflow
                       "name=x,name=y,size=1",        // duplicate key
                       "name=x,size=1,junk",          // no '='
                       "name=x%2,size=1",             // short escape
                       "name=x%zz,size=1",            // bad escape
                       "name=a%0Ab,size=1",           // decoded newline
                       "name=a%00b,size=1",           // decoded NUL
                       "name=a%7Fb,size=1"};
  for (const char* b : bad) {
    FileTag t;
    CHECK_FALSE_TEXT(ParseFileTag(b, &t), b);
  }
}

TEST(FileTag, ThumbnailTypesAreRasterImagesOnly) {
  CHECK(IsThumbnailType("image/png"));
  CHECK(IsThumbnailType("image/jpeg"));
  CHECK_FALSE(IsThumbnailType("image/svg+xml"));
  CHECK_FALSE(IsThumbnailType("application/pdf"));
}

TEST(FileTag, HumanSizes) {
  CHECK_EQUAL(std::string("0 bytes"), HumanSize(0));
  CHECK_EQUAL(std::string("1 byte"), HumanSize(1));
  CHECK_EQUAL(std::string("999 bytes"), HumanSize(999));
  CHECK_EQUAL(std::string("48.2 kB"), HumanSize(48213));
  CHECK_EQUAL(std::string("105 MB"), HumanSize(104857600));
  CHECK_EQUAL(std::string("2.1 GB"), HumanSize(2147483648ull));
}
