// Reading chatctl's few settings from chatd.conf (settings.h) with toml++.
#include "chatctl/settings.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "libchat/control.h"

namespace chat::ctl {

namespace {

std::string Resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) return p;
  return (base / p).lexically_normal().string();
}

// Reads table.key as a string into *out if present; false with *error for a wrong type.
bool GetString(const toml::table& root, const char* table, const char* key, const std::string& path,
               std::string* out, std::string* error) {
  const toml::node* node = root.at_path(std::string(table) + "." + key).node();
  if (node == nullptr) return true;
  const toml::value<std::string>* v = node->as_string();
  if (v == nullptr) {
    *error = path + ":" + std::to_string(node->source().begin.line) + ": " + table + "." + key +
             " must be a string";
    return false;
  }
  *out = v->get();
  return true;
}

}  // namespace

bool LoadSettings(const Options& options, Settings* out, std::string* error) {
  Settings s;
  s.socket = kDefaultSocket;
  std::ifstream in(options.config_path, std::ios::binary);
  if (!in) {
    if (options.config_given) {
      *error = "cannot read " + options.config_path + ": " + std::strerror(errno) +
               (errno == EACCES ? " (run as root or a member of group chatd, or name the socket with --socket)" : "");
      return false;
    }
  } else {
    std::stringstream text;
    text << in.rdbuf();
    try {
      toml::table root = toml::parse(text.str(), options.config_path);
      if (!GetString(root, "control", "socket", options.config_path, &s.socket, error) ||
          !GetString(root, "control", "admin_group", options.config_path, &s.admin_group, error) ||
          !GetString(root, "server", "data_dir", options.config_path, &s.data_dir, error)) {
        return false;
      }
    } catch (const toml::parse_error& e) {
      *error = options.config_path + ":" + std::to_string(e.source().begin.line) + ": " +
               std::string(e.description());
      return false;
    }
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(options.config_path, ec);
    std::filesystem::path base = ec ? std::filesystem::path(options.config_path).parent_path()
                                    : abs.lexically_normal().parent_path();
    s.socket = Resolve(base, s.socket);
    s.data_dir = Resolve(base, s.data_dir);
    s.config_path = options.config_path;
  }
  if (!options.socket.empty()) s.socket = options.socket;
  if (s.socket.empty()) {
    *error = (s.config_path.empty() ? std::string("the configuration") : s.config_path) +
             " turns the control socket off ([control] socket = \"\"): set it and restart chatd";
    return false;
  }
  *out = std::move(s);
  return true;
}

}  // namespace chat::ctl
