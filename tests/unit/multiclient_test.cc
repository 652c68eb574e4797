// Tests for account sessions and offline delivery (account_sessions.cc and
// the handlers that use it; doc/protocol.md "Account sessions and offline
// delivery"): a real Server on an in-memory store, connections through
// FakePeer logging in with SASL PLAIN, lines fed in and lines asserted.
#include <event2/event.h>

#include <memory>
#include <string>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/store/store.h"
#include "fake_peer.h"
#include "libchat/base64.h"
#include "libchat/message.h"
#include "libchat/sasl.h"

#include "CppUTest/TestHarness.h"  // last: see fake_peer.h

namespace {

using chat::irc::Message;
using chatd_test::Connect;
using chatd_test::Find;
using chatd_test::PeerState;
using chatd_test::Register;
using Peer = std::shared_ptr<PeerState>;

const char kPassword[] = "correct-horse-battery";

[[maybe_unused]] const bool kTablesBuilt = (chatd::FindCommand("PING"), chatd::AllCaps(), true);

std::string Dump(const std::vector<Message>& msgs) {
  std::string text;
  for (const auto& m : msgs) text += chat::irc::Serialize(m);
  return text.empty() ? "(nothing)" : text;
}

// The messages with `command`.
std::vector<Message> All(const std::vector<Message>& msgs, const std::string& command) {
  std::vector<Message> out;
  for (const auto& m : msgs) {
    if (m.command == command) out.push_back(m);
  }
  return out;
}

}  // namespace

TEST_GROUP(Multiclient) {
  std::unique_ptr<chatd::Server> server;

  void setup() override {
    chatd::SetLogLevel(chatd::LogLevel::kError);
    chatd::Config config;
    config.server_name = "irc.test";
    config.network = "TestNet";
    config.data_dir = "/tmp/chatd-multiclient-test";  // not touched by Server
    config.auto_join = {"#general"};
    StartServer(std::move(config));
  }

  // A server on an empty in-memory store with the accounts alice and bob.
  void StartServer(chatd::Config config) {
    server.reset();
    server = std::make_unique<chatd::Server>(std::move(config));
    chat::Status s = server->Start(chatd::NewMemStore());
    CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
    for (const char* name : {"alice", "bob"}) {
      chat::sasl::ScramVerifier v = chat::sasl::MakeVerifier(kPassword, 4096);
      chatd::AccountRecord rec;
      rec.name = name;
      rec.iterations = v.iterations;
      rec.salt = v.salt;
      rec.stored_key = v.stored_key;
      rec.server_key = v.server_key;
      CHECK_TRUE(server->store()->CreateAccount(rec).ok());
    }
  }

  void teardown() override {
    server.reset();
    chatd::SetLogLevel(chatd::LogLevel::kInfo);
  }

  // A connection that asks for `nick`, logs in to `account` with SASL PLAIN
  // during registration and completes it. Returns what it received.
  Peer Device(const std::string& account, const std::string& nick, std::vector<Message>* burst,
              const std::string& caps = "") {
    Peer p = Connect(*server);
    p->Feed("CAP LS 302");
    p->Feed("CAP REQ :sasl" + (caps.empty() ? "" : " " + caps));
    p->Feed("NICK " + nick);
    p->Feed("USER u 0 * :Real " + nick);
    p->Feed("AUTHENTICATE PLAIN");
    std::string plain = std::string(1, '\0') + account + std::string(1, '\0') + kPassword;
    p->Feed("AUTHENTICATE " + chat::sasl::Base64Encode(plain));
    p->Feed("CAP END");
    std::vector<Message> msgs = p->TakeMessages();
    CHECK_TEXT(Find(msgs, "903") != nullptr && Find(msgs, "001") != nullptr, Dump(msgs).c_str());
    if (burst != nullptr) *burst = msgs;
    return p;
  }

  Peer Device(const std::string& account, const std::string& caps = "") {
    return Device(account, account, nullptr, caps);
  }

  void RunLoop() { event_base_loop(server->base(), EVLOOP_NONBLOCK); }
};

