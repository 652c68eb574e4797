// chatd::http::HttpServer: the HTTP/1.1 side of chatd. Owns every HTTP
// connection (http/connection.h), the Router, and the [http] limits that
// span connections: max_connections and max_per_ip. Loop thread only.
// State here is node-local (connections in flight); nothing global.
#ifndef CHATD_HTTP_HTTP_SERVER_H_
#define CHATD_HTTP_HTTP_SERVER_H_

#include <event2/event.h>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/http/router.h"

namespace chatd {
class Conn;
}

namespace chatd::http {

class Connection;

class HttpServer {
 public:
  // `config` is the Server's live configuration (re-read on SIGHUP); it
  // and `base` outlive this object.
  HttpServer(event_base* base, const Config* config);
  // Closes every connection at once (their handlers get OnClose(false)).
  ~HttpServer();

  Router* router() { return &router_; }
  const Router& router() const { return router_; }
  const HttpConfig& config() const { return config_->http; }
  event_base* base() const { return base_; }

  // Takes a freshly accepted connection (TLS not yet negotiated). Over
  // max_connections or max_per_ip it gets a 503 problem document
  // ("too-many-connections") and is closed.
  void Accept(std::unique_ptr<Conn> conn);
  // Graceful stop: idle connections close now, busy ones after their
  // current response (Connection: close).
  void Shutdown();
  std::size_t connections() const { return conns_.size(); }
  bool shutting_down() const { return shutting_down_; }

  // Called by a Connection that is done: it is deleted from the loop,
  // outside any of its own callbacks.
  void Remove(Connection* c);

 private:
  static void ReapCb(evutil_socket_t, short, void* arg) noexcept;

  event_base* base_;
  const Config* config_;
  Router router_;
  bool shutting_down_ = false;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> conns_;
  std::vector<std::unique_ptr<Connection>> dead_;
  std::unordered_map<std::string, std::size_t> per_ip_;
  event* reap_ = nullptr;
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_HTTP_SERVER_H_
