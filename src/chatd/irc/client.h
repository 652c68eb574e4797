// Client: one connection's session state (registration, capabilities,
// identity, channels, away, flood penalty), the ways to send to it, and its
// place among the sessions of its account (multiclient).
// Owned by Server; lives on the event loop thread only.
//
// Account sessions (doc/protocol.md "Account sessions and offline
// delivery"). A Client is always one connection: its peer, capabilities,
// label capture, batches, flood clock and SASL state are per connection.
// The connections logged in to one account form one *user*: the first of
// them is the user's *front*, the others are *attached* to it. The front is
// what the rest of the network sees: it alone is in the nick index, in the
// channels' member lists and the account index, and it answers WHOIS,
// MONITOR and ROSTER. An attached session copies the front's identity
// (nick!user@host) and reads the user's channels and away state through
// front(); whatever the network sends the user goes to the front, which
// hands it on to its attached sessions (Deliver). When the front leaves,
// the next session is promoted in place (nick index, channel member entries
// and account index re-pointed; O(channels)), so nobody sees a quit.
// Why not an account-level user object with per-connection sessions (as
// Ergo has)? Every handler and reply path takes the Client it answers; this
// keeps them as they are, and keeps Channel's member list and Broadcast's
// flat walk exactly one entry per user: a user with one connection (every
// plain IRC client) costs one extra branch per receiver.
#ifndef CHATD_CLIENT_H_
#define CHATD_CLIENT_H_

#include <cstdint>
#include <ctime>
#include <initializer_list>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/irc/caps.h"
#include "chatd/core/peer.h"
#include "libchat/message.h"
#include "libchat/numerics.h"

struct event;

namespace chatd {

class Server;
class Channel;

class Client final : public PeerHandler {
 public:
  Client(Server* server, uint64_t id, std::unique_ptr<Peer> peer, bool flood_exempt);
  ~Client() override;

  // ---- identity
  uint64_t id() const { return id_; }
  const std::string& nick() const { return nick_; }
  // nick for numerics: "*" before a nick is set (Modern IRC "Numerics").
  const std::string& target_nick() const;
  const std::string& user() const { return user_; }
  const std::string& host() const { return host_; }
  const std::string& realname() const { return realname_; }
  const std::string& address() const { return address_; }
  bool is_tls() const { return tls_; }
  // "nick!user@host"
  std::string prefix() const { return nick_ + "!" + user_ + "@" + host_; }

  // ---- state
  bool registered() const { return registered_; }
  bool closing() const { return closing_; }
  CapSet caps() const { return caps_; }
  bool has(Cap c) const { return (caps_ & c) != 0; }
  // The user's away message: set while every session of the user is away
  // (the most recently set one), empty when any session is present.
  const std::string& away() const { return front_->user_away_; }
  // This connection's own AWAY text, empty when it is present.
  const std::string& session_away() const { return away_; }
  bool invisible() const { return mode_invisible_; }
  // The logged-in account's display name, empty for guests.
  const std::string& account() const { return account_; }
  // A guest's identity for direct-message history: unique to this
  // connection (and server run), so a later guest with the same nick can't
  // read it. "~<run id>.<client id>".
  const std::string& guest_key() const { return guest_key_; }
  bool logged_in() const { return !account_.empty(); }
  bool admin() const { return admin_; }
  bool bot() const { return mode_bot_; }
  time_t signon() const { return signon_; }
  time_t last_message() const { return last_message_; }
  // The user's channels (shared by all its sessions).
  const std::set<Channel*>& channels() const { return front_->channels_; }

  // ---- account sessions (see the file comment; account_sessions.cc)
  // The session that stands for this user: itself unless attached.
  Client* front() const { return front_; }
  bool is_front() const { return front_ == this; }
  // On a front: its other sessions (attach order); empty elsewhere.
  const std::vector<Client*>& attached() const { return attached_; }
  // Same as !attached().empty(), kept as a flag beside closing_ so the
  // channel fan-out reads one byte it already has in cache (channel.cc).
  bool has_attached() const { return has_attached_; }
  // Sends `out` to every session of this user (call on a front) that is
  // not `except` (may be null), not closing, has all of `required` and
  // none of `without`.
  void Deliver(Outgoing& out, const Client* except = nullptr, CapSet required = 0, CapSet without = 0);

