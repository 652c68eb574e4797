// FakePeer: an in-memory chatd::Peer for driving a Client without sockets,
// and the helpers session_test.cc builds on (connect, feed lines, register,
// read back and parse what the server wrote).
//
// Ownership: the Server owns the Client, the Client owns the FakePeer until
// CloseAfterFlush(), after which the peer deletes itself at once (there is
// nothing to flush). Everything a test wants to look at therefore lives in
// a PeerState shared between the peer and the test, which outlives both.
#ifndef CHAT_TESTS_UNIT_FAKE_PEER_H_
#define CHAT_TESTS_UNIT_FAKE_PEER_H_

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chatd/irc/client.h"
#include "chatd/core/peer.h"
#include "chatd/core/server.h"
#include "libchat/message.h"

// Last: its memory-leak macros redefine `new`, which breaks standard headers.
#include "CppUTest/TestHarness.h"

namespace chatd_test {

// What one fake connection has seen. Event loop thread only, like the peer.
struct PeerState {
  std::string address = "192.0.2.1";
  bool tls = false;
  std::string out;                         // every byte the server wrote, unconsumed
  bool closed = false;                     // CloseAfterFlush() was called; the peer is gone
  chatd::PeerHandler* handler = nullptr;   // the Client; null once closed
  chatd::Client* client = nullptr;         // the same object, as AddClient returned it; don't
                                           // use after closed (it is reaped by the loop)
  std::deque<std::string> held;            // lines waiting while !ReadyForLines() (the RecvQ)

  // `out` split at CRLF, terminators removed. A trailing partial line is kept.
  std::vector<std::string> Lines() const {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < out.size()) {
      std::size_t end = out.find("\r\n", start);
      if (end == std::string::npos) {
        lines.push_back(out.substr(start));
        break;
      }
      lines.push_back(out.substr(start, end - start));
      start = end + 2;
    }
    return lines;
  }

  // Lines() and forgets them.
  std::vector<std::string> Take() {
    std::vector<std::string> lines = Lines();
    out.clear();
    return lines;
  }

  // Take(), each line parsed; a line that does not parse fails the test.
  std::vector<chat::irc::Message> TakeMessages();

  // Delivers one line the way Conn does: straight to OnLine when the handler
  // is ready and nothing is queued, else queued until Resume().
  void Feed(std::string_view line) {
    if (closed || handler == nullptr) return;
    held.emplace_back(line);
    Resume();
  }

  // Runs queued lines while the handler accepts them (Peer::ResumeLines).
  void Resume() {
    while (!held.empty() && handler != nullptr && handler->ReadyForLines()) {
      std::string line = std::move(held.front());
      held.pop_front();
      handler->OnLine(line);
    }
  }
};

class FakePeer final : public chatd::Peer {
 public:
  explicit FakePeer(std::shared_ptr<PeerState> state) : state_(std::move(state)) {}

  void SetHandler(chatd::PeerHandler* handler) override { state_->handler = handler; }
  void Write(std::string_view bytes) override { state_->out.append(bytes); }
  void ResumeLines() override {
    auto state = state_;  // the replay may close (and delete) this peer
    state->Resume();
  }
  void CloseAfterFlush() override {
    state_->closed = true;
    state_->handler = nullptr;
    state_->client = nullptr;
    delete this;
  }
  const std::string& address() const override { return state_->address; }
  bool is_tls() const override { return state_->tls; }

 private:
  std::shared_ptr<PeerState> state_;
};

// Parses a server line (tags of any kind kept, no UTF-8 check).
inline chat::irc::Message Parse(const std::string& line) {
  chat::irc::Limits limits;
  limits.max_body = 1 << 20;
  limits.max_client_tags = 1 << 20;
  limits.max_tag_section = 1 << 20;
  limits.utf8_only = false;
  chat::irc::Message m;
  chat::irc::LineError err = chat::irc::ParseLine(line, limits, &m);
  if (err != chat::irc::LineError::kNone) FAIL_TEST(("server sent an unparsable line: " + line).c_str());
  return m;
}

inline std::vector<chat::irc::Message> PeerState::TakeMessages() {
  std::vector<chat::irc::Message> msgs;
  for (const auto& line : Take()) msgs.push_back(Parse(line));
  return msgs;
}

// The commands of msgs, in order ("001", "JOIN", ...).
inline std::vector<std::string> Commands(const std::vector<chat::irc::Message>& msgs) {
  std::vector<std::string> cmds;
  for (const auto& m : msgs) cmds.push_back(m.command);
  return cmds;
}

// The first message with `command`, or nullptr.
inline const chat::irc::Message* Find(const std::vector<chat::irc::Message>& msgs, std::string_view command) {
  for (const auto& m : msgs) {
    if (m.command == command) return &m;
  }
  return nullptr;
}

// A new unregistered connection from `address`.
inline std::shared_ptr<PeerState> Connect(chatd::Server& server, bool flood_exempt = true,
                                          const std::string& address = "192.0.2.1") {
  auto state = std::make_shared<PeerState>();
  state->address = address;
  state->client = server.AddClient(std::make_unique<FakePeer>(state), flood_exempt);
  return state;
}

// Connects and registers `nick` (user "~nick", realname "Real <nick>"). With
// `caps`, negotiates them first (CAP LS 302, CAP REQ, ..., CAP END). Checks
// that registration succeeded, then discards everything written so far.
inline std::shared_ptr<PeerState> Register(chatd::Server& server, const std::string& nick,
                                           const std::vector<std::string>& caps = {},
                                           bool flood_exempt = true) {
  auto state = Connect(server, flood_exempt);
  if (!caps.empty()) {
    std::string list;
    for (const auto& cap : caps) list += (list.empty() ? "" : " ") + cap;
    state->Feed("CAP LS 302");
    state->Feed("CAP REQ :" + list);
  }
  state->Feed("NICK " + nick);
  state->Feed("USER " + nick + " 0 * :Real " + nick);
  if (!caps.empty()) state->Feed("CAP END");
  auto msgs = state->TakeMessages();
  if (Find(msgs, "001") == nullptr) FAIL_TEST(("registration of " + nick + " failed").c_str());
  if (!caps.empty()) {
    bool acked = false;
    for (const auto& m : msgs) acked = acked || (m.command == "CAP" && m.params.size() >= 2 && m.params[1] == "ACK");
    if (!acked) FAIL_TEST(("caps not acknowledged for " + nick).c_str());
  }
  return state;
}

}  // namespace chatd_test

#endif  // CHAT_TESTS_UNIT_FAKE_PEER_H_
