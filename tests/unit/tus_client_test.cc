// Tests for the tus client state machine, refusal texts and the
// pending-uploads file (libchat/files/tus_client.h).
#include "libchat/files/tus_client.h"

#include <map>
#include <string>

#include "CppUTest/TestHarness.h"
#include "libchat/base64.h"

using namespace chat::files;
using Method = TusRequest::Method;
using Headers = std::map<std::string, std::string>;

namespace {

const char kColl[] = "https://h:8443/files/tus";

std::string Header(const TusRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<none>";
}

}  // namespace

TEST_GROUP(TusClient) {};

TEST(TusClient, CreatesThenPatchesInChunksAndFinishes) {
  TusUpload u(kColl, 10, "cat.png", "image/png", "#general", 4);
  TusRequest r = u.Next();
  CHECK(r.method == Method::kPost);
  CHECK_EQUAL(std::string(kColl), r.url);
  CHECK_EQUAL(std::string("1.0.0"), Header(r, "Tus-Resumable"));
  CHECK_EQUAL(std::string("10"), Header(r, "Upload-Length"));
  CHECK_EQUAL("filename " + chat::sasl::Base64Encode("cat.png") + ",filetype " + chat::sasl::Base64Encode("image/png") +
                  ",target " + chat::sasl::Base64Encode("#general"),
              Header(r, "Upload-Metadata"));
  u.OnResponse(201, {{"location", "/files/tus/abc"}}, "");
  CHECK_EQUAL(std::string("https://h:8443/files/tus/abc"), u.upload_url());
  uint64_t expect_offset = 0;
  for (uint64_t len : {4u, 4u, 2u}) {
    r = u.Next();
    CHECK(r.method == Method::kPatch);
    CHECK_EQUAL(expect_offset, r.offset);
    CHECK_EQUAL(len, r.length);
    CHECK_EQUAL(std::to_string(expect_offset), Header(r, "Upload-Offset"));
    CHECK_EQUAL(std::string("application/offset+octet-stream"), Header(r, "Content-Type"));
    expect_offset += len;
    Headers h{{"upload-offset", std::to_string(expect_offset)}};
    if (expect_offset == 10) h["chatd-file-location"] = "https://h:8443/f/abc/cat.png";
    u.OnResponse(204, h, "");
  }
  CHECK(u.state() == TusUpload::State::kDone);
  CHECK_EQUAL(std::string("https://h:8443/f/abc/cat.png"), u.file_url());
  CHECK(u.Next().method == Method::kNone);
}

TEST(TusClient, NetworkErrorProbesWithHeadAndResumesFromServerOffset) {
  TusUpload u(kColl, 100, "a b.bin", "application/octet-stream", "", 40);
  u.OnResponse(201, {{"location", "https://h:8443/files/tus/xyz"}}, "");
  u.OnResponse(204, {{"upload-offset", "40"}}, "");
  u.OnNetworkError("connection reset");
  CHECK(u.retry_delay_ms() > 0);
  CHECK(u.Next().method == Method::kHead);
  u.OnResponse(200, {{"upload-offset", "64"}, {"upload-length", "100"}}, "");  // the server kept part of the lost PATCH
  CHECK_EQUAL(0, u.retry_delay_ms());
  TusRequest r = u.Next();
  CHECK(r.method == Method::kPatch);
  CHECK_EQUAL(64u, r.offset);
  CHECK_EQUAL(36u, r.length);
  u.OnResponse(204, {{"upload-offset", "100"}}, "");  // no Chatd-File-Location: derived from the id
  CHECK(u.state() == TusUpload::State::kDone);
  CHECK_EQUAL(std::string("https://h:8443/f/xyz/a%20b.bin"), u.file_url());
}

TEST(TusClient, ResumeAfterRestartStartsWithHead) {
  TusUpload u = TusUpload::Resume(kColl, "https://h:8443/files/tus/q", 5, "n", "t/t", "");
  CHECK(u.Next().method == Method::kHead);
  u.OnResponse(200, {{"upload-offset", "5"}}, "");
  CHECK(u.state() == TusUpload::State::kDone);
}

TEST(TusClient, ExpiredUploadIsRecreatedOnce) {
  TusUpload u = TusUpload::Resume(kColl, "https://h:8443/files/tus/q", 5, "n", "t/t", "");
  u.OnResponse(404, {}, "");
  CHECK(u.Next().method == Method::kPost);
  CHECK_EQUAL(0u, u.offset());
  u.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  u.OnResponse(404, {}, "");
  CHECK(u.state() == TusUpload::State::kFailed);
  CHECK(u.error().find("expired") != std::string::npos);
}

TEST(TusClient, OffsetConflictAndChecksumMismatchProbe) {
  for (int status : {409, 460}) {
    TusUpload u(kColl, 10, "n", "t/t", "");
    u.OnResponse(201, {{"location", "/files/tus/r"}}, "");
    u.OnResponse(status, {}, "");
    CHECK(u.Next().method == Method::kHead);
  }
}

TEST(TusClient, UnauthorizedAsksForATokenOnceThenFails) {
  TusUpload u(kColl, 10, "n", "t/t", "");
  u.OnResponse(401, {}, "");
  CHECK(u.state() == TusUpload::State::kNeedToken);
  CHECK(u.Next().method == Method::kNone);
  u.TokenRenewed();
  CHECK(u.Next().method == Method::kPost);
  u.OnResponse(401, {}, "");
  CHECK(u.state() == TusUpload::State::kFailed);
  CHECK(u.error().find("sign-in") != std::string::npos);
}

