// Tests for the session layer and the command dispatch (session.cc,
// dispatch.cc, cmd_*.cc): a real Server with no listeners, clients talking
// through FakePeer, lines fed in and the lines that come out asserted.
// References: RFC 2812, Modern IRC (modern.ircdocs.horse), the IRCv3 specs
// named at each test.
#include <event2/event.h>

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/irc/caps.h"
#include "chatd/irc/channel_modes.h"
#include "chatd/irc/client.h"
#include "chatd/core/config.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/store/store.h"
#include "fake_peer.h"
#include "libchat/message.h"

#include "CppUTest/TestHarness.h"  // last: see fake_peer.h

namespace {

using chat::irc::Message;
using chatd_test::Commands;
using chatd_test::Connect;
using chatd_test::Find;
using chatd_test::PeerState;
using chatd_test::Register;
using Peer = std::shared_ptr<PeerState>;

const char kHost[] = "192.0.2.1";

// The command table and the capability list are built on first use and live
// for the whole process: build them before CppUTest starts counting leaks.
[[maybe_unused]] const bool kTablesBuilt = (chatd::FindCommand("PING"), chatd::AllCaps(), true);

chatd::Config TestConfig() {
  chatd::Config config;
  config.server_name = "irc.test";
  config.network = "TestNet";
  config.data_dir = "/tmp/chatd-session-test";  // not touched by Server
  config.auto_join = {"#general"};
  return config;
}

// The messages as wire lines, for failure texts.
std::string Dump(const std::vector<Message>& msgs) {
  std::string text;
  for (const auto& m : msgs) text += chat::irc::Serialize(m);
  return text.empty() ? "(nothing)" : text;
}

// Fails unless m's command is expected[0] and its params start with expected[1..].
void CheckMsgAt(const Message& m, std::initializer_list<const char*> expected, const char* file, int line) {
  const std::string text = "in " + chat::irc::Serialize(m);
  auto it = expected.begin();
  STRCMP_EQUAL_LOCATION(*it, m.command.c_str(), text.c_str(), file, line);
  ++it;
  std::size_t want = expected.size() - 1;
  if (m.params.size() < want) FAIL_TEST_LOCATION(("too few params " + text).c_str(), file, line);
  for (std::size_t i = 0; i < want; ++i, ++it) {
    STRCMP_EQUAL_LOCATION(*it, m.params[i].c_str(), text.c_str(), file, line);
  }
}
#define CHECK_MSG(m, ...) CheckMsgAt((m), {__VA_ARGS__}, __FILE__, __LINE__)

// Takes p's output and fails unless it is exactly one message as CHECK_MSG describes.
Message CheckOnlyAt(const Peer& p, std::initializer_list<const char*> expected, const char* file, int line) {
  std::vector<Message> msgs = p->TakeMessages();
  if (msgs.size() != 1) FAIL_TEST_LOCATION(("expected one line, got: " + Dump(msgs)).c_str(), file, line);
  CheckMsgAt(msgs[0], expected, file, line);
  return msgs[0];
}
#define CHECK_ONLY(p, ...) CheckOnlyAt((p), {__VA_ARGS__}, __FILE__, __LINE__)

void CheckNothingAt(const Peer& p, const char* file, int line) {
  std::vector<Message> msgs = p->TakeMessages();
  if (!msgs.empty()) FAIL_TEST_LOCATION(("expected no output, got: " + Dump(msgs)).c_str(), file, line);
}
#define CHECK_NOTHING(p) CheckNothingAt((p), __FILE__, __LINE__)

// The first message with `command` in msgs; fails when there is none.
const Message& ExpectAt(const std::vector<Message>& msgs, const char* command, const char* file, int line) {
  const Message* m = Find(msgs, command);
  if (m == nullptr) FAIL_TEST_LOCATION((std::string("no ") + command + " in: " + Dump(msgs)).c_str(), file, line);
  return *m;
}
#define EXPECT(msgs, command) ExpectAt((msgs), (command), __FILE__, __LINE__)

std::string TagOr(const Message& m, std::string_view key, const char* absent = "(absent)") {
  const std::string* v = m.FindTag(key);
  return v == nullptr ? absent : *v;
}

std::vector<std::string> TagKeys(const Message& m) {
  std::vector<std::string> keys;
  for (const auto& t : m.tags) keys.push_back(t.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string Join(const std::vector<std::string>& items) {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
  return s;
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> words;
  std::istringstream in(s);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

bool Contains(const std::vector<std::string>& v, const std::string& item) {
  return std::find(v.begin(), v.end(), item) != v.end();
}

}  // namespace

TEST_GROUP(Session) {
  std::unique_ptr<chatd::Server> server;
  std::vector<Peer> peers;  // made by Reg()

  void setup() override {
    chatd::SetLogLevel(chatd::LogLevel::kError);
    StartServer(TestConfig());
  }

  void teardown() override {
    peers.clear();
    server.reset();
    chatd::SetLogLevel(chatd::LogLevel::kInfo);
  }

  void StartServer(chatd::Config config) {
    peers.clear();
    server.reset();
    server = std::make_unique<chatd::Server>(std::move(config));
    chat::Status s = server->Start(chatd::NewMemStore());
    CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
  }

  // Registers `nick` (see chatd_test::Register), then drops what every
  // connection made by Reg has received so far (JOINs of the newcomer...).
  Peer Reg(const std::string& nick, const std::vector<std::string>& caps = {}, bool flood_exempt = true) {
    Peer p = Register(*server, nick, caps, flood_exempt);
    peers.push_back(p);
    Drain();
    return p;
  }

  void Drain() {
    for (const Peer& p : peers) p->Take();
  }

  // Each of `who` joins `channel` in order (the first creates it and is op),
  // then Drain().
  void JoinAll(const std::string& channel, std::initializer_list<Peer> who) {
    for (const Peer& p : who) p->Feed("JOIN " + channel);
    Drain();
  }

  // Runs deferred work (reaping of quit clients) once, without blocking.
  void RunLoop() { event_base_loop(server->base(), EVLOOP_NONBLOCK); }
};

// ---------------------------------------------------------------- registration

// RFC 2812 §5.1 / Modern IRC "Connection Registration": 001-004, 005, the
// LUSERS replies, the MOTD (422 without one), then the auto_join channel.
TEST(Session, RegistrationSendsWelcomeBurstThenAutoJoin) {
  Peer a = Connect(*server);
  a->Feed("NICK alice");
  CHECK_NOTHING(a);
  a->Feed("USER alice 0 * :Alice Liddell");
  std::vector<Message> msgs = a->TakeMessages();
  std::vector<std::string> cmds = Commands(msgs);
  const std::string all = Dump(msgs);

  CHECK_TEXT(cmds.size() >= 11, all.c_str());
  std::size_t i = 0;
  for (const char* code : {"001", "002", "003", "004"}) STRCMP_EQUAL_TEXT(code, cmds[i++].c_str(), all.c_str());
  CHECK_TEXT(cmds[i] == "005", all.c_str());
  while (i < cmds.size() && cmds[i] == "005") ++i;
  CHECK_TEXT(i < cmds.size() && cmds[i] == "251", all.c_str());
  ++i;
  while (i < cmds.size() && Contains({"252", "253", "254", "255", "265", "266"}, cmds[i])) ++i;
  CHECK_TEXT(i + 4 == cmds.size(), all.c_str());
  STRCMP_EQUAL_TEXT("422", cmds[i].c_str(), all.c_str());
  STRCMP_EQUAL_TEXT("JOIN", cmds[i + 1].c_str(), all.c_str());
  STRCMP_EQUAL_TEXT("353", cmds[i + 2].c_str(), all.c_str());
  STRCMP_EQUAL_TEXT("366", cmds[i + 3].c_str(), all.c_str());

  for (const auto& m : msgs) {
    if (m.command == "JOIN") continue;
    STRCMP_EQUAL("irc.test", m.source.c_str());
    STRCMP_EQUAL("alice", m.params[0].c_str());
  }
  const Message& welcome = msgs[0];
  STRCMP_CONTAINS("alice!~alice@192.0.2.1", welcome.params.back().c_str());
  STRCMP_CONTAINS("TestNet", welcome.params.back().c_str());

  std::vector<std::string> tokens;
  for (const auto& m : msgs) {
    if (m.command != "005") continue;
    STRCMP_EQUAL("are supported by this server", m.params.back().c_str());
    tokens.insert(tokens.end(), m.params.begin() + 1, m.params.end() - 1);
  }
  CHECK_TEXT(Contains(tokens, "CASEMAPPING=ascii"), Join(tokens).c_str());
  CHECK_TEXT(Contains(tokens, "UTF8ONLY"), Join(tokens).c_str());
  CHECK_TEXT(Contains(tokens, "NETWORK=TestNet"), Join(tokens).c_str());

  const Message& join = msgs[i + 1];
  STRCMP_EQUAL("alice!~alice@192.0.2.1", join.source.c_str());
  CHECK_MSG(join, "JOIN", "#general");
  CHECK_MSG(msgs[i + 2], "353", "alice", "=", "#general");
  // The creator of an auto_join channel may or may not be op: only the name is checked.
  std::string names = msgs[i + 2].params.back();
  STRCMP_EQUAL("alice", names.substr(names.find_first_not_of("@+")).c_str());
  CHECK_MSG(msgs[i + 3], "366", "alice", "#general");
  CHECK_TRUE(a->client->registered());
}

TEST(Session, NickInUseGets433) {
  Reg("alice");
  Peer b = Connect(*server);
  b->Feed("NICK alice");
  CHECK_ONLY(b, "433", "*", "alice");
  b->Feed("NICK ALICE");  // CASEMAPPING=ascii: the same nick
  CHECK_ONLY(b, "433", "*", "ALICE");
  b->Feed("NICK bob");
  CHECK_NOTHING(b);
  STRCMP_EQUAL("bob", b->client->nick().c_str());
}

TEST(Session, InvalidNickGets432) {
  Peer a = Connect(*server);
  a->Feed("NICK 9lives");
  CHECK_ONLY(a, "432", "*", "9lives");
  a->Feed("NICK a.b");
  CHECK_ONLY(a, "432", "*", "a.b");
  CHECK_TRUE(a->client->nick().empty());
}

TEST(Session, NickWithoutParamGets431) {
  Peer a = Connect(*server);
  a->Feed("NICK");
  CHECK_ONLY(a, "431", "*");
  Peer b = Reg("bob");
  b->Feed("NICK :");
  CHECK_ONLY(b, "431", "bob");
}

TEST(Session, CommandBeforeRegistrationGets451) {
  Peer a = Connect(*server);
  a->Feed("JOIN #x");
  CHECK_ONLY(a, "451", "*");
  a->Feed("PRIVMSG someone :hi");
  CHECK_ONLY(a, "451", "*");
  CHECK(server->FindChannel("#x") == nullptr);
}

// RFC 2812 §3: unknown commands before registration are ignored; after it
// they get ERR_UNKNOWNCOMMAND.
TEST(Session, UnknownCommandIgnoredBeforeRegistrationAnd421After) {
  Peer a = Connect(*server);
  a->Feed("FROBNICATE x");
  CHECK_NOTHING(a);
  a->Feed("NICK alice");
  a->Feed("USER alice 0 * :Alice");
  a->Take();
  a->Feed("FROBNICATE x");
  CHECK_ONLY(a, "421", "alice", "FROBNICATE");
}

TEST(Session, UserWithThreeParamsGets461) {
  Peer a = Connect(*server);
  a->Feed("USER alice 0 *");
  CHECK_ONLY(a, "461", "*", "USER");
  a->Feed("NICK alice");
  a->Feed("USER alice 0 *");
  CHECK_ONLY(a, "461", "alice", "USER");
  CHECK_FALSE(a->client->registered());
  a->Feed("USER alice 0 * :Alice");  // the failed USERs did not count
  CHECK(Find(a->TakeMessages(), "001") != nullptr);
}

// IRCv3 capability-negotiation: CAP LS 302 suspends registration until CAP END.
TEST(Session, CapLs302HoldsRegistrationUntilCapEnd) {
  Peer a = Connect(*server);
  a->Feed("CAP LS 302");
  std::vector<Message> ls = a->TakeMessages();
  CHECK_TEXT(!ls.empty(), "no CAP LS reply");
  std::vector<std::string> offered;
  for (const auto& m : ls) {
    CHECK_MSG(m, "CAP", "*", "LS");
    std::vector<std::string> w = Words(m.params.back());
    offered.insert(offered.end(), w.begin(), w.end());
  }
  for (const char* cap : {"batch", "echo-message", "labeled-response", "message-tags", "server-time"}) {
    CHECK_TEXT(Contains(offered, cap), Join(offered).c_str());
  }
  a->Feed("NICK alice");
  a->Feed("USER alice 0 * :Alice");
  CHECK_NOTHING(a);
  CHECK_FALSE(a->client->registered());
  a->Feed("CAP END");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_TEXT(!msgs.empty(), "nothing after CAP END");
  CHECK_MSG(msgs[0], "001", "alice");
}

// capability-negotiation: a REQ is all or nothing; NAK leaves the set unchanged.
TEST(Session, CapReqWithUnknownCapIsNakedAndChangesNothing) {
  Peer a = Connect(*server);
  a->Feed("CAP LS 302");
  a->Take();
  a->Feed("CAP REQ :server-time x-no-such-cap");
  Message nak = CHECK_ONLY(a, "CAP", "*", "NAK");
  STRCMP_EQUAL("server-time x-no-such-cap", nak.params.back().c_str());
  CHECK_FALSE(a->client->has(chatd::kCapServerTime));
  a->Feed("CAP LIST");
  Message list = CHECK_ONLY(a, "CAP", "*", "LIST");
  CHECK_FALSE(Contains(Words(list.params.back()), "server-time"));
}

TEST(Session, CapListShowsAcknowledgedCaps) {
  Peer a = Reg("alice", {"server-time", "message-tags"});
  a->Feed("CAP LIST");
  Message list = CHECK_ONLY(a, "CAP", "alice", "LIST");
  std::vector<std::string> caps = Words(list.params.back());
  CHECK_TEXT(Contains(caps, "server-time"), list.params.back().c_str());
  CHECK_TEXT(Contains(caps, "message-tags"), list.params.back().c_str());
  CHECK_FALSE(Contains(caps, "echo-message"));
  a->Feed("CAP REQ :-server-time");
  CHECK_ONLY(a, "CAP", "alice", "ACK", "-server-time");
  a->Feed("CAP LIST");
  list = CHECK_ONLY(a, "CAP", "alice", "LIST");
  CHECK_FALSE(Contains(Words(list.params.back()), "server-time"));
  CHECK_TRUE(Contains(Words(list.params.back()), "message-tags"));
}

// ---------------------------------------------------------------- PASS

TEST(Session, WrongPassGets464AndIsClosed) {
  chatd::Config config = TestConfig();
  config.password = "sekrit";
  StartServer(config);
  Peer a = Connect(*server);
  a->Feed("PASS wrong");
  a->Feed("NICK alice");
  a->Feed("USER alice 0 * :Alice");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_TEXT(msgs.size() >= 2, Dump(msgs).c_str());
  CHECK_MSG(msgs[0], "464", "alice");
  STRCMP_EQUAL("ERROR", msgs.back().command.c_str());
  CHECK(Find(msgs, "001") == nullptr);
  CHECK_TRUE(a->closed);
  RunLoop();
  CHECK(server->FindNick("alice") == nullptr);
  CHECK_EQUAL(0u, server->clients().size());
}

TEST(Session, MissingPassGets464) {
  chatd::Config config = TestConfig();
  config.password = "sekrit";
  StartServer(config);
  Peer a = Connect(*server);
  a->Feed("NICK alice");
  a->Feed("USER alice 0 * :Alice");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_MSG(EXPECT(msgs, "464"), "464", "alice");
  CHECK_TRUE(a->closed);
  RunLoop();
}

TEST(Session, RightPassRegisters) {
  chatd::Config config = TestConfig();
  config.password = "sekrit";
  StartServer(config);
  Peer a = Connect(*server);
  a->Feed("PASS sekrit");
  a->Feed("NICK alice");
  a->Feed("USER alice 0 * :Alice");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_TEXT(!msgs.empty(), "no reply");
  CHECK_MSG(msgs[0], "001", "alice");
  CHECK_FALSE(a->closed);
  a->Feed("PASS sekrit");  // RFC 2812 §3.1.1: not after registration
  CHECK_ONLY(a, "462", "alice");
}

// ---------------------------------------------------------------- labeled-response
// https://ircv3.net/specs/extensions/labeled-response

TEST(Session, LabeledPingGetsOneLabeledPong) {
  Peer a = Reg("alice", {"labeled-response", "batch"});
  a->Feed("@label=a PING x");
  Message pong = CHECK_ONLY(a, "PONG", "irc.test", "x");
  STRCMP_EQUAL("a", TagOr(pong, "label").c_str());
  STRCMP_EQUAL("irc.test", pong.source.c_str());
}

TEST(Session, LabeledCommandWithoutReplyGetsAck) {
  Peer a = Reg("alice", {"labeled-response", "batch"});
  a->Feed("@label=b PONG x");
  Message ack = CHECK_ONLY(a, "ACK");
  STRCMP_EQUAL("b", TagOr(ack, "label").c_str());
  CHECK_EQUAL(0u, ack.params.size());
}

TEST(Session, LabeledCommandWithSeveralRepliesGetsBatch) {
  Peer a = Reg("alice", {"labeled-response", "batch"});
  a->Feed("@label=c WHOIS alice");
  std::vector<Message> msgs = a->TakeMessages();
  const std::string all = Dump(msgs);
  CHECK_TEXT(msgs.size() >= 4, all.c_str());
  const Message& start = msgs.front();
  CHECK_MSG(start, "BATCH");
  CHECK_TEXT(start.params.size() == 2 && start.params[0].size() > 1 && start.params[0][0] == '+', all.c_str());
  STRCMP_EQUAL("labeled-response", start.params[1].c_str());
  STRCMP_EQUAL("c", TagOr(start, "label").c_str());
  const std::string ref = start.params[0].substr(1);
  CHECK_MSG(msgs.back(), "BATCH", ("-" + ref).c_str());
  for (std::size_t i = 1; i + 1 < msgs.size(); ++i) {
    STRCMP_EQUAL_TEXT(ref.c_str(), TagOr(msgs[i], "batch").c_str(), all.c_str());
    STRCMP_EQUAL_TEXT("(absent)", TagOr(msgs[i], "label").c_str(), all.c_str());
  }
  CHECK_MSG(msgs[1], "311", "alice", "alice", "~alice", kHost);
  CHECK_MSG(msgs[msgs.size() - 2], "318", "alice", "alice");
}

// labeled-response with echo-message: the echo is the response and carries the label.
TEST(Session, LabeledPrivmsgEchoCarriesLabel) {
  Peer a = Reg("alice", {"labeled-response", "batch", "echo-message"});
  Peer b = Reg("bob", {"labeled-response", "batch"});
  a->Take();
  a->Feed("@label=d PRIVMSG bob :hi");
  Message echo = CHECK_ONLY(a, "PRIVMSG", "bob", "hi");
  STRCMP_EQUAL("d", TagOr(echo, "label").c_str());
  Message got = CHECK_ONLY(b, "PRIVMSG", "bob", "hi");
  STRCMP_EQUAL("(absent)", TagOr(got, "label").c_str());
  // Without echo-message nothing comes back, so the label is ACKed.
  b->Feed("@label=e PRIVMSG alice :yo");
  Message ack = CHECK_ONLY(b, "ACK");
  STRCMP_EQUAL("e", TagOr(ack, "label").c_str());
}

// A labeled JOIN: the creator's own JOIN, 353 and 366 form the batch; other
// members see the JOIN without label or batch.
TEST(Session, LabeledJoinIsOneBatch) {
  Peer a = Reg("alice", {"labeled-response", "batch"});
  Peer b = Reg("bob", {"labeled-response", "batch"});
  JoinAll("#lab", {b});
  a->Feed("@label=j JOIN #lab");
  std::vector<Message> msgs = a->TakeMessages();
  const std::string all = Dump(msgs);
  CHECK_EQUAL_TEXT(5u, msgs.size(), all.c_str());
  CHECK_MSG(msgs[0], "BATCH");
  STRCMP_EQUAL("j", TagOr(msgs[0], "label").c_str());
  const std::string ref = msgs[0].params.at(0).substr(1);
  CHECK_MSG(msgs[1], "JOIN", "#lab");
  CHECK_MSG(msgs[2], "353", "alice", "=", "#lab");
  CHECK_MSG(msgs[3], "366", "alice", "#lab");
  for (int i = 1; i <= 3; ++i) STRCMP_EQUAL_TEXT(ref.c_str(), TagOr(msgs[i], "batch").c_str(), all.c_str());
  CHECK_MSG(msgs[4], "BATCH", ("-" + ref).c_str());
  Message seen = CHECK_ONLY(b, "JOIN", "#lab");
  STRCMP_EQUAL("(absent)", TagOr(seen, "label").c_str());
  STRCMP_EQUAL("(absent)", TagOr(seen, "batch").c_str());
}

TEST(Session, LabelIgnoredWithoutCap) {
  Peer a = Reg("alice");
  a->Feed("@label=a PING x");
  Message pong = CHECK_ONLY(a, "PONG", "irc.test", "x");
  CHECK_EQUAL(0u, pong.tags.size());
}

// ---------------------------------------------------------------- fan-out
// server-time, message-tags, message-ids, echo-message

TEST(Session, PrivmsgFanOutTagsFollowEachReceiversCaps) {
  Peer x = Reg("xsender", {"echo-message", "message-tags", "server-time"});
  Peer plain = Reg("plain");
  Peer st = Reg("st", {"server-time"});
  Peer mt = Reg("mt", {"message-tags", "server-time"});
  for (const Peer& p : {x, plain, st, mt}) p->Take();

  x->Feed("@+draft/react=x PRIVMSG #general :hello all");
  Message m_plain = CHECK_ONLY(plain, "PRIVMSG", "#general", "hello all");
  Message m_st = CHECK_ONLY(st, "PRIVMSG", "#general", "hello all");
  Message m_mt = CHECK_ONLY(mt, "PRIVMSG", "#general", "hello all");
  Message m_echo = CHECK_ONLY(x, "PRIVMSG", "#general", "hello all");
  for (const Message* m : {&m_plain, &m_st, &m_mt, &m_echo}) {
    STRCMP_EQUAL("xsender!~xsender@192.0.2.1", m->source.c_str());
  }
  CHECK_EQUAL(0u, m_plain.tags.size());
  STRCMP_EQUAL("time", Join(TagKeys(m_st)).c_str());
  STRCMP_EQUAL("+draft/react,msgid,time", Join(TagKeys(m_mt)).c_str());
  STRCMP_EQUAL("x", TagOr(m_mt, "+draft/react").c_str());
  CHECK_FALSE(TagOr(m_mt, "msgid").empty());
  STRCMP_EQUAL("+draft/react,msgid,time", Join(TagKeys(m_echo)).c_str());
  STRCMP_EQUAL(TagOr(m_mt, "msgid").c_str(), TagOr(m_echo, "msgid").c_str());
  STRCMP_EQUAL(TagOr(m_st, "time").c_str(), TagOr(m_mt, "time").c_str());
  CHECK_EQUAL(24u, TagOr(m_st, "time").size());  // YYYY-MM-DDThh:mm:ss.sssZ
  CHECK_EQUAL('Z', TagOr(m_st, "time").back());

  x->Feed("PRIVMSG #general :second");
  Message m2 = CHECK_ONLY(mt, "PRIVMSG", "#general", "second");
  CHECK(TagOr(m2, "msgid") != TagOr(m_mt, "msgid"));  // message-ids: unique per message
  x->Take();
  plain->Take();
  st->Take();
}

// message-tags: servers drop non-client-only tags a client sends, so a client
// can't forge msgid or time.
TEST(Session, ClientSentServerTagsAreReplaced) {
  Peer x = Reg("xsender", {"message-tags"});
  Peer mt = Reg("mt", {"message-tags", "server-time"});
  x->Take();
  mt->Take();
  x->Feed("@msgid=forged;time=2000-01-01T00:00:00.000Z;+ok=1 PRIVMSG #general :hi");
  Message m = CHECK_ONLY(mt, "PRIVMSG", "#general", "hi");
  CHECK(TagOr(m, "msgid") != "forged");
  CHECK(TagOr(m, "time") != "2000-01-01T00:00:00.000Z");
  STRCMP_EQUAL("1", TagOr(m, "+ok").c_str());
}

TEST(Session, TagmsgReachesOnlyMessageTagsClients) {
  Peer x = Reg("xsender", {"echo-message", "message-tags", "server-time"});
  Peer plain = Reg("plain");
  Peer st = Reg("st", {"server-time"});
  Peer mt = Reg("mt", {"message-tags", "server-time"});
  for (const Peer& p : {x, plain, st, mt}) p->Take();

  x->Feed("@+typing=active TAGMSG #general");
  Message m = CHECK_ONLY(mt, "TAGMSG", "#general");
  STRCMP_EQUAL("active", TagOr(m, "+typing").c_str());
  CHECK_NOTHING(plain);
  CHECK_NOTHING(st);
  Message echo = CHECK_ONLY(x, "TAGMSG", "#general");
  STRCMP_EQUAL(TagOr(m, "msgid").c_str(), TagOr(echo, "msgid").c_str());

  x->Feed("@+typing=active TAGMSG plain");  // a private TAGMSG to a plain client is dropped
  CHECK_NOTHING(plain);
  x->Take();
}

// ---------------------------------------------------------------- channels
// RFC 2812 §3.2, RFC 2811 §4, Modern IRC "Channel Operations"

TEST(Session, JoinCreatesChannelWithCreatorAsOp) {
  Peer a = Reg("alice");
  a->Feed("JOIN #new");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_EQUAL_TEXT(3u, msgs.size(), Dump(msgs).c_str());
  CHECK_MSG(msgs[0], "JOIN", "#new");
  CHECK_MSG(msgs[1], "353", "alice", "=", "#new", "@alice");
  CHECK_MSG(msgs[2], "366", "alice", "#new");
  Peer b = Reg("bob");
  a->Take();
  b->Feed("JOIN #new");
  msgs = b->TakeMessages();
  CHECK_MSG(EXPECT(msgs, "353"), "353", "bob", "=", "#new");
  std::vector<std::string> names = Words(EXPECT(msgs, "353").params.back());
  CHECK_TEXT(Contains(names, "@alice") && Contains(names, "bob"), Dump(msgs).c_str());
  Message seen = CHECK_ONLY(a, "JOIN", "#new");
  STRCMP_EQUAL("bob!~bob@192.0.2.1", seen.source.c_str());
}

TEST(Session, KeyedChannelNeedsKey) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("JOIN #new");
  a->Feed("MODE #new +k secret");
  a->Take();
  b->Feed("JOIN #new");
  CHECK_ONLY(b, "475", "bob", "#new");
  b->Feed("JOIN #new wrong");
  CHECK_ONLY(b, "475", "bob", "#new");
  b->Feed("JOIN #new secret");
  CHECK_MSG(EXPECT(b->TakeMessages(), "JOIN"), "JOIN", "#new");
}

TEST(Session, InviteOnlyChannelNeedsInvite) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("JOIN #new");
  a->Feed("MODE #new +i");
  a->Take();
  b->Feed("JOIN #new");
  CHECK_ONLY(b, "473", "bob", "#new");
  a->Feed("INVITE bob #new");
  CHECK_ONLY(a, "341", "alice", "bob", "#new");
  Message invite = CHECK_ONLY(b, "INVITE", "bob", "#new");
  STRCMP_EQUAL("alice!~alice@192.0.2.1", invite.source.c_str());
  b->Feed("JOIN #new");
  CHECK_MSG(EXPECT(b->TakeMessages(), "JOIN"), "JOIN", "#new");
}

TEST(Session, FullChannelGets471) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("JOIN #new");
  a->Feed("MODE #new +l 1");
  a->Take();
  b->Feed("JOIN #new");
  CHECK_ONLY(b, "471", "bob", "#new");
}

