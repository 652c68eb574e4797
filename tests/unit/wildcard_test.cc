// Tests for wildcard masks (libchat/wildcard.h).
#include "libchat/wildcard.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::irc::MaskMatch;
using chat::irc::NormalizeMask;

TEST_GROUP(Wildcard) {};

TEST(Wildcard, StarMatchesAnyRun) {
  CHECK(MaskMatch("*", "anything at all"));
  CHECK(MaskMatch("*", ""));
  CHECK(MaskMatch("**", ""));
  CHECK(MaskMatch("a*b", "ab"));
  CHECK(MaskMatch("a*b", "axxxb"));
  CHECK(MaskMatch("a*b", "abab"));
  CHECK_FALSE(MaskMatch("a*b", "abc"));
  CHECK_FALSE(MaskMatch("a*b", "ba"));
  CHECK(MaskMatch("*.example.com", "irc.example.com"));
  CHECK_FALSE(MaskMatch("*.example.com", "example.com"));
}

TEST(Wildcard, QuestionMarkMatchesExactlyOneByte) {
  CHECK(MaskMatch("?", "a"));
  CHECK_FALSE(MaskMatch("?", ""));
  CHECK_FALSE(MaskMatch("?", "ab"));
  CHECK(MaskMatch("n?ck", "nick"));
  CHECK_FALSE(MaskMatch("n?ck", "nck"));
  CHECK(MaskMatch("*?", "x"));
  CHECK_FALSE(MaskMatch("*?", ""));
  CHECK(MaskMatch("?*?", "ab"));
}

TEST(Wildcard, EmptyMaskMatchesOnlyEmptyText) {
  CHECK(MaskMatch("", ""));
  CHECK_FALSE(MaskMatch("", "a"));
}

TEST(Wildcard, LiteralMasks) {
  CHECK(MaskMatch("nick!user@host", "nick!user@host"));
  CHECK_FALSE(MaskMatch("nick!user@host", "nick!user@hos"));
  CHECK_FALSE(MaskMatch("nick!user@hos", "nick!user@host"));
}

TEST(Wildcard, CaseInsensitiveAscii) {
  CHECK(MaskMatch("nick!*@*", "NiCK!user@host"));
  CHECK(MaskMatch("*!*@*.EXAMPLE.com", "n!u@irc.example.COM"));
  CHECK_FALSE(MaskMatch("[a]*", "{a}x"));  // ascii casemapping
}

TEST(Wildcard, PathologicalMaskFinishes) {
  std::string text(20000, 'a');
  CHECK_FALSE(MaskMatch("*a*a*a*a*a*a*a*a*b", text));
  CHECK(MaskMatch("*a*a*a*a*a*a*a*a*b", text + "b"));
  CHECK_FALSE(MaskMatch("*?*?*?*?*?*?*?*?*b", text));
}

TEST(Wildcard, NormalizeMask) {
  CHECK_EQUAL(std::string("nick!*@*"), NormalizeMask("nick"));
  CHECK_EQUAL(std::string("*!user@host"), NormalizeMask("user@host"));
  CHECK_EQUAL(std::string("*!*@host.name"), NormalizeMask("host.name"));
  CHECK_EQUAL(std::string("*!*@*.example.com"), NormalizeMask("*.example.com"));
  CHECK_EQUAL(std::string("*!*@2001:db8::*"), NormalizeMask("2001:db8::*"));
  CHECK_EQUAL(std::string("nick!user@*"), NormalizeMask("nick!user"));
  CHECK_EQUAL(std::string("nick!user@host"), NormalizeMask("nick!user@host"));
  CHECK_EQUAL(std::string("n*!*@*"), NormalizeMask("n*"));
  CHECK_EQUAL(std::string("*!*@*"), NormalizeMask(""));
  CHECK_EQUAL(std::string("*!*@*"), NormalizeMask("*"));
  CHECK_EQUAL(std::string("nick!*@*"), NormalizeMask("nick!@"));
  CHECK_EQUAL(std::string("*!*@host"), NormalizeMask("@host"));
  CHECK_EQUAL(std::string("*!user@*"), NormalizeMask("user@"));
}
