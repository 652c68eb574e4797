// HttpServer: owns the HTTP connections and their shared limits.
#include "chatd/http/http_server.h"

#include "chatd/core/conn.h"
#include "chatd/core/log.h"
#include "chatd/http/connection.h"

namespace chatd::http {

HttpServer::HttpServer(event_base* base, const Config* config) : base_(base), config_(config) {
  reap_ = event_new(base_, -1, 0, &HttpServer::ReapCb, this);
}

HttpServer::~HttpServer() {
  dead_.clear();
  conns_.clear();  // ~Connection closes each socket
  if (reap_ != nullptr) event_free(reap_);
}

void HttpServer::Accept(std::unique_ptr<Conn> conn) {
  std::string address = conn->address();
  auto c = std::make_unique<Connection>(this, std::move(conn));
  Connection* raw = c.get();
  conns_.emplace(raw, std::move(c));
  std::size_t& from_ip = per_ip_[address];
  ++from_ip;
  const HttpConfig& cfg = config();
  if (conns_.size() > cfg.max_connections || from_ip > cfg.max_per_ip) {
    LOG_INFO("http %s refused: %s", address.c_str(),
             conns_.size() > cfg.max_connections ? "max_connections reached" : "max_per_ip reached");
    raw->Refuse();
  }
}

void HttpServer::Shutdown() {
  shutting_down_ = true;
  std::vector<Connection*> all;
  for (auto& [c, owned] : conns_) all.push_back(c);
  for (Connection* c : all) c->Shutdown();
}

void HttpServer::Remove(Connection* c) {
  auto it = conns_.find(c);
  if (it == conns_.end()) return;
  auto ip = per_ip_.find(c->peer_address());
  if (ip != per_ip_.end() && --ip->second == 0) per_ip_.erase(ip);
  dead_.push_back(std::move(it->second));
  conns_.erase(it);
  if (reap_ != nullptr) event_active(reap_, 0, 0);
}

void HttpServer::ReapCb(evutil_socket_t, short, void* arg) noexcept {
  static_cast<HttpServer*>(arg)->dead_.clear();
}

}  // namespace chatd::http
