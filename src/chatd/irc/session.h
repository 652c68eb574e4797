// What the command handlers share across topic files: registration
// completion, the pieces of the welcome burst, and joining a channel.
#ifndef CHATD_SESSION_H_
#define CHATD_SESSION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/irc/caps.h"
#include "libchat/message.h"

namespace chatd {

class Server;
class Client;

// Completes registration once NICK and USER are in and CAP negotiation is
// over (RFC 2812 §3.1, IRCv3 capability-negotiation): checks PASS, sends
// 001-005, LUSERS, MOTD, and joins the auto_join channels.
void TryRegister(Server& server, Client& client);

// RPL_ISUPPORT lines (005), 13 tokens per line.
void SendIsupport(Server& server, Client& client);
// 251-255, 265, 266 (cmd_info.cc).
void SendLusers(Server& server, Client& client);
// 375/372/376, or 422 when there is no MOTD (cmd_info.cc).
void SendMotd(Server& server, Client& client);
// Topic (332/333 when set) and NAMES (353/366) of ch, to c (cmd_channel.cc).
class Channel;
void SendChannelBurst(Server& server, Client& c, const Channel& ch);
// Sends msg to every session of every user sharing a channel with c that
// has all of `required`, each once, never to c's own sessions (cmd_user.cc).
void TellPeers(Client& c, const chat::irc::Message& msg, CapSet required);
// Joins `name` (creating it) with the JOIN checks and burst (cmd_channel.cc).
// Reports failures to the client with the spec's numerics. The creator gets
// +o only with op_on_create (not for server-managed auto_join channels).
void JoinChannel(Server& server, Client& client, const std::string& name, const std::string& key,
                 bool op_on_create);

// ---- accounts (cmd_account.cc)
struct AccountRecord;
// True when `nick` is a registered account's name and c isn't logged in as it.
bool NickReserved(Server& server, const Client& c, const std::string& nick);
// Marks c logged in as rec: RPL_LOGGEDIN, account-notify, roster channels.
void LogIn(Server& server, Client& c, const AccountRecord& rec);
// Joins every registered channel whose roster holds c's account.
void JoinRosterChannels(Server& server, Client& c);

// Splits a comma-separated list (JOIN, PART, PRIVMSG targets), dropping empty items.
std::vector<std::string> SplitList(const std::string& list);

// The current time as an IRCv3 server-time value ("2026-11-23T04:45:03.123Z").
std::string ServerTimeNow();
// Wall-clock Unix time in milliseconds.
int64_t NowMs();
// A Unix time in milliseconds as a server-time value.
std::string FormatServerTime(int64_t ms);
// Parses a server-time value (UTC, optional fraction, "Z"); false if malformed.
bool ParseServerTime(std::string_view text, int64_t* ms);

// ---- history (cmd_history.cc)
// The identity a direct conversation is keyed by: the folded account, or nick for guests.
std::string Identity(const Client& c);
// The store's key for a conversation between identities a and b (folded).
std::string DirectKey(const std::string& a, const std::string& b);
// The oldest stored message (Unix ms) c may be shown from a private
// conversation or its outbox: the creation time of c's account, so that a
// name deleted and registered again never reads its predecessor's messages
// (doc/storage.md, "Accounts and their history"). 0 for guests and for
// accounts from before created_ms was recorded; INT64_MAX when the account
// can't be read.
int64_t PrivateHistoryStartMs(Server& server, const Client& c);
struct HistoryRecord;
// A stored message rebuilt as its receivers saw it: client tags, time,
// msgid, account, source, command, target (CHATHISTORY, outbox replays).
chat::irc::Message MessageFromHistory(const HistoryRecord& r);
// A message from `source` stamped with the server-time tag.
chat::irc::Message MakeEvent(const std::string& source, std::string command,
                             std::initializer_list<std::string_view> params);

}  // namespace chatd

#endif  // CHATD_SESSION_H_
