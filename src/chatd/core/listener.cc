// Listener: binds a [[listen]] address with evconnlistener.
#include "chatd/core/listener.h"

#include <arpa/inet.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "chatd/core/log.h"
#include "chatd/core/server.h"

namespace chatd {

chat::Result<std::unique_ptr<Listener>> Listener::Create(Server* server, const ListenConfig& cfg) {
  sockaddr_storage ss{};
  socklen_t len;
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
  if (cfg.host.find(':') != std::string::npos) {
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(cfg.port);
    if (inet_pton(AF_INET6, cfg.host.c_str(), &sin6->sin6_addr) != 1) {
      return chat::Status::InvalidArgument("bad listen address " + cfg.address);
    }
    len = sizeof *sin6;
  } else if (cfg.host.empty()) {
    sin6->sin6_family = AF_INET6;  // any address, dual-stack
    sin6->sin6_port = htons(cfg.port);
    sin6->sin6_addr = in6addr_any;
    len = sizeof *sin6;
  } else {
    sin->sin_family = AF_INET;
    sin->sin_port = htons(cfg.port);
    if (inet_pton(AF_INET, cfg.host.c_str(), &sin->sin_addr) != 1) {
      return chat::Status::InvalidArgument("bad listen address " + cfg.address);
    }
    len = sizeof *sin;
  }
  std::unique_ptr<Listener> l(new Listener(server, cfg));
  // Backlog SOMAXCONN (the kernel caps it at net.core.somaxconn; libevent's
  // -1 means 128): a short queue overflows under connection bursts and
  // clients then wait for SYN retries (1, 3, 7 s ...).
  l->lev_ = evconnlistener_new_bind(server->base(), &Listener::AcceptCb, l.get(),
                                    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
                                    SOMAXCONN, reinterpret_cast<sockaddr*>(&ss), static_cast<int>(len));
  if (l->lev_ == nullptr) {
    return chat::Status::IOError("cannot listen on " + cfg.address + ": " + strerror(errno));
  }
  evconnlistener_set_error_cb(l->lev_, &Listener::ErrorCb);
  return l;
}

Listener::~Listener() {
  if (lev_ != nullptr) evconnlistener_free(lev_);
}

void Listener::AcceptCb(evconnlistener*, int fd, sockaddr* sa, int salen, void* arg) noexcept {
  auto* self = static_cast<Listener*>(arg);
  self->server_->Accept(fd, sa, salen, self->cfg_);
}

void Listener::ErrorCb(evconnlistener*, void* arg) noexcept {
  auto* self = static_cast<Listener*>(arg);
  // EMFILE and friends: keep listening, the next accept may succeed.
  LOG_WARNING("accept on %s failed: %s", self->cfg_.address.c_str(), strerror(errno));
}

}  // namespace chatd
