// Tests for the WebSocket opening handshake (libchat/http/websocket_handshake.h):
// the accept value, each refusal of CheckWebSocketUpgrade, field lists,
// subprotocol choice and the Origin allow-list; and ReplaceInvalidUtf8
// (text.ircv3.net output).
#include "libchat/http/websocket_handshake.h"

#include <string>
#include <vector>

#include "CppUTest/TestHarness.h"
#include "libchat/message.h"

using chat::http::CheckWebSocketUpgrade;
using chat::http::RequestHead;
using chat::http::UpgradeCheck;

namespace {

// A valid opening handshake (RFC 6455 §1.2's example key).
RequestHead ValidRequest() {
  RequestHead h;
  h.method = "GET";
  h.target = "/irc";
  h.version_minor = 1;
  h.fields = {{"Host", "server.example.com"},
              {"Upgrade", "websocket"},
              {"Connection", "Upgrade"},
              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="},
              {"Sec-WebSocket-Version", "13"}};
  return h;
}

void SetField(RequestHead* h, const std::string& name, const std::string& value) {
  for (auto& f : h->fields) {
    if (f.name == name) f.value = value;
  }
}

void RemoveField(RequestHead* h, const std::string& name) {
  std::vector<chat::http::Field> kept;
  for (auto& f : h->fields) {
    if (f.name != name) kept.push_back(f);
  }
  h->fields = kept;
}

}  // namespace

TEST_GROUP(WebSocketHandshake){};

TEST(WebSocketHandshake, AcceptOfTheRfcExample) {
  // RFC 6455 §1.3: this key gives this accept value.
  STRCMP_EQUAL("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", chat::http::WebSocketAccept("dGhlIHNhbXBsZSBub25jZQ==").c_str());
}

TEST(WebSocketHandshake, ValidRequestPasses) {
  UpgradeCheck c = CheckWebSocketUpgrade(ValidRequest());
  LONGS_EQUAL(0, c.status);
  STRCMP_EQUAL("dGhlIHNhbXBsZSBub25jZQ==", c.key.c_str());
}

TEST(WebSocketHandshake, TokensAreCaseInsensitiveAndListed) {
  RequestHead h = ValidRequest();
  SetField(&h, "Upgrade", "WebSocket");
  SetField(&h, "Connection", "keep-alive, UPGRADE");
  LONGS_EQUAL(0, CheckWebSocketUpgrade(h).status);
}

TEST(WebSocketHandshake, WrongMethodOrVersionIs400) {
  RequestHead h = ValidRequest();
  h.method = "POST";
  LONGS_EQUAL(400, CheckWebSocketUpgrade(h).status);
  h = ValidRequest();
  h.version_minor = 0;
  UpgradeCheck c = CheckWebSocketUpgrade(h);
  LONGS_EQUAL(400, c.status);
  STRCMP_EQUAL("websocket-bad-request", c.code.c_str());
}

TEST(WebSocketHandshake, BodyIs400) {
  RequestHead h = ValidRequest();
  h.framing = chat::http::BodyFraming::kLength;
  h.content_length = 3;
  LONGS_EQUAL(400, CheckWebSocketUpgrade(h).status);
}

TEST(WebSocketHandshake, MissingUpgradeIs426) {
  RequestHead h = ValidRequest();
  RemoveField(&h, "Upgrade");
  UpgradeCheck c = CheckWebSocketUpgrade(h);
  LONGS_EQUAL(426, c.status);
  STRCMP_EQUAL("websocket-upgrade-required", c.code.c_str());
  h = ValidRequest();
  SetField(&h, "Connection", "keep-alive");
  LONGS_EQUAL(426, CheckWebSocketUpgrade(h).status);
}

TEST(WebSocketHandshake, OtherVersionIs426) {
  for (const char* v : {"8", "14", "13, 8", ""}) {
    RequestHead h = ValidRequest();
    SetField(&h, "Sec-WebSocket-Version", v);
    UpgradeCheck c = CheckWebSocketUpgrade(h);
    LONGS_EQUAL(426, c.status);
    STRCMP_EQUAL("websocket-version", c.code.c_str());
  }
  RequestHead h = ValidRequest();
  RemoveField(&h, "Sec-WebSocket-Version");
  LONGS_EQUAL(426, CheckWebSocketUpgrade(h).status);
}

