// Tests for chatd::http::Router (http/router.h): literal and capture
// segments, percent-decoding, "*" rests, HEAD via GET, 404/405/501 and
// OPTIONS answers with their Allow lists; and ProblemJson (problem.h).
#include "chatd/http/router.h"

#include <string>

#include "CppUTest/TestHarness.h"
#include "chatd/http/problem.h"

using chatd::http::Router;
using Kind = chatd::http::Router::Match::Kind;

namespace {

chatd::http::HandlerFactory Dummy() {
  return [] { return chatd::http::MakeFunctionHandler([](chatd::http::Exchange&) {}); };
}

}  // namespace

TEST_GROUP(HttpRouter) {
  Router r;
  void setup() override {
    r.Add("GET", "/f/{id}/{name}", Dummy());
    r.Add("POST", "/upload", Dummy());
    r.Add("OPTIONS", "/upload", Dummy());
    r.Add("GET", "/static/*", Dummy());
    r.Add("PATCH", "/tus/{id}", Dummy());
  }
};

TEST(HttpRouter, CapturesAreDecoded) {
  Router::Match m = r.Find("GET", "/f/abc/my%20file.png");
  CHECK(m.kind == Kind::kFound);
  LONGS_EQUAL(2, m.params.size());
  STRCMP_EQUAL("abc", m.params[0].c_str());
  STRCMP_EQUAL("my file.png", m.params[1].c_str());
}

TEST(HttpRouter, CapturesRefuseSlashNulAndBadEscapes) {
  CHECK(r.Find("GET", "/f/abc/a%2Fb").kind == Kind::kNotFound);
  CHECK(r.Find("GET", "/f/abc/a%00").kind == Kind::kNotFound);
  CHECK(r.Find("GET", "/f/abc/a%zz").kind == Kind::kNotFound);
  CHECK(r.Find("GET", "/f//x").kind == Kind::kNotFound);  // empty capture
  CHECK(r.Find("GET", "/f/abc").kind == Kind::kNotFound);
  CHECK(r.Find("GET", "/f/abc/x/y").kind == Kind::kNotFound);
}

TEST(HttpRouter, RestMatchesAnything) {
  Router::Match m = r.Find("GET", "/static/a/b%2Fc");
  CHECK(m.kind == Kind::kFound);
  STRCMP_EQUAL("a/b%2Fc", m.params[0].c_str());
  m = r.Find("GET", "/static/");
  CHECK(m.kind == Kind::kFound);
  STRCMP_EQUAL("", m.params[0].c_str());
}

TEST(HttpRouter, HeadFallsBackToGet) {
  Router::Match m = r.Find("HEAD", "/f/a/b");
  CHECK(m.kind == Kind::kFound);
  CHECK_TRUE(m.head_as_get);
}

TEST(HttpRouter, WrongMethodIs405WithAllow) {
  Router::Match m = r.Find("GET", "/upload");
  CHECK(m.kind == Kind::kMethodNotAllowed);
  STRCMP_EQUAL("OPTIONS, POST", m.allow.c_str());
  m = r.Find("DELETE", "/f/a/b");
  CHECK(m.kind == Kind::kNotImplemented);  // no route uses DELETE
  m = r.Find("PATCH", "/f/a/b");
  CHECK(m.kind == Kind::kMethodNotAllowed);
  STRCMP_EQUAL("GET, HEAD, OPTIONS", m.allow.c_str());
  m = r.Find("OPTIONS", "/f/a/b");  // the connection answers 204 + Allow
  CHECK(m.kind == Kind::kMethodNotAllowed);
}

TEST(HttpRouter, ExplicitOptionsRouteWins) {
  CHECK(r.Find("OPTIONS", "/upload").kind == Kind::kFound);
}

TEST(HttpRouter, OptionsAsteriskListsEveryMethod) {
  Router::Match m = r.Find("OPTIONS", "*");
  CHECK(m.kind == Kind::kOptionsAsterisk);
  STRCMP_EQUAL("GET, HEAD, OPTIONS, PATCH, POST", m.allow.c_str());
  CHECK(r.Find("GET", "*").kind == Kind::kNotFound);
}

TEST(HttpRouter, UnknownPathAndMethod) {
  CHECK(r.Find("GET", "/nothing").kind == Kind::kNotFound);
  CHECK(r.Find("BREW", "/upload").kind == Kind::kNotImplemented);
  CHECK(r.Find("get", "/upload").kind == Kind::kNotImplemented);  // methods are case-sensitive
}

TEST_GROUP(HttpProblem){};

TEST(HttpProblem, JsonHasTheRfc9457MembersAndEscapes) {
  STRCMP_EQUAL(
      "{\"type\":\"about:blank\",\"title\":\"Content Too Large\",\"status\":413,\"code\":\"too-large\","
      "\"detail\":\"a \\\"quoted\\\" \\n word\"}",
      chatd::http::ProblemJson(413, "too-large", "a \"quoted\" \n word").c_str());
  STRCMP_EQUAL("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"code\":\"not-found\"}",
               chatd::http::ProblemJson(404, "not-found", "").c_str());
  chat::http::ResponseHead h = chatd::http::ProblemHead(400);
  LONGS_EQUAL(400, h.status);
  STRCMP_EQUAL("application/problem+json", h.fields[0].value.c_str());
}
