// Channel: one channel's members, modes, topic, bans and invites, and the
// fan-out of messages to its members. Owned by Server; event loop only.
#ifndef CHATD_CHANNEL_H_
#define CHATD_CHANNEL_H_

#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "chatd/irc/caps.h"
#include "libchat/message.h"

namespace chatd {

class Client;

struct MemberFlags {
  bool op = false;     // +o, prefix '@'
  bool voice = false;  // +v, prefix '+'
};

struct ListEntry {     // a ban mask with who set it and when (RPL_BANLIST)
  std::string mask;
  std::string setter;
  time_t set_at = 0;
};

class Channel {
 public:
  Channel(std::string name, time_t now) : name_(std::move(name)), created_(now) {}

  const std::string& name() const { return name_; }
  time_t created() const { return created_; }
  void set_created(time_t t) { created_ = t; }

  // ---- members (keyed by Client*, stable while the client is in the channel).
  // A member is a user's front session (client.h); the lookups below take
  // any session of a user and answer for its front.
  const std::map<Client*, MemberFlags>& members() const { return members_; }
  bool HasMember(const Client* c) const;
  MemberFlags* FindMember(const Client* c);
  void AddMember(Client* c, MemberFlags flags);
  void RemoveMember(Client* c);
  // Hands `from`'s membership (flags and fan-out slot) to `to`, which must
  // not be a member: the promotion of a user's next session (client.h).
  void ReplaceMember(Client* from, Client* to);
  bool empty() const { return members_.empty(); }
  // "@", "+", "@+" (multi-prefix) or "" for c's status in this channel.
  std::string PrefixOf(const Client* c, bool multi_prefix) const;
  bool IsOp(const Client* c) const;
  // May c change modes, topic, invite and kick here: an op, or a server admin.
  bool CanModerate(const Client* c) const;

  // ---- fan-out: the hot path. Sends msg to every session of every member
  // except the session `except` (may be null; the sender's other sessions
  // do receive it), serializing once per tag-capability class. When
  // `required` is non-zero only sessions with all those caps receive it.
  void Broadcast(const chat::irc::Message& msg, const Client* except, CapSet required = 0);

  // ---- modes (RFC 2811 §4)
  bool invite_only = false;  // +i
  bool moderated = false;    // +m
  bool no_external = true;   // +n (set at creation)
  bool secret = false;       // +s
  bool topic_ops = true;     // +t (set at creation)
  std::string key;           // +k, empty when unset
  std::size_t limit = 0;     // +l, 0 when unset
  // "+int" style mode string with params ("+ntkl key 10"); params only for members.
  std::string ModeString(bool with_params) const;

  // ---- topic
  std::string topic;
  std::string topic_setter;
  time_t topic_time = 0;

  // ---- registration (accounts). A registered channel persists in the store
  // with its roster and survives being empty; an unregistered one vanishes.
  bool registered = false;
  std::string owner;                 // account; empty for server-owned (auto_join)
  std::vector<std::string> roster;   // member accounts (display names), join order
  std::set<std::string> op_accounts; // folded accounts that get +o on join
  std::set<std::string> invited_accounts;  // folded accounts invited (persisting +i invites)
  bool InRoster(std::string_view account) const;
  void AddToRoster(const std::string& account);
  // Removes `account` (any case) from the roster and its op grant; true if it was there.
  bool RemoveFromRoster(std::string_view account);

  // ---- bans and invites
  std::vector<ListEntry> bans;
  std::set<std::string> invited;  // folded nicks invited while +i (cleared on join)
  // True when c's nick!user@host matches a ban mask.
  bool IsBanned(const Client* c) const;
  // True when ch is secret (+s) and c is neither a member nor a server
  // admin: commands then answer as for a channel that does not exist.
  bool HiddenFrom(const Client* c) const;

 private:
  std::string name_;
  time_t created_;
  std::map<Client*, MemberFlags> members_;
  // The same members as a flat array, unordered: Broadcast walks this
  // (a map walk is pointer chasing, measurable at millions of deliveries/s).
  std::vector<Client*> fanout_;
};

}  // namespace chatd

#endif  // CHATD_CHANNEL_H_
