// Fault injection: a store whose writes fail (a full disk) must never let a
// message be acknowledged or delivered; the sender gets FAIL instead.
#include <memory>
#include <string>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/store/store.h"
#include "fake_peer.h"
#include "libchat/message.h"
#include "CppUTest/TestHarness.h"  // last: see fake_peer.h

namespace {

// Forwards to an in-memory store; AppendHistory fails while `fail_appends`.
class FailingStore : public chatd::Store {
 public:
  explicit FailingStore(bool* fail_appends) : inner_(chatd::NewMemStore()), fail_(fail_appends) {}
  chat::Status CreateAccount(const chatd::AccountRecord& r) override { return inner_->CreateAccount(r); }
  chat::Status UpdateAccount(const chatd::AccountRecord& r) override { return inner_->UpdateAccount(r); }
  chat::Result<chatd::AccountRecord> GetAccount(std::string_view n) override { return inner_->GetAccount(n); }
  chat::Status DeleteAccount(std::string_view n) override { return inner_->DeleteAccount(n); }
  chat::Result<std::vector<chatd::AccountRecord>> ListAccounts() override { return inner_->ListAccounts(); }
  chat::Status PutChannel(const chatd::ChannelRecord& r) override { return inner_->PutChannel(r); }
  chat::Result<chatd::ChannelRecord> GetChannel(std::string_view n) override { return inner_->GetChannel(n); }
  chat::Status DeleteChannel(std::string_view n) override { return inner_->DeleteChannel(n); }
  chat::Result<std::vector<chatd::ChannelRecord>> ListChannels() override { return inner_->ListChannels(); }
  chat::Status AppendHistory(const chatd::HistoryRecord& r) override {
    if (*fail_) return chat::Status::IOError("No space left on device");
    return inner_->AppendHistory(r);
  }
  chat::Result<chatd::HistoryRecord> FindByLabel(std::string_view k) override { return inner_->FindByLabel(k); }
  chat::Result<std::vector<chatd::HistoryRecord>> QueryHistory(const chatd::HistoryQuery& q) override {
    return inner_->QueryHistory(q);
  }
  chat::Result<std::vector<chatd::TargetSummary>> ListTargets(const std::vector<std::string>& t, int64_t from,
                                                              int64_t to, uint32_t limit) override {
    return inner_->ListTargets(t, from, to, limit);
  }
  chat::Result<std::vector<std::string>> DirectTargetsOf(std::string_view p) override {
    return inner_->DirectTargetsOf(p);
  }
  chat::Status DeleteHistory(std::string_view t) override { return inner_->DeleteHistory(t); }
  chat::Result<uint64_t> Prune(int64_t now, int64_t age, uint64_t count) override {
    return inner_->Prune(now, age, count);
  }
  chat::Status CommitFile(const chatd::FileRecord& r, uint64_t quota) override { return inner_->CommitFile(r, quota); }
  chat::Result<chatd::FileRecord> GetFile(std::string_view id) override { return inner_->GetFile(id); }
  chat::Result<std::vector<chatd::FileRecord>> ListFiles(std::string_view u) override { return inner_->ListFiles(u); }
  chat::Result<chatd::FileDeletion> DeleteFile(std::string_view id) override { return inner_->DeleteFile(id); }
  chat::Result<chatd::BlobRecord> GetBlob(std::string_view s) override { return inner_->GetBlob(s); }
  chat::Result<chatd::QuotaRecord> GetQuota(std::string_view a) override { return inner_->GetQuota(a); }
  chat::Status PutUpload(const chatd::UploadRecord& r) override { return inner_->PutUpload(r); }
  chat::Result<chatd::UploadRecord> GetUpload(std::string_view id) override { return inner_->GetUpload(id); }
  chat::Status DeleteUpload(std::string_view id) override { return inner_->DeleteUpload(id); }
  chat::Result<std::vector<chatd::UploadRecord>> ListUploads() override { return inner_->ListUploads(); }
  chat::Status PutToken(std::string_view h, const chatd::TokenRecord& r) override { return inner_->PutToken(h, r); }
  chat::Result<chatd::TokenRecord> GetToken(std::string_view h) override { return inner_->GetToken(h); }
  chat::Status DeleteToken(std::string_view h) override { return inner_->DeleteToken(h); }
  chat::Result<uint64_t> PruneTokens(int64_t now) override { return inner_->PruneTokens(now); }
  chat::Status Flush() override { return inner_->Flush(); }
  chat::Status Checkpoint() override { return inner_->Checkpoint(); }

