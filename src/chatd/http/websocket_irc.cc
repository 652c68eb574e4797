// IRC over WebSocket: the /irc route and the Peer adapter (websocket_irc.h).
#include "chatd/http/websocket_irc.h"

#include <arpa/inet.h>

#include <vector>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/http/websocket_accept.h"
#include "libchat/message.h"

namespace chatd::http {

WsIrcPeer::WsIrcPeer(event_base* base, std::unique_ptr<WebSocket> ws, bool text, std::size_t recvq_bytes)
    : WebSocketSession(base, std::move(ws)), text_(text), recvq_bytes_(recvq_bytes) {
  this->ws()->Start();
}

WsIrcPeer::~WsIrcPeer() = default;

// ---------------------------------------------------------------- output

void WsIrcPeer::Write(std::string_view bytes) {
  if (closing_ || lost_) return;
  partial_.append(bytes);
  std::size_t start = 0;
  for (;;) {
    std::size_t lf = partial_.find('\n', start);
    if (lf == std::string::npos) break;
    std::size_t end = lf;
    if (end > start && partial_[end - 1] == '\r') --end;
    std::string_view line(partial_.data() + start, end - start);
    if (text_ && !chat::irc::IsValidUtf8(line)) {
      (void)ws()->Send(true, chat::irc::ReplaceInvalidUtf8(line));  // text.ircv3.net: U+FFFD
    } else {
      (void)ws()->Send(text_, line);
    }
    start = lf + 1;
  }
  partial_.erase(0, start);
}

// ---------------------------------------------------------------- input

void WsIrcPeer::OnMessage(bool, std::string_view payload) {
  if (closing_ || lost_) return;
  // One line per message without CR LF; a lenient client's trailing
  // line end is dropped (IRCv3 websocket).
  if (!payload.empty() && payload.back() == '\n') payload.remove_suffix(1);
  if (!payload.empty() && payload.back() == '\r') payload.remove_suffix(1);
  pending_bytes_ += payload.size();
  pending_.emplace_back(payload);
  if (pending_bytes_ > recvq_bytes_) {
    Lose("RecvQ exceeded");
    return;
  }
  RunLines();
}

void WsIrcPeer::ResumeLines() { RunLines(); }

void WsIrcPeer::RunLines() {
  if (in_lines_) return;
  in_lines_ = true;
  while (handler_ != nullptr && !closing_ && !lost_ && !pending_.empty() && handler_->ReadyForLines()) {
    std::string line = std::move(pending_.front());
    pending_.pop_front();
    pending_bytes_ -= line.size();
    if (line.size() > chat::irc::kMaxLineBytes) {
      handler_->OnOverlong();
    } else {
      handler_->OnLine(line);
    }
  }
  in_lines_ = false;
}

// ---------------------------------------------------------------- ending

void WsIrcPeer::Lose(const std::string& reason) {
  if (lost_ || closing_) return;
  lost_ = true;
  pending_.clear();
  pending_bytes_ = 0;
  ws()->Close(kWsPolicy, reason);
  if (handler_ != nullptr) handler_->OnPeerLost(reason);
}

void WsIrcPeer::OnClosed(uint16_t code, const std::string& reason) {
  if (lost_ || closing_) return;
  lost_ = true;
  LOG_DEBUG("websocket %s: closed (%u %s)", address().c_str(), static_cast<unsigned>(code), reason.c_str());
  if (handler_ == nullptr) return;
  // The QUIT reason other users see, as for a TCP client.
  std::string quit = reason;
  if (code != kWsAbnormal) quit = "WebSocket closed (" + std::to_string(code) + ")";
  handler_->OnPeerLost(quit);
}

void WsIrcPeer::CloseAfterFlush() {
  if (closing_) return;
  closing_ = true;
  handler_ = nullptr;
  ws()->Close(kWsNormal, "");
  // The Client dropped its pointer: this peer owns itself and goes from
  // the loop (never inside the callback that got us here).
  DeleteLater();
}

// ---------------------------------------------------------------- the route

namespace {

class IrcWebSocketHandler final : public Handler {
 public:
  explicit IrcWebSocketHandler(Server* server) : server_(server) {}

  void OnRequest(Exchange& ex) override {
    const Config& cfg = server_->config();
    WebSocketRoute route;
    route.subprotocols = {std::string(kIrcBinaryProtocol), std::string(kIrcTextProtocol)};
    route.max_message_bytes = kIrcWsMaxMessage;
    route.sendq_bytes = cfg.sendq_bytes;
    AcceptedWebSocket a = AcceptWebSocket(ex, server_->base(), cfg.http, route);
    if (a.ws == nullptr) return;
    bool text = a.subprotocol != kIrcBinaryProtocol;  // text.ircv3.net, or none agreed
    std::string address = a.ws->address();
    auto peer = std::make_unique<WsIrcPeer>(server_->base(), std::move(a.ws), text, cfg.recvq_bytes);
    LOG_DEBUG("websocket %s: IRC (%s)", address.c_str(), text ? "text" : "binary");
    server_->AddClient(std::move(peer), server_->FloodExempt(address));
  }

 private:
  Server* server_;
};

}  // namespace

void RegisterIrcWebSocket(Router* router, Server* server) {
  router->Add("GET", "/irc", [server] { return std::make_shared<IrcWebSocketHandler>(server); });
}

}  // namespace chatd::http
