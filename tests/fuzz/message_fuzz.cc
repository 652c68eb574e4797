// libFuzzer target: any bytes through ParseLine; whatever parses must
// serialize and parse back to the same message (round trip).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "libchat/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace irc = chat::irc;
  std::string_view line(reinterpret_cast<const char*>(data), size);
  irc::Message msg;
  irc::Limits limits;
  limits.utf8_only = size % 2 == 0;  // exercise both modes
  if (irc::ParseLine(line, limits, &msg) != irc::LineError::kNone) return 0;
  std::string wire = irc::Serialize(msg);
  if (wire.size() < 2 || wire.substr(wire.size() - 2) != "\r\n") abort();
  irc::Message again;
  irc::Limits lax;
  lax.max_body = lax.max_tag_section = lax.max_client_tags = 1 << 20;
  lax.utf8_only = false;
  if (irc::ParseLine(std::string_view(wire).substr(0, wire.size() - 2), lax, &again) !=
      irc::LineError::kNone) {
    abort();
  }
  if (again.command != msg.command || again.params != msg.params || again.source != msg.source ||
      again.tags.size() != msg.tags.size()) {
    abort();
  }
  return 0;
}
