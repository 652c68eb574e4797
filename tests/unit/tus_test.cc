// Tests for tus 1.0.0 header fields (libchat/files/tus.h).
#include "libchat/files/tus.h"

#include <string>

#include "CppUTest/TestHarness.h"

using namespace chat::files;

TEST_GROUP(Tus) {};

TEST(Tus, OnlyVersion100IsSupported) {
  CHECK(TusVersionSupported("1.0.0"));
  CHECK_FALSE(TusVersionSupported("0.2.2"));
  CHECK_FALSE(TusVersionSupported(""));
  CHECK_FALSE(TusVersionSupported("1.0.0 "));
}

TEST(Tus, NumbersAreNonNegativeDecimals) {
  uint64_t v = 0;
  CHECK(ParseTusNumber("1073741824", &v));
  CHECK_EQUAL(1073741824u, v);
  const char* bad[] = {"", "-1", "1.5", "0x10", "1e3", "99999999999999999999"};
  for (const char* b : bad) CHECK_FALSE_TEXT(ParseTusNumber(b, &v), b);
}

TEST(Tus, ParsesMetadataPairs) {
  // tus creation's example: filename "world_domination_plan.pdf", is_confidential.
  std::vector<std::pair<std::string, std::string>> md;
  CHECK(ParseTusMetadata("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential", &md));
  CHECK_EQUAL(2u, md.size());
  CHECK_EQUAL(std::string("filename"), md[0].first);
  CHECK_EQUAL(std::string("world_domination_plan.pdf"), md[0].second);
  CHECK_EQUAL(std::string("is_confidential"), md[1].first);
  CHECK_EQUAL(std::string(""), md[1].second);
  CHECK(ParseTusMetadata("", &md));
  CHECK_EQUAL(0u, md.size());
}

TEST(Tus, RejectsBadMetadata) {
  std::vector<std::pair<std::string, std::string>> md;
  const char* bad[] = {",", "a YQ==,", "a YQ==,a Yg==", "a !!", "a YQ", "k\x01 YQ==", "a YQ== b"};
  for (const char* b : bad) CHECK_FALSE_TEXT(ParseTusMetadata(b, &md), b);
}

TEST(Tus, ParsesSha256Checksums) {
  std::string digest;
  // SHA-256("") in base64.
  CHECK(ParseTusChecksum("sha256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", &digest) == TusChecksum::kOk);
  CHECK_EQUAL(32u, digest.size());
  CHECK_EQUAL(0xe3, static_cast<unsigned char>(digest[0]));
  CHECK(ParseTusChecksum("SHA256 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", &digest) == TusChecksum::kOk);
  CHECK(ParseTusChecksum("md5 1B2M2Y8AsgTpgAmY7PhCfg==", &digest) == TusChecksum::kUnsupported);
  CHECK(ParseTusChecksum("sha256 YQ==", &digest) == TusChecksum::kMalformed);  // not 32 bytes
  CHECK(ParseTusChecksum("sha256", &digest) == TusChecksum::kMalformed);
  CHECK(ParseTusChecksum("sha256 !!!!", &digest) == TusChecksum::kMalformed);
}