  // ---- sending (to this client only)
  // A message to this client. Tags it lacks caps for are stripped; when the
  // command being handled carries a label, it is captured for the
  // labeled-response instead (see BeginLabel).
  void Send(const chat::irc::Message& msg);
  // A pre-serialized line from a fan-out; bypasses label capture unless this
  // client is capturing, in which case `msg` is sent through Send.
  void SendFanout(Outgoing& out);
  // A numeric from the server: ":<server> <code> <nick> params...".
  void Numeric(chat::irc::Numeric n, std::initializer_list<std::string_view> params);
  // A message with the server as source.
  void ServerMessage(std::string_view command, std::initializer_list<std::string_view> params);
  // A standard reply (IRCv3 standard-replies): FAIL/WARN/NOTE <cmd> <code> [ctx...] :<desc>.
  void StandardReply(std::string_view type, std::string_view cmd, std::string_view code,
                     std::initializer_list<std::string_view> context, std::string_view description);

  // ---- labeled-response (https://ircv3.net/specs/extensions/labeled-response)
  // Starts capturing replies for `label` (no-op when the client lacks the cap).
  void BeginLabel(const std::string* label);
  // Sends what was captured: one message labeled, none as ACK, several in a
  // labeled-response batch.
  void EndLabel();
  bool capturing() const { return capturing_; }
  // The label of the command being handled while capturing() (chatd.dev/outbox
  // uses it as an idempotency key).
  const std::string& label() const { return label_; }

  // ---- session life
  // Disconnects: sends ERROR, tells channels and monitors (QUIT), hands the
  // peer off to flush and schedules this object's deletion. Safe to call
  // more than once and from any handler.
  void Quit(const std::string& reason, bool send_error = true);

  // PeerHandler
  void OnLine(std::string_view line) override;
  void OnOverlong() override;
  bool ReadyForLines() override;
  void OnPeerLost(const std::string& reason) override;

  // Called once a second by the server: ping and registration timeouts.
  void Tick(time_t now);

 private:
  friend class Session;   // session.cc: registration and dispatch
  friend struct ClientAccess;

  void WriteLine(const std::string& line);
  void ChargePenalty(int units);
  static void ResumeCb(int, short, void* arg) noexcept;

  Server* server_;
  uint64_t id_;
  std::unique_ptr<Peer> peer_;  // null once closing (the peer then owns itself)
  bool flood_exempt_;
  std::string address_;
  bool tls_ = false;
  std::string guest_key_;

 public:  // state written by the command handlers (they are this class's logic, split by topic)
  // Direct messages stored under guest_key_ ([history] guest_max_messages);
  // when non-zero the server deletes those conversations as this client goes.
  uint32_t guest_dm_stored_ = 0;
  std::string nick_;
  std::string user_;
  std::string host_;
  std::string realname_;
  std::string away_;       // this session's AWAY text
  std::string user_away_;  // on a front: the user's away (see away())
  Client* front_ = this;   // the user's front session (this when not attached)
  std::vector<Client*> attached_;  // on a front: the user's other sessions
  bool registered_ = false;
  bool closing_ = false;
  bool has_attached_ = false;  // !attached_.empty(), see has_attached()
  bool pass_ok_ = false;
  bool got_user_ = false;
  bool cap_negotiating_ = false;  // CAP LS/REQ seen, CAP END not yet
  int cap_version_ = 0;           // 302 after "CAP LS 302"
  CapSet caps_ = 0;
  bool mode_invisible_ = false;
  bool mode_bot_ = false;
  // chatd.dev/presence "invisible": reported offline to others (ROSTER,
  // MONITOR) for the rest of the connection (cmd_presence.cc).
  bool presence_invisible_ = false;
  std::set<Channel*> channels_;
  std::set<std::string> monitoring_;  // folded nicks this client MONITORs
  std::string account_;          // logged-in account (display name), empty for guests
  bool admin_ = false;           // account role "admin": server operator privileges
  // SASL exchange in progress (IRCv3 SASL 3.2): mechanism, pending base64
  // chunks, and the mechanism's state (cmd_account.cc).
  std::string sasl_mech_;
  std::string sasl_buffer_;
  std::shared_ptr<void> sasl_state_;
  int sasl_step_ = 0;
  std::string sasl_account_;     // account being authenticated
  time_t signon_;
  time_t last_message_;  // last PRIVMSG/NOTICE, for WHOIS idle
  time_t last_input_;    // last line of any kind, for PING
  bool ping_sent_ = false;

 private:
  // flood control (RFC 1459 §8.10): virtual clock, ms
  int64_t penalty_until_ms_ = 0;
  event* resume_ = nullptr;
  // labeled-response capture
  bool capturing_ = false;
  std::string label_;
  std::vector<chat::irc::Message> captured_;
};

}  // namespace chatd

#endif  // CHATD_CLIENT_H_
