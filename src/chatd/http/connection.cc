// Connection: the HTTP/1.1 request cycle over one byte-stream Conn
// (connection.h). Everything here runs on the loop thread; handlers are
// called only from this file's own callbacks (bytes, drain, kick, timer),
// never from inside their own Exchange calls.
#include "chatd/http/connection.h"

#include <cstdio>
#include <ctime>
#include <utility>

#include "chatd/core/conn.h"
#include "chatd/core/log.h"
#include "chatd/http/http_server.h"
#include "chatd/http/problem.h"
#include "libchat/http/response.h"

namespace chatd::http {
namespace {

using chat::http::BodyFraming;
using chat::http::RequestParser;
using chat::http::ResponseHead;
using Event = RequestParser::Event;

// Unparsed input held before the socket stops being read (a body nobody
// reads yet, pipelined requests waiting their turn).
constexpr std::size_t kMaxBuffered = 64 * 1024;
// A body the handler did not read is skipped to keep the connection when
// its declared length is at most this; otherwise the connection closes.
constexpr uint64_t kDiscardMax = 64 * 1024;

}  // namespace

Connection::Connection(HttpServer* server, std::unique_ptr<Conn> conn)
    : server_(server),
      conn_(std::move(conn)),
      address_(conn_->address()),
      tls_(conn_->is_tls()),
      parser_(RequestParser::Limits{server->config().max_header_bytes}) {
  timer_ = evtimer_new(server->base(), &Connection::TimerCb, this);
  kick_ = event_new(server->base(), -1, 0, &Connection::KickCb, this);
  conn_->SetStreamHandler(this);
  // The first request's clock includes the TLS handshake.
  Arm(Timer::kHeader, server_->config().header_timeout_s);
}

Connection::~Connection() {
  closed_ = true;
  if (handler_ != nullptr) {
    std::shared_ptr<Handler> h = std::move(handler_);
    h->OnClose(false);
  }
  if (timer_ != nullptr) event_free(timer_);
  if (kick_ != nullptr) event_free(kick_);
  // Deleted from HttpServer's reap callback (or its destructor), never
  // inside the Conn's own callbacks: dropping it here is safe.
  conn_.reset();
}

void Connection::Refuse() {
  FailConnection(503, "too-many-connections", "too many HTTP connections; try again later");
}

void Connection::Shutdown() {
  shutdown_ = true;
  if (handler_ == nullptr) Close(true);
}

// ---------------------------------------------------------------- input

void Connection::OnBytes(std::string_view bytes) {
  if (closed_) return;
  parser_.Append(bytes);
  Process();
  ApplyReadPause();
}

void Connection::ApplyReadPause() {
  if (closed_ || conn_ == nullptr) return;
  conn_->PauseReading(parser_.buffered() > kMaxBuffered);
}

void Connection::Process() {
  while (!closed_) {
    if (handler_ != nullptr) {
      if (!PumpBody()) break;
      continue;
    }
    if (discard_body_) {
      Event e = parser_.Next(nullptr);
      if (e == Event::kBody) continue;
      if (e == Event::kEnd) {
        discard_body_ = false;
        continue;
      }
      if (e == Event::kError) Close(true);
      break;
    }
    if (shutdown_) {
      Close(true);
      break;
    }
    // A client that does not read its responses gets no more of them:
    // the next request waits until the output drains (bounded memory).
    if (conn_->unsent_bytes() > kLowWatermark) {
      conn_->WatchDrain(kLowWatermark);
      break;
    }
    Event e = parser_.Next(nullptr);
    if (e == Event::kNeedMore) break;
    if (e == Event::kError) {
      const chat::http::ParseError& err = parser_.error();
      FailConnection(err.status, err.code, err.detail);
      break;
    }
    if (e == Event::kHead) StartExchange();
  }
  UpdateTimers();
}

void Connection::StartExchange() {
  ++requests_;
  const chat::http::RequestHead& h = parser_.head();
  params_.clear();
  head_only_ = h.method == "HEAD";
  body_wanted_ = body_paused_ = body_done_ = body_end_sent_ = false;
  resp_started_ = resp_done_ = resp_close_ = resp_chunked_ = streaming_ = false;
  resp_left_ = 0;
  status_ = 0;
  if (h.framing == BodyFraming::kNone) {
    Event e = parser_.Next(nullptr);  // kEnd at once
    body_done_ = e == Event::kEnd;
  }
  Router::Match m = server_->router()->Find(h.method, h.Path());
  using Kind = Router::Match::Kind;
  switch (m.kind) {
    case Kind::kFound:
      handler_ = (*m.factory)();
      params_ = std::move(m.params);
      break;
    case Kind::kNotFound:
      handler_ = MakeFunctionHandler([](Exchange& ex) {
        SendProblem(ex, 404, "not-found", "nothing is served at this path");
      });
      break;
    case Kind::kMethodNotAllowed:
      if (h.method == "OPTIONS") {
        handler_ = MakeFunctionHandler([allow = m.allow](Exchange& ex) {
          chat::http::ResponseHead head;
          head.status = 204;
          head.Add("Allow", allow);
          ex.Respond(std::move(head), "");
        });
      } else {
        handler_ = MakeFunctionHandler([allow = m.allow](Exchange& ex) {
          SendProblem(ex, 405, "method-not-allowed", "this method is not allowed here",
                      {{"Allow", allow}});
        });
      }
      break;
    case Kind::kNotImplemented:
      handler_ = MakeFunctionHandler([](Exchange& ex) {
        SendProblem(ex, 501, "method-not-implemented", "chatd does not implement this method");
      });
      break;
    case Kind::kOptionsAsterisk:
      handler_ = MakeFunctionHandler([allow = m.allow](Exchange& ex) {
        chat::http::ResponseHead head;
        head.status = 204;
        head.Add("Allow", allow);
        ex.Respond(std::move(head), "");
      });
      break;
  }
  std::shared_ptr<Handler> hold = handler_;
  hold->OnRequest(*this);
}

bool Connection::PumpBody() {
  if (body_done_) {
    if (body_wanted_ && !body_end_sent_ && !body_paused_) {
      body_end_sent_ = true;
      std::shared_ptr<Handler> hold = handler_;
      hold->OnBodyEnd();
      return true;
    }
    return false;
  }
  if (!body_wanted_ || body_paused_) return false;
  std::string_view piece;
  Event e = parser_.Next(&piece);
  switch (e) {
    case Event::kBody: {
      Arm(Timer::kBodyIdle, server_->config().body_idle_timeout_s);
      std::shared_ptr<Handler> hold = handler_;
      hold->OnBody(piece);
      return true;
    }
    case Event::kEnd:
      body_done_ = true;
      return true;
    case Event::kError: {
      const chat::http::ParseError& err = parser_.error();
      FailConnection(err.status, err.code, err.detail);
      return false;
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------- Exchange

void Connection::ReadBody() {
  if (closed_ || handler_ == nullptr || body_wanted_) return;
  body_wanted_ = true;
  if (parser_.head().expect_continue && !body_done_ && !resp_started_) {
    conn_->Write("HTTP/1.1 100 Continue\r\n\r\n");  // RFC 9110 §10.1.1
  }
  event_active(kick_, 0, 0);
}

void Connection::PauseBody() {
  if (closed_ || handler_ == nullptr) return;
  body_paused_ = true;
  UpdateTimers();
}

void Connection::ResumeBody() {
  if (closed_ || handler_ == nullptr || !body_paused_) return;
  body_paused_ = false;
  event_active(kick_, 0, 0);
}

chat::http::ResponseFraming Connection::SendHead(ResponseHead& head, bool force_close) {
  const chat::http::RequestHead& req = parser_.head();
  resp_started_ = true;
  status_ = head.status;
  bool discardable = !body_wanted_ && !req.expect_continue && req.framing == BodyFraming::kLength &&
                     req.content_length <= kDiscardMax;
  bool close = force_close || shutdown_ || server_->shutting_down() || !req.keep_alive ||
               requests_ >= server_->config().max_requests_per_connection ||
               (!body_done_ && !discardable);
  chat::http::ResponseFraming framing;
  std::string bytes = chat::http::FormatResponseHead(head, req.version_minor, close, time(nullptr), &framing);
  resp_close_ = framing.close;
  resp_chunked_ = framing.chunked;
  conn_->Write(bytes);
  LogAccess(head.status);
  return framing;
}

void Connection::Respond(ResponseHead head, std::string_view body) {
  if (closed_ || handler_ == nullptr || resp_started_) return;
  head.content_length = body.size();
  chat::http::ResponseFraming framing = SendHead(head, false);
  if (!head_only_ && framing.has_body) conn_->Write(body);
  resp_done_ = true;
  ScheduleFinish();
}

void Connection::StartResponse(ResponseHead head) {
  if (closed_ || handler_ == nullptr || resp_started_) return;
  chat::http::ResponseFraming framing = SendHead(head, false);
  if (head_only_ || !framing.has_body) {
    resp_done_ = true;
    ScheduleFinish();
    return;
  }
  streaming_ = true;
  resp_left_ = head.content_length.value_or(0);
  length_known_ = head.content_length.has_value();
  Arm(Timer::kSendIdle, server_->config().body_idle_timeout_s);
  conn_->WatchDrain(kLowWatermark);  // the first OnWritable comes from the loop
}

void Connection::WriteBody(std::string_view bytes) {
  if (closed_ || !streaming_ || resp_done_ || bytes.empty()) return;
  if (resp_chunked_) {
    char size[24];
    int n = snprintf(size, sizeof size, "%zx\r\n", bytes.size());
    conn_->Write(std::string_view(size, static_cast<std::size_t>(n)));
    conn_->Write(bytes);
    conn_->Write("\r\n");
    return;
  }
  if (length_known_) {
    if (bytes.size() > resp_left_) {
      LOG_ERROR("http %s: a handler wrote past its Content-Length; closing", address_.c_str());
      Close(true);
      return;
    }
    resp_left_ -= bytes.size();
  }
  conn_->Write(bytes);
}

void Connection::EndResponse() {
  if (closed_ || !streaming_ || resp_done_) return;
  if (resp_chunked_) {
    conn_->Write(chat::http::kLastChunk);
  } else if (!length_known_ || resp_left_ > 0) {
    resp_close_ = true;  // close-delimited (HTTP/1.0), or short: the client must see the end
  }
  streaming_ = false;
  conn_->WatchDrain(0);
  resp_done_ = true;
  ScheduleFinish();
}

std::unique_ptr<Conn> Connection::Upgrade(ResponseHead head, std::string* early) {
  if (closed_ || handler_ == nullptr || resp_started_ || !body_done_ || conn_ == nullptr) return nullptr;
  resp_started_ = true;
  status_ = head.status;
  conn_->Write(chat::http::FormatResponseHead(head, parser_.head().version_minor, false, time(nullptr), nullptr));
  LogAccess(head.status);
  *early = parser_.TakeBuffered();
  std::unique_ptr<Conn> conn = std::move(conn_);
  conn->SetStreamHandler(nullptr);
  conn->PauseReading(false);
  conn->WatchDrain(0);
  Arm(Timer::kNone, 0);
  // The exchange ends from the loop (OnClose(true)), then this connection
  // goes: Close sees no Conn left to close.
  resp_done_ = true;
  resp_close_ = true;
  ScheduleFinish();
  return conn;
}

std::size_t Connection::unsent_bytes() const { return conn_ != nullptr ? conn_->unsent_bytes() : 0; }

void Connection::OnDrained() {
  if (closed_) return;
  if (handler_ != nullptr && streaming_ && !resp_done_) {
    Arm(Timer::kSendIdle, server_->config().body_idle_timeout_s);
    std::shared_ptr<Handler> hold = handler_;
    hold->OnWritable();
    return;
  }
  conn_->WatchDrain(0);
  if (handler_ == nullptr) {  // waiting to take the next pipelined request
    Process();
    ApplyReadPause();
  }
}

// ---------------------------------------------------------------- ending

void Connection::ScheduleFinish() {
  finish_pending_ = true;
  event_active(kick_, 0, 0);
}

void Connection::KickCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Connection*>(arg);
  if (self->closed_) return;
  if (self->finish_pending_) self->Finish();
  if (self->closed_) return;
  self->Process();
  self->ApplyReadPause();
}

void Connection::Finish() {
  finish_pending_ = false;
  if (handler_ == nullptr || !resp_done_) return;
  std::shared_ptr<Handler> h = std::move(handler_);
  handler_.reset();
  bool close = resp_close_ || shutdown_;
  if (!close && !body_done_) discard_body_ = true;  // SendHead allowed it (small, declared)
  params_.clear();
  h->OnClose(true);
  if (close) Close(true);
}

void Connection::FailConnection(int status, const std::string& code, const std::string& detail) {
  if (closed_) return;
  if (!resp_started_ || handler_ == nullptr) {
    ResponseHead head = ProblemHead(status);
    std::string body = ProblemJson(status, code, detail);
    head.content_length = body.size();
    std::string bytes = chat::http::FormatResponseHead(head, 1, true, time(nullptr), nullptr);
    bytes += body;
    conn_->Write(bytes);
    LOG_DEBUG("http %s: %d %s", address_.c_str(), status, code.c_str());
  }
  Close(true);
}

void Connection::Close(bool flush) {
  (void)flush;  // a Conn is never freed inside its own callbacks: it always closes itself
  if (closed_) return;
  closed_ = true;
  Arm(Timer::kNone, 0);
  if (handler_ != nullptr) {
    std::shared_ptr<Handler> h = std::move(handler_);
    handler_.reset();
    h->OnClose(false);
  }
  if (conn_ != nullptr) {
    conn_->CloseAfterFlush();
    conn_.release();  // the Conn owns itself now
  }
  server_->Remove(this);
}

void Connection::OnPeerLost(const std::string& reason) {
  LOG_DEBUG("http %s: %s", address_.c_str(), reason.c_str());
  Close(false);
}

// ---------------------------------------------------------------- timers

void Connection::Arm(Timer t, int seconds) {
  if (timer_ == nullptr) return;
  event_del(timer_);
  armed_ = t;
  if (t == Timer::kNone) return;
  timeval tv{seconds, 0};
  evtimer_add(timer_, &tv);
}

void Connection::UpdateTimers() {
  if (closed_) return;
  const HttpConfig& cfg = server_->config();
  if (handler_ != nullptr) {
    if (streaming_) return;  // kSendIdle, re-armed on every drain
    if (body_wanted_ && !body_done_ && !body_paused_) {
      if (armed_ != Timer::kBodyIdle) Arm(Timer::kBodyIdle, cfg.body_idle_timeout_s);
    } else {
      Arm(Timer::kNone, 0);  // the handler (or a paused sink) is working
    }
    return;
  }
  if (requests_ == 0 || !parser_.idle()) {
    // Waiting for (the rest of) a head: the deadline is set once, not
    // moved by each byte (slowloris).
    if (armed_ != Timer::kHeader) Arm(Timer::kHeader, cfg.header_timeout_s);
  } else if (armed_ != Timer::kKeepAlive) {
    Arm(Timer::kKeepAlive, cfg.keepalive_timeout_s);
  }
}

void Connection::TimerCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Connection*>(arg);
  Timer t = self->armed_;
  self->armed_ = Timer::kNone;
  switch (t) {
    case Timer::kHeader:
      if (self->parser_.idle()) {
        self->Close(true);  // nothing sent (or the TLS handshake never ended)
      } else {
        self->FailConnection(408, "request-timeout", "the request header took too long");
      }
      break;
    case Timer::kBodyIdle:
      self->FailConnection(408, "request-timeout", "the request body stalled");
      break;
    case Timer::kKeepAlive:
    case Timer::kSendIdle:
    case Timer::kNone:
      self->Close(true);
      break;
  }
}

void Connection::LogAccess(int status) {
  // No query string: capability tokens and signed links live there.
  const chat::http::RequestHead& h = parser_.head();
  std::string_view path = h.Path();
  LOG_DEBUG("http %s \"%s %.*s HTTP/1.%d\" %d", address_.c_str(), h.method.c_str(),
            static_cast<int>(path.size()), path.data(), h.version_minor, status);
}

}  // namespace chatd::http
