// Tests for the sans-I/O client core (libchat/client_core.h) driven through
// FakeHost: registration (guest, SCRAM login against ScramServer, REGISTER),
// CAP negotiation, reconnect and the outbox, history, unread counts,
// typing, members and hostile input.
#include "libchat/client_core.h"

#include <string>
#include <vector>

#include "fake_host.h"
#include "libchat/base64.h"
#include "libchat/sasl.h"

// Last: its memory-leak macros redefine `new`, which breaks standard headers.
#include "CppUTest/TestHarness.h"

using chat::client::ChatLine;
using chat::client::ConnState;
using chat::client::Conversation;
using chat::client::Core;
using chat::client::LoginMode;
using chat::client::LoginOptions;
using chat::client::Member;
using chat::client::Presence;
using chat::client::Problem;
using client_test::FakeHost;

namespace {

const char kAllCaps[] =
    "message-tags server-time echo-message batch labeled-response draft/chathistory "
    "sasl=PLAIN,SCRAM-SHA-256 draft/account-registration=before-connect chatd.dev/roster "
    "extended-join multi-prefix away-notify account-notify account-tag cap-notify invite-notify "
    "unknown-cap";

// Feeds `lines` (CR LF appended to each) to the core at `now`.
void Feed(Core& core, const std::vector<std::string>& lines, int64_t now = 1000) {
  for (const auto& l : lines) core.OnData(l + "\r\n", now);
}

LoginOptions Guest(const std::string& nick) {
  LoginOptions o;
  o.mode = LoginMode::kGuest;
  o.nick = nick;
  return o;
}

// Connects as guest "me" with `caps` offered and everything acknowledged.
void Connect(Core& core, FakeHost& host, const std::string& caps = kAllCaps, int64_t now = 1000,
             bool start = true) {
  if (start) core.Start(Guest("me"), now);
  core.OnConnected(now);
  Feed(core, {":srv CAP * LS :" + caps}, now);
  // ACK exactly what was requested.
  std::string req;
  for (const auto& l : host.sent) {
    if (l.rfind("CAP REQ ", 0) == 0) req = l.substr(8);
  }
  if (!req.empty() && req[0] == ':') req.erase(0, 1);
  if (!req.empty()) Feed(core, {":srv CAP * ACK :" + req}, now);
  Feed(core, {":srv 001 " + core.nick() + " :Welcome"}, now);
}

const Conversation& Conv(const Core& core, const std::string& key) {
  const Conversation* c = core.Find(key);
  if (c == nullptr) FAIL(("no conversation " + key).c_str());
  return *c;
}

// Joins #general as "me" (the server's JOIN echo).
void JoinGeneral(Core& core) { Feed(core, {":me!u@h JOIN #general * :me"}); }

std::string B64(const std::string& raw) { return chat::sasl::Base64Encode(raw); }
std::string UnB64(const std::string& text) {
  std::string raw;
  if (!chat::sasl::Base64Decode(text, &raw)) FAIL(text.c_str());
  return raw;
}

}  // namespace

TEST_GROUP(ClientCore) {
  FakeHost host;
  Core* core = nullptr;
  void setup() override { core = new Core(&host); }
  void teardown() override { delete core; }
};

// ---------------------------------------------------------------- registration

TEST(ClientCore, GuestRegistrationNegotiatesCapsAndSyncs) {
  core->Start(Guest("me"), 1000);
  LONGS_EQUAL(1, host.connects);
  CHECK_TRUE(core->state() == ConnState::kConnecting);
  core->OnConnected(1000);
  CHECK_TRUE(core->state() == ConnState::kRegistering);
  auto sent = host.Take();
  LONGS_EQUAL(3, sent.size());
  STRCMP_EQUAL("CAP LS 302", sent[0].c_str());
  STRCMP_EQUAL("NICK me", sent[1].c_str());
  STRCMP_EQUAL("USER me 0 * me", sent[2].c_str());
  Feed(*core, {":srv CAP * LS :message-tags unknown-cap sasl echo-message"});
  sent = host.Take();
  LONGS_EQUAL(1, sent.size());
  STRCMP_EQUAL("CAP REQ :echo-message message-tags sasl", sent[0].c_str());
  Feed(*core, {":srv CAP * ACK :echo-message message-tags sasl"});
  sent = host.Take();
  LONGS_EQUAL(1, sent.size());
  STRCMP_EQUAL("CAP END", sent[0].c_str());  // a guest does not log in
  Feed(*core, {":srv 001 me :Welcome"});
  CHECK_TRUE(core->state() == ConnState::kOnline);
  STRCMP_EQUAL("me", core->nick().c_str());
  STRCMP_EQUAL("", core->account().c_str());
}

TEST(ClientCore, MultilineCapLsIsCollectedBeforeRequesting) {
  core->Start(Guest("me"), 0);
  core->OnConnected(0);
  host.Take();
  Feed(*core, {":srv CAP * LS * :message-tags server-time"});
  CHECK_EQUAL(0, host.Count("CAP REQ"));
  Feed(*core, {":srv CAP * LS :batch draft/chathistory"});
  auto sent = host.Take();
  LONGS_EQUAL(1, sent.size());
  STRCMP_EQUAL("CAP REQ :batch draft/chathistory message-tags server-time", sent[0].c_str());
}

TEST(ClientCore, WelcomeSendsTargetsQuery) {
  Connect(*core, host);
  CHECK_TRUE(host.Sent("CHATHISTORY TARGETS timestamp="));
  const std::string expect_end = " 50";
  std::string targets;
  for (const auto& l : host.sent) {
    if (l.rfind("CHATHISTORY TARGETS", 0) == 0) targets = l;
  }
  CHECK_TRUE(targets.size() > expect_end.size() &&
             targets.compare(targets.size() - 3, 3, expect_end) == 0);
}

TEST(ClientCore, ScramLoginEndToEndAgainstScramServer) {
  LoginOptions o;
  o.mode = LoginMode::kLogin;
  o.nick = "alice";
  o.password = "correct horse";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :sasl=PLAIN,SCRAM-SHA-256 message-tags"});
  Feed(*core, {":srv CAP * ACK :message-tags sasl"});
  CHECK_EQUAL(0, host.Count("CAP END"));
  STRCMP_EQUAL("AUTHENTICATE SCRAM-SHA-256", host.sent.back().c_str());
  Feed(*core, {"AUTHENTICATE +"});
  const std::string client_first = UnB64(host.sent.back().substr(13));
  chat::sasl::ScramServer server("servernonce");
  std::string user, error, server_final;
  CHECK_TRUE(server.Step1(client_first, &user, &error));
  STRCMP_EQUAL("alice", user.c_str());
  const auto verifier = chat::sasl::MakeVerifierWithSalt("correct horse", "saltsaltsalt", 64);
  Feed(*core, {"AUTHENTICATE " + B64(server.ServerFirst(verifier))});
  const std::string client_final = UnB64(host.sent.back().substr(13));
  CHECK_TRUE(server.Step2(client_final, &server_final, &error));
  Feed(*core, {"AUTHENTICATE " + B64(server_final)});
  STRCMP_EQUAL("AUTHENTICATE +", host.sent.back().c_str());
  Feed(*core, {":srv 900 alice alice!a@h alice :You are now logged in as alice",
               ":srv 903 alice :SASL authentication successful"});
  STRCMP_EQUAL("CAP END", host.sent.back().c_str());
  Feed(*core, {":srv 001 alice :Welcome"});
  CHECK_TRUE(core->state() == ConnState::kOnline);
  STRCMP_EQUAL("alice", core->account().c_str());
  CHECK_TRUE(host.problems.empty());
}

