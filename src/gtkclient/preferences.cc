// Preferences: storing, saving and applying them.
#include "gtkclient/preferences.h"

#include <adwaita.h>

namespace chatgtk {

Preferences::Preferences(Settings& settings, std::function<void()> save)
    : settings_(settings), save_(std::move(save)) {}

void Preferences::SetNotifyLevel(chat::client::NotifyLevel level) {
  if (settings_.notify == level) return;
  settings_.notify = level;
  Changed();
}

void Preferences::SetTheme(Settings::Theme theme) {
  if (settings_.theme == theme) return;
  settings_.theme = theme;
  ApplyTheme();
  Changed();
}

void Preferences::ApplyTheme() const {
  // ADW_COLOR_SCHEME_DEFAULT: light unless the desktop prefers dark
  // (org.freedesktop.appearance color-scheme, through the settings portal).
  AdwColorScheme scheme = settings_.theme == Settings::Theme::kLight  ? ADW_COLOR_SCHEME_FORCE_LIGHT
                          : settings_.theme == Settings::Theme::kDark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                                      : ADW_COLOR_SCHEME_DEFAULT;
  adw_style_manager_set_color_scheme(adw_style_manager_get_default(), scheme);
}

bool Preferences::IsMuted(const std::string& server, const std::string& key) const {
  return settings_.muted.count(server + "/" + key) > 0;
}

void Preferences::SetMuted(const std::string& server, const std::string& key, bool muted) {
  const std::string id = server + "/" + key;
  if (muted == (settings_.muted.count(id) > 0)) return;
  if (muted) {
    settings_.muted.insert(id);
  } else {
    settings_.muted.erase(id);
  }
  Changed();
}

void Preferences::Changed() {
  if (save_) save_();
  signal_changed.emit();
}

}  // namespace chatgtk
