// What chatctl reads from chatd's configuration file: the control socket's
// path and groups, and data_dir (for the offline restore). Only those keys
// are read, leniently, so that chatctl still reaches a running daemon while
// someone is half-way through editing other parts of the file. Relative
// paths resolve against the file's directory, as chatd resolves them.
#ifndef CHATCTL_SETTINGS_H_
#define CHATCTL_SETTINGS_H_

#include <string>

#include "chatctl/table.h"

namespace chat::ctl {

struct Settings {
  std::string socket;                  // [control] socket (or --socket)
  std::string admin_group = "chatd";   // [control] admin_group, for messages
  std::string data_dir;                // [server] data_dir; "" when not known
  std::string config_path;             // the file read; "" when none was
};

// Fills *out. A missing or unreadable default config file gives the
// defaults (socket /run/chatd/control.sock); an explicit --config that
// cannot be read, a TOML syntax error or a wrong type is an error (false,
// *error says which file and line).
bool LoadSettings(const Options& options, Settings* out, std::string* error);

}  // namespace chat::ctl

#endif  // CHATCTL_SETTINGS_H_