TEST(Session, BannedUserGets474) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("JOIN #new");
  a->Feed("MODE #new +b bob!*@*");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_MSG(EXPECT(msgs, "MODE"), "MODE", "#new", "+b", "bob!*@*");
  b->Feed("JOIN #new");
  CHECK_ONLY(b, "474", "bob", "#new");
}

TEST(Session, ModeratedChannelNeedsVoice) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  a->Feed("MODE #new +m");
  CHECK_ONLY(b, "MODE", "#new", "+m");
  a->Take();
  b->Feed("PRIVMSG #new :can I talk?");
  CHECK_ONLY(b, "404", "bob", "#new");
  CHECK_NOTHING(a);
  a->Feed("PRIVMSG #new :ops can");
  CHECK_ONLY(b, "PRIVMSG", "#new", "ops can");
  a->Feed("MODE #new +v bob");
  CHECK_ONLY(b, "MODE", "#new", "+v", "bob");
  a->Take();
  b->Feed("PRIVMSG #new :now I can");
  CHECK_ONLY(a, "PRIVMSG", "#new", "now I can");
  CHECK_NOTHING(b);
}

TEST(Session, KickByNonOpGets482) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  b->Feed("KICK #new alice");
  CHECK_ONLY(b, "482", "bob", "#new");
  CHECK_NOTHING(a);
}

