// chatgtk::ShowPreferencesWindow: the Preferences window (main menu →
// Preferences, Ctrl+comma), a libadwaita AdwPreferencesWindow built through
// libadwaita's C API (Debian has no C++ binding): notifications, style
// (follow the system / light / dark) and a mute switch per conversation.
// Every change is stored at once (preferences.h); there is no Apply button,
// as the GNOME HIG asks.
#ifndef CHAT_GTKCLIENT_PREFERENCES_WINDOW_H_
#define CHAT_GTKCLIENT_PREFERENCES_WINDOW_H_

#include <gtkmm.h>

#include <string>
#include <utility>
#include <vector>

#include "gtkclient/preferences.h"

namespace chatgtk {

// Shows the window, transient for `parent` and destroyed with it.
// `conversations`: (key, display name) of the session's conversations, for
// the mute switches of `server` (Connection::HostPort). `prefs` must outlive
// the window (the Application owns it).
void ShowPreferencesWindow(Gtk::Window& parent, Preferences& prefs, const std::string& server,
                           const std::vector<std::pair<std::string, std::string>>& conversations);

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_PREFERENCES_WINDOW_H_
