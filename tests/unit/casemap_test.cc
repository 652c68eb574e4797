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
