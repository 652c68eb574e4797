// Tests for the Store interface (store.h). Each STORE_TEST runs twice, once
// on store_mem.cc (group MemStore) and once on a fresh Berkeley DB
// environment in a temporary directory (group BdbStore), so both
// implementations are held to the same semantics. Then the codec
// (store_codec.h) and what only the durable store can do: reopening,
// aborted and uncommitted transactions, kill -9 of a process holding the
// environment, corrupt records and environments, bad data_dirs.
// CHATHISTORY semantics: https://ircv3.net/specs/extensions/chathistory
#include <db.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "chatd/store/store.h"
#include "chatd/store/store_codec.h"

// Last: its memory-leak macros redefine `new`, which breaks standard headers.
#include "CppUTest/TestHarness.h"

using chatd::AccountRecord;
using chatd::BanRecord;
using chatd::ChannelRecord;
using chatd::HistoryBound;
using chatd::HistoryQuery;
using chatd::HistoryQueryKind;
using chatd::HistoryRecord;
using chatd::Store;
using chatd::TargetSummary;

#define CHECK_OK(expr)                                       \
  do {                                                       \
    chat::Status st_ = (expr);                               \
    CHECK_TEXT(st_.ok(), st_.ToString().c_str());            \
  } while (0)

#define CHECK_CODE(want, expr)                                                   \
  do {                                                                           \
    chat::Status st_ = (expr);                                                   \
    CHECK_TEXT(st_.code() == chat::Status::Code::want, st_.ToString().c_str()); \
  } while (0)

#define CHECK_CONTAINS(needle, haystack)                                                            \
  do {                                                                                              \
    std::string h_ = (haystack);                                                                    \
    CHECK_TEXT(h_.find(needle) != std::string::npos, ("\"" + h_ + "\" lacks \"" + (needle) + "\"").c_str()); \
  } while (0)

namespace {

// A directory from mkdtemp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir() {
    const char* tmp = getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/chatd-store-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()) == nullptr) FAIL("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::unique_ptr<Store> MustOpen(const std::string& dir, chatd::StoreOptions opts = {}) {
  auto r = chatd::OpenBdbStore(dir, opts);
  CHECK_TEXT(r.ok(), r.status().ToString().c_str());
  return std::move(r).value();
}

HistoryRecord Msg(const std::string& target, const std::string& msgid, int64_t time_ms,
                  const std::string& text = "hello") {
  HistoryRecord r;
  r.target = target;
  r.msgid = msgid;
  r.time_ms = time_ms;
  r.command = "PRIVMSG";
  r.source = "alice!a@192.0.2.1";
  r.account = "alice";
  r.to = target[0] == '@' ? "bob" : target;
  r.text = text;
  r.tags = "+draft/reply=x";
  return r;
}

HistoryBound Id(const std::string& msgid) { return HistoryBound{msgid, 0}; }
HistoryBound Ts(int64_t ms) { return HistoryBound{"", ms}; }
HistoryBound Star() { return HistoryBound{}; }

// The msgids of a result, space-separated; checks the result is ascending.
std::string Ids(const std::vector<HistoryRecord>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) CHECK_TEXT(v[i - 1].time_ms <= v[i].time_ms, "history result not ascending");
    if (!out.empty()) out += ' ';
    out += v[i].msgid;
  }
  return out;
}

// Runs one query; the msgids, or "error: <status>".
std::string Query(Store& s, HistoryQueryKind kind, const std::string& target, HistoryBound a, uint32_t limit,
                  HistoryBound b = {}) {
  HistoryQuery q;
  q.target = target;
  q.kind = kind;
  q.a = a;
  q.b = b;
  q.limit = limit;
  auto r = s.QueryHistory(q);
  if (!r.ok()) return "error: " + r.status().ToString();
  return Ids(r.value());
}

constexpr auto kLatest = HistoryQueryKind::kLatest;
constexpr auto kBefore = HistoryQueryKind::kBefore;
constexpr auto kAfter = HistoryQueryKind::kAfter;
constexpr auto kAround = HistoryQueryKind::kAround;
constexpr auto kBetween = HistoryQueryKind::kBetween;

// Appends m0..m{n-1} to target at times base, base+1, ...
void Fill(Store& s, const std::string& target, int n, int64_t base = 1000, const std::string& prefix = "m") {
  for (int i = 0; i < n; ++i) CHECK_OK(s.AppendHistory(Msg(target, prefix + std::to_string(i), base + i)));
}

AccountRecord Account(const std::string& name) {
  AccountRecord a;
  a.name = name;
  a.email = name + "@example.org";
  a.iterations = 4096;
  a.salt = std::string("\x00\x01salt\xff", 7);
  a.stored_key = std::string(32, '\x11');
  a.server_key = std::string(32, '\x22');
  a.created_ms = 1700000000123;
  return a;
}

ChannelRecord Channel(const std::string& name) {
  ChannelRecord c;
  c.name = name;
  c.owner = "alice";
  c.created = 1700000000;
  c.topic = "Welcome \xe2\x98\x83";
  c.topic_setter = "alice!a@host";
  c.topic_time = 1700000001;
  c.invite_only = true;
  c.secret = true;
  c.no_external = false;
  c.key = "sekrit";
  c.limit = 42;
  c.bans = {BanRecord{"*!*@bad", "alice", 1700000002}, BanRecord{"troll!*@*", "bob", -5}};
  c.invites = {"carol"};
  c.roster = {"alice", "bob", "carol"};
  c.ops = {"alice"};
  return c;
}

void CheckChannelEqual(const ChannelRecord& a, const ChannelRecord& b) {
  STRCMP_EQUAL(a.name.c_str(), b.name.c_str());
  STRCMP_EQUAL(a.owner.c_str(), b.owner.c_str());
  CHECK_EQUAL(a.created, b.created);
  CHECK(a.topic == b.topic);
  STRCMP_EQUAL(a.topic_setter.c_str(), b.topic_setter.c_str());
  CHECK_EQUAL(a.topic_time, b.topic_time);
  CHECK_EQUAL(a.invite_only, b.invite_only);
  CHECK_EQUAL(a.moderated, b.moderated);
  CHECK_EQUAL(a.no_external, b.no_external);
  CHECK_EQUAL(a.secret, b.secret);
  CHECK_EQUAL(a.topic_ops, b.topic_ops);
  STRCMP_EQUAL(a.key.c_str(), b.key.c_str());
  CHECK_EQUAL(a.limit, b.limit);
  CHECK_EQUAL(a.bans.size(), b.bans.size());
  for (size_t i = 0; i < a.bans.size() && i < b.bans.size(); ++i) {
    STRCMP_EQUAL(a.bans[i].mask.c_str(), b.bans[i].mask.c_str());
    STRCMP_EQUAL(a.bans[i].setter.c_str(), b.bans[i].setter.c_str());
    CHECK_EQUAL(a.bans[i].set_at, b.bans[i].set_at);
  }
  CHECK(a.invites == b.invites);
  CHECK(a.roster == b.roster);
  CHECK(a.ops == b.ops);
}

std::string Targets(const std::vector<TargetSummary>& v) {
  std::string out;
  for (const auto& t : v) {
    if (!out.empty()) out += ", ";
    out += t.target + "=" + std::to_string(t.latest_ms) + "/" + t.to;
  }
  return out;
}

std::string ListTargets(Store& s, const std::vector<std::string>& targets, int64_t from, int64_t to,
                        uint32_t limit) {
  auto r = s.ListTargets(targets, from, to, limit);
  if (!r.ok()) return "error: " + r.status().ToString();
  return Targets(r.value());
}

std::string Direct(Store& s, const std::string& who) {
  auto r = s.DirectTargetsOf(who);
  if (!r.ok()) return "error: " + r.status().ToString();
  std::string out;
  for (const auto& t : r.value()) out += (out.empty() ? "" : ", ") + t;
  return out;
}

// Counts the files in dir whose name starts with prefix.
int CountFiles(const std::string& dir, const std::string& prefix) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().rfind(prefix, 0) == 0) ++n;
  }
  return n;
}

// A raw Berkeley DB environment on a store's directory, for doing what the
// Store API can't: leaving transactions uncommitted, writing garbage.
class RawEnv {
 public:
  explicit RawEnv(const std::string& dir) {
    CHECK_EQUAL(0, db_env_create(&env_, 0));
    int ret = env_->open(env_, dir.c_str(),
                         DB_CREATE | DB_INIT_TXN | DB_INIT_LOG | DB_INIT_LOCK | DB_INIT_MPOOL | DB_RECOVER |
                             DB_REGISTER,
                         0600);
    CHECK_TEXT(ret == 0, db_strerror(ret));
  }
  ~RawEnv() {
    for (DB* db : dbs_) db->close(db, 0);
    env_->close(env_, 0);
  }
  RawEnv(const RawEnv&) = delete;
  RawEnv& operator=(const RawEnv&) = delete;

  DB* Open(const char* file) {
    DB* db = nullptr;
    CHECK_EQUAL(0, db_create(&db, env_, 0));
    int ret = db->open(db, nullptr, file, nullptr, DB_BTREE, DB_CREATE | DB_AUTO_COMMIT, 0600);
    CHECK_TEXT(ret == 0, db_strerror(ret));
    dbs_.push_back(db);
    return db;
  }
  DB_ENV* env() { return env_; }

