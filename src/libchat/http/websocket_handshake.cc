// WebSocket opening handshake checks (websocket_handshake.h; RFC 6455 §4.2).
#include "libchat/http/websocket_handshake.h"

#include <openssl/sha.h>

#include "libchat/base64.h"

namespace chat::http {
namespace {

// RFC 6455 §1.3: the GUID appended to the key before hashing.
constexpr std::string_view kAcceptGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

bool ListHas(const RequestHead& head, std::string_view name, std::string_view token) {
  for (const std::string& t : FieldList(head, name)) {
    if (EqualsIgnoreCase(t, token)) return true;
  }
  return false;
}

UpgradeCheck Fail(int status, std::string code, std::string detail) {
  UpgradeCheck c;
  c.status = status;
  c.code = std::move(code);
  c.detail = std::move(detail);
  return c;
}

}  // namespace

std::string WebSocketAccept(std::string_view key) {
  std::string input(key);
  input += kAcceptGuid;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return chat::sasl::Base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::vector<std::string> FieldList(const RequestHead& head, std::string_view name) {
  std::vector<std::string> out;
  for (const Field& f : head.fields) {
    if (!EqualsIgnoreCase(f.name, name)) continue;
    std::string_view v = f.value;
    while (!v.empty()) {
      std::size_t comma = v.find(',');
      std::string_view item = v.substr(0, comma);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

UpgradeCheck CheckWebSocketUpgrade(const RequestHead& head) {
  if (head.method != "GET" || head.version_minor != 1) {
    return Fail(400, "websocket-bad-request", "a WebSocket opening handshake is a GET over HTTP/1.1");
  }
  if (head.framing != BodyFraming::kNone) {
    return Fail(400, "websocket-bad-request", "a WebSocket opening handshake has no body");
  }
  if (!ListHas(head, "Upgrade", "websocket") || !ListHas(head, "Connection", "upgrade")) {
    return Fail(426, "websocket-upgrade-required",
                "this resource is a WebSocket: send Upgrade: websocket and Connection: Upgrade");
  }
  std::vector<std::string> versions = FieldList(head, "Sec-WebSocket-Version");
  if (versions.size() != 1 || versions[0] != kWebSocketVersion) {
    return Fail(426, "websocket-version", "only WebSocket version 13 (RFC 6455) is supported");
  }
  const std::string* key = nullptr;
  int keys = 0;
  for (const Field& f : head.fields) {
    if (EqualsIgnoreCase(f.name, "Sec-WebSocket-Key")) {
      key = &f.value;
      ++keys;
    }
  }
  std::string raw;
  if (keys != 1 || !chat::sasl::Base64Decode(*key, &raw) || raw.size() != 16) {
    return Fail(400, "websocket-bad-key", "Sec-WebSocket-Key must be base64 of 16 bytes, sent once");
  }
  UpgradeCheck ok;
  ok.key = *key;
  return ok;
}

std::string ChooseSubprotocol(const std::vector<std::string>& offered,
                              const std::vector<std::string>& supported) {
  for (const std::string& o : offered) {
    for (const std::string& s : supported) {
      if (o == s) return o;
    }
  }
  return "";
}

bool OriginAllowed(std::string_view origin, const std::vector<std::string>& allowed) {
  if (!origin.empty() && origin.back() == '/') origin.remove_suffix(1);
  for (std::string_view a : allowed) {
    if (a == "*") return true;
    if (!a.empty() && a.back() == '/') a.remove_suffix(1);
    if (!origin.empty() && EqualsIgnoreCase(origin, a)) return true;
  }
  return false;
}

}  // namespace chat::http
