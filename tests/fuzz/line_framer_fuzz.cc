// libFuzzer target: bytes fed to LineFramer in fuzzer-chosen chunk sizes;
// lines never contain LF or exceed the limit, and memory stays bounded.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "libchat/line_framer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kMax = 64;
  chat::irc::LineFramer framer(kMax);
  size_t pos = 0;
  while (pos < size) {
    size_t chunk = 1 + data[pos] % 17;
    if (chunk > size - pos) chunk = size - pos;
    framer.Feed(std::string_view(reinterpret_cast<const char*>(data) + pos, chunk));
    pos += chunk;
    std::string_view line;
    chat::irc::LineFramer::Next next;
    while ((next = framer.TakeNext(&line)) != chat::irc::LineFramer::Next::kNone) {
      if (next == chat::irc::LineFramer::Next::kLine &&
          (line.size() > kMax || line.find('\n') != std::string_view::npos)) {
        abort();
      }
    }
    if (framer.buffered() > kMax + 2) abort();
  }
  return 0;
}
