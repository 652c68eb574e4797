// chat::client::Core: the sans-I/O client protocol state machine that the
// GTK client (and its unit tests) drive. It owns the conversation model
// (channels, direct conversations, members, messages, unread counts), the
// connection state machine (CAP negotiation, SASL or REGISTER, reconnect with
// backoff), history sync (CHATHISTORY) and the offline outbox. It performs no
// I/O: the Host opens and closes the connection, carries bytes, persists the
// outbox and shows what the core reports.
//
// Specs: RFC 2812 (commands and numerics), IRCv3 capability negotiation 3.2,
// sasl 3.2 (SCRAM-SHA-256, RFC 7677; PLAIN, RFC 4616),
// draft/account-registration, message-tags, server-time, echo-message,
// labeled-response, batch, draft/chathistory, +typing (client tag), and
// chatd's vendor capabilities chatd.dev/roster, chatd.dev/outbox and
// chatd.dev/presence (doc/protocol.md).
//
// Threading: not thread-safe. Every method, and every Host callback the core
// makes, runs on the thread that calls the core (the GTK main loop in
// chat-gtk). Host callbacks may not call back into the core re-entrantly
// except for the read-only accessors.
#ifndef CHAT_LIBCHAT_CLIENT_CORE_H_
#define CHAT_LIBCHAT_CLIENT_CORE_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/outbox.h"

