// The server side of the WebSocket opening handshake (RFC 6455 §4.2): the
// checks on the client's Upgrade request, the Sec-WebSocket-Accept value,
// subprotocol selection and the Origin allow-list. Pure functions over a
// parsed RequestHead; no I/O. The frames themselves are wslay's
// (chatd/http/websocket.h), permessage-deflate is permessage_deflate.h.
#ifndef CHAT_LIBCHAT_HTTP_WEBSOCKET_HANDSHAKE_H_
#define CHAT_LIBCHAT_HTTP_WEBSOCKET_HANDSHAKE_H_

#include <string>
#include <string_view>
#include <vector>

#include "libchat/http/request.h"

namespace chat::http {

// The only protocol version chatd speaks (RFC 6455 §4.1, item 9).
inline constexpr std::string_view kWebSocketVersion = "13";

// base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")), the value of
// Sec-WebSocket-Accept for the client's Sec-WebSocket-Key (RFC 6455 §4.2.2
// item 5.4). `key` is used as sent (already trimmed). Never fails: 28
// characters of base64.
std::string WebSocketAccept(std::string_view key);

// The outcome of CheckWebSocketUpgrade: status 0 means the request is a
// valid opening handshake and `key` holds its Sec-WebSocket-Key. Otherwise
// `status` is the HTTP error to answer with and `code`/`detail` the
// problem document's (doc/http.md "WebSocket").
struct UpgradeCheck {
  int status = 0;
  std::string code;
  std::string detail;
  std::string key;
};

// Checks a request against RFC 6455 §4.2.1: method GET on HTTP/1.1 (else
// 400 "websocket-bad-request"), no body, an Upgrade field listing the token
// "websocket" and a Connection field listing "upgrade" (both
// case-insensitive; else 426 "websocket-upgrade-required", which the caller
// sends with "Upgrade: websocket"), Sec-WebSocket-Version exactly "13"
// (else 426 "websocket-version", sent with "Sec-WebSocket-Version: 13",
// §4.4), and exactly one Sec-WebSocket-Key that is base64 of 16 bytes (else
// 400 "websocket-bad-key").
UpgradeCheck CheckWebSocketUpgrade(const RequestHead& head);

// The comma-separated elements of every field named `name` (RFC 9110
// §5.6.1: several lines are one list), in order, each trimmed of spaces
// and tabs; empty elements are dropped. Quoted strings are not special
// here (none of the WebSocket fields chatd reads by this function has one).
std::vector<std::string> FieldList(const RequestHead& head, std::string_view name);

// The subprotocol the server answers with (RFC 6455 §4.2.2 item 5.4): the
// first of the client's Sec-WebSocket-Protocol `offered` values that is in
// `supported` (exact, case-sensitive: subprotocol names are tokens compared
// as sent). "" when none matches or none was offered; the response then
// carries no Sec-WebSocket-Protocol field.
std::string ChooseSubprotocol(const std::vector<std::string>& offered,
                              const std::vector<std::string>& supported);

// True when a browser page of `origin` (the Origin field's value,
// RFC 6454 §7: "https://chat.example.org:8443") may open the socket: it
// equals one of `allowed` ASCII case-insensitively, after dropping one
// trailing '/' from either, or `allowed` holds "*". The caller lets a
// request without an Origin field through (non-browser clients send none;
// RFC 6455 §10.2, IRCv3 websocket). "null" only matches an explicit "null".
bool OriginAllowed(std::string_view origin, const std::vector<std::string>& allowed);

}  // namespace chat::http

#endif  // CHAT_LIBCHAT_HTTP_WEBSOCKET_HANDSHAKE_H_
