// chat::client notification policy: whether a live message becomes a
// desktop notification, from the user's preference (all messages, only
// mentions and direct messages, none) and the conversation's mute. Pure:
// chat-gtk's preferences store the level and the muted keys; the window asks
// ShouldNotify for each message the core reports (Host::OnNotify).
#ifndef CHAT_LIBCHAT_NOTIFY_POLICY_H_
#define CHAT_LIBCHAT_NOTIFY_POLICY_H_

#include <optional>
#include <string_view>

namespace chat::client {

enum class NotifyLevel {
  kAll,       // every message from someone else
  kMentions,  // mentions of our nick and direct messages (the default)
  kNone,      // never
};

// The settings-file spelling: "all", "mentions", "none".
std::string_view NotifyLevelName(NotifyLevel level);
// Parses NotifyLevelName's output; std::nullopt for anything else.
std::optional<NotifyLevel> ParseNotifyLevel(std::string_view name);

// Whether a message from someone else that arrived live should notify.
// `mention`: it mentions our nick (ChatLine::mention); `direct`: it is in a
// direct conversation; `muted`: the user muted that conversation (a muted
// conversation never notifies, not even for mentions, as in Slack).
bool ShouldNotify(NotifyLevel level, bool muted, bool mention, bool direct);

}  // namespace chat::client

#endif  // CHAT_LIBCHAT_NOTIFY_POLICY_H_