TEST(Session, KickOfNonMemberGets441) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a});
  a->Feed("KICK #new bob");
  CHECK_ONLY(a, "441", "alice", "bob", "#new");
  CHECK_NOTHING(b);
}

TEST(Session, KickByOpRemovesMember) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  a->Feed("KICK #new bob :behave");
  Message kick = CHECK_ONLY(a, "KICK", "#new", "bob", "behave");
  STRCMP_EQUAL("alice!~alice@192.0.2.1", kick.source.c_str());
  CHECK_ONLY(b, "KICK", "#new", "bob", "behave");
  b->Feed("PART #new");
  CHECK_ONLY(b, "442", "bob", "#new");
}

TEST(Session, PartOfChannelNotJoinedGets442) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a});
  b->Feed("PART #new");
  CHECK_ONLY(b, "442", "bob", "#new");
  b->Feed("PART #nowhere");
  CHECK_ONLY(b, "403", "bob", "#nowhere");
}

TEST(Session, TopicOnPlusTChannelByNonOpGets482) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  b->Feed("TOPIC #new :my topic");
  CHECK_ONLY(b, "482", "bob", "#new");
  CHECK_NOTHING(a);
  a->Feed("TOPIC #new :the topic");
  CHECK_ONLY(b, "TOPIC", "#new", "the topic");
  CHECK_ONLY(a, "TOPIC", "#new", "the topic");
}

