// The notification decision and the level's names.
#include "libchat/notify_policy.h"

namespace chat::client {

std::string_view NotifyLevelName(NotifyLevel level) {
  switch (level) {
    case NotifyLevel::kAll: return "all";
    case NotifyLevel::kMentions: return "mentions";
    case NotifyLevel::kNone: return "none";
  }
  return "mentions";
}

std::optional<NotifyLevel> ParseNotifyLevel(std::string_view name) {
  for (NotifyLevel level : {NotifyLevel::kAll, NotifyLevel::kMentions, NotifyLevel::kNone})
    if (name == NotifyLevelName(level)) return level;
  return std::nullopt;
}

bool ShouldNotify(NotifyLevel level, bool muted, bool mention, bool direct) {
  if (muted) return false;
  switch (level) {
    case NotifyLevel::kAll: return true;
    case NotifyLevel::kMentions: return mention || direct;
    case NotifyLevel::kNone: return false;
  }
  return false;
}

}  // namespace chat::client
