// Settings <-> GKeyFile.
#include "gtkclient/settings.h"

#include <glibmm.h>

#include "gtkclient/file_writer.h"

namespace chatgtk {
namespace {

constexpr char kGroup[] = "login";

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
  return file->to_data();
}

}  // namespace chatgtk
