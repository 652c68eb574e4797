// Tests for permessage-deflate (libchat/http/permessage_deflate.h): offer
// parsing and declining (RFC 7692 §7.1), the response, and round trips
// with and without context takeover, the RFC's own example, the size cap
// and corrupt input.
#include "libchat/http/permessage_deflate.h"

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"

using chat::http::DeflateParams;
using chat::http::MessageDeflater;
using chat::http::MessageInflater;
using chat::http::NegotiateDeflate;

TEST_GROUP(PermessageDeflate){};

TEST(PermessageDeflate, PlainOfferGetsTheServersWindow) {
  std::string resp;
  auto p = NegotiateDeflate({"permessage-deflate"}, 11, &resp);
  CHECK_TRUE(p.has_value());
  LONGS_EQUAL(11, p->server_max_window_bits);
  LONGS_EQUAL(15, p->client_max_window_bits);
  CHECK_FALSE(p->server_no_context_takeover);
  STRCMP_EQUAL("permessage-deflate; server_max_window_bits=11", resp.c_str());
}

TEST(PermessageDeflate, BrowserOfferWithClientWindowBits) {
  // What browsers send.
  std::string resp;
  auto p = NegotiateDeflate({"permessage-deflate; client_max_window_bits"}, 11, &resp);
  CHECK_TRUE(p.has_value());
  LONGS_EQUAL(11, p->client_max_window_bits);
  STRCMP_EQUAL("permessage-deflate; server_max_window_bits=11; client_max_window_bits=11", resp.c_str());
}

TEST(PermessageDeflate, FlagsAndLimitsAreHonoured) {
  std::string resp;
  auto p = NegotiateDeflate(
      {"permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
       "server_max_window_bits=10; client_max_window_bits=\"9\""},
      15, &resp);
  CHECK_TRUE(p.has_value());
  CHECK_TRUE(p->server_no_context_takeover);
  CHECK_TRUE(p->client_no_context_takeover);
  LONGS_EQUAL(10, p->server_max_window_bits);
  LONGS_EQUAL(9, p->client_max_window_bits);
  STRCMP_EQUAL(
      "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
      "server_max_window_bits=10; client_max_window_bits=9",
      resp.c_str());
}

TEST(PermessageDeflate, BadOffersAreDeclinedAndTheNextTried) {
  const char* bad[] = {
      "permessage-deflate; foo",                                // unknown parameter
      "permessage-deflate; server_no_context_takeover; server_no_context_takeover",  // repeated
      "permessage-deflate; server_max_window_bits=16",          // out of range
      "permessage-deflate; server_max_window_bits=7",
      "permessage-deflate; server_max_window_bits=08",          // leading zero
      "permessage-deflate; server_max_window_bits",             // value required
      "permessage-deflate; client_max_window_bits=abc",
      "permessage-deflate; server_no_context_takeover=1",       // a flag takes no value
      "permessage-deflate; server_max_window_bits=8",           // zlib cannot keep to 8
  };
  for (const char* offer : bad) {
    std::string resp;
    CHECK_FALSE(NegotiateDeflate({offer}, 11, &resp).has_value());
    // A second, acceptable offer in the same list is taken (RFC 7692 §5.1).
    auto p = NegotiateDeflate({std::string(offer) + ", permessage-deflate; client_no_context_takeover"}, 11, &resp);
    CHECK_TRUE(p.has_value());
    CHECK_TRUE(p->client_no_context_takeover);
  }
}

TEST(PermessageDeflate, OtherExtensionsAndGarbage) {
  std::string resp;
  CHECK_FALSE(NegotiateDeflate({"x-webkit-deflate-frame"}, 11, &resp).has_value());
  CHECK_FALSE(NegotiateDeflate({}, 11, &resp).has_value());
  CHECK_TRUE(NegotiateDeflate({"foo; bar=1", "permessage-deflate"}, 11, &resp).has_value());
  // Syntax errors: no offer is taken at all.
  for (const char* g : {"permessage-deflate; =1", "permessage-deflate;; x", "\"permessage-deflate\"",
                        "permessage-deflate; client_max_window_bits=\"10", "permessage-deflate x"}) {
    CHECK_FALSE(NegotiateDeflate({g}, 11, &resp).has_value());
  }
}

