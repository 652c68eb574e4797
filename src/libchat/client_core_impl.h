// Private to the client core: the state behind chat::client::Core and the
// helpers its translation units share. client_core.cc holds the public API,
// registration and timers; client_recv.cc the handling of server lines;
// client_model.cc conversations, members and line insertion. Not a public
// header: only those three files include it.
#ifndef CHAT_LIBCHAT_CLIENT_CORE_IMPL_H_
#define CHAT_LIBCHAT_CLIENT_CORE_IMPL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/client_core.h"
#include "libchat/line_framer.h"
#include "libchat/message.h"
#include "libchat/sasl.h"

namespace chat::client {

inline constexpr std::size_t kMaxConversations = 500;
inline constexpr std::size_t kMaxBatchLines = 5000;     // lines kept per open batch
inline constexpr std::size_t kMaxOpenBatches = 32;
inline constexpr int64_t kPingIdleMs = 60000;           // silence before our PING
inline constexpr int64_t kPingTimeoutMs = 30000;        // then this long for any answer
inline constexpr int64_t kTypingResendMs = 3000;        // +typing=active throttle
inline constexpr int64_t kMemberRefreshMs = 1000;       // ROSTER refresh debounce
inline constexpr int kMaxNickAttempts = 4;              // nick_, nick__, ... before giving up
inline constexpr int kCatchUpPage = 100;                // CHATHISTORY AFTER page
inline constexpr int64_t kTargetsBackMs = 30LL * 86400 * 1000;  // TARGETS window: 30 days back

// Per-conversation state the view doesn't see.
struct ConvExtra {
  bool mode_i = false, mode_s = false;
  bool rejoin = false;             // was joined when the connection dropped
  std::string join_key;            // the key we joined with, for rejoins
  int64_t typing_sent_ms = -1;     // last +typing=active we sent; -1 none
  int64_t members_due_ms = 0;      // a debounced member refresh is due at; 0 none
  int64_t members_last_ms = -kMemberRefreshMs;  // last refresh request sent
  std::vector<Member> names;       // 353 replies being collected until 366
  bool names_open = false;
  std::set<std::string> msgids;    // msgids of `lines`: duplicate checks without a scan
  std::string away_shown;          // the RPL_AWAY text last shown in this conversation
};

// What a chathistory batch answers (requests are answered in order per target).
enum class HistoryKind { kLatest, kBefore, kAfter };
struct HistoryRequest {
  HistoryKind kind = HistoryKind::kLatest;
  int limit = 0;
  bool count_unread = false;  // a reconnect catch-up: new lines count as unread
};

struct Batch {
  std::string type;    // "chathistory", "chatd.dev/roster", "labeled-response", ...
  std::string target;  // first parameter after the type, if any
  std::string label;   // labeled-response: the label of the request
  std::vector<irc::Message> lines;
};

struct Core::Impl {
  explicit Impl(Host* h) : host(h), framer(irc::kMaxLineBytes) {}

  Host* host;
  LoginOptions opts;
  bool started = false;
  ConnState state = ConnState::kOffline;
  Presence presence = Presence::kOnline;
  std::string away_message;
  std::string nick, account;
  bool is_admin = false;
  bool notify_all = false;  // SetNotifyAll: OnNotify for every live message from others

  // Connection.
  irc::LineFramer framer;
  int64_t now_ms = 0;               // time of the event being handled
  int64_t backoff_ms = Core::kMinBackoffMs;
  int64_t reconnect_at_ms = 0;
  int64_t last_recv_ms = 0;
  int64_t ping_sent_ms = 0;         // 0: no keepalive PING outstanding
  int64_t offline_since_ms = 0;     // when the last connection ended; 0 never connected
  bool quitting = false;

  // Registration.
  std::map<std::string, std::string> server_caps;  // CAP LS: name -> value
  std::set<std::string> caps;                      // enabled
  bool cap_ls_done = false;
  int cap_req_outstanding = 0;
  bool cap_ended = false;
  int nick_attempt = 0;
  bool told_renamed = false;        // the guest was told their nick got a suffix
  std::string sasl_mech;            // "SCRAM-SHA-256" or "PLAIN" while authenticating
  int sasl_step = 0;
  std::string sasl_in;              // AUTHENTICATE chunks being collected
  std::unique_ptr<sasl::ScramClient> scram;
  bool tried_plain = false;
  std::set<std::string> server_mechs;  // from 908 or the sasl= value
  int history_limit = kCatchUpPage;   // ISUPPORT CHATHISTORY clamps our requests
  std::string filehost;               // ISUPPORT soju.im/FILEHOST or draft/FILEHOST

  // Model.
  std::vector<std::unique_ptr<Conversation>> convs;
  std::map<std::string, ConvExtra> extra;  // key -> hidden state
  std::string active;                      // key of the conversation on screen
  Outbox outbox;
  std::map<std::string, std::deque<HistoryRequest>> history_requests;  // key -> FIFO
  std::map<std::string, Batch> batches;
  std::vector<ChannelListEntry> list;
  std::set<std::string> join_queue;        // JOINs asked for while offline (display names)
  uint64_t next_rev = 0;                   // ChatLine::rev source
  std::string whois_key;                   // where /whois output goes ("" none asked)
  std::vector<std::string> whois_parts;    // WHOIS replies collected until 318

