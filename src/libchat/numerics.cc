// Name and wire-code lookups for the numeric table in numerics.h.
#include "libchat/numerics.h"

#include <cstdlib>

namespace chat::irc {

namespace {

// "000" .. "999", built at compile time so NumericCode never allocates.
struct CodeTable {
  char code[1000][4];
};

constexpr CodeTable MakeCodeTable() {
  CodeTable t{};
  for (int i = 0; i < 1000; ++i) {
    t.code[i][0] = static_cast<char>('0' + i / 100);
    t.code[i][1] = static_cast<char>('0' + i / 10 % 10);
    t.code[i][2] = static_cast<char>('0' + i % 10);
    t.code[i][3] = '\0';
  }
  return t;
}

constexpr CodeTable kCodeTable = MakeCodeTable();

}  // namespace

const char* NumericName(int code) {
  switch (code) {
#define CHAT_IRC_NUMERIC_CASE(name, num, source) \
  case num:                                      \
    return #name;
    CHAT_IRC_NUMERICS(CHAT_IRC_NUMERIC_CASE)
#undef CHAT_IRC_NUMERIC_CASE
    default:
      return nullptr;
  }
}

const char* NumericCode(Numeric n) {
  int i = static_cast<int>(n);
  if (i < 0 || i > 999) std::abort();  // not a numeric: a broken invariant
  return kCodeTable.code[i];
}

}  // namespace chat::irc