namespace chat::client {

// How the user wants to log in (the login window's three buttons).
enum class LoginMode { kLogin, kRegister, kGuest };

struct LoginOptions {
  LoginMode mode = LoginMode::kGuest;
  std::string nick;      // UTF-8; for kLogin/kRegister also the account name
  std::string password;  // UTF-8, empty for kGuest; never persisted by the core
  std::string email;     // kRegister only, optional (sent as "*" when empty)
};

// The connection as the user sees it (always shown in the window).
enum class ConnState {
  kOffline,        // not connected and not trying (before Start, after GoOffline or a fatal problem)
  kConnecting,     // Host::Connect requested, waiting for OnConnected
  kRegistering,    // connected, CAP/SASL/REGISTER/NICK in progress
  kOnline,         // RPL_WELCOME received and the initial sync sent
  kReconnectWait,  // lost; a reconnect is scheduled (see reconnect_at_ms())
};

// The user's chosen presence (the status menu).
enum class Presence { kOnline, kAway, kInvisible, kOffline };

// Problems reported to the user. Each comes with a human sentence; `fatal`
// ones (wrong password, registration refused) stop reconnecting and return to
// kOffline so the login window can ask again.
enum class Problem {
  kWrongPassword,         // 904 ERR_SASLFAIL / FAIL REGISTER ... on login
  kAccountExists,         // FAIL REGISTER ACCOUNT_EXISTS
  kRegistrationRefused,   // other FAIL REGISTER codes (WEAK_PASSWORD, ...)
  kNickInUse,             // 433 for a logged-in account's nick, or guests out of alternatives;
                          // also (not fatal) a guest who got "nick_" instead of "nick"
  kUnreachable,           // Host reported a connect failure
  kConnectionLost,        // an established connection dropped
  kKicked,                // KICK of us (subject: channel)
  kBanned,                // 474 ERR_BANNEDFROMCHAN (subject: channel)
  kInviteOnly,            // 473 ERR_INVITEONLYCHAN
  kChannelFull,           // 471 ERR_CHANNELISFULL
  kBadChannelKey,         // 475 ERR_BADCHANNELKEY
  kNoSuchTarget,          // 401/403
  kCannotSend,            // 404 ERR_CANNOTSENDTOCHAN, FAIL PRIVMSG ...
  kNotPermitted,          // 482 ERR_CHANOPRIVSNEEDED, FAIL CHANNEL ..., 481
  kServerError,           // ERROR line, FAIL with an unknown code, other numerics
};

// One line in a conversation's view.
struct ChatLine {
  // kInfo: a local line from the client itself (command help, WHOIS, "alice
  // is away"); never sent, never counted as unread.
  enum class Kind { kMessage, kAction, kNotice, kJoin, kPart, kQuit, kKick, kTopic, kNick, kMode, kInfo };
  Kind kind = Kind::kMessage;
  std::string msgid;   // server msgid; empty for pending outbox lines and some events
  std::string label;   // our outbox label for lines we sent; empty otherwise
  int64_t time_ms = 0; // server-time (ms since the Unix epoch, UTC); local clock when absent
  std::string from;    // sender nick (or the subject of an event)
  std::string account; // sender account (account-tag), empty for guests
  std::string text;    // UTF-8 message text, ACTION text without \x01, or event detail
  bool self = false;     // we sent it
  bool pending = false;  // in the outbox, not yet acknowledged by the server
  bool mention = false;  // mentions our nick (word match, case-insensitive ASCII)
  bool failed = false;   // the server refused it (FAIL/404...): not delivered, not retried
  // The +chatd.dev/file tag's raw value when the message shares a file
  // (libchat/files/file_tag.h parses it); "" otherwise.
  std::string file_tag;
  // Set when the server took a direct message for an offline account
  // (NOTE PRIVMSG RECIPIENT_OFFLINE): the nick it waits for. Not an error.
  std::string waiting_for;
  // Changes whenever the core adds or changes this line; unique within one
  // Core. A view that remembers the revs it has drawn redraws only lines
  // whose rev it has not seen (MessageView's incremental update).
  uint64_t rev = 0;
};

struct Member {
  std::string nick;     // "" when the account is offline (roster only)
  std::string account;  // "" for guests
  enum class State { kOnline, kAway, kOffline } state = State::kOnline;
  std::string away_message;  // UTF-8, when kAway and known (away-notify, RPL_AWAY)
  bool op = false;
  bool voice = false;
};

struct Conversation {
  enum class Kind { kChannel, kDirect };
  Kind kind = Kind::kChannel;
  std::string key;     // casefolded name: identity for lookups
  std::string name;    // display name: "#general", "alice"
  std::string topic;
  bool joined = false;       // channels: we are in it now
  bool is_private = false;   // +i or +s
  bool registered = false;   // has a roster (ROSTER answered)
  std::vector<Member> members;  // sorted: online/away/offline, then nick
  std::deque<ChatLine> lines;   // oldest first; bounded (kMaxLines), trimmed from the front
  bool history_loaded = false;  // the first CHATHISTORY LATEST came back
  bool history_complete = false;  // BEFORE returned less than a page: nothing older
  int unread = 0;             // messages from others since last active
  int mentions = 0;           // of those, mentioning us (or any, for directs)
  std::map<std::string, int64_t> typing;  // nick -> expiry (ms); "X is typing…"
};

// One LIST reply entry.
struct ChannelListEntry {
  std::string name;
  int users = 0;
  std::string topic;  // without the "[+modes] " prefix chatd puts first
};

// What Core::Input asks of the window after a command.
struct InputResult {
  std::string open;   // a conversation to show now (its name), "" none
  bool quit = false;  // /quit: QUIT was sent; the application should close
};

// What the core needs from its environment. Implemented by chat-gtk's
// Connection/Window pair and by the unit tests' fake.
class Host {
 public:
  virtual ~Host() = default;

  // --- I/O requests; the host answers through Core::OnConnected,
  // Core::OnData, Core::OnDisconnected. Never called re-entrantly from those.
  virtual void Connect() = 0;                    // open TCP+TLS to the configured server
  virtual void SendLine(std::string_view line) = 0;  // one wire line incl. "\r\n"
  virtual void Disconnect() = 0;                 // close now; no OnDisconnected needed
  virtual void SaveOutbox(const std::string& data) = 0;  // persist Outbox::Serialize() atomically
  virtual std::string NewLabel() = 0;            // unique id, [A-Za-z0-9], 16..32 chars