TEST(TusClient, RefusalsAreExplainedInWords) {
  struct Case {
    int status;
    const char* body;
    const char* words;
  } cases[] = {
      {413, R"({"type":"about:blank","code":"too-large","title":"x"})", "too large"},
      {413, R"({"code": "over-quota"})", "storage on this server is full"},
      {507, "", "disk is full"},
      {429, "", "Too many uploads"},
      {403, "", "may not share"},
      {500, "", "HTTP 500"},
  };
  for (const Case& c : cases) {
    TusUpload u(kColl, 10, "n", "t/t", "");
    u.OnResponse(c.status, {}, c.body);
    CHECK(u.state() == TusUpload::State::kFailed);
    CHECK_TEXT(u.error().find(c.words) != std::string::npos, u.error().c_str());
  }
  CHECK(DescribeUploadRefusal(413, "too-large", 100000000).find("100 MB") != std::string::npos);
}

TEST(TusClient, BadServerAnswersFailInsteadOfLooping) {
  TusUpload a(kColl, 10, "n", "t/t", "");
  a.OnResponse(201, {}, "");  // no Location
  CHECK(a.state() == TusUpload::State::kFailed);
  TusUpload b(kColl, 10, "n", "t/t", "");
  b.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  b.OnResponse(204, {{"upload-offset", "11"}}, "");  // past the end
  CHECK(b.state() == TusUpload::State::kFailed);
  TusUpload c(kColl, 10, "n", "t/t", "");
  c.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  c.OnResponse(204, {{"upload-offset", "-3"}}, "");
  CHECK(c.state() == TusUpload::State::kFailed);
}

TEST(TusClient, NetworkErrorsBackOffThenFail) {
  TusUpload u(kColl, 10, "n", "t/t", "");
  int64_t last = 0;
  for (int i = 0; i < TusUpload::kMaxRetries; ++i) {
    u.OnNetworkError("refused");
    CHECK(u.retry_delay_ms() >= last);
    CHECK(u.retry_delay_ms() <= TusUpload::kMaxBackoffMs);
    last = u.retry_delay_ms();
    CHECK(u.Next().method == Method::kPost);
  }
  u.OnNetworkError("refused");
  CHECK(u.state() == TusUpload::State::kFailed);
  CHECK(u.error().find("refused") != std::string::npos);
}

TEST(TusClient, CancelDeletesOnlyWhatExists) {
  TusUpload fresh(kColl, 10, "n", "t/t", "");
  fresh.Cancel();
  CHECK(fresh.state() == TusUpload::State::kCancelled);
  TusUpload u(kColl, 10, "n", "t/t", "");
  u.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  u.Cancel();
  TusRequest r = u.Next();
  CHECK(r.method == Method::kDelete);
  CHECK_EQUAL(std::string("https://h:8443/files/tus/r"), r.url);
  u.OnResponse(204, {}, "");
  CHECK(u.state() == TusUpload::State::kCancelled);
}

// A cancel right after aborting a PATCH: the server still holds the upload
// for the aborted request (409 upload-busy), so the DELETE is sent again
// after a back-off, and given up (the server expires it) after kMaxRetries.
TEST(TusClient, CancelRetriesTheDeleteWhileTheUploadIsBusy) {
  TusUpload u(kColl, 10, "n", "t/t", "");
  u.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  u.Cancel();
  u.OnResponse(409, {}, "{\"code\":\"upload-busy\"}");
  CHECK(u.state() == TusUpload::State::kCancel);
  CHECK(u.retry_delay_ms() > 0);
  CHECK(u.Next().method == Method::kDelete);
  u.OnResponse(204, {}, "");
  CHECK(u.state() == TusUpload::State::kCancelled);

  TusUpload v(kColl, 10, "n", "t/t", "");
  v.OnResponse(201, {{"location", "/files/tus/r"}}, "");
  v.Cancel();
  for (int i = 0; i < TusUpload::kMaxRetries; ++i) {
    v.OnResponse(409, {}, "");
    CHECK(v.state() == TusUpload::State::kCancel);
  }
  v.OnResponse(409, {}, "");
  CHECK(v.state() == TusUpload::State::kCancelled);
}

TEST(TusClient, PendingFileRoundTripsAndSkipsCorruptLines) {
  std::vector<PendingUpload> in(2);
  in[0] = {"https://h/files/tus/a", "/home/u/My Pictures/cat 1.png", "cat 1.png", "image/png", "#general", 48213};
  in[1] = {"https://h/files/tus/b", "/tmp/x", "x", "", "bob", 0};
  std::string text = SerializePending(in);
  std::vector<PendingUpload> out;
  CHECK(ParsePending(text, &out));
  LONGS_EQUAL(2, out.size());
  CHECK_EQUAL(in[0].path, out[0].path);
  CHECK_EQUAL(in[0].name, out[0].name);
  CHECK_EQUAL(in[0].size, out[0].size);
  CHECK_EQUAL(in[1].target, out[1].target);
  CHECK_EQUAL(std::string(""), out[1].type);
  text += "garbage\nhttps://h/x notanumber /p n t g\nhttps://h/x 1 relative n t g\n";
  CHECK_FALSE(ParsePending(text, &out));
  LONGS_EQUAL(2, out.size());
}