  static int Put(DB* db, DB_TXN* txn, const std::string& key, const std::string& val) {
    DBT k, v;
    std::memset(&k, 0, sizeof k);
    std::memset(&v, 0, sizeof v);
    k.data = const_cast<char*>(key.data());
    k.size = static_cast<u_int32_t>(key.size());
    v.data = const_cast<char*>(val.data());
    v.size = static_cast<u_int32_t>(val.size());
    return db->put(db, txn, &k, &v, 0);
  }

 private:
  DB_ENV* env_ = nullptr;
  std::vector<DB*> dbs_;
};

// Writes a message with a history key and msgid entry inside a transaction
// of env that is left open. The caller commits, aborts or dies.
DB_TXN* WriteUncommitted(RawEnv& env, const HistoryRecord& rec) {
  DB* history = env.Open("history.db");
  DB* msgids = env.Open("history_msgid.db");
  DB_TXN* txn = nullptr;
  CHECK_EQUAL(0, env.env()->txn_begin(env.env(), nullptr, &txn, 0));
  chatd::store::HistoryPos pos{chatd::store::EncodeTime(rec.time_ms), 1u << 30};
  CHECK_EQUAL(0, RawEnv::Put(history, txn, chatd::store::HistoryKey(rec.target, pos),
                             chatd::store::EncodeHistory(rec)));
  CHECK_EQUAL(0, RawEnv::Put(msgids, txn, chatd::store::MsgidKey(rec.target, rec.msgid),
                             chatd::store::EncodePos(pos)));
  return txn;
}

// Reads one line (up to '\n') from fd.
std::string ReadLine(int fd) {
  std::string line;
  char c;
  while (read(fd, &c, 1) == 1 && c != '\n') line.push_back(c);
  return line;
}

void WriteAll(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = write(fd, s.data() + off, s.size() - off);
    if (n <= 0) _exit(3);
    off += static_cast<size_t>(n);
  }
}

// Forks a child that runs body(write_fd) and then blocks until killed. The
// parent reads the child's first line, kill -9s it and reaps it.
template <typename F>
std::string RunChildAndKill(F body) {
  int fds[2];
  CHECK_EQUAL(0, pipe(fds));
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
    for (;;) pause();
  }
  close(fds[1]);
  std::string line = ReadLine(fds[0]);
  close(fds[0]);
  CHECK_EQUAL(0, kill(pid, SIGKILL));
  int status = 0;
  CHECK_EQUAL(pid, waitpid(pid, &status, 0));
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return line;
}

// Runs body in a child process and returns what it wrote (child exits).
template <typename F>
std::string RunChild(F body) {
  int fds[2];
  CHECK_EQUAL(0, pipe(fds));
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    body(fds[1]);
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return out;
}

}  // namespace

// ---------------------------------------------------------------- fixture

// A store of either kind; for BdbStore, in its own temporary directory.
class StoreFixture : public Utest {
 public:
  Store& s() { return *store_; }
  bool durable() const { return dir_ != nullptr; }
  // Closes and reopens a Berkeley DB store, so what follows reads what was
  // persisted. The memory store just stays as it is.
  void Reopen() {
    if (!durable()) return;
    store_.reset();
    store_ = MustOpen(dir_->path());
  }

 protected:
  void OpenStore(bool bdb) {
    if (bdb) {
      dir_ = std::make_unique<TempDir>();
      store_ = MustOpen(dir_->path());
    } else {
      store_ = chatd::NewMemStore();
    }
  }
  void CloseStore() {
    store_.reset();
    dir_.reset();
  }

 private:
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<Store> store_;
};

TEST_GROUP_BASE(MemStore, StoreFixture) {
  void setup() override { OpenStore(false); }
  void teardown() override { CloseStore(); }
};

TEST_GROUP_BASE(BdbStore, StoreFixture) {
  void setup() override { OpenStore(true); }
  void teardown() override { CloseStore(); }
};

// Defines a test body run on both stores.
#define STORE_TEST(name)                       \
  static void name##Body(StoreFixture& f);     \
  TEST(MemStore, name) { name##Body(*this); }  \
  TEST(BdbStore, name) { name##Body(*this); }  \
  static void name##Body(StoreFixture& f)

// ---------------------------------------------------------------- accounts

STORE_TEST(AccountCreateThenGetByAnyCase) {
  CHECK_OK(f.s().CreateAccount(Account("Alice")));
  f.Reopen();
  for (const char* name : {"Alice", "alice", "ALICE"}) {
    auto r = f.s().GetAccount(name);
    CHECK_OK(r.status());
    const AccountRecord& a = r.value();
    STRCMP_EQUAL("Alice", a.name.c_str());
    STRCMP_EQUAL("Alice@example.org", a.email.c_str());
    CHECK_EQUAL(4096u, a.iterations);
    CHECK(a.salt == std::string("\x00\x01salt\xff", 7));
    CHECK(a.stored_key == std::string(32, '\x11'));
    CHECK(a.server_key == std::string(32, '\x22'));
    STRCMP_EQUAL("user", a.role.c_str());
    CHECK_FALSE(a.disabled);
    CHECK_EQUAL(1700000000123, a.created_ms);
  }
  CHECK_CODE(kNotFound, f.s().GetAccount("bob").status());
}

STORE_TEST(AccountCreateTakenNameFailsWhateverTheCase) {
  CHECK_OK(f.s().CreateAccount(Account("bob")));
  chat::Status st = f.s().CreateAccount(Account("BOB"));
  CHECK_CODE(kInvalidArgument, st);
  STRCMP_EQUAL("exists", st.message().c_str());
  STRCMP_EQUAL("bob", f.s().GetAccount("Bob").value().name.c_str());
  CHECK_CODE(kInvalidArgument, f.s().CreateAccount(Account("")));
}

STORE_TEST(AccountUpdateReplacesAndNeedsAnAccount) {
  AccountRecord a = Account("carol");
  CHECK_CODE(kNotFound, f.s().UpdateAccount(a));
  CHECK_OK(f.s().CreateAccount(a));
  a.name = "Carol";  // a new display spelling of the same account
  a.role = "admin";
  a.disabled = true;
  a.email.clear();
  CHECK_OK(f.s().UpdateAccount(a));
  f.Reopen();
  auto r = f.s().GetAccount("carol");
  CHECK_OK(r.status());
  STRCMP_EQUAL("Carol", r.value().name.c_str());
  STRCMP_EQUAL("admin", r.value().role.c_str());
  CHECK(r.value().disabled);
  STRCMP_EQUAL("", r.value().email.c_str());
}

STORE_TEST(AccountDeleteRemovesAndSecondDeleteIsNotFound) {
  CHECK_OK(f.s().CreateAccount(Account("dave")));
  CHECK_OK(f.s().DeleteAccount("DAVE"));
  CHECK_CODE(kNotFound, f.s().GetAccount("dave").status());
  CHECK_CODE(kNotFound, f.s().DeleteAccount("dave"));
  CHECK_OK(f.s().CreateAccount(Account("Dave")));  // the name is free again
}

STORE_TEST(AccountListIsInFoldedOrder) {
  for (const char* n : {"zed", "Bob", "alice", "Carol"}) CHECK_OK(f.s().CreateAccount(Account(n)));
  f.Reopen();
  auto r = f.s().ListAccounts();
  CHECK_OK(r.status());
  std::string names;
  for (const auto& a : r.value()) names += a.name + " ";
  STRCMP_EQUAL("alice Bob Carol zed ", names.c_str());
}

// ---------------------------------------------------------------- channels

STORE_TEST(ChannelPutGetRoundTripsEveryField) {
  ChannelRecord c = Channel("#Chat");
  CHECK_OK(f.s().PutChannel(c));
  f.Reopen();
  auto r = f.s().GetChannel("#chat");
  CHECK_OK(r.status());
  CheckChannelEqual(c, r.value());
  CHECK_CODE(kNotFound, f.s().GetChannel("#other").status());
}

STORE_TEST(ChannelPutReplaces) {
  CHECK_OK(f.s().PutChannel(Channel("#chat")));
  ChannelRecord c;
  c.name = "#CHAT";
  c.topic = "new";
  CHECK_OK(f.s().PutChannel(c));
  auto r = f.s().GetChannel("#Chat");
  CHECK_OK(r.status());
  CheckChannelEqual(c, r.value());
  CHECK_EQUAL(1u, f.s().ListChannels().value().size());
}

STORE_TEST(ChannelDeleteAlsoDeletesItsHistory) {
  CHECK_OK(f.s().PutChannel(Channel("#Chat")));
  Fill(f.s(), "#chat", 5);
  Fill(f.s(), "#chat2", 2);
  CHECK_OK(f.s().DeleteChannel("#CHAT"));
  f.Reopen();
  CHECK_CODE(kNotFound, f.s().GetChannel("#chat").status());
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#chat", Star(), 100).c_str());
  STRCMP_EQUAL("m0 m1", Query(f.s(), kLatest, "#chat2", Star(), 100).c_str());
  CHECK_OK(f.s().AppendHistory(Msg("#chat", "m0", 5000)));  // msgid index cleared too
  CHECK_CODE(kNotFound, f.s().DeleteChannel("#chat"));
  // ... but even then the history of that name is gone.
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#chat", Star(), 100).c_str());
}

STORE_TEST(ChannelListIsInFoldedOrder) {
  for (const char* n : {"#b", "#A", "#c"}) CHECK_OK(f.s().PutChannel(Channel(n)));
  CHECK_OK(f.s().DeleteChannel("#c"));
  f.Reopen();
  auto r = f.s().ListChannels();
  CHECK_OK(r.status());
  std::string names;
  for (const auto& c : r.value()) names += c.name + " ";
  STRCMP_EQUAL("#A #b ", names.c_str());
}

// ---------------------------------------------------------------- history

STORE_TEST(HistoryRecordRoundTrips) {
  HistoryRecord m = Msg("#chan", "abc", -1234);
  m.command = "TAGMSG";
  m.text.clear();
  m.account.clear();
  CHECK_OK(f.s().AppendHistory(m));
  f.Reopen();
  auto r = f.s().QueryHistory(HistoryQuery{"#chan", kLatest, {}, {}, 10});
  CHECK_OK(r.status());
  CHECK_EQUAL(1u, r.value().size());
  const HistoryRecord& g = r.value()[0];
  STRCMP_EQUAL("#chan", g.target.c_str());
  STRCMP_EQUAL("abc", g.msgid.c_str());
  CHECK_EQUAL(-1234, g.time_ms);
  STRCMP_EQUAL("TAGMSG", g.command.c_str());
  STRCMP_EQUAL("alice!a@192.0.2.1", g.source.c_str());
  STRCMP_EQUAL("", g.account.c_str());
  STRCMP_EQUAL("#chan", g.to.c_str());
  STRCMP_EQUAL("", g.text.c_str());
  STRCMP_EQUAL("+draft/reply=x", g.tags.c_str());
}

STORE_TEST(HistoryLatestUnboundedGivesTheNewest) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m7 m8 m9", Query(f.s(), kLatest, "#c", Star(), 3).c_str());
  STRCMP_EQUAL("m0 m1 m2 m3 m4 m5 m6 m7 m8 m9", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#c", Star(), 0).c_str());
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#nothing", Star(), 10).c_str());
}

STORE_TEST(HistoryLatestWithBoundGivesTheNewestAfterIt) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m6 m7 m8 m9", Query(f.s(), kLatest, "#c", Id("m5"), 100).c_str());
  STRCMP_EQUAL("m8 m9", Query(f.s(), kLatest, "#c", Id("m5"), 2).c_str());
  STRCMP_EQUAL("m6 m7 m8 m9", Query(f.s(), kLatest, "#c", Ts(1005), 100).c_str());
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#c", Id("m9"), 100).c_str());
}

STORE_TEST(HistoryBeforeIsExclusive) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m2 m3 m4", Query(f.s(), kBefore, "#c", Id("m5"), 3).c_str());
  STRCMP_EQUAL("m2 m3 m4", Query(f.s(), kBefore, "#c", Ts(1005), 3).c_str());
  STRCMP_EQUAL("m0 m1 m2 m3 m4", Query(f.s(), kBefore, "#c", Id("m5"), 100).c_str());
  STRCMP_EQUAL("", Query(f.s(), kBefore, "#c", Id("m0"), 100).c_str());
  STRCMP_EQUAL("m8 m9", Query(f.s(), kBefore, "#c", Ts(99999), 2).c_str());
}

