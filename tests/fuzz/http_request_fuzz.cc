// libFuzzer target: bytes fed to chat::http::RequestParser (Beast plus the
// strict-framing wrapper) whole and in fuzzer-chosen chunk sizes. Both
// feeds must give the same requests, bodies and error status (the parse
// never depends on how TCP split the bytes; only a size limit may trip at a
// different point), bodies of length-framed requests
// have exactly Content-Length bytes, heads carry HTTP/1.0 or 1.1 only, and
// the buffer never holds more than a header's worth plus one chunk.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libchat/http/request_parser.h"

namespace {

using chat::http::RequestParser;
using Event = RequestParser::Event;

constexpr std::size_t kMaxHeader = 1024;

// A transcript of everything the parser reported.
std::string Run(std::string_view input, std::size_t step) {
  RequestParser p(RequestParser::Limits{kMaxHeader});
  std::string log;
  uint64_t body_bytes = 0;
  std::size_t pos = 0;
  while (pos < input.size()) {
    std::size_t n = step == 0 ? input.size() : std::min(step, input.size() - pos);
    p.Append(input.substr(pos, n));
    pos += n;
    while (true) {
      std::string_view piece;
      Event e = p.Next(&piece);
      if (e == Event::kNeedMore) break;
      if (e == Event::kHead) {
        const auto& h = p.head();
        if (h.version_minor != 0 && h.version_minor != 1) abort();
        log += "H" + h.method + " " + h.target + "\n";
        body_bytes = 0;
      } else if (e == Event::kBody) {
        if (piece.empty()) abort();
        body_bytes += piece.size();
        log.append(piece);
      } else if (e == Event::kEnd) {
        const auto& h = p.head();
        if (h.framing == chat::http::BodyFraming::kLength && body_bytes != h.content_length) abort();
        if (h.framing == chat::http::BodyFraming::kNone && body_bytes != 0) abort();
        log += "E\n";
      } else {
        if (p.Next(nullptr) != Event::kError) abort();  // sticky
        // Limits apply to what is buffered, so they may trip at a different
        // point depending on the split: mark them for the comparison.
        const auto& err = p.error();
        bool limit = err.status == 431 || err.code == "chunk-line-too-long";
        return log + (limit ? "L" : "X" + std::to_string(err.status));
      }
    }
    // Unconsumed input is at most a head or chunk line being assembled.
    if (p.buffered() > kMaxHeader + (step == 0 ? input.size() : step)) abort();
  }
  return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t step = 1 + data[0] % 23;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string whole = Run(input, 0), split = Run(input, step);
  if (whole == split) return 0;
  // Only a limit error may differ, and only after the same prefix.
  bool whole_limit = !whole.empty() && whole.back() == 'L';
  bool split_limit = !split.empty() && split.back() == 'L';
  if (!whole_limit && !split_limit) abort();
  std::size_t common = std::min(whole.size(), split.size()) - 1;
  if (whole.compare(0, common, split, 0, common) != 0) abort();
  return 0;
}
