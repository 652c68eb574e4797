// libFuzzer target: the control-socket protocol (libchat/control.h, doc/
// control.md). Any bytes as a request line (both the escaped-fields and the
// shell-like word form) and as response lines: nothing may crash; a decoded
// request must encode and decode back to the same words.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/control.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace ctl = chat::ctl;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args;
  if (ctl::DecodeRequest(in, &args).ok()) {
    auto line = ctl::EncodeRequest(args);
    if (line.ok()) {
      std::string_view wire = line.value();
      if (wire.empty() || wire.back() != '\n') abort();
      std::vector<std::string> again;
      if (!ctl::DecodeRequest(wire.substr(0, wire.size() - 1), &again).ok() || again != args) abort();
    }
  }
  // The same bytes as a response, line by line.
  ctl::ResponseParser parser;
  for (std::size_t start = 0; start <= in.size();) {
    std::size_t end = in.find('\n', start);
    if (end == std::string_view::npos) end = in.size();
    if (!parser.Feed(in.substr(start, end - start)).ok() || parser.done()) break;
    start = end + 1;
  }
  std::string raw;
  if (!ctl::UnescapeField(ctl::EscapeField(in), &raw) || raw != in) abort();
  return 0;
}
