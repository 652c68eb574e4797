// The byte pipe a Client talks through, and the events it reports back.
// conn.cc implements it over libevent bufferevents (plain or TLS); tests can
// implement it in memory. No protocol knowledge on either side of it.
#ifndef CHATD_PEER_H_
#define CHATD_PEER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace chatd {

// Receives what a Peer reads. Called only from the event loop.
class PeerHandler {
 public:
  virtual ~PeerHandler() = default;
  // One complete line, terminator stripped. The view is valid only during the call.
  virtual void OnLine(std::string_view line) = 0;
  // A line longer than the framer's limit was discarded (reply ERR_INPUTTOOLONG).
  virtual void OnOverlong() = 0;
  // False while the handler wants lines to wait in the RecvQ (flood throttle).
  virtual bool ReadyForLines() = 0;
  // The connection is unusable (EOF, reset, TLS failure, RecvQ or SendQ
  // exceeded); `reason` is for the QUIT message. Called at most once, never
  // from inside Write().
  virtual void OnPeerLost(const std::string& reason) = 0;
};

// Receives a byte-stream Conn's input and output events (HTTP). Called only
// from the event loop, never from inside a Conn method the handler called.
class StreamHandler {
 public:
  virtual ~StreamHandler() = default;
  // Bytes as read from the socket (after TLS), in order; never empty. The
  // view is valid only during the call. No more come while reading is paused.
  virtual void OnBytes(std::string_view bytes) = 0;
  // The unsent output fell below the watermark given to WatchDrain (checked
  // after each write to the socket; called at most once per loop iteration).
  virtual void OnDrained() = 0;
  // As PeerHandler::OnPeerLost: the connection is unusable; at most once.
  virtual void OnPeerLost(const std::string& reason) = 0;
};

class Peer {
 public:
  // Runs the SetOnClosed hook: the socket is closed by now (a Conn closes it
  // in its own destructor, which runs first).
  virtual ~Peer() { RunOnClosed(); }
  // Sets what runs once when this peer's socket is done: when the peer is
  // destroyed (its socket closed, for a closing connection after its last
  // flush), or earlier when the other side is gone (EOF, reset), since
  // nobody can hold such a socket open. chatd's connection counts
  // (max_clients, max_per_ip) use it, so that a socket counts from accept()
  // to close(), not just while it has a Client.
  void SetOnClosed(std::function<void()> fn) { on_closed_ = std::move(fn); }

 protected:
  // Runs the SetOnClosed hook if it has not run yet.
  void RunOnClosed() {
    if (!on_closed_) return;
    std::function<void()> fn = std::move(on_closed_);
    on_closed_ = nullptr;
    fn();
  }

 public:
  virtual void SetHandler(PeerHandler* handler) = 0;
  // Queues bytes for sending. If the queue passes the SendQ limit the peer is
  // lost: OnPeerLost("SendQ exceeded") follows later, from the loop.
  virtual void Write(std::string_view bytes) = 0;
  // Runs lines that were held back while !ReadyForLines().
  virtual void ResumeLines() = 0;
  // Stops reading, flushes what is queued (bounded by a timeout) and then
  // deletes itself. The handler is not called again. The caller must drop
  // its pointer (release ownership) after calling this.
  virtual void CloseAfterFlush() = 0;
  // Remote address as text ("127.0.0.1", "2001:db8::1"); v4-mapped v6 shown as v4.
  virtual const std::string& address() const = 0;
  virtual bool is_tls() const = 0;

 private:
  std::function<void()> on_closed_;
};

}  // namespace chatd

#endif  // CHATD_PEER_H_
