// Single byte ranges for downloads (RFC 9110 §14: Range, Content-Range,
// If-Range) and the decimal numbers HTTP header fields carry. Pure
// functions: no I/O, no clock (callers pass sizes and times in).
#ifndef CHAT_LIBCHAT_HTTP_RANGE_H_
#define CHAT_LIBCHAT_HTTP_RANGE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chat::http {

// Parses a non-negative decimal integer as HTTP fields write it
// (1*DIGIT, RFC 9110 §8.6 / §14.1.1): no sign, no spaces, no empty string.
// Leading zeros are allowed. Returns false on anything else and on values
// above 2^64 - 1 (never wraps).
bool ParseDecimal(std::string_view text, uint64_t* out);

// One satisfiable byte range: the inclusive offsets of its first and last
// byte (RFC 9110 §14.1.1 first-pos / last-pos), first <= last < size.
struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t length() const { return last - first + 1; }
};

enum class RangeOutcome {
  kFull,           // no usable Range: answer 200 with the whole representation
  kPartial,        // one satisfiable range in *out: answer 206 + Content-Range
  kUnsatisfiable,  // 416 with "Content-Range: bytes */size" (§15.5.17)
};

// Evaluates a Range header value (RFC 9110 §14.2) against a representation
// of `size` bytes. chatd serves single ranges only:
//  - "bytes=first-last", "bytes=first-" and "bytes=-suffix" (unit name
//    case-insensitive, optional whitespace around the range) give kPartial,
//    with `last` clamped to size - 1 and a suffix longer than the file
//    meaning the whole file (§14.1.2);
//  - a first-pos at or past the end, a zero-length suffix, or any range of
//    an empty representation gives kUnsatisfiable;
//  - another unit, a syntax error (last < first, signs, junk) or more than
//    one range gives kFull: §14.2 lets a server ignore Range, and a list of
//    ranges is answered with the whole file rather than multipart/byteranges.
RangeOutcome EvaluateRange(std::string_view value, uint64_t size, ByteRange* out);

// "bytes first-last/size" for a 206 (RFC 9110 §14.4).
std::string FormatContentRange(const ByteRange& r, uint64_t size);
// "bytes */size" for a 416 (RFC 9110 §14.4).
std::string FormatUnsatisfiedRange(uint64_t size);

// Whether a request's If-Range (RFC 9110 §13.1.5) lets its Range apply to
// the current representation, whose strong ETag is `etag` (with quotes) and
// whose Last-Modified is `last_modified` (Unix seconds). An entity-tag
// must match strongly (a weak tag never does); an HTTP-date must be an
// IMF-fixdate equal to Last-Modified. Anything else (including a malformed
// value) returns false, so the caller sends 200 with the whole file.
bool IfRangeAllows(std::string_view if_range, std::string_view etag, int64_t last_modified);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_RANGE_H_