STORE_TEST(HistoryAfterIsExclusive) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m6 m7 m8", Query(f.s(), kAfter, "#c", Id("m5"), 3).c_str());
  STRCMP_EQUAL("m6 m7 m8", Query(f.s(), kAfter, "#c", Ts(1005), 3).c_str());
  STRCMP_EQUAL("m6 m7 m8 m9", Query(f.s(), kAfter, "#c", Id("m5"), 100).c_str());
  STRCMP_EQUAL("", Query(f.s(), kAfter, "#c", Id("m9"), 100).c_str());
  STRCMP_EQUAL("m0 m1", Query(f.s(), kAfter, "#c", Ts(1), 2).c_str());
}

STORE_TEST(HistoryAroundSplitsTheLimitAndIncludesTheMsgid) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m3 m4 m5 m6 m7", Query(f.s(), kAround, "#c", Id("m5"), 5).c_str());
  STRCMP_EQUAL("m4 m5 m6 m7", Query(f.s(), kAround, "#c", Id("m6"), 4).c_str());
  STRCMP_EQUAL("m5", Query(f.s(), kAround, "#c", Id("m5"), 1).c_str());
  STRCMP_EQUAL("m3 m4 m5 m6", Query(f.s(), kAround, "#c", Ts(1005), 4).c_str());
  // Near either end the other side makes up the difference.
  STRCMP_EQUAL("m4 m5 m6 m7 m8 m9", Query(f.s(), kAround, "#c", Id("m8"), 6).c_str());
  STRCMP_EQUAL("m0 m1 m2 m3 m4 m5", Query(f.s(), kAround, "#c", Id("m1"), 6).c_str());
  STRCMP_EQUAL("m9", Query(f.s(), kAround, "#c", Ts(5000), 1).c_str());
  STRCMP_EQUAL("m0 m1 m2 m3 m4 m5 m6 m7 m8 m9", Query(f.s(), kAround, "#c", Id("m3"), 100).c_str());
}

STORE_TEST(HistoryBetweenIsExclusiveAndStartsFromTheFirstBound) {
  Fill(f.s(), "#c", 10);
  STRCMP_EQUAL("m3 m4 m5 m6", Query(f.s(), kBetween, "#c", Id("m2"), 100, Id("m7")).c_str());
  STRCMP_EQUAL("m3 m4", Query(f.s(), kBetween, "#c", Id("m2"), 2, Id("m7")).c_str());
  // Reversed: the `limit` closest to a, still ascending.
  STRCMP_EQUAL("m5 m6", Query(f.s(), kBetween, "#c", Id("m7"), 2, Id("m2")).c_str());
  STRCMP_EQUAL("m3 m4 m5 m6", Query(f.s(), kBetween, "#c", Id("m7"), 100, Id("m2")).c_str());
  STRCMP_EQUAL("m3 m4 m5 m6", Query(f.s(), kBetween, "#c", Ts(1002), 100, Ts(1007)).c_str());
  STRCMP_EQUAL("m5 m6", Query(f.s(), kBetween, "#c", Ts(1007), 2, Ts(1002)).c_str());
  STRCMP_EQUAL("m3 m4 m5 m6", Query(f.s(), kBetween, "#c", Id("m2"), 100, Ts(1007)).c_str());
  STRCMP_EQUAL("m5 m6 m7", Query(f.s(), kBetween, "#c", Ts(1008), 100, Id("m4")).c_str());
  STRCMP_EQUAL("", Query(f.s(), kBetween, "#c", Id("m4"), 100, Id("m4")).c_str());
  STRCMP_EQUAL("", Query(f.s(), kBetween, "#c", Id("m4"), 100, Id("m5")).c_str());
}

STORE_TEST(HistoryQueryWithUnknownMsgidIsNotFound) {
  Fill(f.s(), "#c", 3);
  Fill(f.s(), "#d", 3, 1000, "d");
  for (auto kind : {kLatest, kBefore, kAfter, kAround, kBetween}) {
    std::string got = Query(f.s(), kind, "#c", Id("nope"), 10, Id("m1"));
    CHECK_CONTAINS("error: Not found", got);
  }
  CHECK_CONTAINS("error: Not found", Query(f.s(), kBetween, "#c", Id("m0"), 10, Id("nope")));
  // A msgid of another conversation doesn't resolve either.
  CHECK_CONTAINS("error: Not found", Query(f.s(), kAfter, "#c", Id("d1"), 10));
}

STORE_TEST(HistoryAroundAndBetweenNeedBounds) {
  Fill(f.s(), "#c", 3);
  CHECK_CONTAINS("error: Invalid argument", Query(f.s(), kAround, "#c", Star(), 10));
  CHECK_CONTAINS("error: Invalid argument", Query(f.s(), kBetween, "#c", Id("m0"), 10, Star()));
  STRCMP_EQUAL("m1 m2", Query(f.s(), kBefore, "#c", Star(), 2).c_str());
  STRCMP_EQUAL("m0 m1", Query(f.s(), kAfter, "#c", Star(), 2).c_str());
}

STORE_TEST(HistoryDuplicateMsgidIsRejectedPerTarget) {
  CHECK_OK(f.s().AppendHistory(Msg("#c", "x", 1000, "first")));
  CHECK_CODE(kInvalidArgument, f.s().AppendHistory(Msg("#c", "x", 2000, "second")));
  CHECK_OK(f.s().AppendHistory(Msg("#d", "x", 2000)));  // unique per target only
  f.Reopen();
  CHECK_CODE(kInvalidArgument, f.s().AppendHistory(Msg("#c", "x", 3000, "third")));
  auto r = f.s().QueryHistory(HistoryQuery{"#c", kLatest, {}, {}, 10});
  CHECK_OK(r.status());
  CHECK_EQUAL(1u, r.value().size());
  STRCMP_EQUAL("first", r.value()[0].text.c_str());
}