// IRCv3 multi-prefix: every prefix in NAMES, highest first; RFC 2812 only the highest.
TEST(Session, NamesShowsPrefixesPerMultiPrefix) {
  Peer a = Reg("alice", {"multi-prefix"});
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  a->Feed("MODE #new +v alice");
  Drain();
  a->Feed("NAMES #new");
  std::vector<Message> msgs = a->TakeMessages();
  std::vector<std::string> names = Words(EXPECT(msgs, "353").params.back());
  CHECK_TEXT(Contains(names, "@+alice") && Contains(names, "bob"), Dump(msgs).c_str());
  b->Feed("NAMES #new");
  msgs = b->TakeMessages();
  names = Words(EXPECT(msgs, "353").params.back());
  CHECK_TEXT(Contains(names, "@alice") && Contains(names, "bob"), Dump(msgs).c_str());
}

// RFC 2812 §3.2.1: "JOIN 0" leaves every channel.
TEST(Session, JoinZeroPartsAllChannels) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  a->Feed("JOIN 0");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_EQUAL_TEXT(2u, msgs.size(), Dump(msgs).c_str());
  for (const auto& m : msgs) CHECK_MSG(m, "PART");
  CHECK_EQUAL(0u, a->client->channels().size());
  CHECK_EQUAL_TEXT(2u, b->TakeMessages().size(), "bob sees alice part #general and #new");
}