TEST(PermessageDeflate, RfcExampleInflates) {
  // RFC 7692 §7.2.3.1: "Hello" compressed.
  DeflateParams p;
  MessageInflater in(p);
  std::string out;
  const char hello[] = {'\xf2', '\x48', '\xcd', '\xc9', '\xc9', '\x07', '\x00'};
  CHECK_TRUE(in.Decompress(std::string_view(hello, sizeof hello), 1024, &out) == MessageInflater::Result::kOk);
  STRCMP_EQUAL("Hello", out.c_str());
  // §7.2.3.2: the same message again with the shared window is shorter.
  const char again[] = {'\xf2', '\x00', '\x11', '\x00', '\x00'};
  CHECK_TRUE(in.Decompress(std::string_view(again, sizeof again), 1024, &out) == MessageInflater::Result::kOk);
  STRCMP_EQUAL("Hello", out.c_str());
}

TEST(PermessageDeflate, RoundTripWithContextTakeover) {
  DeflateParams p;
  p.server_max_window_bits = 11;
  p.client_max_window_bits = 11;
  MessageDeflater d(p, 4);
  MessageInflater in(p);
  std::string line = ":alice!a@example PRIVMSG #chatd :good morning, everyone";
  std::string c1, c2, out;
  CHECK_TRUE(d.Compress(line, &c1));
  CHECK_TRUE(d.Compress(line, &c2));
  CHECK_TRUE(c2.size() < c1.size());  // the second refers back to the first
  CHECK_TRUE(in.Decompress(c1, 4096, &out) == MessageInflater::Result::kOk);
  STRCMP_EQUAL(line.c_str(), out.c_str());
  CHECK_TRUE(in.Decompress(c2, 4096, &out) == MessageInflater::Result::kOk);
  STRCMP_EQUAL(line.c_str(), out.c_str());
  // An empty message survives too.
  CHECK_TRUE(d.Compress("", &c1));
  CHECK_TRUE(in.Decompress(c1, 4096, &out) == MessageInflater::Result::kOk);
  LONGS_EQUAL(0, out.size());
}

TEST(PermessageDeflate, NoContextTakeoverCompressesEachAlone) {
  DeflateParams p;
  p.server_no_context_takeover = true;
  MessageDeflater d(p, 4);
  std::string big(2000, 'a');
  std::string c1, c2;
  CHECK_TRUE(d.Compress(big, &c1));
  CHECK_TRUE(d.Compress(big, &c2));
  CHECK_TRUE(c1 == c2);
  // Incompressible and short: not worth it, sent as is.
  CHECK_FALSE(d.Compress("x", &c1));
  // Every message inflates with a fresh inflater.
  MessageInflater in(p);
  std::string out;
  CHECK_TRUE(in.Decompress(c2, 4096, &out) == MessageInflater::Result::kOk);
  CHECK_TRUE(out == big);
}

TEST(PermessageDeflate, InflatedSizeIsCapped) {
  DeflateParams p;
  MessageDeflater d(p, 8);
  std::string bomb(1 << 20, '\0');
  std::string c, out;
  CHECK_TRUE(d.Compress(bomb, &c));
  CHECK_TRUE(c.size() < 4096);
  MessageInflater in(p);
  CHECK_TRUE(in.Decompress(c, 16 * 1024, &out) == MessageInflater::Result::kTooBig);
  CHECK_TRUE(out.size() <= 16 * 1024);
  MessageInflater in2(p);
  CHECK_TRUE(in2.Decompress(c, 1 << 20, &out) == MessageInflater::Result::kOk);
  LONGS_EQUAL(1 << 20, out.size());
}

TEST(PermessageDeflate, CorruptDataIsReported) {
  DeflateParams p;
  MessageInflater in(p);
  std::string out;
  // Block type 3 is reserved.
  CHECK_TRUE(in.Decompress(std::string("\xff\xff\xff\xff", 4), 1024, &out) == MessageInflater::Result::kCorrupt);
}
