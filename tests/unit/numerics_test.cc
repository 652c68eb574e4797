// Tests for the numeric table lookups (libchat/numerics.h).
#include "libchat/numerics.h"

#include <cstdlib>
#include <cstring>

#include "CppUTest/TestHarness.h"

using namespace chat::irc;  // the numeric names are the point here

TEST_GROUP(Numerics) {};

TEST(Numerics, Names) {
  STRCMP_EQUAL("RPL_WELCOME", NumericName(1));
  STRCMP_EQUAL("RPL_ISUPPORT", NumericName(5));
  STRCMP_EQUAL("ERR_INPUTTOOLONG", NumericName(417));
  STRCMP_EQUAL("ERR_NICKNAMEINUSE", NumericName(433));
  STRCMP_EQUAL("ERR_MONLISTFULL", NumericName(734));
}

TEST(Numerics, UnknownCodeHasNoName) {
  POINTERS_EQUAL(nullptr, NumericName(0));
  POINTERS_EQUAL(nullptr, NumericName(999));
  POINTERS_EQUAL(nullptr, NumericName(-1));
  POINTERS_EQUAL(nullptr, NumericName(1001));
}

TEST(Numerics, CodesAreThreeDigits) {
  STRCMP_EQUAL("001", NumericCode(RPL_WELCOME));
  STRCMP_EQUAL("005", NumericCode(RPL_ISUPPORT));
  STRCMP_EQUAL("221", NumericCode(RPL_UMODEIS));
  STRCMP_EQUAL("401", NumericCode(ERR_NOSUCHNICK));
  STRCMP_EQUAL("671", NumericCode(RPL_WHOISSECURE));
}

TEST(Numerics, EveryTableEntryRoundTrips) {
  struct Entry {
    const char* name;
    int code;
    Numeric numeric;
    const char* source;
  };
  static const Entry kEntries[] = {
#define CHAT_IRC_NUMERIC_ENTRY(name, num, source) {#name, num, name, source},
      CHAT_IRC_NUMERICS(CHAT_IRC_NUMERIC_ENTRY)
#undef CHAT_IRC_NUMERIC_ENTRY
  };
  for (const Entry& e : kEntries) {
    STRCMP_EQUAL(e.name, NumericName(e.code));
    LONGS_EQUAL(3, std::strlen(NumericCode(e.numeric)));
    LONGS_EQUAL(e.code, std::strtol(NumericCode(e.numeric), nullptr, 10));
    CHECK_TEXT(std::strlen(e.source) > 0, e.name);
  }
}
