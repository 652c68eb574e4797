// chatgtk::Settings: what the login window remembers between runs (the last
// server, port, TLS choice, username and how the user logged in) and the
// preferences (notifications, muted conversations, theme; see
// preferences.h). Stored as a GKeyFile in <config dir>/chat-gtk/settings.ini,
// groups [login] and [preferences]. Never holds a password (that goes to
// the keyring, see keyring.h).
//
// Main thread only. Load is synchronous (a few bytes, once at startup); Save
// writes asynchronously.
#ifndef CHAT_GTKCLIENT_SETTINGS_H_
#define CHAT_GTKCLIENT_SETTINGS_H_

#include <set>
#include <string>

#include "gtkclient/session.h"
#include "libchat/notify_policy.h"

namespace chatgtk {

struct Settings {
  ServerAddress server;
  std::string username;
  bool guest = false;                // the last successful login was as a guest
  bool remember_password = true;     // store the password in the keyring

  // Preferences. Theme: kSystem follows the desktop's dark-style setting.
  enum class Theme { kSystem, kLight, kDark };
  chat::client::NotifyLevel notify = chat::client::NotifyLevel::kMentions;
  Theme theme = Theme::kSystem;
  // Muted conversations as "host:port/key" (Connection::HostPort, then the
  // conversation's casefolded key): a mute belongs to one server.
  std::set<std::string> muted;

  // The settings file's path under Glib::get_user_config_dir().
  static std::string DefaultPath();
  // Reads `path`; missing or invalid keys keep their defaults.
  static Settings Load(const std::string& path);
  // The GKeyFile text for these settings.
  std::string Serialize() const;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_SETTINGS_H_
