// Pool: the generator's connections and its single epoll loop. Opens
// connections from several 127.0.0.x source addresses at a bounded rate
// with a bounded number in setup, registers each (NICK/USER, waits for 001),
// optionally OPERs it, JOINs its channel (waits for 366), answers PING, and
// then hands every line of a ready connection to the scenario's handler.
// Single-threaded; nothing here may be called from another thread.
#ifndef CHATBENCH_POOL_H_
#define CHATBENCH_POOL_H_

#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conn.h"
#include "histogram.h"
#include "irc_line.h"
#include "options.h"

namespace chatbench {

// What a scenario does with the traffic of ready connections.
class LineHandler {
 public:
  virtual ~LineHandler() = default;
  // A line (not PING: the pool answers those) for a connection in kReady.
  // `now_ns` is when the read that carried it returned. Views are valid only
  // during the call. May call Pool::Send.
  virtual void OnLine(Conn& c, const LineView& line, int64_t now_ns) = 0;
  // A ready connection was closed by the server or failed (c.state is kClosed).
  virtual void OnLost(Conn& c) { (void)c; }
};

struct SetupResult {
  std::size_t ready = 0;     // connections that reached kReady
  std::size_t failed = 0;    // connections that did not (refused, timed out, rejected)
  int64_t elapsed_ns = 0;    // from the first connect() to the last one ready or failed
  std::string first_error;   // why the first failed connection failed, "" if none did
};

class Pool {
 public:
  // `opt` must outlive the pool.
  explicit Pool(const Options& opt);
  // Closes every connection.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Creates the epoll instance and (with --tls) the client SSL_CTX.
  // False with *error set on failure.
  bool Init(std::string* error);

  // The handler for ready connections' lines; may be null (lines dropped).
  void set_handler(LineHandler* h) { handler_ = h; }
  // Capabilities to request during registration ("CAP REQ :<caps>" ... "CAP END").
  void set_cap_request(std::string caps) { cap_req_ = std::move(caps); }

  // Opens `n` connections (call once per pool). Connection i joins channel
  // channel_of(i) (none when it returns -1) and is a sender when
  // is_sender(i) (senders OPER first when --oper is given). Returns when
  // every connection is ready or failed, or at `deadline_ns`.
  SetupResult Establish(std::size_t n, const std::function<int(std::size_t)>& channel_of,
                        const std::function<bool(std::size_t)>& is_sender, int64_t deadline_ns);

  // Runs the loop until `until_ns` or until `step` returns false. step(now)
  // runs once per loop pass and at least every `tick_ns`; what it queues
  // with Send is written at the end of that pass.
  void Run(int64_t until_ns, int64_t tick_ns, const std::function<bool(int64_t)>& step);

  // Queues bytes for c (written by the loop; no allocation once c.out has grown).
  void Send(Conn& c, std::string_view bytes);

  // The name of channel k: --channel-prefix followed by k.
  std::string ChannelName(int k) const;

  std::vector<Conn>& conns() { return conns_; }
  const IoCounters& io() const { return io_; }
  // Connections currently in kReady.
  std::size_t ready_now() const { return ready_now_; }
  // Ready connections lost later (closed by the server or failed).
  std::size_t lost() const { return lost_; }
  // connect() to ready, over the connections that became ready.
  const LatencyHistogram& setup_latency() const { return setup_latency_; }

  // Closes every connection (no QUIT; the server sees EOF).
  void CloseAll();

 private:
  void StartOne(std::size_t i, int64_t now);
  void OnEvent(Conn& c, uint32_t events, int64_t now);
  void OnSetupLine(Conn& c, const LineView& l, int64_t now);
  void SendRegistration(Conn& c);
  void Join(Conn& c, int64_t now);
  void BecomeReady(Conn& c, int64_t now);
  void Fail(Conn& c, std::string_view why);
  void Lose(Conn& c);
  void PollOnce(int64_t timeout_ns);
  void FlushDirty();
  void WatchWrite(Conn& c, bool on);

  const Options& opt_;
  int epfd_ = -1;
  SSL_CTX* ssl_ctx_ = nullptr;
  sockaddr_in dst_{};
  std::vector<sockaddr_in> sources_;
  std::vector<Conn> conns_;
  std::vector<uint32_t> dirty_;
  std::vector<char> scratch_;
  std::vector<epoll_event> events_;
  LineHandler* handler_ = nullptr;
  std::string cap_req_;
  std::string oper_line_;   // "OPER name pass\r\n"
  IoCounters io_;
  std::size_t in_setup_ = 0;
  std::size_t ready_now_ = 0;
  std::size_t failed_ = 0;
  std::size_t lost_ = 0;
  std::string first_error_;
  LatencyHistogram setup_latency_;
};

}  // namespace chatbench

#endif  // CHATBENCH_POOL_H_
