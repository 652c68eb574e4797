// libFuzzer target: the config loader (core/config.h ParseConfig): TOML
// syntax, then every table's value checks (types, ranges, listen
// addresses, CIDRs, log levels). Any bytes must give a Config or an error
// message, never a crash; the input is prefixed with a valid [server] and
// [[listen]] half the time so the value checks of the other tables run.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chatd/core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 1) {
    text = "[server]\nname = \"irc.fuzz\"\ndata_dir = \"/nonexistent\"\n[[listen]]\naddress = \"127.0.0.1:6667\"\n" +
           text;
  }
  auto r = chatd::ParseConfig(text, "fuzz.conf");
  if (!r.ok() && r.status().message().empty()) abort();
  return 0;
}
