// chatgtk::TrustStore: certificates the user chose to "trust always",
// pinned by SHA-256 fingerprint per server. The file
// (<data dir>/chat-gtk/trusted-certificates) holds one "host:port FINGERPRINT"
// per line; unknown or malformed lines are ignored.
//
// Main thread only. Loaded synchronously once (the file is tiny), saved
// asynchronously on every change.
#ifndef CHAT_GTKCLIENT_TRUST_STORE_H_
#define CHAT_GTKCLIENT_TRUST_STORE_H_

#include <map>
#include <string>
#include <string_view>

#include "gtkclient/file_writer.h"

namespace chatgtk {

class TrustStore {
 public:
  // Reads `path` now; a missing file is an empty store.
  explicit TrustStore(std::string path);

  // The pinned fingerprint ("AB:CD:...") for "host:port", or "" if none.
  std::string Lookup(const std::string& host_port) const;
  // Pins (or re-pins) `fingerprint` for "host:port" and saves the file.
  void Pin(const std::string& host_port, const std::string& fingerprint);

  // The file format, exposed for tests: parse ignores bad lines.
  static std::map<std::string, std::string> Parse(std::string_view text);
  static std::string Serialize(const std::map<std::string, std::string>& pins);

 private:
  std::map<std::string, std::string> pins_;  // "host:port" -> fingerprint
  FileWriter writer_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_TRUST_STORE_H_
