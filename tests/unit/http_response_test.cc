// Tests for response heads (libchat/http/response.h): reason phrases,
// IMF-fixdate, framing fields for each case, unsafe fields and chunks.
#include "libchat/http/response.h"

#include <string>

#include "CppUTest/TestHarness.h"

using chat::http::FormatResponseHead;
using chat::http::ResponseFraming;
using chat::http::ResponseHead;

TEST_GROUP(HttpResponse){};

TEST(HttpResponse, ReasonPhrases) {
  STRCMP_EQUAL("Not Found", std::string(chat::http::StatusReason(404)).c_str());
  STRCMP_EQUAL("Content Too Large", std::string(chat::http::StatusReason(413)).c_str());
  STRCMP_EQUAL("HTTP Version Not Supported", std::string(chat::http::StatusReason(505)).c_str());
  STRCMP_EQUAL("", std::string(chat::http::StatusReason(299)).c_str());
}

TEST(HttpResponse, ImfFixdate) {
  // RFC 9110 §5.6.7's example.
  STRCMP_EQUAL("Sun, 06 Nov 1994 08:49:37 GMT", chat::http::HttpDate(784111777).c_str());
  STRCMP_EQUAL("Thu, 01 Jan 1970 00:00:00 GMT", chat::http::HttpDate(0).c_str());
}

TEST(HttpResponse, KnownLengthKeepAlive) {
  ResponseHead h;
  h.status = 201;
  h.Add("Location", "https://x/f/1");
  h.content_length = 5;
  ResponseFraming f;
  std::string s = FormatResponseHead(h, 1, false, 784111777, &f);
  STRCMP_EQUAL(
      "HTTP/1.1 201 Created\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nLocation: https://x/f/1\r\n"
      "Content-Length: 5\r\n\r\n",
      s.c_str());
  CHECK_FALSE(f.chunked);
  CHECK_FALSE(f.close);
  CHECK_TRUE(f.has_body);
}

TEST(HttpResponse, UnknownLengthIsChunkedOn11AndClosesOn10) {
  ResponseHead h;
  ResponseFraming f;
  std::string s = FormatResponseHead(h, 1, false, 0, &f);
  CHECK(s.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(s.find("Content-Length") == std::string::npos);
  CHECK_TRUE(f.chunked);
  s = FormatResponseHead(h, 0, false, 0, &f);
  CHECK(s.find("Transfer-Encoding") == std::string::npos);
  CHECK(s.find("Connection: close\r\n") != std::string::npos);
  CHECK_TRUE(f.close);
}

TEST(HttpResponse, NoBodyStatusesHaveNoFraming) {
  for (int status : {204, 304}) {
    ResponseHead h;
    h.status = status;
    h.content_length = 10;
    ResponseFraming f;
    std::string s = FormatResponseHead(h, 1, false, 0, &f);
    CHECK(s.find("Content-Length") == std::string::npos);
    CHECK(s.find("Transfer-Encoding") == std::string::npos);
    CHECK_FALSE(f.has_body);
  }
  ResponseHead cont;
  cont.status = 100;
  STRCMP_EQUAL("HTTP/1.1 100 Continue\r\n\r\n", FormatResponseHead(cont, 1, true, 0, nullptr).c_str());
}

TEST(HttpResponse, CloseAndHttp10KeepAlive) {
  ResponseHead h;
  h.content_length = 0;
  CHECK(FormatResponseHead(h, 1, true, 0, nullptr).find("Connection: close\r\n") != std::string::npos);
  CHECK(FormatResponseHead(h, 0, false, 0, nullptr).find("Connection: keep-alive\r\n") != std::string::npos);
}

TEST(HttpResponse, FieldsWithControlsAreDropped) {
  ResponseHead h;
  h.content_length = 0;
  h.Add("X-Bad", "a\r\nSet-Cookie: x");
  h.Add("X-Good", "b");
  std::string s = FormatResponseHead(h, 1, false, 0, nullptr);
  CHECK(s.find("X-Bad") == std::string::npos);
  CHECK(s.find("Set-Cookie") == std::string::npos);
  CHECK(s.find("X-Good: b\r\n") != std::string::npos);
}

TEST(HttpResponse, Chunks) {
  std::string out;
  chat::http::AppendChunk(&out, "");
  STRCMP_EQUAL("", out.c_str());
  chat::http::AppendChunk(&out, std::string(26, 'a'));
  STRCMP_EQUAL(("1a\r\n" + std::string(26, 'a') + "\r\n").c_str(), out.c_str());
  STRCMP_EQUAL("0\r\n\r\n", std::string(chat::http::kLastChunk).c_str());
}