TEST(Session, UnknownChannelModeGets472) {
  Peer a = Reg("alice");
  JoinAll("#new", {a});
  a->Feed("MODE #new +Z");
  CHECK_ONLY(a, "472", "alice", "Z");
}

// The shared engine (channel_modes.h): one change per letter, errors kept in
// place, arguments consumed in order, +l canonicalised.
TEST(Session, ParseChannelModesKeepsErrorsInPlace) {
  chatd::ParsedModes p = chatd::ParseChannelModes("+kZl-k+lo", {"bad key", "007", "old", "x"}, true);
  CHECK_EQUAL(6u, p.changes.size());
  CHECK_TRUE(p.changes[0].error == chatd::ModeError::kInvalidKey);
  STRCMP_EQUAL("bad key", p.changes[0].param.c_str());
  CHECK_TRUE(p.changes[1].error == chatd::ModeError::kUnknownMode);
  CHECK_TRUE(p.changes[2].error == chatd::ModeError::kNone);
  STRCMP_EQUAL("7", p.changes[2].param.c_str());
  CHECK_FALSE(p.changes[3].plus);
  STRCMP_EQUAL("old", p.changes[3].param.c_str());  // -k takes the key when asked to
  CHECK_TRUE(p.changes[4].error == chatd::ModeError::kInvalidLimit);
  STRCMP_EQUAL("x", p.changes[4].param.c_str());
  CHECK_TRUE(p.changes[5].error == chatd::ModeError::kMissingParam);
  CHECK_EQUAL(4u, p.params_used);
  chatd::ParsedModes strict = chatd::ParseChannelModes("-k", {"old"}, false);
  CHECK_EQUAL(1u, strict.changes.size());
  CHECK_EQUAL(0u, strict.params_used);
}

