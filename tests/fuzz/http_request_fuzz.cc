// libFuzzer target: bytes fed to chat::http::RequestParser (Beast plus the
// strict-framing wrapper) whole and in fuzzer-chosen chunk sizes. Both
// feeds must give the same requests and bodies, and refuse the same inputs
// (the parse never depends on how TCP split the bytes; which error is met
// first, and when, may: see the end). Bodies of length-framed requests have
// exactly Content-Length bytes, heads carry HTTP/1.0 or 1.1 only, errors
// are sticky with a 4xx/5xx status and a code, and the buffer never holds
// more than a header's worth plus one chunk.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "libchat/http/request_parser.h"

namespace {

using chat::http::RequestParser;
using Event = RequestParser::Event;

constexpr std::size_t kMaxHeader = 1024;

// A transcript of everything the parser reported, and how it ended.
struct Transcript {
  std::string log;     // heads, body bytes, ends
  bool error = false;  // refused
  bool limit = false;  // refused for a size limit (431, chunk line)
};

Transcript Run(std::string_view input, std::size_t step) {
  RequestParser p(RequestParser::Limits{kMaxHeader});
  Transcript t;
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
        t.log += "H" + h.method + " " + h.target + "\n";
        body_bytes = 0;
      } else if (e == Event::kBody) {
        if (piece.empty()) abort();
        body_bytes += piece.size();
        t.log.append(piece);
      } else if (e == Event::kEnd) {
        const auto& h = p.head();
        if (h.framing == chat::http::BodyFraming::kLength && body_bytes != h.content_length) abort();
        if (h.framing == chat::http::BodyFraming::kNone && body_bytes != 0) abort();
        t.log += "E\n";
      } else {
        if (p.Next(nullptr) != Event::kError) abort();  // sticky
        const auto& err = p.error();
        if (err.status < 400 || err.status > 505 || err.code.empty()) abort();
        t.error = true;
        t.limit = err.status == 431 || err.code == "chunk-line-too-long";
        return t;
      }
    }
    // Unconsumed input is at most a head or chunk line being assembled.
    if (p.buffered() > kMaxHeader + (step == 0 ? input.size() : step)) abort();
  }
  return t;
}

bool IsPrefix(const std::string& a, const std::string& b) { return b.compare(0, a.size(), a) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::size_t step = 1 + data[0] % 23;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  Transcript whole = Run(input, 0), split = Run(input, step);
  if (whole.log == split.log && whole.error == split.error) return 0;
  // Beast may meet an error only once more of the head is there (it waits
  // for the end of the header when a start line arrived in pieces): a feed
  // still waiting for input must have reported a prefix of the other's
  // events. A size limit may trip at another point. Nothing else may differ
  // (which error status comes first may: "HTTP/2.1" then a bare LF is 505
  // whole and 400 in pieces; both refuse).
  if (!whole.error && split.error && IsPrefix(whole.log, split.log)) return 0;
  if (!split.error && whole.error && IsPrefix(split.log, whole.log)) return 0;
  if ((whole.limit || split.limit) && (IsPrefix(whole.log, split.log) || IsPrefix(split.log, whole.log))) {
    return 0;
  }
  abort();
}