TEST(ClientCore, ScramRejectsServerThatCannotProveItKnowsThePassword) {
  LoginOptions o;
  o.mode = LoginMode::kLogin;
  o.nick = "alice";
  o.password = "pw";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :sasl", ":srv CAP * ACK :sasl", "AUTHENTICATE +"});
  chat::sasl::ScramServer server("servernonce");
  std::string user, error, server_final;
  CHECK_TRUE(server.Step1(UnB64(host.sent.back().substr(13)), &user, &error));
  const auto verifier = chat::sasl::MakeVerifierWithSalt("pw", "salt", 64);
  Feed(*core, {"AUTHENTICATE " + B64(server.ServerFirst(verifier))});
  // A server-final with a forged signature: the server never proved it has our verifier.
  Feed(*core, {"AUTHENTICATE " + B64("v=" + B64(std::string(32, 'x')))});
  STRCMP_EQUAL("AUTHENTICATE *", host.sent.back().c_str());
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(host.HasProblem(Problem::kServerError));
}

TEST(ClientCore, PlainLoginWhenOnlyPlainIsOffered) {
  LoginOptions o;
  o.mode = LoginMode::kLogin;
  o.nick = "bob";
  o.password = "secret";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :sasl=PLAIN", ":srv CAP * ACK :sasl"});
  STRCMP_EQUAL("AUTHENTICATE PLAIN", host.sent.back().c_str());
  Feed(*core, {"AUTHENTICATE +"});
  CHECK_EQUAL(std::string("\0bob\0secret", 11), UnB64(host.sent.back().substr(13)));
}

TEST(ClientCore, WrongPasswordIsFatalAndStopsReconnecting) {
  LoginOptions o;
  o.mode = LoginMode::kLogin;
  o.nick = "alice";
  o.password = "wrong";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :sasl", ":srv CAP * ACK :sasl", "AUTHENTICATE +"});
  Feed(*core, {":srv 904 * :SASL authentication failed"});
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(host.HasProblem(Problem::kWrongPassword));
  LONGS_EQUAL(1, host.disconnects);
  CHECK_EQUAL(INT64_MAX, core->NextWakeMs());
  core->Tick(10'000'000);
  LONGS_EQUAL(1, host.connects);
}

TEST(ClientCore, RegisterThenReconnectsLogIn) {
  LoginOptions o;
  o.mode = LoginMode::kRegister;
  o.nick = "carol";
  o.password = "long password";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :sasl draft/account-registration=before-connect",
               ":srv CAP * ACK :draft/account-registration sasl"});
  STRCMP_EQUAL("REGISTER carol * :long password", host.sent.back().c_str());
  Feed(*core, {":srv REGISTER SUCCESS carol :Account created",
               ":srv 900 carol carol!c@h carol :You are now logged in as carol"});
  STRCMP_EQUAL("CAP END", host.sent.back().c_str());
  Feed(*core, {":srv 001 carol :Welcome"});
  CHECK_TRUE(core->state() == ConnState::kOnline);
  STRCMP_EQUAL("carol", core->account().c_str());
  core->OnDisconnected("reset", 5000);
  core->Tick(core->reconnect_at_ms());
  core->OnConnected(core->reconnect_at_ms());
  host.Take();
  Feed(*core, {":srv CAP * LS :sasl draft/account-registration=before-connect",
               ":srv CAP * ACK :draft/account-registration sasl"});
  STRCMP_EQUAL("AUTHENTICATE SCRAM-SHA-256", host.sent.back().c_str());
  CHECK_EQUAL(0, host.Count("REGISTER"));
}

TEST(ClientCore, RegisterFailuresAreFatal) {
  LoginOptions o;
  o.mode = LoginMode::kRegister;
  o.nick = "carol";
  o.password = "long password";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :draft/account-registration", ":srv CAP * ACK :draft/account-registration"});
  Feed(*core, {":srv FAIL REGISTER ACCOUNT_EXISTS carol :Account already exists"});
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(host.HasProblem(Problem::kAccountExists));

  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :draft/account-registration", ":srv CAP * ACK :draft/account-registration"});
  Feed(*core, {":srv FAIL REGISTER WEAK_PASSWORD carol :Password too weak"});
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(host.HasProblem(Problem::kRegistrationRefused));
  STRCMP_EQUAL("Password too weak", host.problems.back().human.c_str());
}

TEST(ClientCore, GuestNickInUseTriesAlternativesThenGivesUp) {
  core->Start(Guest("me"), 0);
  core->OnConnected(0);
  Feed(*core, {":srv CAP * LS :batch", ":srv CAP * ACK :batch"});
  Feed(*core, {":srv 433 * me :Nickname is already in use"});
  STRCMP_EQUAL("NICK me_", host.sent.back().c_str());
  Feed(*core, {":srv 433 * me_ :Nickname is already in use"});
  STRCMP_EQUAL("NICK me__", host.sent.back().c_str());
  Feed(*core, {":srv 001 me__ :Welcome"});
  STRCMP_EQUAL("me__", core->nick().c_str());
  // Online, and told (not fatal) that the nick got a suffix (issue 18).
  CHECK_TRUE(core->state() == ConnState::kOnline);
  LONGS_EQUAL(1, host.problems.size());
  CHECK_TRUE(host.problems[0].problem == Problem::kNickInUse);
  host.problems.clear();

  core->Start(Guest("x"), 0);
  core->OnConnected(0);
  for (int i = 0; i < 10 && core->state() == ConnState::kRegistering; ++i) {
    Feed(*core, {":srv 433 * x :Nickname is already in use"});
  }
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(host.HasProblem(Problem::kNickInUse));
}

// ---------------------------------------------------------------- reconnect

