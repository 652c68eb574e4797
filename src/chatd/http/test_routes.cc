// Test-only routes, registered when chatd starts with CHATD_HTTP_TEST_ROUTES=1
// in its environment (tests/integration/test_http.py): they exercise the
// streamed body, backpressure through the Worker and paced downloads
// before real handlers (files/) exist. Never enabled otherwise.
//   POST /_test/count       reads the body, pausing every 256 KiB for a
//                           Worker round trip; answers {"bytes":N,"sha256":hex}
//   GET  /_test/bytes/{n}   n bytes of a fixed pattern, paced by OnWritable;
//                           "?chunked" sends them chunked
//   GET  /_test/events      a WebSocket EventStream (64 KiB behind limit)
//                           pushing ?n= events of ?size= bytes, ?batch= per
//                           millisecond, {"seq":i,"pad":"..."}; it echoes
//                           a message the consumer sends as {"echo":...}
#include "chatd/http/test_routes.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "chatd/core/server.h"
#include "chatd/core/worker.h"
#include "chatd/http/problem.h"
#include "chatd/http/websocket_accept.h"
#include "chatd/http/websocket_events.h"
#include "libchat/http/query_param.h"

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

// Pushes events into one EventStream from a 1 ms timer until done or the
// stream ends; the stream's callbacks hold it, so it goes with the stream.
class EventPusher {
 public:
  EventPusher(Server* server, std::size_t n, std::size_t size, std::size_t batch)
      : n_(n), pad_(size, 'x'), batch_(batch) {
    timer_ = event_new(server->base(), -1, EV_PERSIST, &EventPusher::TickCb, this);
  }
  ~EventPusher() { event_free(timer_); }
  void Stop() { event_del(timer_); }
  void Run(EventStream* stream) {
    stream_ = stream;
    timeval tv{0, 1000};
    event_add(timer_, &tv);
  }
  static void TickCb(evutil_socket_t, short, void* arg) noexcept {
    auto* self = static_cast<EventPusher*>(arg);
    for (std::size_t k = 0; k < self->batch_ && self->sent_ < self->n_; ++k) {
      boost::json::object o;
      o["seq"] = self->sent_++;
      o["pad"] = self->pad_;
      if (!self->stream_->Push(boost::json::serialize(o))) {
        event_del(self->timer_);  // on_end follows
        return;
      }
    }
    if (self->sent_ >= self->n_) event_del(self->timer_);
  }

 private:
  std::size_t n_;
  std::string pad_;
  std::size_t batch_;
  std::size_t sent_ = 0;
  EventStream* stream_ = nullptr;
  event* timer_ = nullptr;
};

std::size_t QueryNumber(std::string_view query, std::string_view name, std::size_t fallback) {
  std::string v;
  if (!chat::http::QueryParam(query, name, &v) || v.empty() || v.size() > 9) return fallback;
  std::size_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return fallback;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

class EventsHandler final : public Handler {
 public:
  explicit EventsHandler(Server* server) : server_(server) {}
  void OnRequest(Exchange& ex) override {
    WebSocketRoute route;
    route.max_message_bytes = 4096;
    route.sendq_bytes = 8 * 1024 * 1024;
    AcceptedWebSocket a = AcceptWebSocket(ex, server_->base(), server_->config().http, route);
    if (a.ws == nullptr) return;
    auto pusher = std::make_shared<EventPusher>(server_, QueryNumber(ex.query(), "n", 10),
                                                QueryNumber(ex.query(), "size", 10), QueryNumber(ex.query(), "batch", 1));
    EventStream::Options opts;
    opts.max_behind_bytes = 64 * 1024;
    opts.on_end = [pusher](EventStream*) { pusher->Stop(); };
    opts.on_message = [](EventStream* s, std::string_view m) {
      boost::json::object o;
      o["echo"] = std::string(m);
      (void)s->Push(boost::json::serialize(o));
    };
    pusher->Run(EventStream::Start(server_->base(), std::move(a.ws), std::move(opts)));
  }

 private:
  Server* server_;
};

}  // namespace

void RegisterTestWebSocketRoutes(Router* router, Server* server) {
  const char* on = getenv("CHATD_HTTP_TEST_ROUTES");
  if (on == nullptr || std::string(on) != "1") return;
  router->Add("GET", "/_test/events", [server] { return std::make_shared<EventsHandler>(server); });
}

void RegisterTestRoutes(Router* router, Worker* worker) {
  const char* on = getenv("CHATD_HTTP_TEST_ROUTES");
  if (on == nullptr || std::string(on) != "1") return;
  router->Add("POST", "/_test/count", [worker] { return std::make_shared<CountHandler>(worker); });
  router->Add("GET", "/_test/bytes/{n}", [] { return std::make_shared<BytesHandler>(); });
}

}  // namespace chatd::http
