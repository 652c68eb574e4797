// Tests for the IRC message codec (libchat/message.h): parsing, limits,
// tag escaping, serialization round trips and the UTF-8 helpers.
#include "libchat/message.h"

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"

using chat::irc::EscapeTagValue;
using chat::irc::IsValidUtf8;
using chat::irc::LineError;
using chat::irc::Limits;
using chat::irc::Message;
using chat::irc::ParseLine;
using chat::irc::Serialize;
using chat::irc::TruncateUtf8;
using chat::irc::UnescapeTagValue;

namespace {

const char* ErrName(LineError e) {
  switch (e) {
    case LineError::kNone: return "kNone";
    case LineError::kEmpty: return "kEmpty";
    case LineError::kInputTooLong: return "kInputTooLong";
    case LineError::kTagsTooLong: return "kTagsTooLong";
    case LineError::kMalformedTags: return "kMalformedTags";
    case LineError::kNoCommand: return "kNoCommand";
    case LineError::kForbiddenByte: return "kForbiddenByte";
    case LineError::kInvalidUtf8: return "kInvalidUtf8";
  }
  return "?";
}

LineError Parse(std::string_view line, Message* m, const Limits& limits = Limits()) {
  return ParseLine(line, limits, m);
}

Limits ClientLimits() {
  Limits l;
  l.client_tags_only = true;
  return l;
}

Limits NoUtf8Limits() {
  Limits l;
  l.utf8_only = false;
  return l;
}

}  // namespace

#define CHECK_LINE_ERROR(expected, actual) STRCMP_EQUAL(ErrName(expected), ErrName(actual))
#define CHECK_PARSES(line, m) CHECK_LINE_ERROR(LineError::kNone, Parse((line), (m)))
#define CHECK_STR(expected, actual) CHECK_EQUAL(std::string(expected), std::string(actual))

TEST_GROUP(MessageParse) {
  Message m;
};

TEST(MessageParse, CommandMiddleAndTrailingParams) {
  CHECK_PARSES("PRIVMSG #chan :hello world", &m);
  CHECK_STR("PRIVMSG", m.command);
  CHECK_STR("", m.source);
  CHECK(m.tags.empty());
  LONGS_EQUAL(2, m.params.size());
  CHECK_STR("#chan", m.params[0]);
  CHECK_STR("hello world", m.params[1]);
}

TEST(MessageParse, CommandWithoutParams) {
  CHECK_PARSES("QUIT", &m);
  CHECK_STR("QUIT", m.command);
  CHECK(m.params.empty());
}

TEST(MessageParse, EmptyTrailingIsAnEmptyParam) {
  CHECK_PARSES("PRIVMSG #a :", &m);
  LONGS_EQUAL(2, m.params.size());
  CHECK_STR("#a", m.params[0]);
  CHECK_STR("", m.params[1]);
}

TEST(MessageParse, ColonInsideMiddleParamIsPartOfIt) {
  CHECK_PARSES("MODE #a +k a:b:", &m);
  LONGS_EQUAL(3, m.params.size());
  CHECK_STR("+k", m.params[1]);
  CHECK_STR("a:b:", m.params[2]);
}

TEST(MessageParse, TrailingKeepsSpacesAndLeadingColon) {
  CHECK_PARSES("PRIVMSG #a ::) hi  there :x ", &m);
  LONGS_EQUAL(2, m.params.size());
  CHECK_STR(":) hi  there :x ", m.params[1]);
}

TEST(MessageParse, LastParamWithoutColonIsOneWord) {
  CHECK_PARSES("PRIVMSG #a hello", &m);
  LONGS_EQUAL(2, m.params.size());
  CHECK_STR("hello", m.params[1]);
}

TEST(MessageParse, RunsOfSpacesBetweenTokensAreSkipped) {
  CHECK_PARSES("  :nick!u@h   PRIVMSG   #a    b   :c  d", &m);
  CHECK_STR("nick!u@h", m.source);
  CHECK_STR("PRIVMSG", m.command);
  LONGS_EQUAL(3, m.params.size());
  CHECK_STR("#a", m.params[0]);
  CHECK_STR("b", m.params[1]);
  CHECK_STR("c  d", m.params[2]);
}

TEST(MessageParse, TrailingSpacesAddNoParam) {
  CHECK_PARSES("JOIN #a   ", &m);
  LONGS_EQUAL(1, m.params.size());
  CHECK_STR("#a", m.params[0]);
}

