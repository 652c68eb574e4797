// RequestHead's accessors and the small text helpers of request.h.
#include "libchat/http/request.h"

namespace chat::http {
namespace {

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The target without an absolute-form's scheme and authority (RFC 9112
// §3.2.2): "http://h:1/p?q" -> "/p?q", "http://h" -> "".
std::string_view OriginPart(std::string_view target) {
  if (target.empty() || target[0] == '/' || target == "*") return target;
  std::size_t scheme_end = target.find("://");
  if (scheme_end == std::string_view::npos) return target;
  std::size_t path = target.find_first_of("/?", scheme_end + 3);
  return path == std::string_view::npos ? std::string_view() : target.substr(path);
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

const std::string* RequestHead::Find(std::string_view name) const {
  for (const Field& f : fields) {
    if (EqualsIgnoreCase(f.name, name)) return &f.value;
  }
  return nullptr;
}

std::string_view RequestHead::Path() const {
  std::string_view t = OriginPart(target);
  if (t == "*") return t;
  std::string_view path = t.substr(0, t.find('?'));
  return path.empty() ? std::string_view("/") : path;
}

std::string_view RequestHead::Query() const {
  std::string_view t = OriginPart(target);
  std::size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

bool PercentDecodeSegment(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0' || c == '/') return false;
    out->push_back(c);
  }
  return true;
}

}  // namespace chat::http
