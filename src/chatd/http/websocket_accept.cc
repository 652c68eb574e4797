// The WebSocket opening handshake on an HTTP exchange (websocket_accept.h).
#include "chatd/http/websocket_accept.h"

#include "chatd/core/conn.h"
#include "chatd/core/log.h"
#include "chatd/http/problem.h"
#include "libchat/http/permessage_deflate.h"
#include "libchat/http/websocket_handshake.h"

namespace chatd::http {
namespace {

// LZ77 window (log2) chatd compresses with and asks clients to use: about
// 8 KiB of deflate state and 2 KiB of window per direction instead of 256
// KiB, at a small cost in ratio on chat lines (doc/performance.md).
constexpr int kDeflateWindowBits = 11;

}  // namespace

AcceptedWebSocket AcceptWebSocket(Exchange& ex, event_base* base, const HttpConfig& cfg,
                                  const WebSocketRoute& route) {
  const chat::http::RequestHead& req = ex.head();
  chat::http::UpgradeCheck check = chat::http::CheckWebSocketUpgrade(req);
  if (check.status != 0) {
    std::vector<chat::http::Field> extra;
    if (check.code == "websocket-version") {
      extra.push_back({"Sec-WebSocket-Version", std::string(chat::http::kWebSocketVersion)});
    } else if (check.status == 426) {
      extra.push_back({"Upgrade", "websocket"});
      extra.push_back({"Connection", "Upgrade"});
    }
    SendProblem(ex, check.status, check.code, check.detail, std::move(extra));
    return {};
  }
  // Origin (RFC 6455 §10.2): only browsers send it, and a page may only
  // open a socket here if its origin is allowed.
  int origins = 0;
  const std::string* origin = nullptr;
  for (const chat::http::Field& f : req.fields) {
    if (chat::http::EqualsIgnoreCase(f.name, "Origin")) {
      origin = &f.value;
      ++origins;
    }
  }
  if (origins > 1 || (origin != nullptr && !chat::http::OriginAllowed(*origin, cfg.websocket_origins))) {
    LOG_INFO("websocket %s: origin refused", ex.peer_address().c_str());
    SendProblem(ex, 403, "websocket-origin", "pages of this origin may not open a WebSocket here");
    return {};
  }

  chat::http::ResponseHead head;
  head.status = 101;
  head.Add("Upgrade", "websocket");
  head.Add("Connection", "Upgrade");
  head.Add("Sec-WebSocket-Accept", chat::http::WebSocketAccept(check.key));
  std::string subprotocol =
      chat::http::ChooseSubprotocol(chat::http::FieldList(req, "Sec-WebSocket-Protocol"), route.subprotocols);
  if (!subprotocol.empty()) head.Add("Sec-WebSocket-Protocol", subprotocol);

  WebSocketOptions options;
  options.max_message_bytes = route.max_message_bytes;
  options.sendq_bytes = route.sendq_bytes;
  options.idle_timeout_s = cfg.websocket_idle_timeout_s;
  if (cfg.websocket_deflate) {
    std::vector<std::string> offers;
    for (const chat::http::Field& f : req.fields) {
      if (chat::http::EqualsIgnoreCase(f.name, "Sec-WebSocket-Extensions")) offers.push_back(f.value);
    }
    std::string response;
    options.deflate = chat::http::NegotiateDeflate(offers, kDeflateWindowBits, &response);
    if (options.deflate) head.Add("Sec-WebSocket-Extensions", response);
  }

  std::string early;
  std::unique_ptr<Conn> conn = ex.Upgrade(std::move(head), &early);
  if (conn == nullptr) {  // a response already started: cannot happen after the checks above
    SendProblem(ex, 400, "websocket-bad-request", "this request cannot switch protocols");
    return {};
  }
  AcceptedWebSocket out;
  out.ws = std::make_unique<WebSocket>(base, std::move(conn), std::move(early), options);
  out.subprotocol = std::move(subprotocol);
  return out;
}

}  // namespace chatd::http