TEST(MessageParse, SpacesAfterTagSectionAreSkipped) {
  CHECK_PARSES("@a=1   PING   x", &m);
  CHECK_STR("PING", m.command);
  LONGS_EQUAL(1, m.params.size());
  CHECK_STR("x", m.params[0]);
}

TEST(MessageParse, MoreThanFifteenParamsAreKept) {
  CHECK_PARSES("CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 :last one", &m);
  LONGS_EQUAL(18, m.params.size());
  CHECK_STR("15", m.params[14]);
  CHECK_STR("17", m.params[16]);
  CHECK_STR("last one", m.params[17]);
}

TEST(MessageParse, SourceUserMask) {
  CHECK_PARSES(":nick!user@host.example PRIVMSG #a :hi", &m);
  CHECK_STR("nick!user@host.example", m.source);
  CHECK_STR("PRIVMSG", m.command);
}

TEST(MessageParse, SourceServerName) {
  CHECK_PARSES(":irc.example.net 001 me :Welcome", &m);
  CHECK_STR("irc.example.net", m.source);
  CHECK_STR("001", m.command);
  CHECK_STR("me", m.params[0]);
}

TEST(MessageParse, SourceWithoutCommandIsRejected) {
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse(":nick!user@host", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse(":nick!user@host   ", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("@a=1 :server", &m));
}

TEST(MessageParse, EmptySourceIsRejected) {
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse(": PING", &m));
}

TEST(MessageParse, NumericCommandMustHaveThreeDigits) {
  CHECK_PARSES("001 me :hi", &m);
  CHECK_STR("001", m.command);
  CHECK_PARSES("433 * nick :in use", &m);
  CHECK_STR("433", m.command);
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("01 me :hi", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("0001 me :hi", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("1a2 me", &m));
}

TEST(MessageParse, CommandMustBeLetters) {
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("PRIV2 #a", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("PRIV_MSG #a", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse(":#a :x", &m));
  CHECK_LINE_ERROR(LineError::kNoCommand, Parse("\xc3\xa9 x", &m));
}

TEST(MessageParse, CommandIsUpperCased) {
  CHECK_PARSES("privmsg #a :Hi", &m);
  CHECK_STR("PRIVMSG", m.command);
  CHECK_STR("#a", m.params[0]);
  CHECK_STR("Hi", m.params[1]);
  CHECK_PARSES("PrivMsg #a :x", &m);
  CHECK_STR("PRIVMSG", m.command);
}

TEST(MessageParse, EmptyAndAllSpaceLines) {
  CHECK_LINE_ERROR(LineError::kEmpty, Parse("", &m));
  CHECK_LINE_ERROR(LineError::kEmpty, Parse("    ", &m));
}

TEST(MessageParse, ForbiddenBytesAnywhere) {
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse(std::string("PRIVMSG #a :a\0b", 15), &m));
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse("PRIVMSG #a :a\rb", &m));
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse("PRIVMSG #a :a\nb", &m));
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse("@a=x\ry PING", &m));
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse(std::string("\0", 1), &m));
  CHECK_LINE_ERROR(LineError::kForbiddenByte, Parse("\r", &m));
}

// --- tags

TEST(MessageParse, EveryTagEscapeIsDecoded) {
  CHECK_PARSES("@a=x\\:y\\sz\\\\w\\rq\\ne PING", &m);
  LONGS_EQUAL(1, m.tags.size());
  CHECK_STR("a", m.tags[0].key);
  CHECK_STR("x;y z\\w\rq\ne", m.tags[0].value);
}

TEST(MessageParse, UnknownEscapeDropsTheBackslash) {
  CHECK_PARSES("@a=\\b\\x\\; PING", &m);  // "\;" can't occur: ';' ends the tag
  CHECK_STR("bx", *m.FindTag("a"));
}

TEST(MessageParse, TrailingLoneBackslashIsDropped) {
  CHECK_PARSES("@a=abc\\;b=\\ PING", &m);
  CHECK_STR("abc", *m.FindTag("a"));
  CHECK_STR("", *m.FindTag("b"));
}

TEST(MessageParse, TagsWithoutValueOrWithEmptyValue) {
  CHECK_PARSES("@a;b=;c=1 PING", &m);
  LONGS_EQUAL(3, m.tags.size());
  CHECK_STR("a", m.tags[0].key);
  CHECK_STR("", m.tags[0].value);
  CHECK_STR("b", m.tags[1].key);
  CHECK_STR("", m.tags[1].value);
  CHECK_STR("1", m.tags[2].value);
  CHECK_STR("@a;b;c=1 PING\r\n", Serialize(m));
}