TEST(ClientCore, ReconnectBackoffDoublesToTheCap) {
  Connect(*core, host, kAllCaps, 0);
  core->OnDisconnected("peer closed", 10'000);
  CHECK_TRUE(core->state() == ConnState::kReconnectWait);
  CHECK_TRUE(host.HasProblem(Problem::kConnectionLost));
  int64_t now = 10'000;
  int64_t expected = Core::kMinBackoffMs;
  for (int i = 0; i < 10; ++i) {
    const int64_t delay = core->reconnect_at_ms() - now;
    CHECK_TRUE(delay >= expected * 8 / 10 && delay <= expected * 12 / 10);
    CHECK_EQUAL(core->reconnect_at_ms(), core->NextWakeMs());
    const int connects = host.connects;
    core->Tick(core->reconnect_at_ms() - 1);
    LONGS_EQUAL(connects, host.connects);
    now = core->reconnect_at_ms();
    core->Tick(now);
    LONGS_EQUAL(connects + 1, host.connects);
    CHECK_TRUE(core->state() == ConnState::kConnecting);
    core->OnConnectFailed("refused", now);
    CHECK_TRUE(host.problems.back().problem == Problem::kUnreachable);
    expected = std::min(expected * 2, Core::kMaxBackoffMs);
  }
  CHECK_EQUAL(Core::kMaxBackoffMs, expected);
}

TEST(ClientCore, WelcomeResetsBackoff) {
  Connect(*core, host, kAllCaps, 0);
  for (int i = 0; i < 5; ++i) {
    core->OnDisconnected("x", 0);
    core->Tick(core->reconnect_at_ms());
    core->OnConnectFailed("x", core->reconnect_at_ms());
  }
  core->Tick(core->reconnect_at_ms());
  const int64_t t = core->reconnect_at_ms();
  Connect(*core, host, kAllCaps, t, false);
  CHECK_TRUE(core->state() == ConnState::kOnline);
  core->OnDisconnected("x", t);
  CHECK_TRUE(core->reconnect_at_ms() - t <= Core::kMinBackoffMs * 12 / 10);
}

TEST(ClientCore, PingKeepaliveDetectsDeadConnection) {
  Connect(*core, host, kAllCaps, 0);
  CHECK_EQUAL(60'000, core->NextWakeMs());
  core->Tick(59'999);
  CHECK_EQUAL(0, host.Count("PING"));
  core->Tick(60'000);
  CHECK_EQUAL(1, host.Count("PING"));
  core->Tick(89'999);
  CHECK_TRUE(core->state() == ConnState::kOnline);
  core->Tick(90'000);
  LONGS_EQUAL(1, host.disconnects);
  CHECK_TRUE(core->state() == ConnState::kReconnectWait);
  CHECK_TRUE(host.HasProblem(Problem::kConnectionLost));
}

TEST(ClientCore, AnswersServerPing) {
  Connect(*core, host);
  Feed(*core, {"PING :tok123"});
  STRCMP_EQUAL("PONG tok123", host.sent.back().c_str());
}

TEST(ClientCore, GoOfflineQuitsAndStaysOffline) {
  Connect(*core, host);
  core->GoOffline();
  CHECK_TRUE(host.Sent("QUIT"));
  LONGS_EQUAL(1, host.disconnects);
  CHECK_TRUE(core->state() == ConnState::kOffline);
  CHECK_TRUE(core->presence() == Presence::kOffline);
  core->Tick(10'000'000);
  LONGS_EQUAL(1, host.connects);
  core->SetPresence(Presence::kOnline, "");  // back online: connects again
  LONGS_EQUAL(2, host.connects);
}

TEST(ClientCore, ReconnectNowSkipsTheBackoffWait) {
  Connect(*core, host, kAllCaps, 0);
  core->OnDisconnected("x", 0);
  core->Tick(core->reconnect_at_ms());
  core->OnConnectFailed("x", core->reconnect_at_ms());  // backoff now 2 s or more
  CHECK_TRUE(core->state() == ConnState::kReconnectWait);
  const int64_t now = core->reconnect_at_ms() - 1500;
  const int connects = host.connects;
  core->ReconnectNow(now);
  LONGS_EQUAL(connects + 1, host.connects);
  CHECK_TRUE(core->state() == ConnState::kConnecting);
  core->OnConnectFailed("x", now);  // the backoff was reset: the next wait is ~1 s
  CHECK_TRUE(core->reconnect_at_ms() - now <= Core::kMinBackoffMs * 12 / 10);
  // Connecting or online: nothing to do.
  core->Tick(core->reconnect_at_ms());
  core->ReconnectNow(core->reconnect_at_ms());
  LONGS_EQUAL(connects + 2, host.connects);
}

TEST(ClientCore, ReconnectNowAfterGoOfflineComesBackOnline) {
  Connect(*core, host);
  core->GoOffline();
  core->ReconnectNow(5000);
  LONGS_EQUAL(2, host.connects);
  CHECK_TRUE(core->state() == ConnState::kConnecting);
  CHECK_TRUE(core->presence() == Presence::kOnline);
}

TEST(ClientCore, NotifyAllReportsEveryLiveMessageFromOthers) {
  Connect(*core, host);
  JoinGeneral(*core);
  Feed(*core, {"@msgid=a :bob!b@h PRIVMSG #general :plain"});
  CHECK_TRUE(host.notifies.empty());
  core->SetNotifyAll(true);
  Feed(*core, {"@msgid=b :bob!b@h PRIVMSG #general :plain again",
               "@msgid=c :me!u@h PRIVMSG #general :my own"});
  LONGS_EQUAL(1, host.notifies.size());
  STRCMP_EQUAL("plain again", host.notifies[0].second.text.c_str());
}

// ---------------------------------------------------------------- outbox

TEST(ClientCore, SendTextShowsPendingAndSendsWithLabel) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SendText("#general", "hello there", 2000);
  STRCMP_EQUAL("@label=L000000000000001 PRIVMSG #general :hello there", host.sent.back().c_str());
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.lines.size());
  CHECK_TRUE(c.lines[0].pending);
  CHECK_TRUE(c.lines[0].self);
  LONGS_EQUAL(1, core->outbox().size());
  CHECK_TRUE(host.saved.find("label=L000000000000001") != std::string::npos);

  Feed(*core, {"@label=L000000000000001;msgid=m1;time=2024-01-01T00:00:00.000Z "
               ":me!u@h PRIVMSG #general :hello there"});
  LONGS_EQUAL(1, c.lines.size());
  CHECK_FALSE(c.lines[0].pending);
  STRCMP_EQUAL("m1", c.lines[0].msgid.c_str());
  CHECK_EQUAL(1704067200000, c.lines[0].time_ms);
  CHECK_TRUE(core->outbox().empty());
  STRCMP_EQUAL("", host.saved.c_str());
}

TEST(ClientCore, MultiLineAndActionText) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SendText("#general", "one\r\n/me waves\n\ntwo", 2000);
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(3, c.lines.size());
  CHECK_TRUE(c.lines[1].kind == ChatLine::Kind::kAction);
  STRCMP_EQUAL("waves", c.lines[1].text.c_str());
  LONGS_EQUAL(3, core->outbox().size());
  CHECK_TRUE(host.Sent("@label=L000000000000002 PRIVMSG #general :\x01" "ACTION waves\x01"));
  CHECK_TRUE(c.lines[0].label != c.lines[2].label);
}

TEST(ClientCore, OutboxIsResentInOrderWithSameLabelsAfterReconnect) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->OnDisconnected("gone", 2000);
  core->SendText("#general", "first", 2100);
  core->SendText("#general", "second", 2200);
  CHECK_EQUAL(0, host.Count("@label"));  // not connected: queued only
  LONGS_EQUAL(2, core->outbox().size());
  core->Tick(core->reconnect_at_ms());
  host.Take();
  Connect(*core, host, kAllCaps, core->reconnect_at_ms(), false);
  std::vector<std::string> resent;
  int join_at = -1, first_at = -1;
  for (std::size_t i = 0; i < host.sent.size(); ++i) {
    if (host.sent[i].rfind("@label=", 0) == 0) resent.push_back(host.sent[i]);
    if (host.sent[i] == "JOIN #general") join_at = static_cast<int>(i);
    if (host.sent[i].rfind("@label=", 0) == 0 && first_at < 0) first_at = static_cast<int>(i);
  }
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(2, resent.size());
  STRCMP_EQUAL(("@label=" + c.lines[0].label + " PRIVMSG #general first").c_str(), resent[0].c_str());
  STRCMP_EQUAL(("@label=" + c.lines[1].label + " PRIVMSG #general second").c_str(), resent[1].c_str());
  STRCMP_EQUAL(core->outbox().entries()[0].label.c_str(), c.lines[0].label.c_str());
  CHECK_TRUE(join_at >= 0 && join_at < first_at);  // rejoin before resending
}

TEST(ClientCore, ResendAnsweredWithOriginalMsgidShowsOneLine) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SendText("#general", "hi", 2000);
  const std::string echo =
      "@label=L000000000000001;msgid=orig;time=2024-01-01T00:00:00.000Z :me!u@h PRIVMSG #general hi";
  core->OnDisconnected("gone before the echo", 2001);
  core->Tick(core->reconnect_at_ms());
  Connect(*core, host, kAllCaps, core->reconnect_at_ms(), false);
  Feed(*core, {echo, echo});  // chatd answers the resend with the stored echo (twice, even)
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.lines.size());
  STRCMP_EQUAL("orig", c.lines[0].msgid.c_str());
  CHECK_TRUE(core->outbox().empty());
}

