// Query parameters (query_param.h).
#include "libchat/http/query_param.h"

#include "libchat/http/request.h"

namespace chat::http {

bool QueryParam(std::string_view query, std::string_view name, std::string* value) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    return PercentDecodeSegment(raw, value);
  }
  return false;
}

}  // namespace chat::http
