// Listener: one listening socket from a [[listen]] entry, handing accepted
// connections to the Server.
#ifndef CHATD_LISTENER_H_
#define CHATD_LISTENER_H_

#include <memory>

#include "chatd/core/config.h"
#include "libchat/status.h"

struct evconnlistener;
struct sockaddr;

namespace chatd {

class Server;

class Listener {
 public:
  // Binds and listens on cfg's address. Errors name the address and errno text.
  static chat::Result<std::unique_ptr<Listener>> Create(Server* server, const ListenConfig& cfg);
  ~Listener();
  const ListenConfig& config() const { return cfg_; }

 private:
  Listener(Server* server, const ListenConfig& cfg) : server_(server), cfg_(cfg) {}
  static void AcceptCb(evconnlistener*, int fd, struct sockaddr* sa, int salen, void* arg) noexcept;
  static void ErrorCb(evconnlistener*, void* arg) noexcept;

  Server* server_;
  ListenConfig cfg_;
  evconnlistener* lev_ = nullptr;
};

}  // namespace chatd

#endif  // CHATD_LISTENER_H_