TEST(MessageParse, DuplicateTagLastValueWinsAtFirstPosition) {
  CHECK_PARSES("@a=1;b=2;a=3;c;a PING", &m);
  LONGS_EQUAL(3, m.tags.size());
  CHECK_STR("a", m.tags[0].key);
  CHECK_STR("", m.tags[0].value);  // the last "a" had no value
  CHECK_STR("b", m.tags[1].key);
  CHECK_STR("c", m.tags[2].key);
  CHECK_PARSES("@a=1;a=2 PING", &m);
  LONGS_EQUAL(1, m.tags.size());
  CHECK_STR("2", m.tags[0].value);
}

TEST(MessageParse, VendorAndClientOnlyTags) {
  CHECK_PARSES("@+example.com/foo=bar;example.org/x;+typing=active;time=2023-01-01T00:00:00.000Z "
               ":n!u@h TAGMSG #a", &m);
  LONGS_EQUAL(4, m.tags.size());
  CHECK_STR("+example.com/foo", m.tags[0].key);
  CHECK_STR("bar", m.tags[0].value);
  CHECK_STR("example.org/x", m.tags[1].key);
  CHECK_STR("+typing", m.tags[2].key);
  CHECK_STR("time", m.tags[3].key);
  CHECK_STR("2023-01-01T00:00:00.000Z", *m.FindTag("time"));
  CHECK(m.FindTag("typing") == nullptr);
}

TEST(MessageParse, ClientTagsOnlyDropsServerTags) {
  CHECK_LINE_ERROR(LineError::kNone,
                   Parse("@+a=1;time=x;example.com/y=2;+b=2;+a=3 PRIVMSG #a :x", &m,
                         ClientLimits()));
  LONGS_EQUAL(2, m.tags.size());
  CHECK_STR("+a", m.tags[0].key);
  CHECK_STR("3", m.tags[0].value);
  CHECK_STR("+b", m.tags[1].key);
  CHECK(m.FindTag("time") == nullptr);
  CHECK_STR("PRIVMSG", m.command);
}

TEST(MessageParse, EmptySegmentsBetweenTagsAreSkipped) {
  CHECK_PARSES("@;a=b;;c; PING", &m);
  LONGS_EQUAL(2, m.tags.size());
  CHECK_STR("b", *m.FindTag("a"));
  CHECK_STR("", *m.FindTag("c"));
}

TEST(MessageParse, MalformedTagSections) {
  const char* bad[] = {
      "@ PING",          // nothing after '@'
      "@; PING",         // only separators
      "@=v PING",        // empty key
      "@+ PING",         // '+' with no name
      "@+=v PING",       //
      "@a_b=1 PING",     // '_' not allowed in a key
      "@a.b=1 PING",     // '.' only in the vendor part
      "@/x PING",        // empty vendor
      "@a/ PING",        // vendor without name
      "@a/b/c PING",     // two slashes
      "@v_x.com/a PING", // bad vendor char
      "@\xc3\xa9=1 PING",  // non-ASCII key
      "@a=b",            // tags and nothing else
      "@a=b ",           // no command after tags
      "@a=b     ",       //
  };
  for (const char* line : bad) {
    STRCMP_EQUAL_TEXT("kMalformedTags", ErrName(Parse(line, &m)), line);
  }
}

TEST(MessageParse, TagValueMayContainEqualsAndUtf8) {
  CHECK_PARSES("@a=b=c;d=\xc3\xa9t\xc3\xa9 PING", &m);
  CHECK_STR("b=c", *m.FindTag("a"));
  CHECK_STR("\xc3\xa9t\xc3\xa9", *m.FindTag("d"));
}

// --- limits

TEST(MessageParse, BodyOf510BytesIsAcceptedAnd511Rejected) {
  std::string head = "PRIVMSG #a :";
  std::string ok = head + std::string(510 - head.size(), 'x');
  LONGS_EQUAL(510, ok.size());
  CHECK_PARSES(ok, &m);
  CHECK_STR(std::string(510 - head.size(), 'x'), m.params[1]);
  CHECK_LINE_ERROR(LineError::kInputTooLong, Parse(ok + "x", &m));
}

