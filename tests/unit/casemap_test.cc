// Tests for the ascii casemapping and name validation (libchat/casemap.h).
#include "libchat/casemap.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::irc::EqualFold;
using chat::irc::Fold;
using chat::irc::IsChannelName;
using chat::irc::IsValidChannelName;
using chat::irc::IsValidNick;

TEST_GROUP(Casemap) {};

TEST(Casemap, FoldOnlyLowersAsciiLetters) {
  CHECK_EQUAL(std::string("nick[]\\~{}|^"), Fold("NiCK[]\\~{}|^"));
  CHECK_EQUAL(std::string("#chan-\xc3\x89t\xc3\xa9"), Fold("#CHAN-\xc3\x89T\xc3\xa9"));
  CHECK_EQUAL(std::string(""), Fold(""));
  STRCMP_EQUAL("ascii", chat::irc::kCasemappingName);
}

TEST(Casemap, EqualFold) {
  CHECK(EqualFold("Nick", "nICK"));
  CHECK(EqualFold("#Chan", "#chan"));
  CHECK(EqualFold("", ""));
  CHECK_FALSE(EqualFold("nick", "nick2"));
  CHECK_FALSE(EqualFold("nick_", "nick-"));
  CHECK_FALSE(EqualFold("[a]", "{a}"));  // rfc1459 would fold these; ascii doesn't
  CHECK_FALSE(EqualFold("\xc3\x89", "\xc3\xa9"));
}

TEST(Casemap, ValidNicks) {
  const char* good[] = {"nick", "Nick_", "a", "a1", "a-", "a-b-1", "[away]", "`x", "_", "^^",
                        "{x}", "|", "o\\o"};
  for (const char* n : good) CHECK_TEXT(IsValidNick(n, 30), n);
}

TEST(Casemap, InvalidNicks) {
  const char* bad[] = {"",       "1nick", "-nick", "#chan", "&x",     ":x",    "ni ck",
                       "nick!",  "nick@", "ni.ck", "ni,ck", "n\xc3\xadk", "\xc3\xa9", "*",
                       "ni*ck",  "ni?ck", "+v",    "@op",   "a\x07"};
  for (const char* n : bad) CHECK_TEXT(!IsValidNick(n, 30), n);
}

TEST(Casemap, NickLength) {
  CHECK(IsValidNick("abcdefghi", 9));
  CHECK_FALSE(IsValidNick("abcdefghij", 9));
}

TEST(Casemap, ValidChannelNames) {
  const char* good[] = {"#a", "#chan", "##meta", "#a:b", "#caf\xc3\xa9", "#\xf0\x9f\x98\x80",
                        "#-_.!"};
  for (const char* c : good) CHECK_TEXT(IsValidChannelName(c, 50), c);
}

TEST(Casemap, InvalidChannelNames) {
  const char* bad[] = {"", "#", "chan", "&local", "+modeless", "!safe", "#with space", "#a,b",
                       "#a\ab", "#a\rb", "#a\nb", "#\xff", "#\xc3"};
  for (const char* c : bad) CHECK_TEXT(!IsValidChannelName(c, 50), c);
  CHECK_FALSE(IsValidChannelName(std::string("#a\0b", 4), 50));
}

// Issue 19: names that look like another or hide text are refused.
TEST(Casemap, ChannelNamesWithoutControlsBidiOrInvisibles) {
  const char* bad[] = {
      "#\x01" "a",         "#a\tb",             "#a\x1b[31m",     "#a\x7f",           // C0, DEL
      "#a\xc2\x85",       "#a\xc2\x9f",        "#soft\xc2\xad",                      // C1, soft hyphen
      "#a\xe2\x80\xae",   "#a\xe2\x80\xaa",    "#a\xe2\x81\xa6",  "#a\xe2\x81\xa9",  // RLO, LRE, LRI, PDI
      "#a\xe2\x80\x8e",   "#a\xe2\x80\x8f",    "#a\xd8\x9c",                        // LRM, RLM, ALM
      "#a\xe2\x80\x8b",   "#a\xe2\x80\x8c",    "#a\xe2\x80\x8d",  "#a\xe2\x81\xa0",  // ZWSP, ZWNJ, ZWJ, WJ
      "#a\xef\xbb\xbf",   "#a\xe1\xa0\x8e"};                                      // BOM, MVS
  for (const char* c : bad) CHECK_TEXT(!IsValidChannelName(c, 50), c);
  // Neighbours of the refused ranges stay valid.
  const char* good[] = {"#a\xc2\xa0" "b", "#a\xe2\x80\x90", "#a\xe2\x80\xaf", "#\xd7\xa9\xd7\x9c"};
  for (const char* c : good) CHECK_TEXT(IsValidChannelName(c, 50), c);
}

TEST(Casemap, ChannelNameLength) {
  CHECK(IsValidChannelName("#123456789", 10));
  CHECK_FALSE(IsValidChannelName("#1234567890", 10));
}

TEST(Casemap, IsChannelName) {
  CHECK(IsChannelName("#a"));
  CHECK(IsChannelName("#"));
  CHECK_FALSE(IsChannelName("&a"));
  CHECK_FALSE(IsChannelName("nick"));
  CHECK_FALSE(IsChannelName(""));
}