  // --- Notifications for the view.
  virtual void OnStateChanged(ConnState state) = 0;
  virtual void OnProblem(Problem problem, std::string_view subject, std::string_view human) = 0;
  virtual void OnConversationsChanged() = 0;                  // added/removed/unread/topic
  virtual void OnLinesChanged(std::string_view key) = 0;      // a conversation's lines changed
  virtual void OnMembersChanged(std::string_view key) = 0;
  virtual void OnTypingChanged(std::string_view key) = 0;
  virtual void OnChannelList(const std::vector<ChannelListEntry>& entries) = 0;
  // A mention, or a direct message, from someone else arrived live (not
  // history); with Core::SetNotifyAll(true) any message from someone else.
  // The host shows a desktop notification unless the window is focused on
  // that conversation or its policy (libchat/notify_policy.h) says no.
  virtual void OnNotify(std::string_view key, const ChatLine& line) = 0;

  // --- File sharing (doc/files.md). Optional: the defaults ignore them.
  // The answer to Core::RequestFileToken: a bearer token (64 hex digits)
  // valid until `expires_s` (Unix seconds); or, when `token` is empty, the
  // server's FAIL FILEHOST description in `error`.
  virtual void OnFileToken(std::string_view token, int64_t expires_s, std::string_view error) {
    (void)token, (void)expires_s, (void)error;
  }
};

class Core {
 public:
  static constexpr std::size_t kMaxLines = 10000;      // per conversation, in memory
  static constexpr int kHistoryPage = 50;              // CHATHISTORY page size
  static constexpr int64_t kTypingTimeoutMs = 6000;    // +typing=active lasts this long
  static constexpr int64_t kMinBackoffMs = 1000;       // reconnect backoff: 1 s, doubling,
  static constexpr int64_t kMaxBackoffMs = 60000;      //   capped at 60 s, ±20% jitter from the label

  explicit Core(Host* host);  // host must outlive the core
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // --- Lifecycle.
  // Restores the outbox written by Host::SaveOutbox (call before Start).
  // Corrupt entries are skipped; returns false if any were.
  bool LoadOutbox(std::string_view data);
  // Starts connecting with these credentials (kConnecting). Also used after a
  // fatal problem to try again with corrected input.
  void Start(const LoginOptions& options, int64_t now_ms);
  // The user chose Offline: QUIT (with `quit_message`), Host::Disconnect,
  // kOffline, no reconnect.
  void GoOffline(std::string_view quit_message = "Going offline");
  // "Reconnect now": while kReconnectWait, connects at once instead of at
  // reconnect_at_ms() and resets the backoff; after GoOffline (kOffline,
  // once started) connects again as SetPresence(kOnline) does. Does nothing
  // while connecting or online.
  void ReconnectNow(int64_t now_ms);
  // Host::OnNotify for every live message from someone else (true), or only
  // for mentions and direct messages (false, the default).
  void SetNotifyAll(bool all);
  // Host events.
  void OnConnected(int64_t now_ms);
  void OnData(std::string_view bytes, int64_t now_ms);   // any chunking
  void OnConnectFailed(std::string_view reason, int64_t now_ms);  // kUnreachable, then backoff
  void OnDisconnected(std::string_view reason, int64_t now_ms);   // kConnectionLost, then backoff
  // Timers: reconnect, typing expiry, PING keepalive. Call at NextWakeMs().
  void Tick(int64_t now_ms);
  int64_t NextWakeMs() const;  // INT64_MAX when nothing is scheduled

