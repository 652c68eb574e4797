// Listener: one listening socket from a [[listen]] entry, handing accepted
// connections to the Server. When the process runs out of file descriptors
// (EMFILE, ENFILE) it backs off instead of spinning: it uses a reserved
// descriptor to accept and close the connections waiting in the backlog, so
// their clients see a close rather than a hang, pauses accepting for
// kBackoffMs, and logs once per episode (doc/security.md).
#ifndef CHATD_LISTENER_H_
#define CHATD_LISTENER_H_

#include <event2/event.h>

#include <cstdint>
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

  // How long accepting pauses after the process ran out of descriptors.
  static constexpr int kBackoffMs = 250;

 private:
  Listener(Server* server, const ListenConfig& cfg) : server_(server), cfg_(cfg) {}
  static void AcceptCb(evconnlistener*, int fd, struct sockaddr* sa, int salen, void* arg) noexcept;
  static void ErrorCb(evconnlistener*, void* arg) noexcept;
  static void ResumeCb(evutil_socket_t, short, void* arg) noexcept;
  // Out of descriptors: frees the reserve, accepts and closes what waits in
  // the backlog, takes the reserve back and pauses the listener.
  void BackOff(int error);

  Server* server_;
  ListenConfig cfg_;
  evconnlistener* lev_ = nullptr;
  event* resume_ = nullptr;         // re-enables lev_ after a back-off
  bool exhausted_ = false;          // in an episode of EMFILE/ENFILE (logged once)
  uint64_t refused_ = 0;            // connections closed unserved in this episode
  static int reserve_fd_;           // /dev/null held for BackOff; -1 while in use
};

}  // namespace chatd

#endif  // CHATD_LISTENER_H_