STORE_TEST(HistoryRejectsRecordsWithoutKeys) {
  CHECK_CODE(kInvalidArgument, f.s().AppendHistory(Msg("#c", "", 1000)));
  HistoryRecord m = Msg("#c", "x", 1000);
  m.target.clear();
  CHECK_CODE(kInvalidArgument, f.s().AppendHistory(m));
  m.target = std::string("#a\0b", 4);
  CHECK_CODE(kInvalidArgument, f.s().AppendHistory(m));
}

STORE_TEST(HistoryTiesKeepAppendOrder) {
  CHECK_OK(f.s().AppendHistory(Msg("#c", "a", 900)));
  for (const char* id : {"x", "y", "z"}) CHECK_OK(f.s().AppendHistory(Msg("#c", id, 1000)));
  CHECK_OK(f.s().AppendHistory(Msg("#c", "b", 1100)));
  f.Reopen();
  CHECK_OK(f.s().AppendHistory(Msg("#c", "w", 1000)));  // after a restart too
  STRCMP_EQUAL("a x y z w b", Query(f.s(), kLatest, "#c", Star(), 10).c_str());
  STRCMP_EQUAL("a x y", Query(f.s(), kBefore, "#c", Id("z"), 10).c_str());
  STRCMP_EQUAL("y z w", Query(f.s(), kAfter, "#c", Id("x"), 3).c_str());
  STRCMP_EQUAL("y z", Query(f.s(), kBetween, "#c", Id("x"), 10, Id("w")).c_str());
  // A timestamp equal to theirs excludes all of them, either side.
  STRCMP_EQUAL("b", Query(f.s(), kAfter, "#c", Ts(1000), 10).c_str());
  STRCMP_EQUAL("a", Query(f.s(), kBefore, "#c", Ts(1000), 10).c_str());
  STRCMP_EQUAL("a x y z w", Query(f.s(), kAround, "#c", Ts(1000), 5).c_str());
}

STORE_TEST(HistoryIsOrderedByTimeNotByAppend) {
  CHECK_OK(f.s().AppendHistory(Msg("#c", "late", 3000)));
  CHECK_OK(f.s().AppendHistory(Msg("#c", "early", 1000)));
  CHECK_OK(f.s().AppendHistory(Msg("#c", "neg", -5)));
  CHECK_OK(f.s().AppendHistory(Msg("#c", "mid", 2000)));
  STRCMP_EQUAL("neg early mid late", Query(f.s(), kLatest, "#c", Star(), 10).c_str());
  STRCMP_EQUAL("early mid", Query(f.s(), kBetween, "#c", Ts(-1), 10, Ts(2500)).c_str());
}

STORE_TEST(HistoryTargetsDoNotBleedIntoEachOther) {
  // "#a" is a prefix of the others' keys.
  Fill(f.s(), "#a", 3, 1000, "a");
  Fill(f.s(), "#ab", 3, 1000, "ab");
  Fill(f.s(), "#a b", 3, 1000, "sp");
  Fill(f.s(), "#", 3, 1000, "h");
  STRCMP_EQUAL("a0 a1 a2", Query(f.s(), kLatest, "#a", Star(), 10).c_str());
  STRCMP_EQUAL("a1 a2", Query(f.s(), kAfter, "#a", Id("a0"), 10).c_str());
  STRCMP_EQUAL("a0 a1", Query(f.s(), kBefore, "#a", Id("a2"), 2).c_str());
  STRCMP_EQUAL("a1 a2", Query(f.s(), kBefore, "#a", Ts(5000), 2).c_str());
  STRCMP_EQUAL("ab0 ab1 ab2", Query(f.s(), kLatest, "#ab", Star(), 10).c_str());
  STRCMP_EQUAL("h0 h1 h2", Query(f.s(), kAfter, "#", Ts(0 + 1), 10).c_str());
  STRCMP_EQUAL("sp2", Query(f.s(), kLatest, "#a b", Star(), 1).c_str());
}

STORE_TEST(HistoryDeleteRemovesOneTarget) {
  Fill(f.s(), "#a", 3);
  Fill(f.s(), "#b", 3);
  CHECK_OK(f.s().DeleteHistory("#a"));
  CHECK_OK(f.s().DeleteHistory("#never"));
  f.Reopen();
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#a", Star(), 10).c_str());
  STRCMP_EQUAL("m0 m1 m2", Query(f.s(), kLatest, "#b", Star(), 10).c_str());
  CHECK_OK(f.s().AppendHistory(Msg("#a", "m1", 1)));
}

STORE_TEST(HistoryDeleteOfManyMessagesCompletes) {
  Fill(f.s(), "#big", 2500);  // more than one deletion batch
  Fill(f.s(), "#small", 2);
  CHECK_OK(f.s().DeleteHistory("#big"));
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#big", Star(), 10).c_str());
  STRCMP_EQUAL("m0 m1", Query(f.s(), kLatest, "#small", Star(), 10).c_str());
}

STORE_TEST(ListTargetsIsNewestFirstWithinTheWindow) {
  Fill(f.s(), "#a", 6);                   // latest 1005
  Fill(f.s(), "#b", 3, 1008);             // latest 1010
  Fill(f.s(), "@alice bob", 4, 1000, "d");  // latest 1003
  Fill(f.s(), "#z", 1, 2000);
  std::vector<std::string> mine = {"#a", "#b", "@alice bob", "#empty", "#a"};
  STRCMP_EQUAL("#b=1010/#b, #a=1005/#a, @alice bob=1003/bob", ListTargets(f.s(), mine, 0, 1500, 10).c_str());
  // (from, to]: the newest message inside the window counts.
  STRCMP_EQUAL("#b=1009/#b, #a=1005/#a", ListTargets(f.s(), mine, 1003, 1009, 10).c_str());
  STRCMP_EQUAL("#b=1009/#b, #a=1005/#a", ListTargets(f.s(), mine, 1009, 1003, 10).c_str());
  STRCMP_EQUAL("#b=1010/#b", ListTargets(f.s(), mine, 0, 1500, 1).c_str());
  STRCMP_EQUAL("", ListTargets(f.s(), mine, 1010, 1500, 10).c_str());
  STRCMP_EQUAL("", ListTargets(f.s(), {}, 0, 1500, 10).c_str());
  // Equal times: by key.
  CHECK_OK(f.s().AppendHistory(Msg("#a", "n", 1010)));
  STRCMP_EQUAL("#a=1010/#a, #b=1010/#b", ListTargets(f.s(), mine, 0, 1500, 2).c_str());
}

STORE_TEST(DirectTargetsOfListsEachParticipantsConversations) {
  Fill(f.s(), "@alice bob", 2, 1000, "ab");
  Fill(f.s(), "@alice carol", 2, 1000, "ac");
  Fill(f.s(), "@bob carol", 1, 1000, "bc");
  Fill(f.s(), "#alice", 1);
  f.Reopen();
  STRCMP_EQUAL("@alice bob, @alice carol", Direct(f.s(), "alice").c_str());
  STRCMP_EQUAL("@alice bob, @alice carol", Direct(f.s(), "ALICE").c_str());
  STRCMP_EQUAL("@alice bob, @bob carol", Direct(f.s(), "bob").c_str());
  STRCMP_EQUAL("", Direct(f.s(), "dave").c_str());
  STRCMP_EQUAL("", Direct(f.s(), "ali").c_str());
  CHECK_OK(f.s().DeleteHistory("@alice bob"));
  STRCMP_EQUAL("@alice carol", Direct(f.s(), "alice").c_str());
  STRCMP_EQUAL("@bob carol", Direct(f.s(), "bob").c_str());
}

