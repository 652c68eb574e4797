// chatctl files ...: shared files (doc/files.md) - list them with their
// uploader, size and target, delete one, show an account's usage.
#include "chatctl/table.h"

namespace chat::ctl {

namespace {

int List(Invocation& inv) {
  std::vector<std::string> req = {"files", "list"};
  if (inv.Has("uploader")) req.push_back(inv.Value("uploader"));
  return Call(inv, req, Shape::kTable);
}

int Delete(Invocation& inv) { return Call(inv, {"files", "delete", inv.args[0]}, Shape::kMessage); }

int Quota(Invocation& inv) { return Call(inv, {"files", "quota", inv.args[0]}, Shape::kRecord); }

}  // namespace

const std::vector<CommandEntry>& FileCommands() {
  static const std::vector<CommandEntry> commands = {
      {"files list", "[--uploader ACCOUNT]", "list shared files: id, name, size, type, uploader, target, created", 0,
       0, {{"uploader", true}}, &List},
      {"files delete", "ID", "delete a shared file (its URL stops working; the bytes go when no other file shares them)",
       1, 1, {}, &Delete},
      {"files quota", "ACCOUNT", "show the bytes and files an account uses, and the quota", 1, 1, {}, &Quota},
  };
  return commands;
}

}  // namespace chat::ctl
