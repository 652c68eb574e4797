// The capability table and per-receiver serialization (the fan-out's cache).
#include "chatd/irc/caps.h"

#include <algorithm>

namespace chatd {

const std::vector<CapInfo>& AllCaps() {
  static const std::vector<CapInfo> caps = {
      {kCapAccountNotify, "account-notify", nullptr},
      {kCapAccountTag, "account-tag", nullptr},
      {kCapAwayNotify, "away-notify", nullptr},
      {kCapBatch, "batch", nullptr},
      {kCapCapNotify, "cap-notify", nullptr},
      {kCapOutbox, "chatd.dev/outbox", nullptr},
      {kCapPresence, "chatd.dev/presence", nullptr},
      {kCapRoster, "chatd.dev/roster", nullptr},
      {kCapAccountRegistration, "draft/account-registration", "before-connect,custom-account-name"},
      {kCapChathistory, "draft/chathistory", nullptr},
      {kCapEchoMessage, "echo-message", nullptr},
      {kCapExtendedJoin, "extended-join", nullptr},
      {kCapInviteNotify, "invite-notify", nullptr},
      {kCapLabeledResponse, "labeled-response", nullptr},
      {kCapMessageTags, "message-tags", nullptr},
      {kCapMultiPrefix, "multi-prefix", nullptr},
      {kCapSasl, "sasl", "PLAIN,SCRAM-SHA-256"},
      {kCapServerTime, "server-time", nullptr},
      {kCapSetname, "setname", nullptr},
      {kCapStandardReplies, "standard-replies", nullptr},
      {kCapUserhostInNames, "userhost-in-names", nullptr},
  };
  return caps;
}

const CapInfo* FindCap(std::string_view name) {
  for (const auto& c : AllCaps()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

static bool TagAllowed(const std::string& key, CapSet caps) {
  if (key == "time") return caps & kCapServerTime;
  if (key == "batch") return caps & kCapBatch;
  if (key == "label") return caps & kCapLabeledResponse;
  if (key == "account") return caps & kCapAccountTag;
  return caps & kCapMessageTags;
}

std::string SerializeFor(const chat::irc::Message& msg, CapSet caps) {
  bool all = std::all_of(msg.tags.begin(), msg.tags.end(),
                         [caps](const chat::irc::Tag& t) { return TagAllowed(t.key, caps); });
  if (all) return chat::irc::Serialize(msg);
  chat::irc::Message copy = msg;
  copy.tags.erase(std::remove_if(copy.tags.begin(), copy.tags.end(),
                                 [caps](const chat::irc::Tag& t) { return !TagAllowed(t.key, caps); }),
                  copy.tags.end());
  return chat::irc::Serialize(copy);
}

int Outgoing::ClassOf(CapSet caps) {
  return ((caps & kCapMessageTags) ? 1 : 0) | ((caps & kCapServerTime) ? 2 : 0) |
         ((caps & kCapBatch) ? 4 : 0) | ((caps & kCapLabeledResponse) ? 8 : 0) |
         ((caps & kCapAccountTag) ? 16 : 0);
}

const std::string& Outgoing::For(CapSet caps) {
  int c = ClassOf(caps);
  if (!done_[c]) {
    lines_[c] = SerializeFor(msg_, caps);
    done_[c] = true;
  }
  return lines_[c];
}

}  // namespace chatd
