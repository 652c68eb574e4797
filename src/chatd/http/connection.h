// chatd::http::Connection: one HTTP/1.1 connection over a byte-stream Conn
// (core/conn.h). Runs the request cycle: parse a head (RequestParser),
// route it, drive the Handler through the Exchange it implements
// (handler.h), then the next request — pipelined requests are answered in
// order, one at a time, the next one left unparsed in the buffer until the
// current response is queued. Owns the timeouts of doc/http.md (header,
// body idle, keep-alive idle, stalled download) and closes cleanly, with
// the parser's status as a problem document, on any framing error.
// Owned by HttpServer; deleted from the loop via HttpServer::Remove.
#ifndef CHATD_HTTP_CONNECTION_H_
#define CHATD_HTTP_CONNECTION_H_

#include <event2/event.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "chatd/core/peer.h"
#include "chatd/http/handler.h"
#include "libchat/http/request_parser.h"

namespace chatd {
class Conn;
}

namespace chatd::http {

class HttpServer;

class Connection final : public StreamHandler, public Exchange {
 public:
  Connection(HttpServer* server, std::unique_ptr<Conn> conn);
  ~Connection() override;

  // Answers 503 "too-many-connections" and closes (used by HttpServer).
  void Refuse();
  // Closes after the current response (or now when idle).
  void Shutdown();

  // ---- StreamHandler
  void OnBytes(std::string_view bytes) override;
  void OnDrained() override;
  void OnPeerLost(const std::string& reason) override;

  // ---- Exchange (handler.h)
  const chat::http::RequestHead& head() const override { return parser_.head(); }
  std::string_view path() const override { return parser_.head().Path(); }
  std::string_view query() const override { return parser_.head().Query(); }
  const std::vector<std::string>& params() const override { return params_; }
  const std::string& peer_address() const override { return address_; }
  bool is_tls() const override { return tls_; }
  bool is_head() const override { return head_only_; }
  void ReadBody() override;
  void PauseBody() override;
  void ResumeBody() override;
  void Respond(chat::http::ResponseHead head, std::string_view body) override;
  void StartResponse(chat::http::ResponseHead head) override;
  void WriteBody(std::string_view bytes) override;
  void EndResponse() override;
  std::size_t unsent_bytes() const override;
  std::unique_ptr<Conn> Upgrade(chat::http::ResponseHead head, std::string* early) override;

 private:
  enum class Timer { kNone, kHeader, kKeepAlive, kBodyIdle, kSendIdle };

  // Runs the parser as far as the current state allows: heads while no
  // exchange is active, body pieces while the handler reads one.
  void Process();
  void StartExchange();
  // Body events for the active exchange; false when nothing more now.
  bool PumpBody();
  // Queues the response head; returns the framing chosen.
  chat::http::ResponseFraming SendHead(chat::http::ResponseHead& head, bool force_close);
  // The exchange's response is queued: finish it from the loop.
  void ScheduleFinish();
  void Finish();
  // Ends the active exchange early (handler told OnClose(false)).
  void AbortExchange();
  // Sends a problem response outside any exchange (parse errors, 408)
  // and closes after it.
  void FailConnection(int status, const std::string& code, const std::string& detail);
  // Stops everything and hands the connection to the server for deletion.
  void Close(bool flush);
  void Arm(Timer t, int seconds);
  void UpdateTimers();
  void ApplyReadPause();
  static void TimerCb(evutil_socket_t, short, void* arg) noexcept;
  static void KickCb(evutil_socket_t, short, void* arg) noexcept;
  void LogAccess(int status);

  HttpServer* server_;
  std::unique_ptr<Conn> conn_;  // null once closing (the Conn then owns itself)
  std::string address_;
  bool tls_;
  chat::http::RequestParser parser_;
  event* timer_ = nullptr;
  event* kick_ = nullptr;  // runs Finish / Process from the loop
  Timer armed_ = Timer::kNone;
  bool closed_ = false;
  bool shutdown_ = false;
  std::size_t requests_ = 0;  // exchanges started on this connection

  // The active exchange (handler_ non-null).
  std::shared_ptr<Handler> handler_;
  std::vector<std::string> params_;
  bool head_only_ = false;
  bool body_wanted_ = false;    // ReadBody called
  bool body_paused_ = false;    // PauseBody
  bool body_done_ = false;      // the parser reported kEnd
  bool body_end_sent_ = false;  // OnBodyEnd delivered
  bool discard_body_ = false;   // after the response: drop the rest of the body
  bool resp_started_ = false;
  bool resp_done_ = false;
  bool resp_close_ = false;     // Connection: close was sent
  bool resp_chunked_ = false;
  bool streaming_ = false;      // StartResponse with a body still to write
  bool length_known_ = false;   // the streamed response declared its length
  bool finish_pending_ = false;
  uint64_t resp_left_ = 0;      // declared Content-Length not yet written
  int status_ = 0;
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_CONNECTION_H_