TEST(MessageParse, BodyLimitExcludesTags) {
  std::string body = "PRIVMSG #a :" + std::string(498, 'x');
  LONGS_EQUAL(510, body.size());
  CHECK_PARSES("@time=2023-01-01T00:00:00.000Z;msgid=abcdef " + body, &m);
  CHECK_LINE_ERROR(LineError::kInputTooLong,
                   Parse("@time=2023-01-01T00:00:00.000Z " + body + "x", &m));
}

TEST(MessageParse, CustomBodyLimit) {
  Limits l;
  l.max_body = 10;  // 8 bytes + CRLF
  CHECK_LINE_ERROR(LineError::kNone, Parse("PING abc", &m, l));
  CHECK_LINE_ERROR(LineError::kInputTooLong, Parse("PING abcd", &m, l));
}

TEST(MessageParse, TagSectionAtLimitAndOneOver) {
  // "@k=" + value + " " is the tag section: 4 + value bytes.
  std::string at_limit = "@k=" + std::string(8191 - 4, 'v') + " PING";
  CHECK_PARSES(at_limit, &m);
  LONGS_EQUAL(8187, m.FindTag("k")->size());
  std::string over = "@k=" + std::string(8192 - 4, 'v') + " PING";
  CHECK_LINE_ERROR(LineError::kTagsTooLong, Parse(over, &m));
  // Without a space the section is at least the whole line.
  CHECK_LINE_ERROR(LineError::kTagsTooLong, Parse("@k=" + std::string(9000, 'v'), &m));
}

TEST(MessageParse, ClientOnlyTagsAtLimitAndOneOver) {
  // One client-only tag: "+k=" + value is the counted data.
  std::string ok = "@time=x;+k=" + std::string(4094 - 3, 'v') + " TAGMSG #a";
  CHECK_PARSES(ok, &m);
  std::string over = "@time=x;+k=" + std::string(4095 - 3, 'v') + " TAGMSG #a";
  CHECK_LINE_ERROR(LineError::kTagsTooLong, Parse(over, &m));
}

TEST(MessageParse, ClientOnlyTagSeparatorsAreCounted) {
  // "+a=" x ";" "+b=" y: 7 bytes besides the values; the server tag between
  // them does not count.
  std::string x(2000, 'x');
  std::string ok = "@+a=" + x + ";time=1;+b=" + std::string(4094 - 7 - 2000, 'y') + " TAGMSG #a";
  CHECK_PARSES(ok, &m);
  std::string over = "@+a=" + x + ";time=1;+b=" + std::string(4095 - 7 - 2000, 'y') + " TAGMSG #a";
  CHECK_LINE_ERROR(LineError::kTagsTooLong, Parse(over, &m));
}

TEST(MessageParse, FromClientAllTagDataCounts) {
  // With client_tags_only, the spec's client rule applies: all 4094 bytes
  // between '@' and ' ', server tags included (and then dropped).
  std::string prefix = "time=1;+k=";
  std::string ok = "@" + prefix + std::string(4094 - prefix.size(), 'v') + " TAGMSG #a";
  CHECK_LINE_ERROR(LineError::kNone, Parse(ok, &m, ClientLimits()));
  LONGS_EQUAL(1, m.tags.size());
  std::string over = "@" + prefix + std::string(4095 - prefix.size(), 'v') + " TAGMSG #a";
  CHECK_LINE_ERROR(LineError::kTagsTooLong, Parse(over, &m, ClientLimits()));
}

// --- UTF-8

TEST(MessageParse, InvalidUtf8RejectedUnderUtf8Only) {
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse("PRIVMSG #a :caf\xe9", &m));
  CHECK_STR("PRIVMSG", m.command);  // still parsed, for FAIL PRIVMSG INVALID_UTF8
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse("PRIVMSG #a :\xc0\xaf", &m));      // overlong '/'
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse("PRIVMSG #a :\xe0\x80\xaf", &m));  // overlong
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse("PRIVMSG #a :\xed\xa0\x80", &m));  // surrogate
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse("@+a=\xff TAGMSG #a", &m));        // in a tag
  CHECK_LINE_ERROR(LineError::kInvalidUtf8, Parse(":n\xff!u@h PRIVMSG #a :x", &m));  // in source
}

TEST(MessageParse, InvalidUtf8AcceptedWhenNotUtf8Only) {
  CHECK_LINE_ERROR(LineError::kNone, Parse("PRIVMSG #a :caf\xe9", &m, NoUtf8Limits()));
  CHECK_STR("caf\xe9", m.params[1]);
  CHECK_LINE_ERROR(LineError::kNone, Parse("PRIVMSG #a :\xed\xa0\x80", &m, NoUtf8Limits()));
}