TEST(Multiclient, SecondDeviceAttachesUnderTheAccountNickAndNobodySeesIt) {
  Peer bob = Device("bob");
  Peer a1 = Device("alice");
  a1->Feed("JOIN #proj");
  bob->Feed("JOIN #proj");
  a1->Take();
  bob->Take();

  std::vector<Message> burst;
  Peer a2 = Device("alice", "alice_phone", &burst);
  const Message* welcome = Find(burst, "001");
  STRCMP_EQUAL("alice", welcome->params[0].c_str());
  std::vector<Message> joins = All(burst, "JOIN");
  CHECK_EQUAL_TEXT(2u, joins.size(), Dump(burst).c_str());
  for (const auto& j : joins) STRCMP_EQUAL(a1->client->prefix().c_str(), j.source.c_str());
  CHECK_EQUAL_TEXT(2u, All(burst, "366").size(), Dump(burst).c_str());
  CHECK_TEXT(bob->Take().empty(), "bob saw the second device");

  POINTERS_EQUAL(a1->client, a2->client->front());
  POINTERS_EQUAL(a1->client, server->FindNick("alice"));
  POINTERS_EQUAL(a1->client, server->FindAccountUser("ALICE"));
  chatd::Channel* proj = server->FindChannel("#proj");
  CHECK_EQUAL(2u, proj->members().size());
  CHECK_TRUE(proj->HasMember(a2->client));
}

TEST(Multiclient, MessagesReachEverySessionAndEchoToTheOthers) {
  Peer bob = Device("bob", "message-tags");
  Peer a1 = Device("alice", "message-tags echo-message");
  Peer a2 = Device("alice", "message-tags");
  bob->Take();
  a1->Take();

  bob->Feed("PRIVMSG #general :hello");
  CHECK_EQUAL(1u, All(a1->TakeMessages(), "PRIVMSG").size());
  CHECK_EQUAL(1u, All(a2->TakeMessages(), "PRIVMSG").size());

  a2->Feed("PRIVMSG bob :from the phone");
  std::vector<Message> at_bob = All(bob->TakeMessages(), "PRIVMSG");
  std::vector<Message> at_a1 = All(a1->TakeMessages(), "PRIVMSG");
  CHECK_EQUAL(1u, at_bob.size());
  CHECK_EQUAL_TEXT(1u, at_a1.size(), "the other session gets the echo without asking");
  CHECK_TRUE(All(a2->TakeMessages(), "PRIVMSG").empty());  // a2 has no echo-message
  STRCMP_EQUAL(at_bob[0].FindTag("msgid")->c_str(), at_a1[0].FindTag("msgid")->c_str());

  a1->Feed("PRIVMSG #general :from the laptop");
  CHECK_EQUAL(1u, All(a1->TakeMessages(), "PRIVMSG").size());  // its echo
  CHECK_EQUAL(1u, All(a2->TakeMessages(), "PRIVMSG").size());
  CHECK_EQUAL(1u, All(bob->TakeMessages(), "PRIVMSG").size());
}

TEST(Multiclient, QuitOfTheFrontPromotesTheNextSessionSilently) {
  Peer bob = Device("bob");
  Peer a1 = Device("alice");
  Peer a2 = Device("alice");
  chatd::Client* second = a2->client;
  bob->Take();
  a1->Feed("QUIT :switching device");
  RunLoop();
  CHECK_TEXT(bob->Take().empty(), "bob saw a session leave");
  POINTERS_EQUAL(second, server->FindNick("alice"));
  POINTERS_EQUAL(second, server->FindAccountUser("alice"));
  CHECK_TRUE(second->is_front());
  CHECK_TRUE(server->FindChannel("#general")->members().count(second) == 1);

  bob->Feed("PRIVMSG alice :still there");
  CHECK_EQUAL(1u, All(a2->TakeMessages(), "PRIVMSG").size());
  a2->Feed("QUIT :bye");
  std::vector<Message> got = bob->TakeMessages();
  CHECK_EQUAL_TEXT(1u, All(got, "QUIT").size(), Dump(got).c_str());
  RunLoop();
  POINTERS_EQUAL(nullptr, server->FindAccountUser("alice"));
}