STORE_TEST(PruneByAgeDropsOlderMessagesAndTheirMsgids) {
  Fill(f.s(), "#c", 10);  // 1000..1009
  Fill(f.s(), "#d", 2, 500, "d");
  auto r = f.s().Prune(1010, 5, 0);  // keeps time >= 1005
  CHECK_OK(r.status());
  CHECK_EQUAL(7u, r.value());
  f.Reopen();
  STRCMP_EQUAL("m5 m6 m7 m8 m9", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
  STRCMP_EQUAL("", Query(f.s(), kLatest, "#d", Star(), 100).c_str());
  CHECK_CONTAINS("error: Not found", Query(f.s(), kAfter, "#c", Id("m4"), 10));
  CHECK_OK(f.s().AppendHistory(Msg("#c", "m0", 1020)));
  CHECK_EQUAL(0u, f.s().Prune(1010, 5, 0).value());
}

STORE_TEST(PruneByCountKeepsTheNewestOfEachTarget) {
  Fill(f.s(), "#c", 10);
  Fill(f.s(), "#d", 3, 1000, "d");
  auto r = f.s().Prune(99999, 0, 4);
  CHECK_OK(r.status());
  CHECK_EQUAL(6u, r.value());
  STRCMP_EQUAL("m6 m7 m8 m9", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
  STRCMP_EQUAL("d0 d1 d2", Query(f.s(), kLatest, "#d", Star(), 100).c_str());
  // Both rules: whichever removes more.
  r = f.s().Prune(1010, 2, 3);
  CHECK_OK(r.status());
  CHECK_EQUAL(5u, r.value());  // #c keeps m8 m9 (age), #d keeps none (age)
  STRCMP_EQUAL("m8 m9", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
  CHECK_EQUAL(0u, f.s().Prune(0, 0, 0).value());
}

STORE_TEST(PruneOfAWholeDirectConversationDropsItsIndex) {
  Fill(f.s(), "@alice bob", 3, 1000, "ab");
  Fill(f.s(), "@alice carol", 3, 5000, "ac");
  CHECK_EQUAL(3u, f.s().Prune(6000, 2000, 0).value());
  STRCMP_EQUAL("@alice carol", Direct(f.s(), "alice").c_str());
  STRCMP_EQUAL("", Direct(f.s(), "bob").c_str());
}

// ---------------------------------------------------------------- outbox labels
// chatd.dev/outbox (doc/protocol.md): an idempotency key stored with its
// message, found again until the message goes.

const std::string kLabel("alice\0#c\0L1", 11);

STORE_TEST(LabelFindsItsMessageAfterReopen) {
  Fill(f.s(), "#c", 2);
  HistoryRecord m = Msg("#c", "labeled", 1005);
  m.label_key = kLabel;
  CHECK_OK(f.s().AppendHistory(m));
  f.Reopen();
  auto r = f.s().FindByLabel(kLabel);
  CHECK_OK(r.status());
  STRCMP_EQUAL("labeled", r.value().msgid.c_str());
  CHECK_EQUAL(1005, r.value().time_ms);
  CHECK(r.value().label_key == kLabel);
  STRCMP_EQUAL("+draft/reply=x", r.value().tags.c_str());
  CHECK_CODE(kNotFound, f.s().FindByLabel(std::string("alice\0#c\0L2", 11)).status());
  CHECK_CODE(kNotFound, f.s().FindByLabel("alice").status());
}

STORE_TEST(LabelHeldByAStoredMessageIsRejectedAndNothingIsStored) {
  HistoryRecord m = Msg("#c", "first", 1000);
  m.label_key = kLabel;
  CHECK_OK(f.s().AppendHistory(m));
  HistoryRecord again = Msg("#c", "second", 1001);
  again.label_key = kLabel;
  chat::Status st = f.s().AppendHistory(again);
  CHECK_CODE(kInvalidArgument, st);
  STRCMP_EQUAL("duplicate label key", st.message().c_str());
  f.Reopen();
  STRCMP_EQUAL("first", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
  STRCMP_EQUAL("first", f.s().FindByLabel(kLabel).value().msgid.c_str());
  // Messages without a key never collide.
  Fill(f.s(), "#c", 2, 2000, "plain");
  STRCMP_EQUAL("first plain0 plain1", Query(f.s(), kLatest, "#c", Star(), 100).c_str());
}

STORE_TEST(LabelGoesWithItsPrunedMessage) {
  HistoryRecord old = Msg("#c", "old", 1000);
  old.label_key = kLabel;
  CHECK_OK(f.s().AppendHistory(old));
  HistoryRecord kept = Msg("#c", "kept", 5000);
  kept.label_key = kLabel + "b";
  CHECK_OK(f.s().AppendHistory(kept));
  CHECK_EQUAL(1u, f.s().Prune(6000, 2000, 0).value());
  f.Reopen();
  CHECK_CODE(kNotFound, f.s().FindByLabel(kLabel).status());
  STRCMP_EQUAL("kept", f.s().FindByLabel(kLabel + "b").value().msgid.c_str());
  // The key is free again.
  HistoryRecord reuse = Msg("#c", "reuse", 5500);
  reuse.label_key = kLabel;
  CHECK_OK(f.s().AppendHistory(reuse));
  STRCMP_EQUAL("reuse", f.s().FindByLabel(kLabel).value().msgid.c_str());
}

STORE_TEST(LabelGoesWithDeletedHistoryAndChannels) {
  HistoryRecord dm = Msg("@alice bob", "d", 1000);
  dm.label_key = "dm";
  CHECK_OK(f.s().AppendHistory(dm));
  CHECK_OK(f.s().PutChannel(Channel("#c")));
  HistoryRecord ch = Msg("#c", "c", 1000);
  ch.label_key = "ch";
  CHECK_OK(f.s().AppendHistory(ch));
  CHECK_OK(f.s().DeleteHistory("@alice bob"));
  CHECK_OK(f.s().DeleteChannel("#c"));
  f.Reopen();
  CHECK_CODE(kNotFound, f.s().FindByLabel("dm").status());
  CHECK_CODE(kNotFound, f.s().FindByLabel("ch").status());
}

STORE_TEST(FlushAndCheckpointSucceed) {
  Fill(f.s(), "#c", 3);
  CHECK_OK(f.s().Flush());
  CHECK_OK(f.s().Checkpoint());
  CHECK_OK(f.s().Checkpoint());
}

// ---------------------------------------------------------------- codec

TEST_GROUP(StoreCodec){};

TEST(StoreCodec, EveryTruncationOfARecordIsCorruption) {
  const std::string where = "x.db key \"k\"";
  std::string enc[] = {chatd::store::EncodeAccount(Account("alice")), chatd::store::EncodeChannel(Channel("#c")),
                       chatd::store::EncodeHistory(Msg("#c", "id", 5))};
  for (int kind = 0; kind < 3; ++kind) {
    for (size_t n = 0; n < enc[kind].size(); ++n) {
      std::string_view cut(enc[kind].data(), n);
      AccountRecord a;
      ChannelRecord c;
      HistoryRecord h;
      chat::Status st = kind == 0   ? chatd::store::DecodeAccount(cut, where, &a)
                        : kind == 1 ? chatd::store::DecodeChannel(cut, where, &c)
                                    : chatd::store::DecodeHistory(cut, where, &h);
      CHECK_CODE(kCorruption, st);
      CHECK_CONTAINS("corrupt record in x.db key \"k\"", st.message());
    }
  }
}

TEST(StoreCodec, RecordsRoundTripAndIgnoreTrailingFields) {
  ChannelRecord in = Channel("#c");
  std::string enc = chatd::store::EncodeChannel(in) + std::string("\x05hello\x01", 7);  // a newer version's field
  ChannelRecord out;
  CHECK_OK(chatd::store::DecodeChannel(enc, "w", &out));
  CheckChannelEqual(in, out);
  enc[0] = 7;  // a later compatible version
  CHECK_OK(chatd::store::DecodeChannel(enc, "w", &out));
}

// Version 1 history records (before label_key) still decode, without a key.
TEST(StoreCodec, Version1HistoryRecordsDecodeWithoutLabel) {
  HistoryRecord in = Msg("#c", "id", 5);
  std::string enc = chatd::store::EncodeHistory(in);
  CHECK_EQUAL(3, enc[0]);
  CHECK_EQUAL('\0', enc.back());  // the empty label_key
  enc.pop_back();
  HistoryRecord out;
  CHECK_CODE(kCorruption, chatd::store::DecodeHistory(enc, "w", &out));  // version 2 needs it
  enc[0] = 1;
  CHECK_OK(chatd::store::DecodeHistory(enc, "w", &out));
  STRCMP_EQUAL("id", out.msgid.c_str());
  STRCMP_EQUAL("+draft/reply=x", out.tags.c_str());
  STRCMP_EQUAL("", out.label_key.c_str());
  in.label_key = std::string("k\0ey", 4);
  CHECK_OK(chatd::store::DecodeHistory(chatd::store::EncodeHistory(in), "w", &out));
  CHECK(out.label_key == in.label_key);
}

// Version 2 account records (before delivered_ms) decode with no mark;
// version 3 keeps it.
TEST(StoreCodec, Version2AccountRecordsDecodeWithoutDeliveredMark) {
  AccountRecord in = Account("a");
  in.delivered_ms = 1765000000123;
  AccountRecord out;
  CHECK_OK(chatd::store::DecodeAccount(chatd::store::EncodeAccount(in), "w", &out));
  CHECK_EQUAL(in.delivered_ms, out.delivered_ms);
  in.delivered_ms = 0;
  std::string enc = chatd::store::EncodeAccount(in);
  CHECK_EQUAL('\0', enc.back());  // delivered_ms 0
  enc.pop_back();
  CHECK_CODE(kCorruption, chatd::store::DecodeAccount(enc, "w", &out));  // version 3 needs it
  enc[0] = 2;
  out.delivered_ms = 5;
  CHECK_OK(chatd::store::DecodeAccount(enc, "w", &out));
  CHECK_EQUAL(0, out.delivered_ms);
  STRCMP_EQUAL("a", out.name.c_str());
}

TEST(StoreCodec, UnknownOrIncompatibleVersionsAreCorruption) {
  std::string enc = chatd::store::EncodeHistory(Msg("#c", "id", 5));
  HistoryRecord h;
  enc[0] = 0;
  CHECK_CODE(kCorruption, chatd::store::DecodeHistory(enc, "w", &h));
  enc[0] = static_cast<char>(200);
  chat::Status st = chatd::store::DecodeHistory(enc, "w", &h);
  CHECK_CODE(kCorruption, st);
  CHECK_CONTAINS("newer", st.message());
  CHECK_CODE(kCorruption, chatd::store::DecodeHistory("", "w", &h));
}

TEST(StoreCodec, MalformedFieldsAreCorruption) {
  AccountRecord a;
  // A boolean that is neither 0 nor 1: the record ends disabled=0,
  // created_ms=0, delivered_ms=0.
  AccountRecord acc = Account("a");
  acc.created_ms = 0;
  std::string enc = chatd::store::EncodeAccount(acc);
  CHECK_OK(chatd::store::DecodeAccount(enc, "w", &a));
  enc[enc.size() - 3] = 2;
  CHECK_CODE(kCorruption, chatd::store::DecodeAccount(enc, "w", &a));
  // A varint longer than 64 bits.
  std::string bad = std::string("\x01", 1) + std::string(11, '\xff');
  CHECK_CODE(kCorruption, chatd::store::DecodeAccount(bad, "w", &a));
  // A string length beyond the end.
  CHECK_CODE(kCorruption, chatd::store::DecodeAccount(std::string("\x01\x7f" "abc", 5), "w", &a));
  // An iteration count beyond 32 bits (version, name "", email "", 2^33).
  chat::Status st = chatd::store::DecodeAccount(std::string("\x01\x00\x00\x80\x80\x80\x80\x20", 8), "w", &a);
  CHECK_CODE(kCorruption, st);
  CHECK_CONTAINS("iterations", st.message());
  chatd::store::HistoryPos p;
  CHECK_FALSE(chatd::store::DecodePos("short", &p));
}

TEST(StoreCodec, HistoryKeysSortByTimeThenSequence) {
  using chatd::store::EncodeTime;
  using chatd::store::HistoryKey;
  using chatd::store::HistoryPos;
  CHECK(HistoryKey("#a", {EncodeTime(-1), 9}) < HistoryKey("#a", {EncodeTime(0), 1}));
  CHECK(HistoryKey("#a", {EncodeTime(5), 1}) < HistoryKey("#a", {EncodeTime(5), 2}));
  CHECK(HistoryKey("#a", {EncodeTime(5), 1}) < HistoryKey("#a", {EncodeTime(256), 0}));
  CHECK(HistoryKey("#a", chatd::store::kPosMax) < HistoryKey("#a b", chatd::store::kPosMin));
  CHECK(HistoryKey("#a", chatd::store::kPosMax) < HistoryKey("#ab", chatd::store::kPosMin));
  std::string_view t;
  HistoryPos p;
  const std::string key = HistoryKey("#x", {EncodeTime(-77), 3});
  CHECK(chatd::store::SplitHistoryKey(key, &t, &p));
  STRCMP_EQUAL("#x", std::string(t).c_str());
  CHECK_EQUAL(-77, chatd::store::DecodeTime(p.time));
  CHECK_EQUAL(3u, p.seq);
  STRCMP_EQUAL("\"#x\" at -77 ms #3",
               chatd::store::PrintableKey(HistoryKey("#x", {EncodeTime(-77), 3}), true).c_str());
  STRCMP_EQUAL("\"a\\x00b\"", chatd::store::PrintableKey(std::string("a\0b", 3), false).c_str());
}

TEST(StoreCodec, DirectParticipantsSplitTheKey) {
  auto p = chatd::store::DirectParticipants("@alice bob");
  CHECK_EQUAL(2u, p.size());
  STRCMP_EQUAL("alice", p[0].c_str());
  STRCMP_EQUAL("bob", p[1].c_str());
  CHECK_EQUAL(1u, chatd::store::DirectParticipants("@alice alice").size());
  CHECK_EQUAL(0u, chatd::store::DirectParticipants("#alice bob").size());
  CHECK_EQUAL(0u, chatd::store::DirectParticipants("").size());
}

// ---------------------------------------------------------------- durable store only

TEST_GROUP(BdbDurability){};

TEST(BdbDurability, EverythingSurvivesCloseAndReopen) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    CHECK_OK(s->CreateAccount(Account("alice")));
    CHECK_OK(s->PutChannel(Channel("#chat")));
    Fill(*s, "#chat", 50);
    Fill(*s, "@alice bob", 5, 1000, "d");
  }
  auto s = MustOpen(dir.path());
  CHECK_OK(s->GetAccount("alice").status());
  CheckChannelEqual(Channel("#chat"), s->GetChannel("#chat").value());
  CHECK_EQUAL(50u, s->QueryHistory(HistoryQuery{"#chat", kLatest, {}, {}, 100}).value().size());
  STRCMP_EQUAL("@alice bob", Direct(*s, "bob").c_str());
}

TEST(BdbDurability, SyncOnCommitStoreWorksToo) {
  TempDir dir;
  chatd::StoreOptions opts;
  opts.sync_on_commit = true;
  opts.cache_mb = 1;
  {
    auto s = MustOpen(dir.path(), opts);
    Fill(*s, "#c", 5);
  }
  auto s = MustOpen(dir.path(), opts);
  STRCMP_EQUAL("m3 m4", Query(*s, kLatest, "#c", Star(), 2).c_str());
}

TEST(BdbDurability, AbortedTransactionIsNotThereAfterReopen) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    Fill(*s, "#c", 3);
  }
  {
    RawEnv env(dir.path());
    DB_TXN* txn = WriteUncommitted(env, Msg("#c", "ghost", 1001));
    CHECK_EQUAL(0, txn->abort(txn));
  }
  auto s = MustOpen(dir.path());
  STRCMP_EQUAL("m0 m1 m2", Query(*s, kLatest, "#c", Star(), 10).c_str());
  CHECK_CONTAINS("error: Not found", Query(*s, kAfter, "#c", Id("ghost"), 10));
  CHECK_OK(s->AppendHistory(Msg("#c", "ghost", 1001)));
}

