// LineFramer (line_framer.h): splits a peer's byte stream into IRC lines
// with bounded memory.
#include "libchat/line_framer.h"

#include <cstring>

namespace chat::irc {

namespace {

// Gives back the storage a single huge Feed grew buf to, so an idle
// connection doesn't keep it.
void TrimCapacity(std::string* buf, std::size_t max_line) {
  if (buf->capacity() > 4 * (max_line + 2)) buf->shrink_to_fit();
}

}  // namespace

void LineFramer::Feed(std::string_view bytes) {
  if (discarding_) {
    // Still inside an overlong line that was already reported: drop its
    // bytes here rather than buffering them. buf_ is empty in this state.
    const void* lf = std::memchr(bytes.data(), '\n', bytes.size());
    if (lf == nullptr) return;
    discarding_ = false;
    bytes.remove_prefix(static_cast<const char*>(lf) - bytes.data() + 1);
  }
  if (pos_ == buf_.size()) {  // everything taken: restart cheaply
    buf_.clear();
    pos_ = scanned_ = 0;
  }
  buf_.append(bytes);
}

LineFramer::Next LineFramer::TakeNext(std::string_view* line) {
  const char* base = buf_.data();
  std::size_t from = scanned_ > pos_ ? scanned_ : pos_;
  const void* found = std::memchr(base + from, '\n', buf_.size() - from);
  if (found != nullptr) {
    std::size_t lf = static_cast<const char*>(found) - base;
    std::size_t start = pos_;
    std::size_t end = lf;
    if (end > start && base[end - 1] == '\r') --end;
    pos_ = scanned_ = lf + 1;
    if (end - start > max_line_) return Next::kOverlong;
    *line = std::string_view(base + start, end - start);
    return Next::kLine;
  }
  scanned_ = buf_.size();

  // No LF yet. A pending line of max_line bytes may still be followed by
  // its CR, so only more than that is certainly overlong.
  std::size_t pending = buf_.size() - pos_;
  if (pending > max_line_ + 1 || (pending == max_line_ + 1 && buf_.back() != '\r')) {
    buf_.clear();
    TrimCapacity(&buf_, max_line_);
    pos_ = scanned_ = 0;
    discarding_ = true;
    return Next::kOverlong;
  }
  // Compact once per drained batch rather than per line: moves at most
  // max_line + 1 bytes.
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    TrimCapacity(&buf_, max_line_);
    scanned_ -= pos_;
    pos_ = 0;
  }
  return Next::kNone;
}

}  // namespace chat::irc
