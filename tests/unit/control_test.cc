// Tests for the control protocol codec (libchat/control.h, doc/control.md):
// request and response round trips, escaping of TAB/LF/CR/NUL/backslash and
// UTF-8, the 64 KiB line bound, shell-like words for typed requests, and
// rejection of malformed lines.
#include "libchat/control.h"

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"

namespace ctl = chat::ctl;

namespace {

std::string Chomp(std::string line) {
  CHECK(!line.empty() && line.back() == '\n');
  line.pop_back();
  return line;
}

std::vector<std::string> RoundTrip(const std::vector<std::string>& args) {
  auto enc = ctl::EncodeRequest(args);
  CHECK_TEXT(enc.ok(), enc.status().ToString().c_str());
  std::string line = Chomp(enc.value());
  CHECK(line.find('\n') == std::string::npos);
  CHECK(line.find('\r') == std::string::npos);
  std::vector<std::string> out;
  chat::Status s = ctl::DecodeRequest(line, &out);
  CHECK_TEXT(s.ok(), s.ToString().c_str());
  return out;
}

std::vector<std::string> Words(const char* line) {
  std::vector<std::string> out;
  chat::Status s = ctl::DecodeRequest(line, &out);
  CHECK_TEXT(s.ok(), s.ToString().c_str());
  return out;
}

bool Rejected(std::string_view line) {
  std::vector<std::string> out;
  return !ctl::DecodeRequest(line, &out).ok();
}

ctl::Response Parse(const std::vector<std::string>& lines) {
  ctl::ResponseParser p;
  for (const auto& l : lines) {
    chat::Status s = p.Feed(l);
    CHECK_TEXT(s.ok(), (l + ": " + s.ToString()).c_str());
  }
  CHECK(p.done());
  return p.response();
}

bool ResponseRejected(const std::string& line) {
  ctl::ResponseParser p;
  return !p.Feed(line).ok();
}

}  // namespace

TEST_GROUP(ControlRequest) {};

TEST(ControlRequest, PlainWordsRoundTrip) {
  std::vector<std::string> args = {"users", "show", "alice"};
  CHECK(args == RoundTrip(args));
}

TEST(ControlRequest, SingleWordRoundTrips) {
  CHECK(std::vector<std::string>{"status"} == RoundTrip({"status"}));
  CHECK(std::vector<std::string>{"a b"} == RoundTrip({"a b"}));
}

TEST(ControlRequest, EmptyArgumentsSurvive) {
  std::vector<std::string> args = {"channels", "create", "#x", ""};
  CHECK(args == RoundTrip(args));
  std::vector<std::string> two = {"announce", ""};
  CHECK(two == RoundTrip(two));
}

TEST(ControlRequest, ControlCharactersAreEscaped) {
  std::vector<std::string> args = {"announce", "tab\there\nnew line\r\\back\\slash", std::string("nul\0byte", 8)};
  auto enc = ctl::EncodeRequest(args);
  CHECK(enc.ok());
  STRCMP_EQUAL("announce\ttab\\there\\nnew line\\r\\\\back\\\\slash\tnul\\0byte\t\n", enc.value().c_str());
  CHECK(args == RoundTrip(args));
}

TEST(ControlRequest, Utf8PassesThroughUnchanged) {
  std::vector<std::string> args = {"channels", "topic", "#café", "héllo wörld — ✓ 𝄞 日本語"};
  auto enc = ctl::EncodeRequest(args);
  CHECK(enc.ok());
  CHECK(enc.value().find("𝄞") != std::string::npos);
  CHECK(args == RoundTrip(args));
}

TEST(ControlRequest, EveryByteSurvivesEscaping) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::string back;
  CHECK(ctl::UnescapeField(ctl::EscapeField(all), &back));
  CHECK(all == back);
}

TEST(ControlRequest, OversizedRequestIsRefusedByTheEncoder) {
  std::string big(ctl::kMaxLineBytes, 'x');
  CHECK_FALSE(ctl::EncodeRequest({"announce", big}).ok());
  // Escaping doubles a backslash: half the limit of backslashes is too much too.
  CHECK_FALSE(ctl::EncodeRequest({"announce", std::string(ctl::kMaxLineBytes / 2, '\\')}).ok());
  CHECK_FALSE(ctl::EncodeRequest({}).ok());
}