TEST(MessageParse, ValidUtf8Accepted) {
  CHECK_PARSES("PRIVMSG #caf\xc3\xa9 :\xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf", &m);
  CHECK_STR("#caf\xc3\xa9", m.params[0]);
}

TEST_GROUP(Utf8) {};

TEST(Utf8, WellFormedSequences) {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ascii"));
  CHECK(IsValidUtf8("\xc2\x80"));          // U+0080
  CHECK(IsValidUtf8("\xdf\xbf"));          // U+07FF
  CHECK(IsValidUtf8("\xe0\xa0\x80"));      // U+0800
  CHECK(IsValidUtf8("\xed\x9f\xbf"));      // U+D7FF
  CHECK(IsValidUtf8("\xee\x80\x80"));      // U+E000
  CHECK(IsValidUtf8("\xef\xbf\xbf"));      // U+FFFF
  CHECK(IsValidUtf8("\xf0\x90\x80\x80"));  // U+10000
  CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(Utf8, IllFormedSequences) {
  CHECK_FALSE(IsValidUtf8("\x80"));              // lone continuation
  CHECK_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  CHECK_FALSE(IsValidUtf8("\xc1\xbf"));          // overlong
  CHECK_FALSE(IsValidUtf8("\xe0\x9f\xbf"));      // overlong 3-byte
  CHECK_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));  // overlong 4-byte
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));      // U+D800
  CHECK_FALSE(IsValidUtf8("\xed\xbf\xbf"));      // U+DFFF
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // U+110000
  CHECK_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xff"));
  CHECK_FALSE(IsValidUtf8("\xe2\x82"));          // truncated at the end
  CHECK_FALSE(IsValidUtf8("\xe2\x82x"));         // truncated mid-string
  CHECK_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  CHECK_FALSE(IsValidUtf8("\xc3\xc3\xa9"));
}

TEST(Utf8, TruncateNeverSplitsASequence) {
  std::string_view s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a é € 😀: 1+2+3+4
  CHECK_STR("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", TruncateUtf8(s, 100));
  CHECK_STR("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", TruncateUtf8(s, 10));
  CHECK_STR("a\xc3\xa9\xe2\x82\xac", TruncateUtf8(s, 9));
  CHECK_STR("a\xc3\xa9\xe2\x82\xac", TruncateUtf8(s, 6));
  CHECK_STR("a\xc3\xa9", TruncateUtf8(s, 5));
  CHECK_STR("a\xc3\xa9", TruncateUtf8(s, 3));
  CHECK_STR("a", TruncateUtf8(s, 2));
  CHECK_STR("", TruncateUtf8(s, 0));
  CHECK_STR("abc", TruncateUtf8("abcdef", 3));
}

// --- escaping and serialization

TEST_GROUP(MessageSerialize) {
  Message m;
};

TEST(MessageSerialize, EscapeTagValueEscapesEverySpecial) {
  CHECK_STR("a\\:b\\sc\\\\d\\re\\nf", EscapeTagValue("a;b c\\d\re\nf"));
  CHECK_STR("plain=text", EscapeTagValue("plain=text"));
  CHECK_STR("", EscapeTagValue(""));
}

TEST(MessageSerialize, UnescapeTagValue) {
  CHECK_STR("a;b c\\d\re\nf", UnescapeTagValue("a\\:b\\sc\\\\d\\re\\nf"));
  CHECK_STR("xy", UnescapeTagValue("\\x\\y"));
  CHECK_STR("ab", UnescapeTagValue("ab\\"));
  CHECK_STR("", UnescapeTagValue("\\"));
  CHECK_STR("\\", UnescapeTagValue("\\\\\\"));
}

TEST(MessageSerialize, EscapedValuesRoundTrip) {
  const char* values[] = {"; \\\r\n", "\\s", "\\:", ";;;", "  ", "a\\", "\\\\", "=", "\xc3\xa9 ;x"};
  for (const char* v : values) {
    Message in;
    in.command = "TAGMSG";
    in.params = {"#a"};
    in.SetTag("+k", v);
    std::string wire = Serialize(in);
    CHECK_LINE_ERROR(LineError::kNone, Parse(wire.substr(0, wire.size() - 2), &m));
    CHECK_STR(v, *m.FindTag("+k"));
    CHECK_STR(v, UnescapeTagValue(EscapeTagValue(v)));
  }
}

