// Settings <-> GKeyFile.
#include "gtkclient/settings.h"

#include <glibmm.h>

#include "gtkclient/file_writer.h"

namespace chatgtk {
namespace {

constexpr char kGroup[] = "login";
constexpr char kPrefs[] = "preferences";
constexpr const char* kThemeNames[] = {"system", "light", "dark"};  // by Settings::Theme

}  // namespace

std::string Settings::DefaultPath() {
  return Glib::build_filename(Glib::get_user_config_dir(), "chat-gtk", "settings.ini");
}

Settings Settings::Load(const std::string& path) {
  Settings settings;
  std::string text = ReadSmallFile(path);
  if (text.empty()) return settings;
  auto file = Glib::KeyFile::create();
  try {
    file->load_from_data(text);
  } catch (const Glib::Error&) {
    return settings;
  }
  // Each key on its own: one bad value must not lose the others.
  try { settings.server.host = file->get_string(kGroup, "server"); } catch (const Glib::Error&) {}
  try {
    int port = file->get_integer(kGroup, "port");
    if (port > 0 && port < 65536) settings.server.port = port;
  } catch (const Glib::Error&) {}
  try { settings.server.tls = file->get_boolean(kGroup, "tls"); } catch (const Glib::Error&) {}
  try { settings.username = file->get_string(kGroup, "username"); } catch (const Glib::Error&) {}
  try { settings.guest = file->get_boolean(kGroup, "guest"); } catch (const Glib::Error&) {}
  try {
    settings.remember_password = file->get_boolean(kGroup, "remember-password");
  } catch (const Glib::Error&) {}
  try {
    if (auto level = chat::client::ParseNotifyLevel(file->get_string(kPrefs, "notifications").raw()))
      settings.notify = *level;
  } catch (const Glib::Error&) {}
  try {
    std::string theme = file->get_string(kPrefs, "theme");
    for (int i = 0; i < 3; ++i)
      if (theme == kThemeNames[i]) settings.theme = static_cast<Theme>(i);
  } catch (const Glib::Error&) {}
  try {
    for (const Glib::ustring& key : file->get_string_list(kPrefs, "muted"))
      if (!key.empty()) settings.muted.insert(key.raw());
  } catch (const Glib::Error&) {}
  return settings;
}

std::string Settings::Serialize() const {
  auto file = Glib::KeyFile::create();
  file->set_string(kGroup, "server", server.host);
  file->set_integer(kGroup, "port", server.port);
  file->set_boolean(kGroup, "tls", server.tls);
  file->set_string(kGroup, "username", username);
  file->set_boolean(kGroup, "guest", guest);
  file->set_boolean(kGroup, "remember-password", remember_password);
  file->set_string(kPrefs, "notifications", std::string(chat::client::NotifyLevelName(notify)));
  file->set_string(kPrefs, "theme", kThemeNames[static_cast<int>(theme)]);
  std::vector<Glib::ustring> keys(muted.begin(), muted.end());
  file->set_string_list(kPrefs, "muted", keys);
  return file->to_data();
}

}  // namespace chatgtk