// AppendHistory leaves its log in memory until WriteLog (chatd calls it
// before anything reaches a socket); after WriteLog, kill -9 loses nothing.
TEST(BdbDurability, KillMinus9KeepsEveryMessageWrittenByWriteLog) {
  TempDir dir;
  const int n = 300;
  std::string line = RunChildAndKill([&](int fd) {
    auto r = chatd::OpenBdbStore(dir.path(), chatd::StoreOptions{});
    if (!r.ok()) {
      WriteAll(fd, "open failed: " + r.status().ToString() + "\n");
      return;
    }
    std::unique_ptr<Store> s = std::move(r).value();
    int i = 0;
    for (; i < n; ++i) {
      if (!s->AppendHistory(Msg("#c", "k" + std::to_string(i), 1000 + i)).ok()) break;
      if (i % 7 == 6 && !s->WriteLog().ok()) break;  // a few messages per flush pass
    }
    if (!s->WriteLog().ok()) i = -1;
    WriteAll(fd, "ok " + std::to_string(i) + "\n");
    s.release();  // never closed: the process dies holding the environment
  });
  STRCMP_EQUAL(("ok " + std::to_string(n)).c_str(), line.c_str());
  alarm(60);  // a hang here would mean recovery didn't run
  auto s = MustOpen(dir.path());
  auto r = s->QueryHistory(HistoryQuery{"#c", kLatest, {}, {}, 1000});
  alarm(0);
  CHECK_OK(r.status());
  CHECK_EQUAL(static_cast<size_t>(n), r.value().size());
  for (int i = 0; i < n; ++i) STRCMP_EQUAL(("k" + std::to_string(i)).c_str(), r.value()[i].msgid.c_str());
  CHECK_OK(s->AppendHistory(Msg("#c", "after", 5000)));
  STRCMP_EQUAL(("k" + std::to_string(n - 1) + " after").c_str(), Query(*s, kLatest, "#c", Star(), 2).c_str());
}

TEST(BdbDurability, KillMinus9RollsBackTheUncommittedTransaction) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    Fill(*s, "#c", 20);
  }
  std::string line = RunChildAndKill([&](int fd) {
    // Never closed: the process dies holding the environment and the
    // transaction's locks.
    RawEnv* env = new RawEnv(dir.path());
    DB_TXN* txn = WriteUncommitted(*env, Msg("#c", "ghost", 1005));
    (void)txn;
    // Force the uncommitted change into the log and the database file, so
    // only recovery's undo can make it disappear.
    env->env()->log_flush(env->env(), nullptr);
    env->env()->memp_sync(env->env(), nullptr);
    WriteAll(fd, "ok\n");
  });
  STRCMP_EQUAL("ok", line.c_str());
  alarm(60);  // without recovery the dead transaction's locks would block us
  auto s = MustOpen(dir.path());
  std::string got = Query(*s, kLatest, "#c", Star(), 100);
  alarm(0);
  CHECK_EQUAL(std::string::npos, got.find("ghost"));
  CHECK_EQUAL(20u, static_cast<size_t>(std::count(got.begin(), got.end(), ' ') + 1));
  CHECK_CONTAINS("error: Not found", Query(*s, kAfter, "#c", Id("ghost"), 10));
  CHECK_OK(s->AppendHistory(Msg("#c", "ghost", 1005)));
}

