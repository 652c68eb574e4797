// Tests for upload names and media types (libchat/files/file_name.h):
// path traversal, control and bidi characters, invalid UTF-8, length, and
// the inline allow-list.
#include "libchat/files/file_name.h"

#include <string>

#include "CppUTest/TestHarness.h"

using namespace chat::files;

TEST_GROUP(FileName) {};

TEST(FileName, KeepsOrdinaryNames) {
  CHECK_EQUAL(std::string("holiday photo.jpg"), SanitizeFileName("holiday photo.jpg"));
  CHECK_EQUAL(std::string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac.pdf"), SanitizeFileName("\xc3\xa9t\xc3\xa9 \xe2\x82\xac.pdf"));
}

TEST(FileName, DropsDirectoriesAndDotNames) {
  CHECK_EQUAL(std::string("passwd"), SanitizeFileName("../../etc/passwd"));
  CHECK_EQUAL(std::string("evil.exe"), SanitizeFileName("C:\\Windows\\evil.exe"));
  CHECK_EQUAL(std::string("file"), SanitizeFileName(".."));
  CHECK_EQUAL(std::string("file"), SanitizeFileName("a/.."));
  CHECK_EQUAL(std::string("file"), SanitizeFileName(""));
  CHECK_EQUAL(std::string("file"), SanitizeFileName("dir/"));
  CHECK_EQUAL(std::string("bashrc"), SanitizeFileName(".bashrc"));
  CHECK_EQUAL(std::string("name"), SanitizeFileName(" name. "));
}

TEST(FileName, ReplacesControlsBidiAndInvalidUtf8) {
  CHECK_EQUAL(std::string("a_b_c"), SanitizeFileName(std::string("a\nb\0c", 5)));
  CHECK_EQUAL(std::string("a_b"), SanitizeFileName("a\x7f" "b"));
  CHECK_EQUAL(std::string("a_b"), SanitizeFileName("a\xc2\x85" "b"));  // U+0085 NEL
  // "invoice_<RLO>fdp.exe" would display as "invoice_exe.pdf".
  CHECK_EQUAL(std::string("invoice__fdp.exe"), SanitizeFileName("invoice_\xe2\x80\xae" "fdp.exe"));
  CHECK_EQUAL(std::string("a_b"), SanitizeFileName("a\xe2\x81\xa6" "b"));  // U+2066
  CHECK_EQUAL(std::string("a_b"), SanitizeFileName("a\xef\xbb\xbf" "b"));  // BOM
  CHECK_EQUAL(std::string("a_b"), SanitizeFileName("a\xff" "b"));
  CHECK_EQUAL(std::string("a__b"), SanitizeFileName("a\xc0\xaf" "b"));        // overlong '/'
  CHECK_EQUAL(std::string("a___b"), SanitizeFileName("a\xed\xa0\x80" "b"));   // surrogate
}

TEST(FileName, CutsLongNamesKeepingTheExtension) {
  std::string longname(300, 'x');
  std::string out = SanitizeFileName(longname + ".tar.gz");
  CHECK_EQUAL(kMaxFileNameBytes, out.size());
  CHECK(out.substr(out.size() - 3) == ".gz");
  // Never inside a multi-byte character.
  std::string euros;
  for (int i = 0; i < 100; ++i) euros += "\xe2\x82\xac";
  out = SanitizeFileName(euros);
  CHECK(out.size() <= kMaxFileNameBytes);
  CHECK_EQUAL(0u, out.size() % 3);
}

TEST(FileName, NormalizesMediaTypes) {
  CHECK_EQUAL(std::string("image/png"), NormalizeMediaType("Image/PNG"));
  CHECK_EQUAL(std::string("text/plain"), NormalizeMediaType(" text/plain ; charset=utf-8"));
  const char* bad[] = {"", "png", "/png", "image/", "image/p ng", "image/png/x", "te\x01xt/plain"};
  for (const char* b : bad) CHECK_EQUAL_TEXT(std::string("application/octet-stream"), NormalizeMediaType(b), b);
}

TEST(FileName, OnlyTheAllowListIsInline) {
  CHECK(IsInlineSafe("image/png"));
  CHECK(IsInlineSafe("video/webm"));
  CHECK(IsInlineSafe("text/plain"));
  CHECK_FALSE(IsInlineSafe("image/svg+xml"));
  CHECK_FALSE(IsInlineSafe("text/html"));
  CHECK_FALSE(IsInlineSafe("application/pdf"));
  CHECK_FALSE(IsInlineSafe("application/octet-stream"));
  CHECK_EQUAL(std::string("text/plain; charset=utf-8"), ResponseContentType("text/plain"));
  CHECK_EQUAL(std::string("image/png"), ResponseContentType("image/png"));
}