TEST(ControlRequest, LargestRequestFits) {
  // "announce" TAB value TAB LF = kMaxLineBytes exactly.
  std::string value(ctl::kMaxLineBytes - 8 - 3, 'y');
  auto enc = ctl::EncodeRequest({"announce", value});
  CHECK_TEXT(enc.ok(), enc.status().ToString().c_str());
  LONGS_EQUAL(ctl::kMaxLineBytes, enc.value().size());
  CHECK((std::vector<std::string>{"announce", value}) == RoundTrip({"announce", value}));
  CHECK_FALSE(ctl::EncodeRequest({"announce", value + "y"}).ok());
}

TEST(ControlRequest, OverlongLineIsRejectedByTheDecoder) {
  CHECK(Rejected(std::string(ctl::kMaxLineBytes, 'a')));
  CHECK(Rejected(std::string(ctl::kMaxLineBytes, 'a') + "\t"));
}

TEST(ControlRequest, TypedLinesSplitLikeAShell) {
  CHECK((std::vector<std::string>{"users", "show", "alice"}) == Words("users show alice"));
  CHECK((std::vector<std::string>{"users", "show", "alice"}) == Words("  users   show alice  "));
  CHECK((std::vector<std::string>{"announce", "hello world"}) == Words("announce 'hello world'"));
  CHECK((std::vector<std::string>{"announce", "say \"hi\" \\o/"}) == Words("announce \"say \\\"hi\\\" \\\\o/\""));
  CHECK((std::vector<std::string>{"announce", "a b"}) == Words("announce a\\ b"));
  CHECK((std::vector<std::string>{"announce", "it's"}) == Words("announce 'it'\\''s'"));
  CHECK((std::vector<std::string>{"kick", "#c", "bob", ""}) == Words("kick #c bob ''"));
  CHECK((std::vector<std::string>{"status"}) == Words("status\r"));
}

TEST(ControlRequest, MalformedRequestsAreRejected) {
  CHECK(Rejected(""));
  CHECK(Rejected("   "));
  CHECK(Rejected("\t"));                      // one empty field
  CHECK(Rejected("users\tshow\\x\t"));        // unknown escape
  CHECK(Rejected("users\tshow\\\t"));         // escape cut by the TAB
  CHECK(Rejected("announce 'unterminated"));
  CHECK(Rejected("announce \"unterminated"));
  CHECK(Rejected("announce trailing\\"));
  CHECK(Rejected("announce \xff\xfe"));       // not UTF-8
  CHECK(Rejected("announce\t\xc3\t"));        // truncated UTF-8 sequence
  CHECK(Rejected("\x01\x02\x03\x80\x81"));
}

TEST_GROUP(ControlResponse) {};

TEST(ControlResponse, RowsAndOkRoundTrip) {
  ctl::Row row = {{"name", "alice"}, {"role", "admin"}, {"note", "tab\tnew\nline \xe2\x9c\x93 \\"}, {"empty", ""}};
  auto enc = ctl::EncodeRow(row);
  CHECK(enc.ok());
  ctl::Response r = Parse({Chomp(enc.value()), Chomp(ctl::EncodeOk("done"))});
  CHECK(r.ok);
  STRCMP_EQUAL("done", r.message.c_str());
  LONGS_EQUAL(1, r.rows.size());
  CHECK(row == r.rows[0]);
  STRCMP_EQUAL("admin", ctl::FindField(r.rows[0], "role")->c_str());
  CHECK(ctl::FindField(r.rows[0], "missing") == nullptr);
}

TEST(ControlResponse, BareOkHasNoMessage) {
  STRCMP_EQUAL("OK\n", ctl::EncodeOk("").c_str());
  ctl::Response r = Parse({"OK"});
  CHECK(r.ok);
  CHECK(r.message.empty());
  CHECK(r.rows.empty());
}

