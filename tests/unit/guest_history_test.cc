// Tests for guests' private history (issue 19 item 9; [history]
// guest_max_messages in chatd.conf(5)): capped per guest connection and
// deleted when the guest goes, since nobody can name that guest again.
#include <event2/event.h>

#include <memory>
#include <string>

#include "chatd/core/config.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/dispatch.h"
#include "chatd/irc/caps.h"
#include "chatd/store/store.h"
#include "fake_peer.h"

#include "CppUTest/TestHarness.h"  // last: see fake_peer.h

namespace {

using Peer = std::shared_ptr<chatd_test::PeerState>;

[[maybe_unused]] const bool kTablesBuilt = (chatd::FindCommand("PING"), chatd::AllCaps(), true);

}  // namespace

TEST_GROUP(GuestHistory) {
  std::unique_ptr<chatd::Server> server;

  void setup() override {
    chatd::SetLogLevel(chatd::LogLevel::kError);
    chatd::Config config;
    config.server_name = "irc.test";
    config.data_dir = "/tmp/chatd-guest-history-test";  // not touched with a memory store
    config.auto_join = {};
    config.guest_max_messages = 2;
    config.guest_retention_s = 0;  // deleted at once (the default keeps them 600 s)
    server = std::make_unique<chatd::Server>(std::move(config));
    chat::Status s = server->Start(chatd::NewMemStore());
    CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
  }
  void teardown() override {
    server.reset();
    chatd::SetLogLevel(chatd::LogLevel::kInfo);
  }

  std::size_t Stored(const std::string& participant) {
    auto keys = server->store()->DirectTargetsOf(participant);
    CHECK_TRUE(keys.ok());
    std::size_t n = 0;
    for (const auto& key : keys.value()) {
      auto r = server->store()->QueryHistory(chatd::HistoryQuery{key, chatd::HistoryQueryKind::kLatest, {}, {}, 100});
      CHECK_TRUE(r.ok());
      n += r.value().size();
    }
    return n;
  }
};

TEST(GuestHistory, CappedPerGuestButStillDelivered) {
  Peer g = chatd_test::Register(*server, "guest");
  Peer h = chatd_test::Register(*server, "other");
  const std::string key = g->client->guest_key();
  for (int i = 0; i < 5; ++i) g->Feed("PRIVMSG other :hello " + std::to_string(i));
  CHECK_EQUAL(2u, Stored(key));
  std::size_t delivered = 0;
  for (const auto& m : h->TakeMessages()) delivered += m.command == "PRIVMSG";
  CHECK_EQUAL(5u, delivered);
}

TEST(GuestHistory, DeletedWhenTheGuestQuits) {
  Peer g = chatd_test::Register(*server, "guest");
  Peer h = chatd_test::Register(*server, "other");
  const std::string g_key = g->client->guest_key(), h_key = h->client->guest_key();
  g->Feed("PRIVMSG other :hello");
  h->Feed("PRIVMSG guest :hi back");
  CHECK_EQUAL(2u, Stored(g_key));
  CHECK_EQUAL(2u, Stored(h_key));
  g->Feed("QUIT :bye");
  event_base_loop(server->base(), EVLOOP_NONBLOCK);
  CHECK_EQUAL(0u, Stored(g_key));
  CHECK_EQUAL(0u, Stored(h_key));  // their shared conversation went too
}