TEST(ClientCore, HistoryPageWithSameMsgidAddsNoSecondLine) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SendText("#general", "hi", 2000);
  Feed(*core, {"@label=L000000000000001;msgid=m1;time=2024-01-01T00:00:00.000Z :me!u@h PRIVMSG #general hi"});
  core->SetActive("#general");
  Feed(*core, {":srv BATCH +h1 chathistory #general",
               "@batch=h1;msgid=m0;time=2023-12-31T23:00:00.000Z :bob!b@h PRIVMSG #general :earlier",
               "@batch=h1;msgid=m1;time=2024-01-01T00:00:00.000Z :me!u@h PRIVMSG #general hi",
               ":srv BATCH -h1"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(2, c.lines.size());
  STRCMP_EQUAL("m0", c.lines[0].msgid.c_str());
  STRCMP_EQUAL("m1", c.lines[1].msgid.c_str());
}

TEST(ClientCore, LabeledErrorMarksLineFailedAndDropsIt) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SendText("#general", "nope", 2000);
  Feed(*core, {"@label=L000000000000001 :srv 404 me #general :Cannot send to channel"});
  const Conversation& c = Conv(*core, "#general");
  CHECK_FALSE(c.lines[0].pending);
  CHECK_TRUE(c.lines[0].failed);
  LONGS_EQUAL(2, c.lines.size());  // plus the system line saying so
  CHECK_TRUE(c.lines[1].kind == ChatLine::Kind::kNotice);
  CHECK_TRUE(core->outbox().empty());
  CHECK_TRUE(host.HasProblem(Problem::kCannotSend));

  core->SendText("#general", "again", 2100);
  Feed(*core, {"@label=L000000000000002 :srv FAIL PRIVMSG TEMPORARILY_UNAVAILABLE #general :Disk full"});
  CHECK_TRUE(c.lines[2].failed);
  CHECK_TRUE(core->outbox().empty());
}

TEST(ClientCore, LoadOutboxShowsPendingLinesAndReportsCorruption) {
  const std::string data =
      "@label=a1;time=2024-01-01T00:00:00.000Z PRIVMSG #general :queued\r\n"
      "this is not an entry\r\n"
      "@label=b2;time=2024-01-01T00:00:01.000Z PRIVMSG bob :\x01" "ACTION waves\x01\r\n";
  CHECK_FALSE(core->LoadOutbox(data));
  LONGS_EQUAL(2, core->outbox().size());
  const Conversation& g = Conv(*core, "#general");
  CHECK_TRUE(g.lines[0].pending);
  STRCMP_EQUAL("a1", g.lines[0].label.c_str());
  const Conversation& b = Conv(*core, "bob");
  CHECK_TRUE(b.kind == Conversation::Kind::kDirect);
  CHECK_TRUE(b.lines[0].kind == ChatLine::Kind::kAction);
  STRCMP_EQUAL("waves", b.lines[0].text.c_str());
  Connect(*core, host);
  CHECK_TRUE(host.Sent("@label=a1 PRIVMSG #general queued"));
  CHECK_TRUE(host.Sent("@label=b2 PRIVMSG bob :\x01" "ACTION waves\x01"));
}

// ---------------------------------------------------------------- messages

