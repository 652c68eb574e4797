// Tests for the IRC side of file sharing (irc/cmd_files.cc, the FILEHOST
// ISUPPORT tokens in core/server.cc): a real Server with an in-memory store,
// clients through FakePeer.
#include <event2/event.h>

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/files/auth.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "fake_peer.h"

#include "CppUTest/TestHarness.h"  // last: see fake_peer.h

namespace {

using chat::irc::Message;
using Peer = std::shared_ptr<chatd_test::PeerState>;

chatd::Config FilesConfig(bool http_listener, const std::string& data_dir) {
  chatd::Config config;
  config.server_name = "irc.test";
  config.network = "TestNet";
  config.data_dir = data_dir;  // files/ is created there
  config.auto_join = {};
  config.files_guests_may_upload = true;
  if (http_listener) {
    chatd::ListenConfig l;
    l.address = "127.0.0.1:0";
    l.host = "127.0.0.1";
    l.port = 0;  // any free port
    l.protocol = chatd::ListenConfig::Protocol::kHttp;
    config.listen.push_back(l);
    config.http.public_base_url = "https://files.test:8443";
  }
  return config;
}

std::vector<std::string> IsupportTokens(const std::vector<Message>& burst) {
  std::vector<std::string> tokens;
  for (const auto& m : burst) {
    if (m.command == "005") tokens.insert(tokens.end(), m.params.begin() + 1, m.params.end() - 1);
  }
  return tokens;
}

bool Has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_GROUP(FilesSession) {
  std::unique_ptr<chatd::Server> server;
  std::string dir;
  void setup() override {
    char tmpl[] = "/tmp/chatd-files-session-XXXXXX";
    dir = mkdtemp(tmpl);
  }
  void Start(bool http_listener) {
    chatd::SetLogLevel(chatd::LogLevel::kError);
    server = std::make_unique<chatd::Server>(FilesConfig(http_listener, dir));
    chat::Status s = server->Start(chatd::NewMemStore());
    CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
  }
  // Connects and registers `nick`, returning the connection and its burst.
  Peer Reg(const std::string& nick, std::vector<Message>* burst) {
    Peer p = chatd_test::Connect(*server);
    p->Feed("NICK " + nick);
    p->Feed("USER u 0 * :U");
    *burst = p->TakeMessages();
    return p;
  }
  void teardown() override {
    server.reset();
    std::filesystem::remove_all(dir);
    chatd::SetLogLevel(chatd::LogLevel::kInfo);
  }
};

TEST(FilesSession, WithoutAnHttpListenerFilehostIsOff) {
  Start(false);
  std::vector<Message> burst;
  Peer p = Reg("alice", &burst);
  std::vector<std::string> tokens = IsupportTokens(burst);
  CHECK_FALSE(std::any_of(tokens.begin(), tokens.end(),
                          [](const std::string& t) { return t.find("FILEHOST") != std::string::npos; }));
  p->Feed("FILEHOST TOKEN");
  std::vector<Message> out = p->TakeMessages();
  CHECK_EQUAL(1u, out.size());
  STRCMP_EQUAL("FAIL", out[0].command.c_str());
  STRCMP_EQUAL("DISABLED", out[0].params[1].c_str());
}

TEST(FilesSession, IsupportAdvertisesBothNames) {
  Start(true);
  std::vector<Message> burst;
  Peer p = Reg("alice", &burst);
  std::vector<std::string> tokens = IsupportTokens(burst);
  CHECK(Has(tokens, "soju.im/FILEHOST=https://files.test:8443/upload"));
  CHECK(Has(tokens, "draft/FILEHOST=https://files.test:8443/upload"));
}

TEST(FilesSession, AGuestTokenIsChargedToTildeNick) {
  Start(true);
  std::vector<Message> burst;
  Peer p = Reg("guest", &burst);
  p->Feed("FILEHOST TOKEN");
  std::vector<Message> out = p->TakeMessages();
  CHECK_EQUAL(1u, out.size());
  STRCMP_EQUAL("FILEHOST", out[0].command.c_str());
  STRCMP_EQUAL("TOKEN", out[0].params[0].c_str());
  const std::string token = out[0].params[1];
  CHECK_EQUAL(64u, token.size());
  CHECK(std::stoll(out[0].params[2]) > chatd::NowMs() / 1000);
  chatd::files::FileAuth auth(server->store(), server->secret(), 4096);
  auto who = auth.CheckBearer(token, chatd::NowMs());
  CHECK_TRUE(who.ok());
  STRCMP_EQUAL("~guest", who.value().c_str());
}

TEST(FilesSession, BadSubcommandsAndUnknownFilesFail) {
  Start(true);
  std::vector<Message> burst;
  Peer p = Reg("alice", &burst);
  p->Feed("FILEHOST LINK aaaaaaaaaaaaaaaaaaaaaaaaaa");
  std::vector<Message> out = p->TakeMessages();
  CHECK_EQUAL(1u, out.size());
  STRCMP_EQUAL("NO_SUCH_FILE", out[0].params[1].c_str());
  p->Feed("FILEHOST LINK");
  out = p->TakeMessages();
  STRCMP_EQUAL("NEED_MORE_PARAMS", out[0].params[1].c_str());
  p->Feed("FILEHOST DANCE");
  out = p->TakeMessages();
  STRCMP_EQUAL("INVALID_PARAMS", out[0].params[1].c_str());
  p->Feed("FILEHOST");
  out = p->TakeMessages();
  STRCMP_EQUAL("461", out[0].command.c_str());
}