TEST(BdbDurability, CorruptRecordsAreCorruptionNamingDatabaseAndKey) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    Fill(*s, "#c", 3);
  }
  {
    RawEnv env(dir.path());
    DB* accounts = env.Open("accounts.db");
    DB* history = env.Open("history.db");
    CHECK_EQUAL(0, RawEnv::Put(accounts, nullptr, "mallory", std::string("\x01\x05mal", 5)));
    CHECK_EQUAL(0, RawEnv::Put(history, nullptr,
                               chatd::store::HistoryKey("#c", {chatd::store::EncodeTime(1001), 2}),
                               std::string("\x01\x02#c\x09", 5)));
  }
  auto s = MustOpen(dir.path());
  chat::Status st = s->GetAccount("Mallory").status();
  CHECK_CODE(kCorruption, st);
  CHECK_CONTAINS(dir.path() + "/accounts.db key \"mallory\"", st.message());
  CHECK_CODE(kCorruption, s->ListAccounts().status());
  std::string got = Query(*s, kLatest, "#c", Star(), 10);
  CHECK_CONTAINS("error: Corruption", got);
  CHECK_CONTAINS("history.db key \"#c\" at 1001 ms #2", got);
  // Queries that don't touch the bad record still work; pruning removes it.
  STRCMP_EQUAL("m0", Query(*s, kBefore, "#c", Id("m1"), 10).c_str());
  CHECK_OK(s->DeleteHistory("#c"));
  STRCMP_EQUAL("", Query(*s, kLatest, "#c", Star(), 10).c_str());
}

// What a chatd before history_label.db leaves behind: version 1 records,
// and (had it pruned a labeled message) a label entry naming a message that
// is gone. Both are read as "no label"; the stale entry is replaced.
TEST(BdbDurability, OlderDataReadsWithoutLabelsAndStaleLabelsAreReplaced) {
  TempDir dir;
  { MustOpen(dir.path()); }
  {
    RawEnv env(dir.path());
    DB* history = env.Open("history.db");
    DB* labels = env.Open("history_label.db");
    std::string v1 = chatd::store::EncodeHistory(Msg("#c", "old", 1000));
    v1.pop_back();  // no label_key field
    v1[0] = 1;
    CHECK_EQUAL(0, RawEnv::Put(history, nullptr, chatd::store::HistoryKey("#c", {chatd::store::EncodeTime(1000), 1}),
                               v1));
    CHECK_EQUAL(0, RawEnv::Put(labels, nullptr, kLabel,
                               chatd::store::HistoryKey("#c", {chatd::store::EncodeTime(900), 7})));
  }
  auto s = MustOpen(dir.path());
  auto r = s->QueryHistory(HistoryQuery{"#c", kLatest, {}, {}, 10});
  CHECK_OK(r.status());
  CHECK_EQUAL(1u, r.value().size());
  STRCMP_EQUAL("", r.value()[0].label_key.c_str());
  CHECK_CODE(kNotFound, s->FindByLabel(kLabel).status());
  HistoryRecord m = Msg("#c", "new", 2000);
  m.label_key = kLabel;
  CHECK_OK(s->AppendHistory(m));
  STRCMP_EQUAL("new", s->FindByLabel(kLabel).value().msgid.c_str());
}

TEST(BdbDurability, MissingDataDirIsAClearError) {
  TempDir dir;
  auto r = chatd::OpenBdbStore(dir.path() + "/nope", {});
  CHECK_CODE(kIOError, r.status());
  CHECK_CONTAINS("data_dir " + dir.path() + "/nope does not exist", r.status().message());
}

TEST(BdbDurability, DataDirThatIsAFileIsAClearError) {
  TempDir dir;
  std::string file = dir.path() + "/file";
  FILE* fp = std::fopen(file.c_str(), "w");
  CHECK(fp != nullptr);
  std::fclose(fp);
  auto r = chatd::OpenBdbStore(file, {});
  CHECK_CODE(kIOError, r.status());
  CHECK_CONTAINS("is not a directory", r.status().message());
}

TEST(BdbDurability, UnwritableDataDirIsAClearError) {
  TempDir dir;
  std::string sub = dir.path() + "/ro";
  CHECK_EQUAL(0, mkdir(sub.c_str(), 0700));
  // As root, permissions don't apply: try as nobody in a child instead.
  std::string out = RunChild([&](int fd) {
    if (geteuid() == 0) {
      CHECK_EQUAL(0, chmod(dir.path().c_str(), 0755));
      if (setgid(65534) != 0 || setuid(65534) != 0) {
        WriteAll(fd, "setuid failed");
        return;
      }
    } else {
      chmod(sub.c_str(), 0500);
    }
    auto r = chatd::OpenBdbStore(sub, {});
    WriteAll(fd, r.status().ToString());
  });
  STRCMP_EQUAL(("IO error: data_dir " + sub + " is not writable: chown it to the chatd user").c_str(), out.c_str());
}

TEST(BdbDurability, FilesOfAnotherUserAreAClearError) {
  if (geteuid() != 0) return;  // needs root to make files another user can't open
  TempDir dir;
  std::string sub = dir.path() + "/env";
  CHECK_EQUAL(0, mkdir(sub.c_str(), 0700));
  { auto s = MustOpen(sub); }  // files owned by root, mode 0600
  CHECK_EQUAL(0, chmod(dir.path().c_str(), 0755));
  CHECK_EQUAL(0, chown(sub.c_str(), 65534, 65534));  // the directory is nobody's, its files aren't
  std::string out = RunChild([&](int fd) {
    if (setgid(65534) != 0 || setuid(65534) != 0) {
      WriteAll(fd, "setuid failed");
      return;
    }
    auto r = chatd::OpenBdbStore(sub, {});
    WriteAll(fd, r.status().ToString());
  });
  CHECK_CONTAINS("IO error: ", out);
  CHECK_CONTAINS(sub, out);
  CHECK_CONTAINS("chown", out);
}

TEST(BdbDurability, CorruptEnvironmentIsAClearError) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    Fill(*s, "#c", 10);
  }
  // Garbage over the whole log: recovery can't make sense of it.
  int logs = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    if (e.path().filename().string().rfind("log.", 0) != 0) continue;
    ++logs;
    auto size = std::filesystem::file_size(e.path());
    FILE* fp = std::fopen(e.path().c_str(), "r+");
    CHECK(fp != nullptr);
    std::string junk(static_cast<size_t>(size), '\x5a');
    std::fwrite(junk.data(), 1, junk.size(), fp);
    std::fclose(fp);
  }
  CHECK(logs > 0);
  auto r = chatd::OpenBdbStore(dir.path(), {});
  CHECK_CODE(kCorruption, r.status());
  CHECK_CONTAINS("Berkeley DB environment in " + dir.path() + " is corrupt", r.status().message());
  CHECK_CONTAINS("restore a backup with chatctl restore or move the directory away", r.status().message());
}

TEST(BdbDurability, CorruptDatabaseFileIsAClearError) {
  TempDir dir;
  {
    auto s = MustOpen(dir.path());
    CHECK_OK(s->CreateAccount(Account("alice")));
  }
  // Replace the file itself (not its log): the environment recovers, the
  // database doesn't open.
  std::string file = dir.path() + "/channels.db";
  FILE* fp = std::fopen(file.c_str(), "w");
  CHECK(fp != nullptr);
  std::string junk(8192, '\x5a');
  std::fwrite(junk.data(), 1, junk.size(), fp);
  std::fclose(fp);
  auto r = chatd::OpenBdbStore(dir.path(), {});
  CHECK(!r.ok());
  CHECK_CONTAINS(dir.path() + "/channels.db", r.status().message());
  CHECK_CONTAINS("restore a backup", r.status().message());
}

TEST(BdbDurability, NewerSchemaIsRefused) {
  TempDir dir;
  { auto s = MustOpen(dir.path()); }
  {
    RawEnv env(dir.path());
    CHECK_EQUAL(0, RawEnv::Put(env.Open("meta.db"), nullptr, "schema", "99"));
  }
  auto r = chatd::OpenBdbStore(dir.path(), {});
  CHECK(!r.ok());
  CHECK_CONTAINS("written by a newer chatd (schema 99", r.status().message());
}

TEST(BdbDurability, CheckpointRemovesOldLogFiles) {
  TempDir dir;
  auto s = MustOpen(dir.path());
  const std::string text(1000, 'x');
  // Well over one 10 MB log file.
  for (int i = 0; CountFiles(dir.path(), "log.") < 3; ++i) {
    CHECK_OK(s->AppendHistory(Msg("#c", "m" + std::to_string(i), i + 1, text)));
  }
  CHECK_OK(s->Checkpoint());
  CHECK_EQUAL(1, CountFiles(dir.path(), "log."));
  CHECK_EQUAL(1u, s->QueryHistory(HistoryQuery{"#c", kLatest, {}, {}, 1}).value().size());
}

// ---------------------------------------------------------------- files

namespace {

chatd::FileRecord File(char id, char digest, uint64_t size, const std::string& uploader = "Alice") {
  chatd::FileRecord f;
  f.id = std::string(16, id);
  f.sha256 = std::string(32, digest);
  f.size = size;
  f.type = "image/png";
  f.name = "cat.png";
  f.uploader = uploader;
  f.created_ms = 1700000000000;
  f.target = "#c";
  return f;
}

}  // namespace

