// Tests for Content-Disposition (libchat/http/content_disposition.h):
// RFC 6266 §5's examples, RFC 8187 ext-values, hostile values, and the
// formatter's escaping.
#include "libchat/http/content_disposition.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::http::FormatContentDisposition;
using chat::http::ParseContentDispositionFilename;

TEST_GROUP(ContentDisposition) {
  std::string name;
  bool Parse(const char* v) { return ParseContentDispositionFilename(v, &name); }
};

TEST(ContentDisposition, ParsesTokenAndQuotedFilenames) {
  CHECK(Parse("Attachment; filename=example.html"));
  CHECK_EQUAL(std::string("example.html"), name);
  CHECK(Parse("INLINE; FILENAME= \"an example.html\""));
  CHECK_EQUAL(std::string("an example.html"), name);
  CHECK(Parse("attachment; filename=\"a \\\"quoted\\\" name.txt\""));
  CHECK_EQUAL(std::string("a \"quoted\" name.txt"), name);
  CHECK(Parse("attachment; size=3; filename=x.bin;"));
  CHECK_EQUAL(std::string("x.bin"), name);
}

TEST(ContentDisposition, ExtValueWinsAndIsDecoded) {
  // RFC 6266 §5.
  CHECK(Parse("attachment; filename*= UTF-8''%e2%82%ac%20rates"));
  CHECK_EQUAL(std::string("\xe2\x82\xac rates"), name);
  CHECK(Parse("attachment; filename=\"EURO rates\"; filename*=utf-8''%e2%82%ac%20rates"));
  CHECK_EQUAL(std::string("\xe2\x82\xac rates"), name);
  // ISO-8859-1 becomes UTF-8; a language tag is skipped.
  CHECK(Parse("attachment; filename*=iso-8859-1'en'%A3%20rates"));
  CHECK_EQUAL(std::string("\xc2\xa3 rates"), name);
  // An unknown charset falls back on filename.
  CHECK(Parse("attachment; filename=plain.txt; filename*=koi8-r''%C1"));
  CHECK_EQUAL(std::string("plain.txt"), name);
}

TEST(ContentDisposition, RejectsMalformedValues) {
  name = "unchanged";
  const char* bad[] = {"",
                       "attachment",
                       "; filename=a",
                       "attachment; filename",
                       "attachment; filename=",
                       "attachment; filename=\"unterminated",
                       "attachment; filename=a; filename=b",
                       "attachment; filename*=UTF-8''%G1",
                       "attachment; filename*=UTF-8''%4",
                       "attachment; filename*=\"UTF-8''a\"",
                       "attachment; filename*=koi8-r''a",
                       "attachment; filename=\"a\x01" "b\"",
                       "attachment filename=a"};
  for (const char* b : bad) CHECK_FALSE_TEXT(Parse(b), b);
  CHECK_EQUAL(std::string("unchanged"), name);
}

TEST(ContentDisposition, FormatsAnAsciiFallbackAndAnExtValue) {
  CHECK_EQUAL(std::string("inline; filename=\"cat.png\"; filename*=UTF-8''cat.png"),
              FormatContentDisposition(true, "cat.png"));
  CHECK_EQUAL(std::string("attachment; filename=\"___ a_b_c_.pdf\"; filename*=UTF-8''%E2%82%AC%20a%22b%5Cc%25.pdf"),
              FormatContentDisposition(false, "\xe2\x82\xac a\"b\\c%.pdf"));
  CHECK_EQUAL(std::string("attachment"), FormatContentDisposition(false, ""));
}

TEST(ContentDisposition, FormattedValuesParseBack) {
  const char* names[] = {"plain.txt", "with space.txt", "\xe2\x82\xac.pdf", "semi;colon\"q.txt"};
  for (const char* n : names) {
    std::string back;
    CHECK_TEXT(ParseContentDispositionFilename(FormatContentDisposition(false, n), &back), n);
    CHECK_EQUAL(std::string(n), back);
  }
}

TEST(ContentDisposition, PercentEncodesPathSegments) {
  CHECK_EQUAL(std::string("a%20b%2F..%3F.txt"), chat::http::PercentEncodePathSegment("a b/..?.txt"));
  CHECK_EQUAL(std::string("%E2%82%AC-_.~"), chat::http::PercentEncodePathSegment("\xe2\x82\xac-_.~"));
}
