// Splits a byte stream into IRC lines. Pure: the caller feeds bytes it read.
#ifndef CHAT_LIBCHAT_LINE_FRAMER_H_
#define CHAT_LIBCHAT_LINE_FRAMER_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace chat::irc {

// Accumulates bytes and yields complete lines. A line ends at LF; one CR
// before the LF is stripped (RFC 1459 §8: accept bare LF as well as CRLF).
// A line longer than max_line bytes (excluding the terminator) is reported
// once as overlong and its bytes up to the next LF are discarded, so memory
// stays bounded by max_line plus the bytes of one Feed, provided the caller
// drains TakeNext until kNone after each Feed (the connection read loop does).
// Not thread-safe; one framer per connection, used from its loop only.
class LineFramer {
 public:
  explicit LineFramer(std::size_t max_line) : max_line_(max_line) {}

  enum class Next { kNone, kLine, kOverlong };

  // Appends bytes read from the peer.
  void Feed(std::string_view bytes);
  // Takes the next event: kLine with *line set (valid until the next call to
  // Feed or TakeNext), kOverlong for a discarded line, kNone when no
  // complete line is buffered.
  Next TakeNext(std::string_view* line);
  // Bytes buffered and not yet taken: after TakeNext returned kNone, those of
  // the incomplete last line, at most max_line + 1 (a possible CR).
  std::size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::size_t max_line_;
  std::string buf_;
  std::size_t pos_ = 0;        // start of unconsumed data in buf_
  std::size_t scanned_ = 0;    // buf_[pos_, scanned_) is known to hold no LF
  bool discarding_ = false;    // inside an overlong line, skipping to LF
};

}  // namespace chat::irc

#endif  // CHAT_LIBCHAT_LINE_FRAMER_H_
