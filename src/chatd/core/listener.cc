// Listener: binds a [[listen]] address with evconnlistener.
#include "chatd/core/listener.h"

#include <arpa/inet.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chatd/core/log.h"
#include "chatd/core/server.h"

namespace chatd {

int Listener::reserve_fd_ = -1;

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
  l->resume_ = evtimer_new(server->base(), &Listener::ResumeCb, l.get());
  if (l->resume_ == nullptr) return chat::Status::IOError("cannot create a timer for " + cfg.address);
  if (reserve_fd_ < 0) reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  return l;
}

Listener::~Listener() {
  if (lev_ != nullptr) evconnlistener_free(lev_);
  if (resume_ != nullptr) event_free(resume_);
}

void Listener::AcceptCb(evconnlistener*, int fd, sockaddr* sa, int salen, void* arg) noexcept {
  auto* self = static_cast<Listener*>(arg);
  if (self->exhausted_) {
    LOG_NOTICE("accepting on %s again; %llu connections were closed unserved while out of file descriptors",
               self->cfg_.address.c_str(), static_cast<unsigned long long>(self->refused_));
    self->exhausted_ = false;
    self->refused_ = 0;
  }
  self->server_->Accept(fd, sa, salen, self->cfg_);
}

void Listener::ErrorCb(evconnlistener*, void* arg) noexcept {
  auto* self = static_cast<Listener*>(arg);
  const int error = errno;
  if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
    self->BackOff(error);
    return;
  }
  // Anything else (ECONNABORTED and the like) concerns one connection.
  LOG_WARNING("accept on %s failed: %s", self->cfg_.address.c_str(), strerror(error));
}

void Listener::BackOff(int error) {
  if (!exhausted_) {
    exhausted_ = true;
    LOG_WARNING("accept on %s failed: %s; closing new connections and pausing accept for %d ms at a time "
                "until descriptors are free (raise LimitNOFILE / ulimit -n, or lower [limits] max_clients)",
                cfg_.address.c_str(), strerror(error), kBackoffMs);
  }
  const int listen_fd = evconnlistener_get_fd(lev_);
  if (reserve_fd_ >= 0) {
    close(reserve_fd_);
    reserve_fd_ = -1;
  }
  // With one descriptor free, take each waiting connection and close it.
  for (int i = 0; i < 1024; ++i) {
    int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) break;
    close(fd);
    ++refused_;
  }
  reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);  // may fail until a descriptor frees up
  evconnlistener_disable(lev_);
  timeval pause{0, kBackoffMs * 1000};
  evtimer_add(resume_, &pause);
}

void Listener::ResumeCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Listener*>(arg);
  if (self->reserve_fd_ < 0) self->reserve_fd_ = open("/dev/null", O_RDONLY | O_CLOEXEC);
  evconnlistener_enable(self->lev_);
}

}  // namespace chatd