// Modern IRC: ERR_INVALIDKEY (525), ERR_INVALIDMODEPARAM (696); RFC 2812:
// ERR_USERNOTINCHANNEL (441); valid letters around them still apply.
TEST(Session, ChannelModeErrorsAnswerEachLetterAndApplyTheRest) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a});
  a->Feed("MODE #new +kmlo a:b zero bob");
  std::vector<Message> msgs = a->TakeMessages();
  CHECK_EQUAL_TEXT(4u, msgs.size(), Dump(msgs).c_str());
  CHECK_MSG(msgs[0], "525", "alice", "#new");
  CHECK_MSG(msgs[1], "696", "alice", "#new", "l", "zero");
  CHECK_MSG(msgs[2], "441", "alice", "bob", "#new");
  CHECK_MSG(msgs[3], "MODE", "#new", "+m");
  CHECK_NOTHING(b);
}

// RFC 2812 §3.2.3: MODE #c b lists bans (367/368); a non-op setting modes
// gets one 482 and changes nothing.
TEST(Session, BanListQueryAndNonOpModeChange) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  JoinAll("#new", {a, b});
  a->Feed("MODE #new +b evil");
  CHECK_ONLY(b, "MODE", "#new", "+b", "evil!*@*");
  a->Take();
  b->Feed("MODE #new b");
  std::vector<Message> msgs = b->TakeMessages();
  CHECK_EQUAL_TEXT(2u, msgs.size(), Dump(msgs).c_str());
  CHECK_MSG(msgs[0], "367", "bob", "#new", "evil!*@*", "alice!~alice@192.0.2.1");
  CHECK_MSG(msgs[1], "368", "bob", "#new");
  b->Feed("MODE #new +nt-b evil");
  CHECK_ONLY(b, "482", "bob", "#new");
  CHECK_NOTHING(a);
}

// ISUPPORT MODES=4: argument modes past the fourth are dropped.
TEST(Session, AtMostFourArgumentModesPerMode) {
  Peer a = Reg("alice");
  JoinAll("#new", {a});
  a->Feed("MODE #new +bbbbb m1 m2 m3 m4 m5");
  Message mode = CHECK_ONLY(a, "MODE", "#new", "+bbbb", "m1!*@*", "m2!*@*", "m3!*@*", "m4!*@*");
  CHECK_EQUAL(6u, mode.params.size());
}

// ---------------------------------------------------------------- PRIVMSG errors
// RFC 2812 §3.3.1

TEST(Session, PrivmsgWithoutTextGets412) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("PRIVMSG bob");
  CHECK_ONLY(a, "412", "alice");
  a->Feed("PRIVMSG bob :");
  CHECK_ONLY(a, "412", "alice");
  CHECK_NOTHING(b);
}

TEST(Session, PrivmsgWithoutTargetGets411) {
  Peer a = Reg("alice");
  a->Feed("PRIVMSG");
  CHECK_ONLY(a, "411", "alice");
}

TEST(Session, PrivmsgToUnknownNickGets401) {
  Peer a = Reg("alice");
  a->Feed("PRIVMSG nobody :hi");
  CHECK_ONLY(a, "401", "alice", "nobody");
}

