// What the command handlers share across topic files: registration
// completion, the pieces of the welcome burst, and joining a channel.
#ifndef CHATD_SESSION_H_
#define CHATD_SESSION_H_

#include <string>
#include <vector>

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
// Joins `name` (creating it) with the JOIN checks and burst (cmd_channel.cc).
// Reports failures to the client with the spec's numerics. The creator gets
// +o only with op_on_create (not for server-managed auto_join channels).
void JoinChannel(Server& server, Client& client, const std::string& name, const std::string& key,
                 bool op_on_create);

// Splits a comma-separated list (JOIN, PART, PRIVMSG targets), dropping empty items.
std::vector<std::string> SplitList(const std::string& list);

// The current time as an IRCv3 server-time value ("2026-11-23T04:45:03.123Z").
std::string ServerTimeNow();
// A message from `source` stamped with the server-time tag.
chat::irc::Message MakeEvent(const std::string& source, std::string command,
                             std::initializer_list<std::string_view> params);

}  // namespace chatd

#endif  // CHATD_SESSION_H_
