// Account sessions (multiclient) and offline delivery: how the connections
// of one account form one user (client.h explains the data model), how the
// user's away state is aggregated over them, and the per-account
// "delivered up to" mark that replays direct messages which arrived while
// the account had no connection (doc/protocol.md "Account sessions and
// offline delivery"). Event loop thread only.
#ifndef CHATD_ACCOUNT_SESSIONS_H_
#define CHATD_ACCOUNT_SESSIONS_H_

#include <string>

namespace chatd {

class Server;
class Client;
struct AccountRecord;

// Makes c, which is completing registration logged in to the account whose
// user `front` is online, one more session of that user: c takes the
// user's nick!user@host, user modes and presence, and is counted in the
// user's away state. Sends nothing (TryRegister sends the welcome and
// SendUserChannels). Nobody else is told: the user was already there.
void AttachSession(Server& server, Client& front, Client& c);

// Shows c the channels its user is in, as if it had just joined them: JOIN
// (extended-join when negotiated), topic and NAMES, to c only.
void SendUserChannels(Server& server, Client& c);

// c is leaving while another session of its user stays: takes c out of the
// user silently. When c is the front, the next session is promoted in its
// place (nick index, channel member entries, account index). Precondition:
// c is registered and its user has another session.
void DetachSession(Server& server, Client& c);

// Recomputes the user's away message from its sessions (away only when
// every session is; `latest` is the text just set, preferred when all are
// away) and, when it changed, tells channel peers with away-notify
// (https://ircv3.net/specs/extensions/away-notify).
void UpdateUserAway(Server& server, Client& front, const std::string& latest);

// c, logged in and registered, has become a user of its account: when the
// account had no user online, c becomes its user in the account index and
// is sent, as PRIVMSG/NOTICE with their original msgid and server-time tags,
// the direct messages stored since the account's delivered-up-to mark; the
// mark then moves to now. Store failures are logged; the messages are then
// replayed at a later login.
void AccountOnline(Server& server, Client& c);

// c, its account's user, is leaving with no other session: the account is
// offline from now on and its delivered-up-to mark moves to now, durably,
// so a restart replays nothing that was delivered live.
void AccountOffline(Server& server, Client& c);

// Offline delivery: fills *rec and returns true when `name` is a
// registered, enabled account with no user online (a direct message to it
// is then stored for its next login). Ensures the account has a
// delivered-up-to mark (older accounts have none), so the message is
// replayed. False (store errors logged) otherwise.
bool FindOfflineAccount(Server& server, const std::string& name, AccountRecord* rec);

}  // namespace chatd

#endif  // CHATD_ACCOUNT_SESSIONS_H_