TEST(Session, PrivmsgToTooManyTargetsGets407) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("PRIVMSG bob,bob2,bob3,bob4,bob5 :hi");  // MAXTARGETS=4
  CHECK_ONLY(a, "407", "alice");
  CHECK_NOTHING(b);
  a->Feed("PRIVMSG bob,nobody :hi");
  CHECK_ONLY(a, "401", "alice", "nobody");
  CHECK_ONLY(b, "PRIVMSG", "bob", "hi");
}

// RFC 2812 §3.3.2 / Modern IRC NOTICE: "servers MUST NOT send any error
// reply back to the client on receipt of a notice". Regression: Relay() once
// answered NOTICE like PRIVMSG (401, 404).
TEST(Session, NoticeGetsNoErrorReplies) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  b->Feed("JOIN #closed");  // +n by default
  b->Take();
  a->Feed("NOTICE nobody :hi");
  CHECK_NOTHING(a);
  a->Feed("NOTICE #closed :hi");
  CHECK_NOTHING(a);
  CHECK_NOTHING(b);
}

// ---------------------------------------------------------------- bad input

TEST(Session, OverlongLineGets417) {
  Peer a = Reg("alice");
  a->handler->OnOverlong();
  CHECK_ONLY(a, "417", "alice");
}

TEST(Session, LineWithNulGets400) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  static const char kLine[] = "PRIVMSG bob :a\0b";
  a->handler->OnLine(std::string_view(kLine, sizeof kLine - 1));
  CHECK_ONLY(a, "400", "alice");
  CHECK_NOTHING(b);
}

// https://ircv3.net/specs/extensions/utf8-only
TEST(Session, InvalidUtf8GetsFailInvalidUtf8) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Feed("PRIVMSG bob :caf\xC3");
  Message fail = CHECK_ONLY(a, "FAIL", "PRIVMSG", "INVALID_UTF8");
  STRCMP_EQUAL("irc.test", fail.source.c_str());
  CHECK_NOTHING(b);
}

TEST(Session, EmptyLineIsIgnored) {
  Peer a = Reg("alice");
  a->Feed("");
  a->Feed("   ");
  CHECK_NOTHING(a);
}

// ---------------------------------------------------------------- QUIT, NICK

TEST(Session, QuitIsSeenByChannelPeersAndClosesTheQuitter) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Take();
  b->Feed("QUIT :bye now");
  std::vector<Message> msgs = b->TakeMessages();
  CHECK_TEXT(!msgs.empty(), "nothing sent to the quitter");
  STRCMP_EQUAL("ERROR", msgs.back().command.c_str());
  CHECK_TRUE(b->closed);
  Message quit = CHECK_ONLY(a, "QUIT");
  STRCMP_EQUAL("bob!~bob@192.0.2.1", quit.source.c_str());
  STRCMP_CONTAINS("bye now", quit.params.at(0).c_str());
  RunLoop();
  CHECK(server->FindNick("bob") == nullptr);
  a->Feed("NAMES #general");
  std::vector<Message> names = a->TakeMessages();
  const Message& reply = EXPECT(names, "353");
  CHECK_MSG(reply, "353", "alice", "=", "#general");
  STRCMP_EQUAL("alice", reply.params.back().substr(reply.params.back().find_first_not_of("@+")).c_str());
  a->Feed("PRIVMSG bob :still there?");
  CHECK_ONLY(a, "401", "alice", "bob");
}

TEST(Session, QuitBeforeRegistrationCloses) {
  Peer a = Connect(*server);
  a->Feed("QUIT");
  CHECK_MSG(EXPECT(a->TakeMessages(), "ERROR"), "ERROR");
  CHECK_TRUE(a->closed);
  a->Feed("NICK late");  // ignored: the peer is gone
  RunLoop();
  CHECK_EQUAL(0u, server->clients().size());
}

TEST(Session, NickChangeIsSeenByChannelPeer) {
  Peer a = Reg("alice");
  Peer b = Reg("bob");
  a->Take();
  a->Feed("NICK alice2");
  Message self = CHECK_ONLY(a, "NICK", "alice2");
  STRCMP_EQUAL("alice!~alice@192.0.2.1", self.source.c_str());
  Message seen = CHECK_ONLY(b, "NICK", "alice2");
  STRCMP_EQUAL("alice!~alice@192.0.2.1", seen.source.c_str());
  CHECK(server->FindNick("alice2") == a->client);
  CHECK(server->FindNick("alice") == nullptr);
  b->Feed("NICK alice2");
  CHECK_ONLY(b, "433", "bob", "alice2");
}

// ---------------------------------------------------------------- flood control
// RFC 1459 §8.10: each command costs penalty_ms; past burst_ms ahead of the
// clock, lines wait in the RecvQ.

TEST(Session, FloodingClientIsThrottledExemptOneIsNot) {
  chatd::Config config = TestConfig();
  config.penalty_ms = 1000;
  config.burst_ms = 3000;
  StartServer(config);
  Peer slow = Reg("slow", {}, /*flood_exempt=*/false);  // NICK + USER: 2 units
  Peer fast = Reg("fast", {}, /*flood_exempt=*/true);
  slow->Take();
  CHECK_TRUE(slow->handler->ReadyForLines());
  for (int i = 0; i < 5; ++i) slow->Feed("TIME");
  CHECK_FALSE(slow->handler->ReadyForLines());
  CHECK_FALSE(slow->held.empty());
  std::vector<Message> replies = slow->TakeMessages();
  CHECK_TEXT(replies.size() < 5, Dump(replies).c_str());

  for (int i = 0; i < 20; ++i) fast->Feed("TIME");
  CHECK_TRUE(fast->handler->ReadyForLines());
  CHECK_TRUE(fast->held.empty());
  std::vector<Message> got = fast->TakeMessages();
  CHECK_EQUAL(20u, got.size());
  CHECK_MSG(got[0], "391", "fast", "irc.test");
}

// ---------------------------------------------------------------- chatd.dev/outbox
// doc/protocol.md: with the cap, a PRIVMSG/NOTICE label is an idempotency key.

namespace {
std::size_t HistoryCount(chatd::Server& server, const std::string& target) {
  auto r = server.store()->QueryHistory(chatd::HistoryQuery{target, chatd::HistoryQueryKind::kLatest, {}, {}, 100});
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  return r.value().size();
}
}  // namespace

