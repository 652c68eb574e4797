// Tests for file sharing's daemon side that need no sockets: the blob
// store on a real directory (temporary files, deduplication, tus .part
// resume, nothing left behind), Basic and Bearer credentials against an
// in-memory store (cache, no account probing, expiry), and signed links.
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "chatd/files/access.h"
#include "chatd/files/auth.h"
#include "chatd/files/blob_store.h"
#include "chatd/store/store.h"
#include "libchat/files/file_id.h"
#include "libchat/sasl.h"

#include "CppUTest/TestHarness.h"  // last: its leak macros redefine new

using chatd::files::BlobStore;
using chatd::files::BlobWriter;

namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/chatd-files-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

int CountEntries(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++n;
  }
  return n;
}

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const char kAbcSha[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

}  // namespace

TEST_GROUP(BlobStore) {
  TempDir dir;
  std::unique_ptr<BlobStore> blobs;
  void setup() override {
    blobs = std::make_unique<BlobStore>(dir.path() + "/files");
    chat::Status st = blobs->Init();
    CHECK_TEXT(st.ok(), st.ToString().c_str());
  }
  void teardown() override { blobs.reset(); }
};

TEST(BlobStore, AnUploadLandsUnderItsSha256) {
  auto w = BlobWriter::CreateTemp(*blobs);
  CHECK_TEXT(w.ok(), w.status().ToString().c_str());
  CHECK(w.value()->Write("ab", 2).ok());
  CHECK(w.value()->Write("c", 1).ok());
  CHECK_EQUAL(3u, w.value()->size());
  std::string sha;
  CHECK(w.value()->Finish(*blobs, &sha).ok());
  STRCMP_EQUAL(kAbcSha, chat::files::HexEncode(sha).c_str());
  const std::string path = blobs->BlobPath(sha);
  STRCMP_EQUAL((dir.path() + "/files/ba/78/" + kAbcSha).c_str(), path.c_str());
  STRCMP_EQUAL("abc", ReadFile(path).c_str());
  struct stat sb;
  CHECK_EQUAL(0, stat(path.c_str(), &sb));
  CHECK_EQUAL(0600u, sb.st_mode & 0777u);
  CHECK_EQUAL(0, CountEntries(dir.path() + "/files/tmp"));  // nothing left behind
}

TEST(BlobStore, IdenticalContentIsStoredOnce) {
  std::string sha1, sha2;
  for (std::string* sha : {&sha1, &sha2}) {
    auto w = BlobWriter::CreateTemp(*blobs);
    CHECK(w.ok());
    CHECK(w.value()->Write("abc", 3).ok());
    CHECK(w.value()->Finish(*blobs, sha).ok());
  }
  CHECK(sha1 == sha2);
  CHECK_EQUAL(1, CountEntries(dir.path() + "/files/ba/78"));
  CHECK(blobs->RemoveBlob(sha1).ok());
  CHECK(blobs->RemoveBlob(sha1).ok());  // already gone: not an error
  CHECK_EQUAL(0, CountEntries(dir.path() + "/files/ba/78"));
}

TEST(BlobStore, ADiscardedUploadLeavesNothing) {
  auto w = BlobWriter::CreateTemp(*blobs);
  CHECK(w.ok());
  CHECK(w.value()->Write("partial", 7).ok());
  w.value()->Discard();
  CHECK_EQUAL(1, CountEntries(dir.path() + "/files"));  // only tmp/
  CHECK_EQUAL(0, CountEntries(dir.path() + "/files/tmp"));
}

TEST(BlobStore, APartFileResumesFromItsDurableOffset) {
  const std::string id(16, '\x07');
  {
    auto w = BlobWriter::OpenPart(*blobs, id, true, 0);
    CHECK(w.ok());
    CHECK(w.value()->Write("ab", 2).ok());
    auto synced = w.value()->Sync();
    CHECK(synced.ok());
    CHECK_EQUAL(2u, synced.value());
    // Bytes after the last sync that the store never recorded.
    CHECK(w.value()->Write("XYZ", 3).ok());
  }
  CHECK_EQUAL(5, static_cast<int>(std::filesystem::file_size(blobs->PartPath(id))));
  auto w = BlobWriter::OpenPart(*blobs, id, false, 2);  // as after a restart
  CHECK_TEXT(w.ok(), w.status().ToString().c_str());
  CHECK_EQUAL(2u, w.value()->size());
  CHECK(w.value()->Write("c", 1).ok());
  std::string sha;
  CHECK(w.value()->Finish(*blobs, &sha).ok());
  STRCMP_EQUAL(kAbcSha, chat::files::HexEncode(sha).c_str());
  CHECK_FALSE(std::filesystem::exists(blobs->PartPath(id)));
  STRCMP_EQUAL("abc", ReadFile(blobs->BlobPath(sha)).c_str());
}