STORE_TEST(FileCommitGetListRoundTrip) {
  CHECK_OK(f.s().CommitFile(File('a', 'x', 100), 0));
  CHECK_OK(f.s().CommitFile(File('b', 'y', 50, "bob"), 0));
  f.Reopen();
  auto r = f.s().GetFile(std::string(16, 'a'));
  CHECK_OK(r.status());
  CHECK(r.value().sha256 == std::string(32, 'x'));
  CHECK_EQUAL(100u, r.value().size);
  STRCMP_EQUAL("image/png", r.value().type.c_str());
  STRCMP_EQUAL("cat.png", r.value().name.c_str());
  STRCMP_EQUAL("Alice", r.value().uploader.c_str());
  STRCMP_EQUAL("#c", r.value().target.c_str());
  CHECK_EQUAL(1700000000000, r.value().created_ms);
  CHECK_EQUAL(2u, f.s().ListFiles("").value().size());
  CHECK_EQUAL(1u, f.s().ListFiles("ALICE").value().size());
  CHECK_EQUAL(0u, f.s().ListFiles("carol").value().size());
  CHECK_CODE(kNotFound, f.s().GetFile(std::string(16, 'z')).status());
}

STORE_TEST(FileCommitRefusesDuplicatesAndBadRecords) {
  CHECK_OK(f.s().CommitFile(File('a', 'x', 10), 0));
  CHECK_CODE(kInvalidArgument, f.s().CommitFile(File('a', 'y', 10), 0));
  chatd::FileRecord bad = File('b', 'x', 1);
  bad.id = "short";
  CHECK_CODE(kInvalidArgument, f.s().CommitFile(bad, 0));
  bad = File('b', 'x', 1);
  bad.uploader.clear();
  CHECK_CODE(kInvalidArgument, f.s().CommitFile(bad, 0));
  // The refused commits changed nothing.
  CHECK_EQUAL(10u, f.s().GetQuota("alice").value().bytes);
  CHECK_EQUAL(1u, f.s().GetBlob(std::string(32, 'x')).value().refcount);
}

STORE_TEST(IdenticalContentIsOneBlobWithReferences) {
  CHECK_OK(f.s().CommitFile(File('a', 'x', 10), 0));
  CHECK_OK(f.s().CommitFile(File('b', 'x', 10, "bob"), 0));
  f.Reopen();
  CHECK_EQUAL(2u, f.s().GetBlob(std::string(32, 'x')).value().refcount);
  auto d = f.s().DeleteFile(std::string(16, 'a'));
  CHECK_OK(d.status());
  CHECK_FALSE(d.value().blob_unused);
  CHECK_EQUAL(1u, f.s().GetBlob(std::string(32, 'x')).value().refcount);
  d = f.s().DeleteFile(std::string(16, 'b'));
  CHECK_OK(d.status());
  CHECK(d.value().blob_unused);
  CHECK_CODE(kNotFound, f.s().GetBlob(std::string(32, 'x')).status());
  CHECK_CODE(kNotFound, f.s().DeleteFile(std::string(16, 'b')).status());
}

STORE_TEST(QuotaIsChargedPerUploaderAndEnforced) {
  CHECK_OK(f.s().CommitFile(File('a', 'x', 60), 100));
  CHECK_CODE(kInvalidArgument, f.s().CommitFile(File('b', 'y', 41), 100));
  CHECK_OK(f.s().CommitFile(File('c', 'x', 40), 100));  // dedup still charges
  CHECK_OK(f.s().CommitFile(File('d', 'z', 1000, "bob"), 0));
  f.Reopen();
  auto q = f.s().GetQuota("alice").value();
  CHECK_EQUAL(100u, q.bytes);
  CHECK_EQUAL(2u, q.files);
  CHECK_CODE(kNotFound, f.s().GetFile(std::string(16, 'b')).status());
  CHECK_OK(f.s().DeleteFile(std::string(16, 'a')).status());
  q = f.s().GetQuota("Alice").value();
  CHECK_EQUAL(40u, q.bytes);
  CHECK_EQUAL(1u, q.files);
  CHECK_EQUAL(0u, f.s().GetQuota("nobody").value().bytes);
}

STORE_TEST(UploadsPutGetListDelete) {
  chatd::UploadRecord u;
  u.id = std::string(16, 'u');
  u.account = "alice";
  u.length = 1000;
  u.offset_durable = 0;
  u.expires_ms = 5000;
  u.name = "big.iso";
  CHECK_OK(f.s().PutUpload(u));
  u.offset_durable = 512;
  CHECK_OK(f.s().PutUpload(u));
  f.Reopen();
  auto r = f.s().GetUpload(std::string(16, 'u'));
  CHECK_OK(r.status());
  CHECK_EQUAL(512u, r.value().offset_durable);
  CHECK_EQUAL(1000u, r.value().length);
  STRCMP_EQUAL("big.iso", r.value().name.c_str());
  CHECK_EQUAL(1u, f.s().ListUploads().value().size());
  CHECK_OK(f.s().DeleteUpload(std::string(16, 'u')));
  CHECK_CODE(kNotFound, f.s().DeleteUpload(std::string(16, 'u')));
  CHECK_CODE(kNotFound, f.s().GetUpload(std::string(16, 'u')).status());
}

STORE_TEST(TokensPutGetDeleteAndPrune) {
  CHECK_OK(f.s().PutToken(std::string(32, '1'), chatd::TokenRecord{"alice", 1, 1000}));
  CHECK_OK(f.s().PutToken(std::string(32, '2'), chatd::TokenRecord{"bob", 1, 3000}));
  f.Reopen();
  STRCMP_EQUAL("alice", f.s().GetToken(std::string(32, '1')).value().account.c_str());
  auto pruned = f.s().PruneTokens(2000);
  CHECK_OK(pruned.status());
  CHECK_EQUAL(1u, pruned.value());
  CHECK_CODE(kNotFound, f.s().GetToken(std::string(32, '1')).status());
  CHECK_OK(f.s().DeleteToken(std::string(32, '2')));
  CHECK_CODE(kNotFound, f.s().DeleteToken(std::string(32, '2')));
}

TEST(StoreCodec, FileRecordsRejectEveryTruncation) {
  const std::string enc[] = {chatd::store::EncodeFile(File('a', 'x', 5)),
                             chatd::store::EncodeUpload(chatd::UploadRecord{std::string(16, 'u'), "a", 9, 3, 1, 2, "n", "t", ""}),
                             chatd::store::EncodeToken(chatd::TokenRecord{"a", 1, 2}),
                             chatd::store::EncodeBlob(chatd::BlobRecord{1, 5}),
                             chatd::store::EncodeQuota(chatd::QuotaRecord{5, 1})};
  for (int kind = 0; kind < 5; ++kind) {
    for (size_t n = 0; n < enc[kind].size(); ++n) {
      std::string_view cut(enc[kind].data(), n);
      chatd::FileRecord fr;
      chatd::UploadRecord ur;
      chatd::TokenRecord tr;
      chatd::BlobRecord br;
      chatd::QuotaRecord qr;
      chat::Status st = kind == 0   ? chatd::store::DecodeFile(cut, "w", &fr)
                        : kind == 1 ? chatd::store::DecodeUpload(cut, "w", &ur)
                        : kind == 2 ? chatd::store::DecodeToken(cut, "w", &tr)
                        : kind == 3 ? chatd::store::DecodeBlob(cut, "w", &br)
                                    : chatd::store::DecodeQuota(cut, "w", &qr);
      CHECK_CODE(kCorruption, st);
    }
  }
}

// A file committed by a process that is then killed is there after
// recovery, with its blob reference and quota charge; an upload's durable
// offset too.
TEST(BdbDurability, KillMinus9KeepsCommittedFilesAndUploadOffsets) {
  TempDir dir;
  std::string line = RunChildAndKill([&](int fd) {
    auto r = chatd::OpenBdbStore(dir.path(), chatd::StoreOptions{});
    if (!r.ok()) {
      WriteAll(fd, "open failed\n");
      return;
    }
    std::unique_ptr<Store> s = std::move(r).value();
    chatd::UploadRecord u;
    u.id = std::string(16, 'u');
    u.account = "alice";
    u.length = 1 << 20;
    u.offset_durable = 65536;
    bool ok = s->CommitFile(File('a', 'x', 7), 0).ok() && s->PutUpload(u).ok();
    WriteAll(fd, ok ? "ok\n" : "failed\n");
    s.release();  // never closed
  });
  STRCMP_EQUAL("ok", line.c_str());
  alarm(60);
  auto s = MustOpen(dir.path());
  alarm(0);
  CHECK_OK(s->GetFile(std::string(16, 'a')).status());
  CHECK_EQUAL(1u, s->GetBlob(std::string(32, 'x')).value().refcount);
  CHECK_EQUAL(7u, s->GetQuota("alice").value().bytes);
  CHECK_EQUAL(65536u, s->GetUpload(std::string(16, 'u')).value().offset_durable);
}
