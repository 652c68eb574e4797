// Worker: threads running blocking jobs; their `done` callbacks return to
// the loop through an eventfd the loop watches. Not event_active from the
// threads: that needs libevent's locking (evthread_use_pthreads), which
// would put a mutex on every event operation of the IRC hot path.
#include "chatd/core/worker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace chatd {

chat::Result<std::unique_ptr<Worker>> Worker::Create(event_base* base, int threads) {
  if (threads < 1 || threads > 4) return chat::Status::InvalidArgument("worker threads must be 1..4");
  std::unique_ptr<Worker> w(new Worker());
  w->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (w->wake_fd_ < 0) return chat::Status::IOError(std::string("eventfd: ") + strerror(errno));
  w->done_ev_ = event_new(base, w->wake_fd_, EV_READ | EV_PERSIST, &Worker::DoneCb, w.get());
  if (w->done_ev_ == nullptr || event_add(w->done_ev_, nullptr) != 0) {
    return chat::Status::IOError("cannot create the worker's event");
  }
  try {
    for (int i = 0; i < threads; ++i) w->threads_.emplace_back(&Worker::ThreadMain, w.get());
  } catch (const std::system_error& e) {
    return chat::Status::IOError(std::string("cannot start a worker thread: ") + e.what());
  }
  return w;
}

Worker::~Worker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  if (done_ev_ != nullptr) event_free(done_ev_);
  if (wake_fd_ >= 0) close(wake_fd_);
}

void Worker::Post(std::function<void()> job, std::function<void()> done) {
  ++pending_;
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(Task{std::move(job), std::move(done)});
  }
  cv_.notify_one();
}

void Worker::ThreadMain() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and every queued job has run
    Task task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task.job();  // a throw here terminates: noexcept by contract (worker.h)
    task.job = nullptr;
    lock.lock();
    finished_.push_back(std::move(task));
    uint64_t one = 1;
    ssize_t ignored = write(wake_fd_, &one, sizeof one);  // only fails when the counter is huge
    (void)ignored;
  }
}

void Worker::DoneCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Worker*>(arg);
  uint64_t count;
  ssize_t ignored = read(self->wake_fd_, &count, sizeof count);  // resets the eventfd
  (void)ignored;
  std::deque<Task> finished;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    finished.swap(self->finished_);
  }
  for (Task& t : finished) {
    --self->pending_;
    t.done();
  }
}

}  // namespace chatd