TEST(Session, OutboxResendIsEchoedAsTheOriginalAndNotDeliveredAgain) {
  Peer a = Reg("alice", {"labeled-response", "batch", "echo-message", "message-tags", "server-time",
                         "chatd.dev/outbox"});
  Peer b = Reg("bob", {"message-tags", "server-time"});
  a->Feed("@label=k1;+draft/reply=x PRIVMSG #general :once");
  Message first = CHECK_ONLY(a, "PRIVMSG", "#general", "once");
  STRCMP_EQUAL("k1", TagOr(first, "label").c_str());
  Message got = CHECK_ONLY(b, "PRIVMSG", "#general", "once");
  a->Feed("@label=k1;+draft/reply=x PRIVMSG #general :once");
  Message again = CHECK_ONLY(a, "PRIVMSG", "#general", "once");
  CHECK_NOTHING(b);
  STRCMP_EQUAL("k1", TagOr(again, "label").c_str());
  STRCMP_EQUAL(TagOr(first, "msgid").c_str(), TagOr(again, "msgid").c_str());
  STRCMP_EQUAL(TagOr(first, "time").c_str(), TagOr(again, "time").c_str());
  STRCMP_EQUAL("x", TagOr(again, "+draft/reply").c_str());
  STRCMP_EQUAL(first.source.c_str(), again.source.c_str());
  STRCMP_EQUAL(TagOr(got, "msgid").c_str(), TagOr(first, "msgid").c_str());
  CHECK_EQUAL(1u, HistoryCount(*server, "#general"));
  // Another label is another message; so is the same label to another target.
  a->Feed("@label=k2 PRIVMSG #general :once");
  CHECK_ONLY(b, "PRIVMSG", "#general", "once");
  a->Feed("@label=k1 PRIVMSG bob :once");
  CHECK_ONLY(b, "PRIVMSG", "bob", "once");
  CHECK_EQUAL(2u, HistoryCount(*server, "#general"));
  a->Take();
}

TEST(Session, OutboxResendWithoutEchoMessageGetsTheAck) {
  Peer a = Reg("alice", {"labeled-response", "chatd.dev/outbox"});
  Peer b = Reg("bob");
  a->Feed("@label=n1 NOTICE #general :note");
  STRCMP_EQUAL("n1", TagOr(CHECK_ONLY(a, "ACK"), "label").c_str());
  CHECK_ONLY(b, "NOTICE", "#general", "note");
  a->Feed("@label=n1 NOTICE #general :note");
  STRCMP_EQUAL("n1", TagOr(CHECK_ONLY(a, "ACK"), "label").c_str());
  CHECK_NOTHING(b);
  CHECK_EQUAL(1u, HistoryCount(*server, "#general"));
}

// Without the cap a label is only a labeled-response label: clients reuse them.
TEST(Session, LabelWithoutOutboxCapNeverDedupes) {
  Peer a = Reg("alice", {"labeled-response", "echo-message"});
  Peer b = Reg("bob");
  for (int i = 0; i < 2; ++i) {
    a->Feed("@label=1 PRIVMSG #general :same");
    STRCMP_EQUAL("1", TagOr(CHECK_ONLY(a, "PRIVMSG", "#general", "same"), "label").c_str());
    CHECK_ONLY(b, "PRIVMSG", "#general", "same");
  }
  CHECK_EQUAL(2u, HistoryCount(*server, "#general"));
}

// ---------------------------------------------------------------- typing
// https://ircv3.net/specs/client-tags/typing: relayed, not stored.

TEST(Session, TypingTagmsgIsRelayedButNotStored) {
  Peer a = Reg("alice", {"message-tags"});
  Peer b = Reg("bob", {"message-tags"});
  a->Feed("@+typing=active TAGMSG #general");
  CHECK_ONLY(b, "TAGMSG", "#general");
  a->Feed("@+typing=paused;+draft/typing=paused TAGMSG bob");
  CHECK_ONLY(b, "TAGMSG", "bob");
  CHECK_EQUAL(0u, HistoryCount(*server, "#general"));
  a->Feed("@+typing=active;+draft/react=x TAGMSG #general");  // not only typing: history
  CHECK_ONLY(b, "TAGMSG", "#general");
  CHECK_EQUAL(1u, HistoryCount(*server, "#general"));
}

// ---------------------------------------------------------------- chatd.dev/presence

TEST(Session, PresenceNeedsTheCapAParamAndAKnownState) {
  Peer a = Reg("alice", {"chatd.dev/presence"});
  Peer p = Reg("plain");
  p->Feed("PRESENCE invisible");
  CHECK_ONLY(p, "FAIL", "PRESENCE", "NEED_CAPABILITY");
  CHECK_FALSE(p->client->presence_invisible_);
  a->Feed("PRESENCE");
  CHECK_ONLY(a, "461", "alice", "PRESENCE");
  a->Feed("PRESENCE away");
  CHECK_ONLY(a, "FAIL", "PRESENCE", "INVALID_PARAMS", "away");
  a->Feed("PRESENCE invisible");
  CHECK_ONLY(a, "PRESENCE", "invisible");
  CHECK_TRUE(a->client->presence_invisible_);
}

TEST(Session, PresenceInvisibleIsOfflineToMonitor) {
  Peer a = Reg("alice", {"chatd.dev/presence", "labeled-response"});
  Peer w = Reg("watcher");
  w->Feed("MONITOR + alice");
  CHECK_ONLY(w, "730", "watcher");
  a->Feed("@label=p PRESENCE invisible");
  Message ack = CHECK_ONLY(a, "PRESENCE", "invisible");
  STRCMP_EQUAL("p", TagOr(ack, "label").c_str());
  CHECK_ONLY(w, "731", "watcher", "alice");
  w->Feed("MONITOR S");
  CHECK_ONLY(w, "731", "watcher", "alice");
  a->Feed("PRESENCE invisible");  // no change, no notification
  CHECK_ONLY(a, "PRESENCE", "invisible");
  CHECK_NOTHING(w);
  // An invisible client's nick change is seen in shared channels (classic
  // IRC) but MONITOR hears nothing of either nick.
  a->Feed("NICK alice2");
  a->Take();
  CHECK_ONLY(w, "NICK", "alice2");
  a->Feed("NICK alice");
  a->Take();
  CHECK_ONLY(w, "NICK", "alice");
  a->Feed("PRESENCE online");
  CHECK_ONLY(a, "PRESENCE", "online");
  CHECK_ONLY(w, "730", "watcher", "alice!~alice@192.0.2.1");
}