 private:
  std::unique_ptr<chatd::Store> inner_;
  bool* fail_;
};

}  // namespace

TEST_GROUP(StoreFaults) {
  bool fail_appends = false;
  std::unique_ptr<chatd::Server> server;

  void setup() override {
    chatd::SetLogLevel(chatd::LogLevel::kError);
    chatd::Config config;
    config.server_name = "irc.test";
    config.data_dir = "/tmp/chatd-fault-test";  // not touched with an injected store
    config.auto_join = {};
    server = std::make_unique<chatd::Server>(std::move(config));
    chat::Status s = server->Start(std::make_unique<FailingStore>(&fail_appends));
    CHECK_TRUE_TEXT(s.ok(), s.ToString().c_str());
  }
  void teardown() override {
    server.reset();
    chatd::SetLogLevel(chatd::LogLevel::kInfo);
  }
};

TEST(StoreFaults, FailedHistoryWriteIsNeverAcknowledgedNorDelivered) {
  auto alice = chatd_test::Register(*server, "alice", {"echo-message"});
  auto bob = chatd_test::Register(*server, "bob");
  alice->Feed("JOIN #c");
  bob->Feed("JOIN #c");
  alice->Take();
  bob->Take();

  fail_appends = true;
  alice->Feed("PRIVMSG #c :lost?");
  alice->Feed("PRIVMSG bob :and this?");
  auto got = alice->TakeMessages();
  CHECK_EQUAL(2u, got.size());
  for (const auto& m : got) {
    STRCMP_EQUAL("FAIL", m.command.c_str());  // no echo: nothing was acknowledged
    STRCMP_EQUAL("TEMPORARILY_UNAVAILABLE", m.params[1].c_str());
  }
  STRCMP_EQUAL("PRIVMSG", got[0].params[0].c_str());
  STRCMP_EQUAL("#c", got[0].params[2].c_str());
  CHECK_TRUE(bob->TakeMessages().empty());  // and nothing was delivered

  fail_appends = false;  // the disk has room again: messages flow
  alice->Feed("PRIVMSG #c :stored");
  auto echo = alice->TakeMessages();
  CHECK_EQUAL(1u, echo.size());
  STRCMP_EQUAL("PRIVMSG", echo[0].command.c_str());
  auto delivered = bob->TakeMessages();
  CHECK_EQUAL(1u, delivered.size());
  STRCMP_EQUAL("stored", delivered[0].params[1].c_str());
}

// chatd.dev/outbox: a send that failed was never stored, so its resend with
// the same label is a new message, delivered once.
TEST(StoreFaults, FailedOutboxSendIsNotRememberedSoTheResendDelivers) {
  auto alice = chatd_test::Register(*server, "alice", {"echo-message", "labeled-response", "chatd.dev/outbox"});
  auto bob = chatd_test::Register(*server, "bob");
  alice->Feed("JOIN #c");
  bob->Feed("JOIN #c");
  alice->Take();
  bob->Take();
  fail_appends = true;
  alice->Feed("@label=x PRIVMSG #c :retry me");
  auto got = alice->TakeMessages();
  CHECK_EQUAL(1u, got.size());
  STRCMP_EQUAL("FAIL", got[0].command.c_str());
  CHECK_TRUE(bob->TakeMessages().empty());
  fail_appends = false;
  for (int i = 0; i < 2; ++i) {  // the resend, then a duplicate of it
    alice->Feed("@label=x PRIVMSG #c :retry me");
    auto echo = alice->TakeMessages();
    CHECK_EQUAL(1u, echo.size());
    STRCMP_EQUAL("PRIVMSG", echo[0].command.c_str());
  }
  auto delivered = bob->TakeMessages();
  CHECK_EQUAL(1u, delivered.size());
  STRCMP_EQUAL("retry me", delivered[0].params[1].c_str());
}