TEST(ControlResponse, ValueMayContainEquals) {
  ctl::Response r = Parse({"ROW\tmodes=+k=x\ttopic=a=b", "OK"});
  STRCMP_EQUAL("+k=x", ctl::FindField(r.rows[0], "modes")->c_str());
  STRCMP_EQUAL("a=b", ctl::FindField(r.rows[0], "topic")->c_str());
}

TEST(ControlResponse, ErrRoundTrips) {
  std::string line = ctl::EncodeErr(ctl::kErrNotFound, "no such user: al\tice");
  STRCMP_EQUAL("ERR\tnot-found\tno such user: al\\tice\n", line.c_str());
  ctl::Response r = Parse({Chomp(line)});
  CHECK_FALSE(r.ok);
  STRCMP_EQUAL("not-found", r.code.c_str());
  STRCMP_EQUAL("no such user: al\tice", r.message.c_str());
}

TEST(ControlResponse, LongErrAndOkMessagesAreCutToFit) {
  std::string huge(3 * ctl::kMaxLineBytes, '\\');
  std::string err = ctl::EncodeErr(ctl::kErrFailed, huge);
  CHECK(err.size() <= ctl::kMaxLineBytes);
  std::string ok = ctl::EncodeOk(huge);
  CHECK(ok.size() <= ctl::kMaxLineBytes);
  ctl::Response r1 = Parse({Chomp(err)});
  CHECK(!r1.message.empty());
  ctl::Response r2 = Parse({Chomp(ok)});
  CHECK(!r2.message.empty());
  // UTF-8 is never split.
  std::string accents;
  for (std::size_t i = 0; i < ctl::kMaxLineBytes; ++i) accents += "\xc3\xa9";
  ctl::Response r3 = Parse({Chomp(ctl::EncodeErr(ctl::kErrFailed, accents))});
  CHECK(r3.message.size() % 2 == 0);
}

TEST(ControlResponse, BadRowKeysAndOversizedRowsAreRefused) {
  CHECK_FALSE(ctl::EncodeRow({{"Bad Key", "v"}}).ok());
  CHECK_FALSE(ctl::EncodeRow({{"", "v"}}).ok());
  CHECK_FALSE(ctl::EncodeRow({{"k", std::string(ctl::kMaxLineBytes, 'v')}}).ok());
  CHECK(ctl::EncodeRow({}).ok());
}

TEST(ControlResponse, MalformedLinesAreRejected) {
  CHECK(ResponseRejected(""));
  CHECK(ResponseRejected("HELLO"));
  CHECK(ResponseRejected("ok"));
  CHECK(ResponseRejected("ROW\tnoequals"));
  CHECK(ResponseRejected("ROW\t=value"));
  CHECK(ResponseRejected("ROW\tUPPER=1"));
  CHECK(ResponseRejected("ROW\tk=bad\\q"));
  CHECK(ResponseRejected("ERR"));
  CHECK(ResponseRejected("ERR\tcode"));
  CHECK(ResponseRejected("ERR\t\tmessage"));
  CHECK(ResponseRejected("ERR\tcode\tmessage\textra"));
  CHECK(ResponseRejected("OK\ta\tb"));
  CHECK(ResponseRejected("OK\tbad\\"));
  CHECK(ResponseRejected("ROW\tk=" + std::string(ctl::kMaxLineBytes, 'v')));
}

TEST(ControlResponse, NothingMayFollowTheEnd) {
  ctl::ResponseParser p;
  CHECK(p.Feed("OK").ok());
  CHECK(p.done());
  CHECK_FALSE(p.Feed("ROW\ta=b").ok());
  CHECK_FALSE(p.Feed("OK").ok());
}

TEST(ControlResponse, TrailingCrIsIgnored) {
  ctl::Response r = Parse({"ROW\ta=1\r", "OK\tfine\r"});
  STRCMP_EQUAL("1", ctl::FindField(r.rows[0], "a")->c_str());
  STRCMP_EQUAL("fine", r.message.c_str());
}