TEST(BlobStore, AMissingPartIsNotFound) {
  auto w = BlobWriter::OpenPart(*blobs, std::string(16, 'q'), false, 0);
  CHECK(!w.ok());
  CHECK(w.status().code() == chat::Status::Code::kNotFound);
  CHECK(chatd::files::OpenBlob(*blobs, std::string(32, 'z')).status().code() == chat::Status::Code::kNotFound);
}

// ---------------------------------------------------------------- auth

TEST_GROUP(FileAuth) {
  std::unique_ptr<chatd::Store> store;
  std::unique_ptr<chatd::files::FileAuth> auth;
  void setup() override {
    store = chatd::NewMemStore();
    chatd::AccountRecord a;
    a.name = "Alice";
    auto v = chat::sasl::MakeVerifier("correct horse", 4096);
    a.iterations = v.iterations;
    a.salt = v.salt;
    a.stored_key = v.stored_key;
    a.server_key = v.server_key;
    CHECK(store->CreateAccount(a).ok());
    auth = std::make_unique<chatd::files::FileAuth>(store.get(), std::string(32, 's'), 4096);
  }
  void teardown() override {
    auth.reset();
    store.reset();
  }
};

TEST(FileAuth, BasicAcceptsTheRightPasswordAndCachesIt) {
  auto r = auth->CheckBasic("alice", "correct horse", 1000);
  CHECK_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("Alice", r.value().c_str());
  CHECK_EQUAL(1u, auth->cached());
  CHECK(auth->CheckBasic("ALICE", "correct horse", 2000).ok());
  CHECK_EQUAL(1u, auth->cached());
}

TEST(FileAuth, WrongPasswordAndUnknownAccountFailAlike) {
  auto wrong = auth->CheckBasic("alice", "battery staple", 1000);
  auto unknown = auth->CheckBasic("mallory", "correct horse", 1000);
  CHECK(!wrong.ok());
  CHECK(!unknown.ok());
  CHECK(wrong.status().code() == unknown.status().code());
  STRCMP_EQUAL(wrong.status().message().c_str(), unknown.status().message().c_str());
  CHECK_EQUAL(0u, auth->cached());
}

TEST(FileAuth, ACachedSuccessStopsWorkingWhenTheAccountChanges) {
  CHECK(auth->CheckBasic("alice", "correct horse", 1000).ok());
  auto a = store->GetAccount("alice").value();
  a.disabled = true;
  CHECK(store->UpdateAccount(a).ok());
  CHECK(!auth->CheckBasic("alice", "correct horse", 2000).ok());
  a.disabled = false;
  auto v = chat::sasl::MakeVerifier("new password", 4096);
  a.salt = v.salt;
  a.stored_key = v.stored_key;
  a.server_key = v.server_key;
  CHECK(store->UpdateAccount(a).ok());
  CHECK(!auth->CheckBasic("alice", "correct horse", 3000).ok());
  CHECK(auth->CheckBasic("alice", "new password", 3000).ok());
}

TEST(FileAuth, BearerTokensWorkUntilTheyExpire) {
  auto t = chatd::files::IssueToken(store.get(), "Alice", 1000, 60);
  CHECK(t.ok());
  CHECK_EQUAL(64u, t.value().size());
  auto who = auth->CheckBearer(t.value(), 2000);
  CHECK(who.ok());
  STRCMP_EQUAL("Alice", who.value().c_str());
  CHECK(!auth->CheckBearer(std::string(64, '0'), 2000).ok());
  CHECK(!auth->CheckBearer("short", 2000).ok());
  CHECK(!auth->CheckBearer(t.value(), 61000).ok());  // expired, and deleted
  CHECK(!auth->CheckBearer(t.value(), 2000).ok());
  // Two tokens are never equal.
  CHECK(chatd::files::IssueToken(store.get(), "a", 0, 60).value() !=
        chatd::files::IssueToken(store.get(), "a", 0, 60).value());
}

// ---------------------------------------------------------------- links

TEST_GROUP(SignedLinks){};

TEST(SignedLinks, VerifyOnlyTheSignedIdAccountAndExpiry) {
  const std::string key(32, 'k'), id(16, 'i');
  const std::string sig = chatd::files::SignLink(key, id, "Alice", 5000);
  CHECK_EQUAL(64u, sig.size());
  CHECK(chatd::files::VerifyLink(key, id, "alice", 5000, sig, 4999));  // account folded
  CHECK_FALSE(chatd::files::VerifyLink(key, id, "alice", 5000, sig, 5000));  // expired
  CHECK_FALSE(chatd::files::VerifyLink(key, id, "bob", 5000, sig, 100));
  CHECK_FALSE(chatd::files::VerifyLink(key, id, "alice", 5001, sig, 100));
  CHECK_FALSE(chatd::files::VerifyLink(key, std::string(16, 'j'), "alice", 5000, sig, 100));
  CHECK_FALSE(chatd::files::VerifyLink(std::string(32, 'x'), id, "alice", 5000, sig, 100));
  CHECK_FALSE(chatd::files::VerifyLink(key, id, "alice", 5000, sig.substr(1), 100));
}
