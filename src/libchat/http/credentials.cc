// Authorization header parsing (credentials.h; RFC 7617, RFC 6750 §2.1).
#include "libchat/http/credentials.h"

#include "libchat/base64.h"
#include "libchat/http/request.h"

namespace chat::http {
namespace {

// token68 (RFC 9110 §11.2).
bool IsToken68(std::string_view s) {
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
  }
  if (i == 0) return false;
  for (; i < s.size(); ++i) {
    if (s[i] != '=') return false;
  }
  return true;
}

}  // namespace

bool ParseAuthorization(std::string_view value, Credentials* out) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  std::size_t sp = value.find(' ');
  if (sp == std::string_view::npos) return false;
  std::string_view scheme = value.substr(0, sp), rest = value.substr(sp);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (!IsToken68(rest)) return false;
  Credentials c;
  if (EqualsIgnoreCase(scheme, "Basic")) {
    std::string raw;
    if (!chat::sasl::Base64Decode(rest, &raw)) return false;
    std::size_t colon = raw.find(':');
    if (colon == std::string::npos || colon == 0) return false;
    for (char ch : raw) {
      auto u = static_cast<unsigned char>(ch);
      if (u < 0x20 || u == 0x7f) return false;  // RFC 7617 §2: no CTLs
    }
    c.scheme = Credentials::Scheme::kBasic;
    c.user = raw.substr(0, colon);
    c.password = raw.substr(colon + 1);
  } else if (EqualsIgnoreCase(scheme, "Bearer")) {
    c.scheme = Credentials::Scheme::kBearer;
    c.token.assign(rest);
  } else {
    return false;
  }
  *out = std::move(c);
  return true;
}

}  // namespace chat::http
