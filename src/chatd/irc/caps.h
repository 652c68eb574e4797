// The IRCv3 capabilities chatd offers (https://ircv3.net/specs/extensions/
// capability-negotiation), as bits, and serialization of a message for a
// receiver's capability set.
#ifndef CHATD_CAPS_H_
#define CHATD_CAPS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/message.h"

namespace chatd {

using CapSet = uint32_t;

enum Cap : CapSet {
  kCapAwayNotify = 1u << 0,       // away-notify
  kCapBatch = 1u << 1,            // batch
  kCapCapNotify = 1u << 2,        // cap-notify
  kCapEchoMessage = 1u << 3,      // echo-message
  kCapExtendedJoin = 1u << 4,     // extended-join
  kCapInviteNotify = 1u << 5,     // invite-notify
  kCapLabeledResponse = 1u << 6,  // labeled-response
  kCapMessageTags = 1u << 7,      // message-tags
  kCapMultiPrefix = 1u << 8,      // multi-prefix
  kCapServerTime = 1u << 9,       // server-time
  kCapSetname = 1u << 10,         // setname
  kCapUserhostInNames = 1u << 11, // userhost-in-names
  kCapStandardReplies = 1u << 12, // standard-replies (informational)
  kCapSasl = 1u << 13,            // sasl (IRCv3 SASL 3.2)
  kCapAccountNotify = 1u << 14,   // account-notify
  kCapAccountTag = 1u << 15,      // account-tag
  kCapChathistory = 1u << 16,     // draft/chathistory
  kCapAccountRegistration = 1u << 17,  // draft/account-registration
  kCapRoster = 1u << 18,          // chatd.dev/roster (ours, doc/protocol.md)
  kCapOutbox = 1u << 19,          // chatd.dev/outbox (ours): labels as idempotency keys
  kCapPresence = 1u << 20,        // chatd.dev/presence (ours): PRESENCE invisible
};

struct CapInfo {
  Cap bit;
  const char* name;   // as the spec spells it
  const char* value;  // shown in CAP LS 302 after '=', or nullptr
};

// Every capability offered, sorted by name.
const std::vector<CapInfo>& AllCaps();
// The capability called `name`, or nullptr.
const CapInfo* FindCap(std::string_view name);

// The caps that change how tags are serialized; a message is serialized once
// per distinct value of (caps & kTagCaps) among its receivers.
inline constexpr CapSet kTagCaps =
    kCapMessageTags | kCapServerTime | kCapBatch | kCapLabeledResponse | kCapAccountTag;

// msg as a wire line for a receiver with `caps`: tags the receiver hasn't
// negotiated are dropped (time needs server-time, batch needs batch, label
// needs labeled-response, account needs account-tag, everything else needs
// message-tags).
std::string SerializeFor(const chat::irc::Message& msg, CapSet caps);

// One message for many receivers: serializes lazily, once per tag-cap class.
class Outgoing {
 public:
  explicit Outgoing(const chat::irc::Message& msg) : msg_(msg) {}
  const chat::irc::Message& message() const { return msg_; }
  // The wire line for a receiver with `caps`; valid while this object lives.
  const std::string& For(CapSet caps);

 private:
  static constexpr int kClasses = 32;  // 2^popcount(kTagCaps)
  static int ClassOf(CapSet caps);
  const chat::irc::Message& msg_;
  std::string lines_[kClasses];
  bool done_[kClasses] = {};
};

}  // namespace chatd

#endif  // CHATD_CAPS_H_
