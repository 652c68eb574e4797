// Range, Content-Range and If-Range (range.h; RFC 9110 §13.1.5, §14).
#include "libchat/http/range.h"

#include "libchat/http/conditional.h"
#include "libchat/http/request.h"

namespace chat::http {
namespace {

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// 1*DIGIT that may exceed 64 bits: saturates at the maximum (a huge
// first-pos is then unsatisfiable, a huge last-pos clamps to the end).
bool ParseSaturating(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  bool saturated = false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) saturated = true;
    if (!saturated) v = v * 10 + d;
  }
  *out = saturated ? UINT64_MAX : v;
  return true;
}

}  // namespace

bool ParseDecimal(std::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

RangeOutcome EvaluateRange(std::string_view value, uint64_t size, ByteRange* out) {
  value = TrimOws(value);
  std::size_t eq = value.find('=');
  if (eq == std::string_view::npos || !EqualsIgnoreCase(TrimOws(value.substr(0, eq)), "bytes")) {
    return RangeOutcome::kFull;
  }
  std::string_view spec = TrimOws(value.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return RangeOutcome::kFull;  // a list: serve it all
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeOutcome::kFull;
  std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  if (a.empty()) {
    // suffix-range: the last b bytes.
    uint64_t suffix = 0;
    if (!ParseSaturating(b, &suffix)) return RangeOutcome::kFull;
    if (suffix == 0 || size == 0) return RangeOutcome::kUnsatisfiable;
    out->first = suffix >= size ? 0 : size - suffix;
    out->last = size - 1;
    return RangeOutcome::kPartial;
  }
  uint64_t first = 0, last = UINT64_MAX;
  if (!ParseSaturating(a, &first)) return RangeOutcome::kFull;
  if (!b.empty() && !ParseSaturating(b, &last)) return RangeOutcome::kFull;
  if (last < first) return RangeOutcome::kFull;  // invalid: ignored (§14.1.1)
  if (first >= size) return RangeOutcome::kUnsatisfiable;
  out->first = first;
  out->last = last >= size ? size - 1 : last;
  return RangeOutcome::kPartial;
}

std::string FormatContentRange(const ByteRange& r, uint64_t size) {
  return "bytes " + std::to_string(r.first) + "-" + std::to_string(r.last) + "/" + std::to_string(size);
}

std::string FormatUnsatisfiedRange(uint64_t size) { return "bytes */" + std::to_string(size); }

bool IfRangeAllows(std::string_view if_range, std::string_view etag, int64_t last_modified) {
  if_range = TrimOws(if_range);
  if (if_range.empty()) return false;
  if (if_range.front() == '"') return if_range == etag && etag.size() >= 2;  // strong comparison
  if (if_range.substr(0, 2) == "W/") return false;                           // weak never matches
  int64_t t = 0;
  return ParseHttpDate(if_range, &t) && t == last_modified;
}

}  // namespace chat::http