TEST(Multiclient, AwayOnlyWhenEverySessionIsAway) {
  Peer bob = Device("bob", "away-notify");
  Peer a1 = Device("alice");
  Peer a2 = Device("alice");
  bob->Take();
  a1->Feed("AWAY :phone in pocket");
  CHECK_TRUE(All(bob->TakeMessages(), "AWAY").empty());
  bob->Feed("PRIVMSG alice :hi");
  CHECK_TRUE(Find(bob->TakeMessages(), "301") == nullptr);
  a2->Feed("AWAY :lunch");
  std::vector<Message> notes = All(bob->TakeMessages(), "AWAY");
  CHECK_EQUAL(1u, notes.size());
  STRCMP_EQUAL("lunch", notes[0].params[0].c_str());
  bob->Feed("PRIVMSG alice :hi");
  const std::vector<Message> replies = bob->TakeMessages();
  const Message* away = Find(replies, "301");
  CHECK_TEXT(away != nullptr, Dump(replies).c_str());
  STRCMP_EQUAL("lunch", away->params.back().c_str());
  a1->Feed("AWAY");
  notes = All(bob->TakeMessages(), "AWAY");
  CHECK_EQUAL(1u, notes.size());
  CHECK_TRUE(notes[0].params.empty());
}

TEST(Multiclient, DirectMessageToAnOfflineAccountIsStoredNotedAndDeliveredOnce) {
  Peer bob = Device("bob", "echo-message message-tags");
  bob->Feed("PRIVMSG alice :see you");
  std::vector<Message> got = bob->TakeMessages();
  CHECK_EQUAL_TEXT(2u, got.size(), Dump(got).c_str());
  STRCMP_EQUAL("PRIVMSG", got[0].command.c_str());
  const std::string msgid = *got[0].FindTag("msgid");
  STRCMP_EQUAL(
      ":irc.test NOTE PRIVMSG RECIPIENT_OFFLINE alice :alice is offline; the message will be delivered when they "
      "log in\r\n",
      chat::irc::Serialize(got[1]).c_str());

  std::vector<Message> burst;
  Peer a1 = Device("alice", "alice", &burst, "message-tags");
  std::vector<Message> replayed = All(burst, "PRIVMSG");
  CHECK_EQUAL_TEXT(1u, replayed.size(), Dump(burst).c_str());
  STRCMP_EQUAL("see you", replayed[0].params[1].c_str());
  STRCMP_EQUAL(msgid.c_str(), replayed[0].FindTag("msgid")->c_str());
  auto rec = server->store()->GetAccount("alice");
  CHECK_TRUE(rec.ok() && rec.value().delivered_ms > 0);

  Peer a2 = Device("alice", "alice", &burst);
  CHECK_TRUE(All(burst, "PRIVMSG").empty());  // attached later: not again
  a2->Feed("QUIT");
  a1->Feed("QUIT");
  RunLoop();
  Device("alice", "alice", &burst);
  CHECK_TRUE(All(burst, "PRIVMSG").empty());  // next login: not again
}

// The nick of a logged-in user is left pending at NICK (a second device
// logs in after it) and refused at registration when it isn't one.
TEST(Multiclient, NickOfALoggedInUserIsRefusedAtRegistrationToOthers) {
  Peer a1 = Device("alice");
  Peer other = Connect(*server);
  other->Feed("NICK alice");
  CHECK_TRUE(other->Take().empty());
  other->Feed("USER x 0 * :x");
  std::vector<Message> got = other->TakeMessages();
  CHECK_EQUAL_TEXT(1u, got.size(), Dump(got).c_str());
  STRCMP_EQUAL("433", got[0].command.c_str());
  STRCMP_EQUAL("*", got[0].params[0].c_str());
  STRCMP_EQUAL("alice", got[0].params[1].c_str());
  POINTERS_EQUAL(a1->client, server->FindNick("alice"));
  other->Feed("NICK carol");
  CHECK_TRUE(Find(other->TakeMessages(), "001") != nullptr);
}

TEST(Multiclient, WithMulticlientOffASecondLoginIsASeparateUser) {
  chatd::Config config = server->config();
  config.multiclient = false;
  StartServer(std::move(config));
  Peer a1 = Device("alice");
  Peer a2 = Connect(*server);
  a2->Feed("NICK alice");
  std::vector<Message> got = a2->TakeMessages();
  CHECK_TEXT(Find(got, "433") != nullptr, Dump(got).c_str());
}

TEST(Multiclient, GuestsGetNoSuchNickForOfflineAccounts) {
  Peer guest = Register(*server, "visitor");
  guest->Feed("PRIVMSG alice :hello");
  std::vector<Message> got = guest->TakeMessages();
  CHECK_EQUAL_TEXT(1u, got.size(), Dump(got).c_str());
  STRCMP_EQUAL("401", got[0].command.c_str());
}