TEST(WebSocketHandshake, BadKeyIs400) {
  // Not base64; base64 of 15 and 17 bytes; missing; twice.
  for (const char* k : {"not base64!", "AAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAAA=", ""}) {
    RequestHead h = ValidRequest();
    SetField(&h, "Sec-WebSocket-Key", k);
    UpgradeCheck c = CheckWebSocketUpgrade(h);
    LONGS_EQUAL(400, c.status);
    STRCMP_EQUAL("websocket-bad-key", c.code.c_str());
  }
  RequestHead h = ValidRequest();
  RemoveField(&h, "Sec-WebSocket-Key");
  LONGS_EQUAL(400, CheckWebSocketUpgrade(h).status);
  h = ValidRequest();
  h.fields.push_back({"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="});
  LONGS_EQUAL(400, CheckWebSocketUpgrade(h).status);
}

TEST(WebSocketHandshake, FieldListJoinsLinesAndTrims) {
  RequestHead h;
  h.fields = {{"Sec-WebSocket-Protocol", "a, b ,,\tc"}, {"X", "y"}, {"sec-websocket-protocol", "d"}};
  std::vector<std::string> l = chat::http::FieldList(h, "Sec-WebSocket-Protocol");
  LONGS_EQUAL(4, l.size());
  STRCMP_EQUAL("a", l[0].c_str());
  STRCMP_EQUAL("b", l[1].c_str());
  STRCMP_EQUAL("c", l[2].c_str());
  STRCMP_EQUAL("d", l[3].c_str());
}

TEST(WebSocketHandshake, SubprotocolFollowsTheClientsOrder) {
  std::vector<std::string> ours = {"binary.ircv3.net", "text.ircv3.net"};
  STRCMP_EQUAL("text.ircv3.net",
               chat::http::ChooseSubprotocol({"text.ircv3.net", "binary.ircv3.net"}, ours).c_str());
  STRCMP_EQUAL("binary.ircv3.net", chat::http::ChooseSubprotocol({"x", "binary.ircv3.net"}, ours).c_str());
  STRCMP_EQUAL("", chat::http::ChooseSubprotocol({"chat", "Text.ircv3.net"}, ours).c_str());
  STRCMP_EQUAL("", chat::http::ChooseSubprotocol({}, ours).c_str());
}

TEST(WebSocketHandshake, OriginAllowList) {
  std::vector<std::string> allowed = {"https://chat.example.org", "http://localhost:8080/"};
  CHECK_TRUE(chat::http::OriginAllowed("https://chat.example.org", allowed));
  CHECK_TRUE(chat::http::OriginAllowed("HTTPS://Chat.Example.org/", allowed));
  CHECK_TRUE(chat::http::OriginAllowed("http://localhost:8080", allowed));
  CHECK_FALSE(chat::http::OriginAllowed("https://chat.example.org:444", allowed));
  CHECK_FALSE(chat::http::OriginAllowed("https://evil.example", allowed));
  CHECK_FALSE(chat::http::OriginAllowed("null", allowed));
  CHECK_FALSE(chat::http::OriginAllowed("", allowed));
  CHECK_FALSE(chat::http::OriginAllowed("https://chat.example.org", {}));
  CHECK_TRUE(chat::http::OriginAllowed("https://anything.example", {"*"}));
}

TEST(WebSocketHandshake, ReplaceInvalidUtf8) {
  STRCMP_EQUAL("caf\xC3\xA9", chat::irc::ReplaceInvalidUtf8("caf\xC3\xA9").c_str());
  STRCMP_EQUAL("a\xEF\xBF\xBD" "b", chat::irc::ReplaceInvalidUtf8("a\xFF" "b").c_str());
  // A cut sequence and a surrogate: one U+FFFD per byte.
  STRCMP_EQUAL("\xEF\xBF\xBD", chat::irc::ReplaceInvalidUtf8("\xC3").c_str());
  STRCMP_EQUAL("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD", chat::irc::ReplaceInvalidUtf8("\xED\xA0\x80").c_str());
  CHECK_TRUE(chat::irc::IsValidUtf8(chat::irc::ReplaceInvalidUtf8("\x80\xC0\xAF x \xF5")));
}
