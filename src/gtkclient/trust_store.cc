// Pinned server certificates: parse, look up, save.
#include "gtkclient/trust_store.h"

namespace chatgtk {

TrustStore::TrustStore(std::string path) : writer_(path) {
  pins_ = Parse(ReadSmallFile(path));
}

std::string TrustStore::Lookup(const std::string& host_port) const {
  auto it = pins_.find(host_port);
  return it == pins_.end() ? std::string() : it->second;
}

void TrustStore::Pin(const std::string& host_port, const std::string& fingerprint) {
  pins_[host_port] = fingerprint;
  writer_.Write(Serialize(pins_));
}

std::map<std::string, std::string> TrustStore::Parse(std::string_view text) {
  std::map<std::string, std::string> pins;
  while (!text.empty()) {
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0) continue;
    std::string_view fingerprint = line.substr(space + 1);
    if (fingerprint.empty() || fingerprint.find(' ') != std::string_view::npos) continue;
    pins[std::string(line.substr(0, space))] = std::string(fingerprint);
  }
  return pins;
}

std::string TrustStore::Serialize(const std::map<std::string, std::string>& pins) {
  std::string out = "# chat-gtk: certificates trusted always (host:port SHA-256)\n";
  for (const auto& [host_port, fingerprint] : pins) {
    out += host_port + " " + fingerprint + "\n";
  }
  return out;
}

}  // namespace chatgtk