TEST(ClientCore, UnreadAndMentionCounting) {
  Connect(*core, host);
  JoinGeneral(*core);
  Feed(*core, {"@msgid=a :bob!b@h PRIVMSG #general :hello all",
               "@msgid=b :bob!b@h PRIVMSG #general :hey ME, look",
               "@msgid=c :bob!b@h PRIVMSG #general :meme is not a mention",
               "@msgid=d :me!u@h PRIVMSG #general :my own"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(3, c.unread);
  LONGS_EQUAL(1, c.mentions);
  CHECK_TRUE(c.lines[1].mention);
  CHECK_FALSE(c.lines[2].mention);
  LONGS_EQUAL(1, host.notifies.size());
  STRCMP_EQUAL("#general", host.notifies[0].first.c_str());

  Feed(*core, {"@msgid=e :carol!c@h PRIVMSG me :psst"});  // a DM: always a mention
  const Conversation& d = Conv(*core, "carol");
  CHECK_TRUE(d.kind == Conversation::Kind::kDirect);
  LONGS_EQUAL(1, d.unread);
  LONGS_EQUAL(1, d.mentions);
  LONGS_EQUAL(2, host.notifies.size());

  core->SetActive("#general");
  LONGS_EQUAL(0, c.unread);
  LONGS_EQUAL(0, c.mentions);
  Feed(*core, {"@msgid=f :bob!b@h PRIVMSG #general :while looking"});
  LONGS_EQUAL(0, c.unread);
}

TEST(ClientCore, OwnDirectEchoGoesToTargetConversation) {
  Connect(*core, host);
  core->OpenDirect("dave");
  core->SendText("dave", "yo", 2000);
  Feed(*core, {"@label=L000000000000001;msgid=x1 :me!u@h PRIVMSG dave :yo"});
  const Conversation& d = Conv(*core, "dave");
  LONGS_EQUAL(1, d.lines.size());
  CHECK_FALSE(d.lines[0].pending);
  CHECK_TRUE(core->Find("me") == nullptr);
  LONGS_EQUAL(0, d.unread);
}

TEST(ClientCore, HistoryBatchIsInsertedInTimeOrderWithoutCountingUnread) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SetActive("#general");
  CHECK_TRUE(host.Sent("CHATHISTORY LATEST #general * 50"));
  core->SetActive("");
  Feed(*core, {"@msgid=live;time=2024-01-01T12:00:00.000Z :bob!b@h PRIVMSG #general :live"});
  Feed(*core, {":srv BATCH +h chathistory #general",
               "@batch=h;msgid=h2;time=2024-01-01T10:00:00.000Z :bob!b@h PRIVMSG #general :second",
               "@batch=h;msgid=h1;time=2024-01-01T09:00:00.000Z :bob!b@h PRIVMSG #general :first",
               "@batch=h;msgid=h3;time=2024-01-01T11:00:00.000Z :bob!b@h NOTICE #general :third",
               ":srv BATCH -h"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(4, c.lines.size());
  STRCMP_EQUAL("first", c.lines[0].text.c_str());
  STRCMP_EQUAL("second", c.lines[1].text.c_str());
  STRCMP_EQUAL("third", c.lines[2].text.c_str());
  STRCMP_EQUAL("live", c.lines[3].text.c_str());
  CHECK_TRUE(c.history_loaded);
  CHECK_FALSE(c.history_complete);
  LONGS_EQUAL(1, c.unread);  // only the live line
  core->LoadOlder("#general");
  CHECK_TRUE(host.Sent("CHATHISTORY BEFORE #general msgid=h1 50"));
  Feed(*core, {":srv BATCH +b chathistory #general", ":srv BATCH -b"});
  CHECK_TRUE(c.history_complete);  // an empty page: nothing older
  host.Take();
  core->LoadOlder("#general");
  CHECK_TRUE(host.sent.empty());
}

TEST(ClientCore, ReconnectCatchUpCountsUnreadAndPagesUntilShort) {
  Connect(*core, host);
  JoinGeneral(*core);
  Feed(*core, {":srv 005 me CHATHISTORY=2 :are supported"});
  Feed(*core, {"@msgid=m5;time=2024-01-01T00:00:00.000Z :bob!b@h PRIVMSG #general :before"});
  core->SetActive("#general");
  core->SetActive("");
  Feed(*core, {":srv BATCH +h chathistory #general", ":srv BATCH -h"});  // the LATEST answer
  core->OnDisconnected("x", 3000);
  core->Tick(core->reconnect_at_ms());
  host.Take();
  Connect(*core, host, kAllCaps, core->reconnect_at_ms(), false);
  CHECK_TRUE(host.Sent("CHATHISTORY AFTER #general msgid=m5 100"));
  Feed(*core, {":srv BATCH +a chathistory #general",
               "@batch=a;msgid=m6;time=2024-01-01T00:01:00.000Z :bob!b@h PRIVMSG #general :missed one",
               "@batch=a;msgid=m7;time=2024-01-01T00:02:00.000Z :bob!b@h PRIVMSG #general :hi me",
               ":srv BATCH -a"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(3, c.lines.size());
  LONGS_EQUAL(2, c.unread);
  LONGS_EQUAL(1, c.mentions);
  CHECK_TRUE(host.notifies.empty());  // history never notifies
  // A short page may hide skipped TAGMSGs: ask again until a page is empty.
  CHECK_TRUE(host.Sent("CHATHISTORY AFTER #general msgid=m7 100"));
  host.Take();
  Feed(*core, {":srv BATCH +b chathistory #general", ":srv BATCH -b"});
  CHECK_EQUAL(0, host.Count("CHATHISTORY"));
}

TEST(ClientCore, FullCatchUpPageRequestsTheNext) {
  Connect(*core, host);
  JoinGeneral(*core);
  Feed(*core, {"@msgid=m0;time=2024-01-01T00:00:00.000Z :bob!b@h PRIVMSG #general :x"});
  core->OnDisconnected("x", 3000);
  core->Tick(core->reconnect_at_ms());
  core->OnConnected(core->reconnect_at_ms());
  Feed(*core, {":srv CAP * LS :batch server-time message-tags draft/chathistory",
               ":srv CAP * ACK :batch draft/chathistory message-tags server-time",
               ":srv 005 me CHATHISTORY=2 :are supported", ":srv 001 me :Welcome"});
  CHECK_TRUE(host.Sent("CHATHISTORY AFTER #general msgid=m0 2"));
  Feed(*core, {":srv BATCH +a chathistory #general",
               "@batch=a;msgid=m1;time=2024-01-01T00:01:00.000Z :bob!b@h PRIVMSG #general :1",
               "@batch=a;msgid=m2;time=2024-01-01T00:02:00.000Z :bob!b@h PRIVMSG #general :2",
               ":srv BATCH -a"});
  CHECK_TRUE(host.Sent("CHATHISTORY AFTER #general msgid=m2 2"));
}

TEST(ClientCore, TargetsCreateDirectConversationsAndIgnoreChannels) {
  Connect(*core, host);
  Feed(*core, {":srv BATCH +t draft/chathistory-targets",
               "@batch=t :srv CHATHISTORY TARGETS erin 2024-01-01T00:00:00.000Z",
               "@batch=t :srv CHATHISTORY TARGETS #secret 2024-01-01T00:00:00.000Z",
               ":srv BATCH -t"});
  CHECK_TRUE(core->Find("erin") != nullptr);
  CHECK_TRUE(core->Find("erin")->kind == Conversation::Kind::kDirect);
  CHECK_TRUE(core->Find("#secret") == nullptr);
}

TEST(ClientCore, TypingIsThrottledAndExpires) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->SetTyping("#general", true, 1000);
  core->SetTyping("#general", true, 2000);
  CHECK_EQUAL(1, host.Count("@+typing=active TAGMSG #general"));
  core->SetTyping("#general", true, 4000);
  CHECK_EQUAL(2, host.Count("@+typing=active TAGMSG #general"));
  core->SetTyping("#general", false, 4500);
  CHECK_EQUAL(1, host.Count("@+typing=done TAGMSG #general"));

  Feed(*core, {"@+typing=active :bob!b@h TAGMSG #general"}, 10'000);
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.typing.size());
  CHECK_TRUE(core->NextWakeMs() <= 10'000 + Core::kTypingTimeoutMs);
  core->Tick(10'000 + Core::kTypingTimeoutMs - 1);
  LONGS_EQUAL(1, c.typing.size());
  const int changes = host.typing_changes;
  core->Tick(10'000 + Core::kTypingTimeoutMs);
  LONGS_EQUAL(0, c.typing.size());
  LONGS_EQUAL(changes + 1, host.typing_changes);

  Feed(*core, {"@+typing=active :bob!b@h TAGMSG #general", "@+typing=done :bob!b@h TAGMSG #general"}, 20'000);
  LONGS_EQUAL(0, c.typing.size());
  Feed(*core, {"@+typing=active :bob!b@h TAGMSG #general", ":bob!b@h PRIVMSG #general :sent"}, 21'000);
  LONGS_EQUAL(0, c.typing.size());  // the message ends the typing
}

// ---------------------------------------------------------------- channels and members

TEST(ClientCore, UnaskedJoinCreatesConversationAndNamesFillMembers) {
  Connect(*core, host);
  Feed(*core, {":me!u@h JOIN #team alice :Me", ":srv 332 me #team :Team topic",
               ":srv 353 me = #team :@+bob me +carol", ":srv 366 me #team :End of /NAMES list"});
  const Conversation& c = Conv(*core, "#team");
  CHECK_TRUE(c.joined);
  STRCMP_EQUAL("Team topic", c.topic.c_str());
  LONGS_EQUAL(3, c.members.size());
  STRCMP_EQUAL("bob", c.members[0].nick.c_str());
  CHECK_TRUE(c.members[0].op && c.members[0].voice);
  CHECK_TRUE(c.members[1].voice && !c.members[1].op);  // carol
  CHECK_FALSE(core->CanDelete("#team"));
  Feed(*core, {":bob!b@h MODE #team +o me"});
  CHECK_TRUE(core->CanDelete("#team"));
  Feed(*core, {":bob!b@h MODE #team +is"});
  CHECK_TRUE(c.is_private);
  CHECK_TRUE(c.lines.back().kind == ChatLine::Kind::kMode);
}

TEST(ClientCore, TopicFromJoinBurstNoTopicAndTopicChanges) {
  Connect(*core, host);
  // Set before we joined: 332 (and 333) follow our JOIN.
  Feed(*core, {":me!u@h JOIN #general * :me", ":srv 332 me #general :Set earlier",
               ":srv 333 me #general bob!b@h 1700000000"});
  STRCMP_EQUAL("Set earlier", Conv(*core, "#general").topic.c_str());
  Feed(*core, {":bob!b@h TOPIC #general :Changed live"});
  STRCMP_EQUAL("Changed live", Conv(*core, "#general").topic.c_str());
  CHECK_TRUE(Conv(*core, "#general").lines.back().kind == ChatLine::Kind::kTopic);
  Feed(*core, {":srv 331 me #general :No topic is set"});
  STRCMP_EQUAL("", Conv(*core, "#general").topic.c_str());
  // Cleared while we were away: the rejoin comes without 332.
  Feed(*core, {":srv 332 me #general :Stale"});
  core->OnDisconnected("gone", 2000);
  const int64_t later = core->reconnect_at_ms();
  core->Tick(later);
  host.Take();
  Connect(*core, host, kAllCaps, later, false);
  Feed(*core, {":me!u@h JOIN #general * :me", ":srv 353 me = #general :me",
               ":srv 366 me #general :End of /NAMES list"});
  STRCMP_EQUAL("", Conv(*core, "#general").topic.c_str());
  // A 332 for a channel we don't have creates nothing.
  Feed(*core, {":srv 332 me #other :Nope"});
  CHECK_TRUE(core->Find("#other") == nullptr);
}

TEST(ClientCore, RosterBatchListsOfflineMembersAndRefreshIsDebounced) {
  Connect(*core, host);
  Feed(*core, {":me!u@h JOIN #team me :Me"});
  CHECK_TRUE(host.Sent("ROSTER #team"));
  Feed(*core, {":srv BATCH +r chatd.dev/roster #team",
               "@batch=r :srv ROSTER #team zed offline *",
               "@batch=r :srv ROSTER #team bob away bob",
               "@batch=r :srv ROSTER #team me online me",
               ":srv BATCH -r"});
  const Conversation& c = Conv(*core, "#team");
  CHECK_TRUE(c.registered);
  LONGS_EQUAL(3, c.members.size());
  STRCMP_EQUAL("me", c.members[0].nick.c_str());
  CHECK_TRUE(c.members[1].state == Member::State::kAway);
  CHECK_TRUE(c.members[2].state == Member::State::kOffline);
  STRCMP_EQUAL("zed", c.members[2].account.c_str());

  host.Take();
  Feed(*core, {":zed!z@h JOIN #team zed :Zed", ":amy!a@h JOIN #team * :Amy"}, 1000);
  CHECK_TRUE(c.members[0].state == Member::State::kOnline);
  CHECK_EQUAL(0, host.Count("ROSTER"));  // debounced
  core->Tick(1999);
  CHECK_EQUAL(0, host.Count("ROSTER"));
  core->Tick(2000);
  CHECK_EQUAL(1, host.Count("ROSTER #team"));
  Feed(*core, {":amy!a@h QUIT :bye"}, 2100);
  core->Tick(2500);
  CHECK_EQUAL(1, host.Count("ROSTER #team"));  // at most once per second
  core->Tick(3000);
  CHECK_EQUAL(2, host.Count("ROSTER #team"));
}

TEST(ClientCore, KickOfUsIsReportedAndNickChangesFollow) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->OpenDirect("bob");
  Feed(*core, {":srv 353 me = #general :me bob", ":srv 366 me #general :End"});
  Feed(*core, {":bob!b@h NICK robert"});
  CHECK_TRUE(core->Find("bob") == nullptr);
  CHECK_TRUE(core->Find("robert") != nullptr);
  const Conversation& c = Conv(*core, "#general");
  bool found = false;
  for (const Member& m : c.members) found |= m.nick == "robert";
  CHECK_TRUE(found);
  Feed(*core, {":me!u@h NICK me2"});
  STRCMP_EQUAL("me2", core->nick().c_str());
  Feed(*core, {":robert!b@h KICK #general me2 :behave"});
  CHECK_FALSE(c.joined);
  CHECK_TRUE(host.HasProblem(Problem::kKicked));
  STRCMP_EQUAL("#general", host.problems.back().subject.c_str());
}

TEST(ClientCore, ChannelCommands) {
  Connect(*core, host);
  host.Take();
  core->CreateChannel("#priv", true);
  core->CreateChannel("#pub", false);
  core->CreateGroup("#grp", {"ann", "ben", "bad nick"});
  auto sent = host.Take();
  std::vector<std::string> expect = {"JOIN #priv", "MODE #priv +is", "JOIN #pub",     "JOIN #grp",
                                     "MODE #grp +is", "INVITE ann #grp", "INVITE ben #grp"};
  LONGS_EQUAL(expect.size(), sent.size());
  for (std::size_t i = 0; i < expect.size(); ++i) STRCMP_EQUAL(expect[i].c_str(), sent[i].c_str());
  Feed(*core, {":me!u@h JOIN #priv * :me"});
  core->DeleteChannel("#priv");
  STRCMP_EQUAL("CHANNEL DROP #priv", host.sent.back().c_str());
  core->Leave("#priv");
  STRCMP_EQUAL("PART #priv", host.sent.back().c_str());
  CHECK_TRUE(core->Find("#priv") == nullptr);
}

TEST(ClientCore, ListStripsModePrefix) {
  Connect(*core, host);
  core->ListChannels();
  STRCMP_EQUAL("LIST", host.sent.back().c_str());
  Feed(*core, {":srv 321 me Channel :Users Name", ":srv 322 me #general 5 :[+nt] Welcome all",
               ":srv 322 me #quiet 1 :[+n]", ":srv 322 me #plain 2 :no modes",
               ":srv 322 me #wip 3 :[WIP] plans", ":srv 322 me #both 4 :[+ntk] [WIP] more",
               ":srv 322 me #empty 0 :[+nt] ", ":srv 323 me :End of /LIST"});
  LONGS_EQUAL(1, host.lists.size());
  const auto& l = host.lists[0];
  LONGS_EQUAL(6, l.size());
  STRCMP_EQUAL("[WIP] plans", l[3].topic.c_str());  // not a mode prefix: kept
  STRCMP_EQUAL("[WIP] more", l[4].topic.c_str());
  STRCMP_EQUAL("", l[5].topic.c_str());
  LONGS_EQUAL(0, l[5].users);
  STRCMP_EQUAL("#general", l[0].name.c_str());
  LONGS_EQUAL(5, l[0].users);
  STRCMP_EQUAL("Welcome all", l[0].topic.c_str());
  STRCMP_EQUAL("", l[1].topic.c_str());
  STRCMP_EQUAL("no modes", l[2].topic.c_str());
}

TEST(ClientCore, ErrorNumericsBecomeProblems) {
  Connect(*core, host);
  Feed(*core, {":srv 474 me #x :Cannot join channel (+b)", ":srv 473 me #y :Cannot join channel (+i)",
               ":srv 475 me #z :Cannot join channel (+k)", ":srv 471 me #w :Cannot join channel (+l)",
               ":srv 482 me #v :You're not channel operator", ":srv 401 me nobody :No such nick"});
  LONGS_EQUAL(6, host.problems.size());
  CHECK_TRUE(host.problems[0].problem == Problem::kBanned);
  STRCMP_EQUAL("#x", host.problems[0].subject.c_str());
  CHECK_TRUE(host.problems[1].problem == Problem::kInviteOnly);
  CHECK_TRUE(host.problems[2].problem == Problem::kBadChannelKey);
  CHECK_TRUE(host.problems[3].problem == Problem::kChannelFull);
  CHECK_TRUE(host.problems[4].problem == Problem::kNotPermitted);
  CHECK_TRUE(host.problems[5].problem == Problem::kNoSuchTarget);
  CHECK_TRUE(core->state() == ConnState::kOnline);
}

// ---------------------------------------------------------------- presence

TEST(ClientCore, PresenceIsSentAndReappliedAfterReconnect) {
  Connect(*core, host);
  core->SetPresence(Presence::kAway, "Lunch");
  STRCMP_EQUAL("AWAY Lunch", host.sent.back().c_str());
  core->OnDisconnected("x", 2000);
  core->Tick(core->reconnect_at_ms());
  host.Take();
  Connect(*core, host, kAllCaps, core->reconnect_at_ms(), false);
  CHECK_TRUE(host.Sent("AWAY Lunch"));
  core->SetPresence(Presence::kOnline, "");
  STRCMP_EQUAL("AWAY", host.sent.back().c_str());
}

TEST(ClientCore, InvisibleNeedsTheServerCapability) {
  Connect(*core, host);
  core->SetPresence(Presence::kInvisible, "");
  CHECK_TRUE(host.HasProblem(Problem::kServerError));
  CHECK_TRUE(core->presence() == Presence::kOnline);
  CHECK_EQUAL(0, host.Count("PRESENCE"));

  FakeHost h2;
  Core c2(&h2);
  Connect(c2, h2, std::string(kAllCaps) + " chatd.dev/presence");
  c2.SetPresence(Presence::kInvisible, "");
  STRCMP_EQUAL("PRESENCE invisible", h2.sent.back().c_str());
  CHECK_TRUE(c2.presence() == Presence::kInvisible);
}

// ---------------------------------------------------------------- robustness

TEST(ClientCore, MalformedServerLinesAreIgnored) {
  Connect(*core, host);
  JoinGeneral(*core);
  const std::vector<std::string> junk = {
      "", ":", "@", "@a=b", ":srv", ":srv 353", ":srv 353 me", "PRIVMSG", ":x!y@z PRIVMSG #general",
      ":x!y@z PRIVMSG", "BATCH", "BATCH +", "BATCH -nope", ":srv BATCH +h chathistory",
      "@batch=h :a!b@c PRIVMSG", ":srv BATCH -h", "CAP", "CAP * LS", "CAP * ACK", ":x 001", "JOIN",
      ":a!b@c JOIN", ":a!b@c MODE #general +ooovvkl", ":a!b@c MODE #general", "ROSTER", "ROSTER #general",
      "AUTHENTICATE", "AUTHENTICATE !!!!", ":srv 322", ":srv 323", ":srv 005", ":srv 433", ":srv 904",
      "KICK #general", ":a!b@c KICK", ":a!b@c NICK", ":a!b@c NICK :", "TOPIC", "FAIL", "FAIL PRIVMSG",
      "@label=zz :srv 404", ":a!b@c TAGMSG", "@+typing=weird :a!b@c TAGMSG #general", "ACK",
      "@time=garbage :a!b@c PRIVMSG #general :bad time", ":a!b@c PRIVMSG #general :\x01VERSION\x01",
      ":a!b@c PRIVMSG #general :\x01", ":a!b@c INVITE", ":a!b@c AWAY", "ACCOUNT", "\xff\xfe PRIVMSG",
      "ERROR", ":srv 999 me x y z", "CHATHISTORY TARGETS", ":srv 366", ":srv 324 me",
  };
  for (const auto& l : junk) core->OnData(l + "\r\n", 5000);
  core->OnData(std::string(20000, 'A') + "\r\n", 5000);  // overlong
  core->OnData("PING :partial", 5000);                    // unterminated: waits
  core->OnData(" line\r\n", 5000);
  CHECK_TRUE(core->state() == ConnState::kOnline);
  STRCMP_EQUAL("PONG :partial line", host.sent.back().c_str());
  Feed(*core, {"@msgid=ok :bob!b@h PRIVMSG #general :still fine"});
  STRCMP_EQUAL("still fine", Conv(*core, "#general").lines.back().text.c_str());
}

TEST(ClientCore, ServerNoticesAndForeignCtcpDoNotCreateConversations) {
  Connect(*core, host);
  const std::size_t before = core->conversations().size();
  Feed(*core, {":srv NOTICE * :*** Looking up your hostname", ":srv NOTICE me :server says",
               ":a!b@c PRIVMSG me :\x01VERSION\x01"});
  LONGS_EQUAL(before, core->conversations().size());
}

TEST(ClientCore, LinesPerConversationAreBounded) {
  Connect(*core, host);
  JoinGeneral(*core);
  for (std::size_t i = 0; i < Core::kMaxLines + 10; ++i) {
    Feed(*core, {"@msgid=id" + std::to_string(i) + " :bob!b@h PRIVMSG #general :n" + std::to_string(i)});
  }
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(Core::kMaxLines, c.lines.size());
  STRCMP_EQUAL("n10", c.lines.front().text.c_str());
}

TEST(ClientCore, LoginNickInUseReportsAndUsesAnAlternative) {
  LoginOptions o;
  o.mode = LoginMode::kLogin;
  o.nick = "alice";
  o.password = "pw";
  core->Start(o, 0);
  core->OnConnected(0);
  Feed(*core, {":srv 433 * alice :Nickname is already in use"});
  STRCMP_EQUAL("NICK alice_", host.sent.back().c_str());
  CHECK_TRUE(host.HasProblem(Problem::kNickInUse));
  CHECK_TRUE(core->state() == ConnState::kRegistering);  // not fatal: still logs in
}

TEST(ClientCore, AckWithoutEchoClearsPending) {
  Connect(*core, host, "labeled-response batch message-tags");
  core->OpenDirect("bob");
  core->SendText("bob", "hi", 2000);
  Feed(*core, {"@label=L000000000000001 :srv ACK"});
  CHECK_FALSE(Conv(*core, "bob").lines[0].pending);
  CHECK_TRUE(core->outbox().empty());
}

TEST(ClientCore, RosterFailureFallsBackToNames) {
  Connect(*core, host);
  Feed(*core, {":me!u@h JOIN #eph * :me"});
  host.Take();
  Feed(*core, {":srv FAIL ROSTER INVALID_TARGET #eph :No roster"});
  STRCMP_EQUAL("NAMES #eph", host.sent.back().c_str());
  CHECK_TRUE(host.problems.empty());
}

TEST(ClientCore, PartAndQuitUpdateMembers) {
  Connect(*core, host, "multi-prefix batch");
  JoinGeneral(*core);
  Feed(*core, {":srv 353 me = #general :me bob carol", ":srv 366 me #general :End"});
  LONGS_EQUAL(3, Conv(*core, "#general").members.size());
  Feed(*core, {":bob!b@h PART #general :later", ":carol!c@h QUIT :Quit: bye"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.members.size());
  CHECK_TRUE(c.lines[c.lines.size() - 2].kind == ChatLine::Kind::kPart);
  CHECK_TRUE(c.lines.back().kind == ChatLine::Kind::kQuit);
  Feed(*core, {":me!u@h PART #general"});
  CHECK_FALSE(c.joined);
}

// ---------------------------------------------------------------- file sharing

TEST(ClientCore, FilehostIsupportAndTokenRoundTrip) {
  Connect(*core, host);
  CHECK_EQUAL(std::string(""), core->filehost_url());
  Feed(*core, {":srv 005 me draft/FILEHOST=https://h:8443/upload CHATHISTORY=100 :are supported"});
  CHECK_EQUAL(std::string("https://h:8443/upload"), core->filehost_url());
  Feed(*core, {":srv 005 me soju.im/FILEHOST=https://s:8443/upload :are supported"});
  CHECK_EQUAL(std::string("https://s:8443/upload"), core->filehost_url());
  core->RequestFileToken();
  CHECK_EQUAL(std::string("FILEHOST TOKEN"), host.sent.back());
  Feed(*core, {":srv FILEHOST TOKEN " + std::string(64, 'a') + " 1900000000"});
  Feed(*core, {":srv FAIL FILEHOST ACCOUNT_REQUIRED :Log in to share files"});
  Feed(*core, {":srv FILEHOST TOKEN"});  // too short: ignored
  LONGS_EQUAL(2, host.file_tokens.size());
  CHECK_EQUAL(std::string(64, 'a') + " 1900000000", host.file_tokens[0]);
  CHECK_EQUAL(std::string("error: Log in to share files"), host.file_tokens[1]);
}

TEST(ClientCore, SendFileCarriesTheTagThroughTheOutbox) {
  Connect(*core, host);
  JoinGeneral(*core);
  const std::string tag = "name=cat.png,size=3,type=image/png";
  core->SendFile("#general", "https://h/f/abc/cat.png", tag, 2000);
  const std::string& wire = host.sent.back();
  CHECK(wire.find("+chatd.dev/file=" + tag) != std::string::npos);
  CHECK(wire.find("PRIVMSG #general ") != std::string::npos);
  CHECK(wire.find("https://h/f/abc/cat.png") != std::string::npos);
  const ChatLine& pending = Conv(*core, "#general").lines.back();
  CHECK(pending.pending);
  CHECK_EQUAL(tag, pending.file_tag);
  // The outbox file keeps the tag, so a restart resends it.
  chat::client::Outbox box;
  CHECK(box.Load(host.saved));
  LONGS_EQUAL(1, box.size());
  CHECK_EQUAL(tag, box.entries()[0].file_tag);
  // The echo acknowledges it; others' tagged messages carry file_tag too.
  Feed(*core, {"@label=" + pending.label + ";msgid=m1;+chatd.dev/file=" + tag +
                   " :me!u@h PRIVMSG #general :https://h/f/abc/cat.png",
               "@msgid=m2;+chatd.dev/file=name=a.pdf,size=9 :bob!u@h PRIVMSG #general :https://h/f/x/a.pdf"});
  const auto& lines = Conv(*core, "#general").lines;
  CHECK_FALSE(lines[lines.size() - 2].pending);
  CHECK_EQUAL(tag, lines[lines.size() - 2].file_tag);
  CHECK_EQUAL(std::string("name=a.pdf,size=9"), lines.back().file_tag);
  LONGS_EQUAL(0, core->outbox().size());
}

TEST(ClientCore, SendFileRefusesUrlsThatWouldBreakTheLine) {
  Connect(*core, host);
  JoinGeneral(*core);
  const std::size_t before = host.sent.size();
  core->SendFile("#general", "https://h/f/a b", "name=a,size=1", 2000);
  core->SendFile("#general", "https://h/f/a\r\nQUIT", "name=a,size=1", 2000);
  core->SendFile("#nowhere", "https://h/f/a", "name=a,size=1", 2000);
  LONGS_EQUAL(before, host.sent.size());
}

// ---------------------------------------------------------------- commands

TEST(ClientCore, SlashKickIsExecutedNeverSent) {
  Connect(*core, host);
  JoinGeneral(*core);
  host.Take();
  core->Input("#general", "/kick bob flooding", 2000);
  auto sent = host.Take();
  LONGS_EQUAL(1, sent.size());
  STRCMP_EQUAL("KICK #general bob flooding", sent[0].c_str());
  LONGS_EQUAL(0, Conv(*core, "#general").lines.size());
}

TEST(ClientCore, UnknownCommandShowsHelpLocally) {
  Connect(*core, host);
  JoinGeneral(*core);
  host.Take();
  core->Input("#general", "/frobnicate x", 2000);
  LONGS_EQUAL(0, host.Take().size());
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.lines.size());
  CHECK_TRUE(c.lines[0].kind == ChatLine::Kind::kInfo);
  CHECK_TRUE(c.lines[0].text.find("Unknown command /frobnicate") == 0);
  LONGS_EQUAL(0, c.unread);
}

TEST(ClientCore, SlashCommandsBecomeTheirIrcCommands) {
  Connect(*core, host);
  JoinGeneral(*core);
  host.Take();
  core->Input("#general", "/topic Ship it", 2000);
  core->Input("#general", "/invite carol", 2000);
  core->Input("#general", "/ban dave", 2000);
  core->Input("#general", "/nick me2", 2000);
  core->Input("#general", "/whois carol", 2000);
  core->Input("#general", "/part #general bye", 2000);
  auto sent = host.Take();
  LONGS_EQUAL(7, sent.size());
  STRCMP_EQUAL("TOPIC #general :Ship it", sent[0].c_str());
  STRCMP_EQUAL("INVITE carol #general", sent[1].c_str());
  STRCMP_EQUAL("MODE #general +b dave!*@*", sent[2].c_str());
  STRCMP_EQUAL("KICK #general dave Banned", sent[3].c_str());
  STRCMP_EQUAL("NICK me2", sent[4].c_str());
  STRCMP_EQUAL("WHOIS carol", sent[5].c_str());
  STRCMP_EQUAL("PART #general bye", sent[6].c_str());
}

TEST(ClientCore, JoinQueryAndQuitTellTheWindow) {
  Connect(*core, host);
  JoinGeneral(*core);
  host.Take();
  chat::client::InputResult r = core->Input("#general", "/join #rust", 2000);
  STRCMP_EQUAL("#rust", r.open.c_str());
  STRCMP_EQUAL("JOIN #rust", host.Take()[0].c_str());
  r = core->Input("#general", "/query alice hi", 2000);
  STRCMP_EQUAL("alice", r.open.c_str());
  CHECK_TRUE(core->Find("alice") != nullptr);
  CHECK_TRUE(host.Sent("@label=L000000000000001 PRIVMSG alice hi"));
  r = core->Input("#general", "/quit see you", 2000);
  CHECK_TRUE(r.quit);
  CHECK_TRUE(host.Sent("QUIT :see you"));
  CHECK_TRUE(core->state() == ConnState::kOffline);
}

TEST(ClientCore, DoubleSlashSendsTheTextLiterally) {
  Connect(*core, host);
  JoinGeneral(*core);
  host.Take();
  core->Input("#general", "//kick is a command", 2000);
  CHECK_TRUE(host.Sent("@label=L000000000000001 PRIVMSG #general :/kick is a command"));
}

TEST(ClientCore, WhoisRepliesBecomeOneInfoLine) {
  Connect(*core, host);
  JoinGeneral(*core);
  core->Input("#general", "/whois carol", 2000);
  Feed(*core, {":srv 311 me carol cu example.org * :Carol C",
               ":srv 319 me carol :@#general #rust", ":srv 330 me carol carol :is logged in as",
               ":srv 301 me carol :lunch", ":srv 318 me carol :End of /WHOIS list"});
  const Conversation& c = Conv(*core, "#general");
  LONGS_EQUAL(1, c.lines.size());
  STRCMP_EQUAL("carol is cu@example.org (Carol C); in @#general #rust; registered account carol; away: lunch",
               c.lines[0].text.c_str());
}

TEST(ClientCore, OfflineRecipientNoteMarksTheMessageWaiting) {
  Connect(*core, host);
  core->SendText("bob", "see you tomorrow", 2000);
  Feed(*core, {"@label=L000000000000001 :srv BATCH +b1 labeled-response",
               "@batch=b1;msgid=m9 :me!u@h PRIVMSG bob :see you tomorrow",
               "@batch=b1 :srv NOTE PRIVMSG RECIPIENT_OFFLINE bob :bob is offline; the message will "
               "be delivered when they log in",
               ":srv BATCH -b1"});
  const Conversation& c = Conv(*core, "bob");
  LONGS_EQUAL(1, c.lines.size());
  CHECK_FALSE(c.lines[0].pending);
  CHECK_FALSE(c.lines[0].failed);
  STRCMP_EQUAL("bob", c.lines[0].waiting_for.c_str());
  LONGS_EQUAL(0, host.problems.size());
}

TEST(ClientCore, AwayReplyIsShownOncePerMessage) {
  Connect(*core, host);
  JoinGeneral(*core);
  Feed(*core, {":srv 353 me = #general :me alice", ":srv 366 me #general :End"});
  core->SendText("alice", "are you there?", 2000);
  Feed(*core, {":srv 301 me alice :in a meeting", ":srv 301 me alice :in a meeting"});
  const Conversation& c = Conv(*core, "alice");
  int infos = 0;
  for (const ChatLine& l : c.lines)
    if (l.kind == ChatLine::Kind::kInfo) ++infos;
  LONGS_EQUAL(1, infos);
  const Member* m = core->FindPerson("alice");
  CHECK_TRUE(m != nullptr);
  CHECK_TRUE(m->state == Member::State::kAway);
  STRCMP_EQUAL("in a meeting", m->away_message.c_str());
}

TEST(ClientCore, RenamedGuestIsToldOnce) {
  core->Start(Guest("bob"), 1000);
  core->OnConnected(1000);
  Feed(*core, {":srv CAP * LS :message-tags", ":srv CAP * ACK :message-tags",
               ":srv 433 * bob :Nickname is already in use"});
  CHECK_TRUE(host.Sent("NICK bob_"));
  Feed(*core, {":srv 001 bob_ :Welcome"});
  STRCMP_EQUAL("bob_", core->nick().c_str());
  LONGS_EQUAL(1, host.problems.size());
  CHECK_TRUE(host.problems[0].problem == Problem::kNickInUse);
  CHECK_TRUE(host.problems[0].human.find("you are “bob_”") != std::string::npos);
}
