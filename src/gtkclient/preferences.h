// chatgtk::Preferences: the user's preferences — desktop notifications
// (all messages, mentions and direct messages, none), muted conversations
// and the theme (follow the system, light, dark) — kept in Settings (saved
// to settings.ini on every change) and applied: the theme through
// libadwaita's AdwStyleManager, notifications by the main window asking
// ShouldNotify (libchat/notify_policy.h). Owned by the Application, so it
// outlives every window. Main thread only.
#ifndef CHAT_GTKCLIENT_PREFERENCES_H_
#define CHAT_GTKCLIENT_PREFERENCES_H_

#include <sigc++/sigc++.h>

#include <functional>
#include <string>

#include "gtkclient/settings.h"
#include "libchat/notify_policy.h"

namespace chatgtk {

class Preferences {
 public:
  // `settings` must outlive this object; `save` writes it (asynchronously).
  Preferences(Settings& settings, std::function<void()> save);

  chat::client::NotifyLevel notify_level() const { return settings_.notify; }
  void SetNotifyLevel(chat::client::NotifyLevel level);

  Settings::Theme theme() const { return settings_.theme; }
  // Stores and applies `theme` at once (every window follows).
  void SetTheme(Settings::Theme theme);
  // Applies the stored theme (call once libadwaita is initialised).
  void ApplyTheme() const;

  // `server` is Connection::HostPort of the session, `key` the
  // conversation's key (casefolded name).
  bool IsMuted(const std::string& server, const std::string& key) const;
  void SetMuted(const std::string& server, const std::string& key, bool muted);

  // Any preference changed (after it was stored).
  sigc::signal<void()> signal_changed;

 private:
  void Changed();

  Settings& settings_;
  std::function<void()> save_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_PREFERENCES_H_
