// Test-only routes, registered when chatd starts with CHATD_HTTP_TEST_ROUTES=1
// in its environment (tests/integration/test_http.py): they exercise the
// streamed body, backpressure through the Worker and paced downloads
// before real handlers (files/) exist. Never enabled otherwise.
//   POST /_test/count       reads the body, pausing every 256 KiB for a
//                           Worker round trip; answers {"bytes":N,"sha256":hex}
//   GET  /_test/bytes/{n}   n bytes of a fixed pattern, paced by OnWritable;
//                           "?chunked" sends them chunked
#include "chatd/http/test_routes.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "chatd/core/worker.h"
#include "chatd/http/problem.h"

namespace chatd::http {
namespace {

constexpr std::size_t kPauseEvery = 256 * 1024;

class CountHandler final : public Handler {
 public:
  explicit CountHandler(Worker* worker) : worker_(worker), md_(EVP_MD_CTX_new()) {
    EVP_DigestInit_ex(md_, EVP_sha256(), nullptr);
  }
  ~CountHandler() override { EVP_MD_CTX_free(md_); }

  void OnRequest(Exchange& ex) override {
    ex_ = &ex;
    ex.ReadBody();
  }
  void OnBody(std::string_view piece) override {
    EVP_DigestUpdate(md_, piece.data(), piece.size());
    bytes_ += piece.size();
    since_pause_ += piece.size();
    if (since_pause_ < kPauseEvery) return;
    since_pause_ = 0;
    // Backpressure as an upload sink does it: pause, work off the loop, resume.
    ex_->PauseBody();
    std::weak_ptr<Handler> weak = weak_from_this();
    worker_->Post([] {}, [weak] {
      auto self = std::static_pointer_cast<CountHandler>(weak.lock());
      if (self != nullptr && self->ex_ != nullptr) self->ex_->ResumeBody();
    });
  }
  void OnBodyEnd() override {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(md_, digest, &len);
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 15];
    }
    boost::json::object o;
    o["bytes"] = bytes_;
    o["sha256"] = hex;
    chat::http::ResponseHead head;
    head.Add("Content-Type", "application/json");
    ex_->Respond(std::move(head), boost::json::serialize(o));
  }
  void OnClose(bool) override { ex_ = nullptr; }

 private:
  Worker* worker_;
  EVP_MD_CTX* md_;
  Exchange* ex_ = nullptr;
  uint64_t bytes_ = 0;
  std::size_t since_pause_ = 0;
};

class BytesHandler final : public Handler {
 public:
  void OnRequest(Exchange& ex) override {
    ex_ = &ex;
    char* end = nullptr;
    const std::string& n = ex.params()[0];
    left_ = std::strtoull(n.c_str(), &end, 10);
    if (n.empty() || *end != '\0') {
      SendProblem(ex, 400, "bad-length", "the length must be a decimal number");
      return;
    }
    chat::http::ResponseHead head;
    head.Add("Content-Type", "application/octet-stream");
    if (ex.query() != "chunked") head.content_length = left_;
    ex.StartResponse(std::move(head));
  }
  void OnWritable() override {
    if (ex_ == nullptr) return;
    std::size_t n = static_cast<std::size_t>(std::min<uint64_t>(left_, kRefillBytes));
    // Byte i of the body is 'a' + i % 26.
    std::size_t shift = static_cast<std::size_t>(sent_ % 26);
    std::string piece;
    piece.reserve(n);
    for (std::size_t i = 0; i < n; ++i) piece.push_back(static_cast<char>('a' + (shift + i) % 26));
    ex_->WriteBody(piece);
    left_ -= n;
    sent_ += n;
    if (left_ == 0) ex_->EndResponse();
  }
  void OnClose(bool) override { ex_ = nullptr; }

 private:
  Exchange* ex_ = nullptr;
  uint64_t left_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace

void RegisterTestRoutes(Router* router, Worker* worker) {
  const char* on = getenv("CHATD_HTTP_TEST_ROUTES");
  if (on == nullptr || std::string(on) != "1") return;
  router->Add("POST", "/_test/count", [worker] { return std::make_shared<CountHandler>(worker); });
  router->Add("GET", "/_test/bytes/{n}", [] { return std::make_shared<BytesHandler>(); });
}

}  // namespace chatd::http
