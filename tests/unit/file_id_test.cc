// Tests for file ids and hex (libchat/files/file_id.h).
#include "libchat/files/file_id.h"

#include <string>

#include "CppUTest/TestHarness.h"

using namespace chat::files;

TEST_GROUP(FileId) {};

TEST(FileId, EncodesSixteenBytesAs26Base32Characters) {
  CHECK_EQUAL(std::string("aaaaaaaaaaaaaaaaaaaaaaaaaa"), EncodeFileId(std::string(16, '\0')));
  CHECK_EQUAL(std::string("77777777777777777777777774"), EncodeFileId(std::string(16, '\xff')));
  CHECK_EQUAL(std::string(""), EncodeFileId("short"));
}

TEST(FileId, RoundTripsEveryBytePattern) {
  for (int seed = 0; seed < 256; ++seed) {
    std::string raw;
    for (int i = 0; i < 16; ++i) raw.push_back(static_cast<char>((seed * 31 + i * 97) & 0xff));
    std::string text = EncodeFileId(raw), back;
    CHECK_EQUAL(kFileIdChars, text.size());
    CHECK(DecodeFileId(text, &back));
    CHECK(raw == back);
  }
}

TEST(FileId, DecodingIsStrict) {
  std::string raw;
  const char* bad[] = {"",
                       "aaaaaaaaaaaaaaaaaaaaaaaaa",    // 25
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaa",  // 27
                       "AAAAAAAAAAAAAAAAAAAAAAAAAA",   // upper case
                       "aaaaaaaaaaaaaaaaaaaaaaaaa1",   // not in the alphabet
                       "aaaaaaaaaaaaaaaaaaaaaaaaab",   // unused bits set
                       "../aaaaaaaaaaaaaaaaaaaaaaa"};
  for (const char* b : bad) CHECK_FALSE_TEXT(DecodeFileId(b, &raw), b);
}

TEST(FileId, HexRoundTripsAndRejectsJunk) {
  CHECK_EQUAL(std::string("00ff10ab"), HexEncode(std::string("\x00\xff\x10\xab", 4)));
  std::string raw;
  CHECK(HexDecode("00FF10ab", &raw));
  CHECK(raw == std::string("\x00\xff\x10\xab", 4));
  CHECK_FALSE(HexDecode("0", &raw));
  CHECK_FALSE(HexDecode("0g", &raw));
}