  // --- User actions. Keys are case-insensitive names ("#general", "alice").
  void SetPresence(Presence presence, std::string_view away_message);
  // Sends (or queues, when not kOnline) a message. Lines starting with "/me "
  // become ACTIONs. Multi-line text is sent as one PRIVMSG per line, each
  // with its own outbox label. Always shows the lines as pending at once.
  void SendText(std::string_view key, std::string_view text, int64_t now_ms);
  // The composer's text for conversation `key` (UTF-8): a slash command
  // (libchat/slash_command.h) is executed, never sent as text; anything else
  // is sent as SendText does. Help, usage errors and command output (WHOIS,
  // the topic) appear as kInfo lines in `key`.
  InputResult Input(std::string_view key, std::string_view text, int64_t now_ms);
  // Channel management, RFC 2812 §3.2 (refusals come back as Problems, e.g.
  // 482 ERR_CHANOPRIVSNEEDED as kNotPermitted). `key` names a channel
  // conversation; nothing is sent when it is not one or we are offline.
  void SetTopic(std::string_view key, std::string_view topic);            // TOPIC
  void Invite(std::string_view nick, std::string_view channel);           // INVITE
  void Kick(std::string_view key, std::string_view nick, std::string_view reason);  // KICK
  void Ban(std::string_view key, std::string_view nick);        // MODE +b nick!*@*, then KICK
  void SetOperator(std::string_view key, std::string_view nick, bool op);  // MODE +o / -o
  void ChangeNick(std::string_view nick);                                  // NICK
  // WHOIS; the collected replies (311 319 330 301 317 ... 318) become one
  // kInfo line in `key`.
  void Whois(std::string_view key, std::string_view nick);
  // +typing=active (throttled to one per 3 s) or +typing=done.
  void SetTyping(std::string_view key, bool typing, int64_t now_ms);
  // The user looks at `key` now ("" for none): clears its unread counts and
  // loads its latest history page if not loaded yet.
  void SetActive(std::string_view key);
  void LoadOlder(std::string_view key);      // CHATHISTORY BEFORE the oldest line
  void RequestMembers(std::string_view key); // ROSTER (or NAMES) refresh
  void Join(std::string_view channel, std::string_view channel_key = "");
  // Creates a channel: JOIN, then MODE +is (private: secret and invite-only)
  // or nothing (public).
  void CreateChannel(std::string_view channel, bool is_private);
  // A group: a private invite-only channel (+is) with INVITE for each member.
  void CreateGroup(std::string_view channel, const std::vector<std::string>& members);
  void Leave(std::string_view key, std::string_view reason = "");  // PART, or close a direct conversation
  void DeleteChannel(std::string_view key);  // CHANNEL DROP (owners and admins)
  void OpenDirect(std::string_view nick);    // adds a direct conversation
  void ListChannels();                       // LIST -> Host::OnChannelList

  // --- File sharing (doc/files.md, doc/protocol.md "File sharing").
  // Asks for a bearer token (FILEHOST TOKEN); the answer comes through
  // Host::OnFileToken. Does nothing unless kOnline.
  void RequestFileToken();
  // Posts the link `url` of a shared file to `key` as a PRIVMSG carrying
  // the +chatd.dev/file tag `file_tag` (FormatFileTag), with the outbox
  // semantics of SendText (pending at once, resent after a reconnect).
  void SendFile(std::string_view key, std::string_view url, std::string_view file_tag, int64_t now_ms);
  // The upload URI from ISUPPORT soju.im/FILEHOST (or draft/FILEHOST),
  // "" when the server offers none.
  const std::string& filehost_url() const;

  // --- Model accessors (read-only; valid until the next mutating call).
  ConnState state() const;
  Presence presence() const;
  const std::string& nick() const;      // our current nick
  const std::string& account() const;   // "" when a guest
  int64_t reconnect_at_ms() const;      // when kReconnectWait ends
  const std::vector<std::unique_ptr<Conversation>>& conversations() const;  // sidebar order
  const Conversation* Find(std::string_view key) const;
  // What the channels we share tell about `nick` (presence, account, away
  // message): the first channel member with that nick, nullptr if none.
  const Member* FindPerson(std::string_view nick) const;
  const Outbox& outbox() const;
  bool is_admin() const;  // (future) server said we are an admin
  // Can we delete `key` (we are its op)? Final say is the server's.
  bool CanDelete(std::string_view key) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_CLIENT_CORE_H_