  // --- client_core.cc
  void Send(const irc::Message& m);
  void SendCmd(std::string command, std::vector<std::string> params);
  void SetState(ConnState s);
  void Report(Problem p, std::string_view subject, std::string_view human);
  void Fatal(Problem p, std::string_view subject, std::string_view human);
  void ConnectionEnded(Problem p, std::string_view reason);
  void ScheduleReconnect();
  void DropConnection();  // forget per-connection state (batches, joins, typing)
  void ApplyModes(Conversation* c, const std::vector<std::string>& params, std::size_t first,
                  std::string_view setter);
  void BeginCapNegotiation();
  void AfterCapAck();
  void EndCap();
  void StartSasl();
  void SendAuthenticate(std::string_view raw);
  void OnAuthenticate(const irc::Message& m);
  void HandleSaslChunk(const std::string& decoded);
  void TryNextNick(std::string_view refused);
  void OnWelcome(const irc::Message& m);
  void ApplyPresence(bool on_connect);
  void FlushOutbox();
  void SendOutboxEntry(const OutboxEntry& e);
  void SaveOutbox();
  void RequestHistory(Conversation* c, HistoryKind kind, std::string ref, int limit, bool count_unread);
  void RequestMembersNow(Conversation* c);
  bool Has(std::string_view cap) const { return caps.count(std::string(cap)) != 0; }

  // --- client_commands.cc
  void AddInfo(std::string_view key, std::string text);  // a kInfo line, if `key` exists
  bool HandleWhoisReply(int code, const irc::Message& m);  // true: it was one

  // --- client_recv.cc
  void HandleLine(std::string_view line);
  void Dispatch(const irc::Message& m, const std::string& label);
  void HandleCap(const irc::Message& m);
  void HandleBatch(const irc::Message& m);
  void FinishBatch(Batch& b);
  void HandleJoin(const irc::Message& m);
  void HandlePart(const irc::Message& m);
  void HandleQuit(const irc::Message& m);
  void HandleKick(const irc::Message& m);
  void HandleNick(const irc::Message& m);
  void HandleTopic(const irc::Message& m);
  void HandleMode(const irc::Message& m);
  void HandleAway(const irc::Message& m);
  // Sets `who`'s away message ("" back) on every channel member with that nick.
  void SetAwayMessage(std::string_view who, const std::string& text);
  void HandleAccount(const irc::Message& m);
  void HandleInvite(const irc::Message& m);
  void HandleMessage(const irc::Message& m, const std::string& label);
  void HandleTagmsg(const irc::Message& m);
  void HandleFilehost(const irc::Message& m);
  void HandleRoster(const irc::Message& m, std::vector<Member>* into);
  void HandleStandardReply(const irc::Message& m, const std::string& label);
  void HandleNumeric(const irc::Message& m, const std::string& label);
  void HandleNames(const irc::Message& m);
  void HandleNamesEnd(const irc::Message& m);
  void HandleList(const irc::Message& m);
  void HandleTargets(const std::vector<irc::Message>& lines);
  void HandleHistoryBatch(Batch& b);
  void HandleRosterBatch(Batch& b);
  bool MarkFailed(const std::string& label, std::string_view reason);
  // The server will deliver our DM (label, or the newest to `recipient`) later.
  void MarkWaiting(const std::string& label, const std::string& recipient);

  // --- client_model.cc
  Conversation* FindConv(std::string_view name_or_key);
  Conversation* GetConv(std::string_view name, Conversation::Kind kind);  // creates; nullptr at cap
  void RemoveConv(std::string_view key);
  ConvExtra& Extra(const Conversation& c) { return extra[c.key]; }
  bool IsMe(std::string_view who) const;
  // Converts a PRIVMSG/NOTICE into a line; false for CTCP other than ACTION.
  bool ToChatLine(const irc::Message& m, ChatLine* out) const;
  bool Mentions(std::string_view text) const;
  // Appends a live line (dedupe by msgid); returns false if it was a duplicate.
  bool AppendLine(Conversation* c, ChatLine line);
  // Inserts a history line in time order (dedupe by msgid); false if a duplicate.
  bool InsertHistoryLine(Conversation* c, ChatLine line);
  void AddEvent(Conversation* c, ChatLine::Kind kind, std::string from, std::string text);
  // Marks a line as changed in place (a new ChatLine::rev).
  void Touch(ChatLine& line) { line.rev = ++next_rev; }
  bool HasMsgid(const Conversation& c, const std::string& msgid) {
    return !msgid.empty() && Extra(c).msgids.count(msgid) != 0;
  }
  void Trim(Conversation* c);
  Member* FindMember(Conversation* c, std::string_view nick);
  void SortMembers(Conversation* c);
  void CountUnread(Conversation* c, const ChatLine& line, bool live);
  void ScheduleMemberRefresh(Conversation* c);
};

// Source nick of a prefix "nick!user@host" (the whole prefix when it has no '!').
std::string_view NickOf(std::string_view source);
int64_t LineTime(const irc::Message& m, int64_t fallback_ms);
// True for the capabilities the core requests when offered.
bool WantedCap(std::string_view cap);

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_CLIENT_CORE_IMPL_H_
