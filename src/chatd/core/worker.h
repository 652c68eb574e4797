// chatd::Worker: a small pool of threads (1 or 2) for blocking work that
// must not run on the event loop: fdatasync and file I/O of uploads and
// downloads, backups (DESIGN.md "One process, one loop").
//
// Post(job, done): `job` runs on a worker thread, then `done` runs on the
// loop thread (the Worker wakes the loop through an eventfd it watches). A job must not
// touch loop state (clients, channels, connections, the store's handles
// owned by the loop): give it its own data (a shared_ptr to a small state
// struct) and read the results in `done`. Jobs start in the order posted;
// with two threads two may run at once. Exceptions never cross: a job or
// done that throws aborts the process (a broken invariant, STYLE.md).
//
// A `done` may find its requester gone (the HTTP exchange closed): capture
// a weak_ptr and check it (http/handler.h shows the pattern).
#ifndef CHATD_WORKER_H_
#define CHATD_WORKER_H_

#include <event2/event.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "libchat/status.h"

namespace chatd {

class Worker {
 public:
  // Starts `threads` (1..4) threads whose results come back on `base`'s
  // loop. Fails (IOError) when a thread or the wake-up event cannot be made.
  static chat::Result<std::unique_ptr<Worker>> Create(event_base* base, int threads = 1);
  // Lets running and queued jobs finish (durability work such as an
  // fdatasync is never cut short), joins the threads, and drops the `done`
  // callbacks that have not run. Call on the loop thread.
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Queues a job. Loop thread only.
  void Post(std::function<void()> job, std::function<void()> done);
  // Jobs posted whose `done` has not run yet.
  std::size_t pending() const { return pending_; }

 private:
  struct Task {
    std::function<void()> job;
    std::function<void()> done;
  };
  Worker() = default;
  void ThreadMain();
  static void DoneCb(evutil_socket_t, short, void* arg) noexcept;

  int wake_fd_ = -1;           // eventfd the workers write after each job
  event* done_ev_ = nullptr;   // reads wake_fd_, runs DoneCb on the loop
  std::size_t pending_ = 0;    // loop thread only
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> queue_;     // guarded by mu_
  std::deque<Task> finished_;  // guarded by mu_: jobs run, done not yet called
  bool stopping_ = false;      // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace chatd

#endif  // CHATD_WORKER_H_