TEST(MessageSerialize, WritesAllParts) {
  m.SetTag("time", "2023-01-01T00:00:00.000Z");
  m.SetTag("+empty", "");
  m.SetTag("+x", "a b;c");
  m.source = "nick!user@host";
  m.command = "PRIVMSG";
  m.params = {"#a", "hello world"};
  CHECK_STR("@time=2023-01-01T00:00:00.000Z;+empty;+x=a\\sb\\:c :nick!user@host PRIVMSG #a "
            ":hello world\r\n",
            Serialize(m));
}

TEST(MessageSerialize, TrailingColonOnlyWhenNeeded) {
  m.command = "PRIVMSG";
  m.params = {"#a", "word"};
  CHECK_STR("PRIVMSG #a word\r\n", Serialize(m));
  m.params = {"#a", ""};
  CHECK_STR("PRIVMSG #a :\r\n", Serialize(m));
  m.params = {"#a", ":)"};
  CHECK_STR("PRIVMSG #a ::)\r\n", Serialize(m));
  m.params = {"#a", "two words"};
  CHECK_STR("PRIVMSG #a :two words\r\n", Serialize(m));
  m.params = {};
  CHECK_STR("PRIVMSG\r\n", Serialize(m));
}

TEST(MessageSerialize, SerializeOfParsedLineIsTheLine) {
  const char* lines[] = {
      "PING",
      "PING :",
      "PING token",
      "PRIVMSG #a :hello world",
      ":nick!user@host PRIVMSG #a ::-)",
      ":irc.example.net 001 me :Welcome to the network, me",
      ":irc.example.net 005 me CASEMAPPING=ascii CHANTYPES=# :are supported by this server",
      "@time=2023-01-01T00:00:00.000Z;msgid=abc :srv NOTICE * :hi there",
      "@+draft/reply=123;+example.com/x=a\\sb\\:c\\\\d\\r\\n TAGMSG #a",
      "@a;b=1;c :n!u@h CMD x y z",
      "MODE #a +kl key:with:colons 10",
      "USER u 0 * :Real Name",
      "CAP * LS :multi-prefix sasl message-tags",
      "PRIVMSG #caf\xc3\xa9 :\xf0\x9f\x98\x80 ok",
  };
  for (const char* line : lines) {
    CHECK_LINE_ERROR(LineError::kNone, Parse(line, &m));
    STRCMP_EQUAL_TEXT((std::string(line) + "\r\n").c_str(), Serialize(m).c_str(), line);
  }
}

TEST(MessageSerialize, ParseOfSerializedMessageIsTheMessage) {
  Message in;
  in.SetTag("+a", "; \\\r\n");
  in.SetTag("b", "");
  in.SetTag("vendor.example/c", "x=y");
  in.source = "srv.example";
  in.command = "NOTICE";
  in.params = {"#a", "b:c", " leading space:"};
  std::string wire = Serialize(in);
  CHECK_STR("\r\n", wire.substr(wire.size() - 2));
  CHECK_LINE_ERROR(LineError::kNone, Parse(wire.substr(0, wire.size() - 2), &m));
  LONGS_EQUAL(in.tags.size(), m.tags.size());
  for (std::size_t i = 0; i < in.tags.size(); ++i) {
    CHECK_STR(in.tags[i].key, m.tags[i].key);
    CHECK_STR(in.tags[i].value, m.tags[i].value);
  }
  CHECK_STR(in.source, m.source);
  CHECK_STR(in.command, m.command);
  CHECK(in.params == m.params);
}

// --- Message tag helpers

TEST_GROUP(MessageTags) {
  Message m;
};

TEST(MessageTags, SetFindReplaceRemove) {
  CHECK(m.FindTag("a") == nullptr);
  m.SetTag("a", "1");
  m.SetTag("b", "2");
  m.SetTag("a", "3");
  LONGS_EQUAL(2, m.tags.size());
  CHECK_STR("a", m.tags[0].key);
  CHECK_STR("3", *m.FindTag("a"));
  m.RemoveTag("a");
  CHECK(m.FindTag("a") == nullptr);
  LONGS_EQUAL(1, m.tags.size());
  m.RemoveTag("missing");
  LONGS_EQUAL(1, m.tags.size());
  CHECK_STR("2", *m.FindTag("b"));
}
