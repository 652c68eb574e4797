// The durable Store (store.h) on a transactional Berkeley DB environment in
// data_dir, through the C API of Debian's libdb5.3. The only file that
// includes <db.h>. Layout, key formats and the durability contract are in
// doc/storage.md.
#include <db.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "chatd/store/store.h"
#include "chatd/store/store_codec.h"
#include "libchat/casemap.h"

namespace chatd {
namespace {

using chat::Result;
using chat::Status;
using store::HistoryPos;
using store::PosRecord;

// meta.db "schema": the layout of the environment (databases and keys). A
// chatd refuses an environment with a newer schema than it knows.
constexpr uint32_t kSchemaVersion = 1;
// Large deletions commit every this many messages, to bound the locks and
// log a single transaction holds.
constexpr uint64_t kDeleteBatch = 1000;
// Sequence numbers are reserved in blocks recorded in meta.db "seq", so that
// ties in time keep append order across restarts without a write per append.
constexpr uint64_t kSeqBlock = 1 << 16;
constexpr int kDeadlockRetries = 3;

// A DBT over caller memory, for keys and values passed in.
DBT In(std::string_view s) {
  DBT d;
  std::memset(&d, 0, sizeof d);
  d.data = const_cast<char*>(s.data());
  d.size = static_cast<u_int32_t>(s.size());
  return d;
}

// A DBT that Berkeley DB fills (and may grow) with malloc'd memory.
class Buf {
 public:
  Buf() {
    std::memset(&d_, 0, sizeof d_);
    d_.flags = DB_DBT_REALLOC;
  }
  ~Buf() { std::free(d_.data); }
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;

  // Sets the content (for cursor searches, whose key is in-out).
  void Set(std::string_view s) {
    void* p = std::realloc(d_.data, s.size() ? s.size() : 1);
    if (p == nullptr) std::abort();
    d_.data = p;
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    d_.size = static_cast<u_int32_t>(s.size());
  }
  // Asks for no data bytes (a key-only walk).
  void KeyOnly() { d_.flags |= DB_DBT_PARTIAL; }
  DBT* dbt() { return &d_; }
  std::string_view view() const { return {static_cast<const char*>(d_.data), d_.size}; }

 private:
  DBT d_;
};

// Closes a cursor when leaving scope.
class CursorCloser {
 public:
  explicit CursorCloser(DBC* c) : c_(c) {}
  ~CursorCloser() {
    if (c_ != nullptr) c_->close(c_);
  }
  CursorCloser(const CursorCloser&) = delete;
  CursorCloser& operator=(const CursorCloser&) = delete;

 private:
  DBC* c_;
};

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

class BdbStore final : public Store, private store::HistoryScanner {
 public:
  BdbStore(std::string dir, const StoreOptions& opts) : dir_(std::move(dir)), opts_(opts) {}
  ~BdbStore() override;
  BdbStore(const BdbStore&) = delete;
  BdbStore& operator=(const BdbStore&) = delete;

  Status Open();

  Status CreateAccount(const AccountRecord& rec) override;
  Status UpdateAccount(const AccountRecord& rec) override;
  Result<AccountRecord> GetAccount(std::string_view name) override;
  Status DeleteAccount(std::string_view name) override;
  Result<std::vector<AccountRecord>> ListAccounts() override;

  Status PutChannel(const ChannelRecord& rec) override;
  Result<ChannelRecord> GetChannel(std::string_view name) override;
  Status DeleteChannel(std::string_view name) override;
  Result<std::vector<ChannelRecord>> ListChannels() override;

  Status AppendHistory(const HistoryRecord& rec) override;
  Result<HistoryRecord> FindByLabel(std::string_view label_key) override;
  Result<std::vector<HistoryRecord>> QueryHistory(const HistoryQuery& q) override {
    return store::RunHistoryQuery(q, *this);
  }
  Result<std::vector<TargetSummary>> ListTargets(const std::vector<std::string>& targets, int64_t from_ms,
                                                 int64_t to_ms, uint32_t limit) override {
    return store::RunListTargets(targets, from_ms, to_ms, limit, *this);
  }
  Result<std::vector<std::string>> DirectTargetsOf(std::string_view participant) override;
  Status DeleteHistory(std::string_view target) override;
  Result<uint64_t> Prune(int64_t now_ms, int64_t max_age_ms, uint64_t max_per_target) override;

  Status CommitFile(const FileRecord& rec, uint64_t quota_bytes) override;
  Result<FileRecord> GetFile(std::string_view id) override {
    return GetByKey<FileRecord>(files_, "files.db", "file", id, &store::DecodeFile);
  }
  Result<std::vector<FileRecord>> ListFiles(std::string_view uploader) override;
  Result<FileDeletion> DeleteFile(std::string_view id) override;
  Result<BlobRecord> GetBlob(std::string_view sha256) override {
    return GetByKey<BlobRecord>(blobs_, "blobs.db", "blob", sha256, &store::DecodeBlob);
  }
  Result<QuotaRecord> GetQuota(std::string_view account) override;
  Status PutUpload(const UploadRecord& rec) override;
  Result<UploadRecord> GetUpload(std::string_view id) override {
    return GetByKey<UploadRecord>(uploads_, "uploads.db", "upload", id, &store::DecodeUpload);
  }
  Status DeleteUpload(std::string_view id) override { return DeleteKey(uploads_, "deleting an upload", "upload", id); }
  Result<std::vector<UploadRecord>> ListUploads() override {
    return ListAll<UploadRecord>(uploads_, "uploads.db", &store::DecodeUpload);
  }
  Status PutToken(std::string_view hash, const TokenRecord& rec) override;
  Result<TokenRecord> GetToken(std::string_view hash) override {
    return GetByKey<TokenRecord>(tokens_, "tokens.db", "token", hash, &store::DecodeToken);
  }
  Status DeleteToken(std::string_view hash) override { return DeleteKey(tokens_, "deleting a token", "token", hash); }
  Result<uint64_t> PruneTokens(int64_t now_ms) override;

  Status WriteLog() override;
  Status Flush() override;
  Status Checkpoint() override;
  Status Backup(const std::string& target) override;

 private:
  // A transaction body: returns a Berkeley DB error code, or 0 with a
  // non-OK *st to abort for a logical reason (NotFound, duplicate, ...).
  using TxnBody = std::function<int(DB_TXN* txn, Status* fail)>;

  // ---- HistoryScanner
  Result<HistoryPos> Resolve(const std::string& target, const std::string& msgid) override;
  Status Scan(const std::string& target, HistoryPos lo, HistoryPos hi, uint32_t limit, bool newest_first,
              std::vector<PosRecord>* out) override;

  static void ErrCall(const DB_ENV* env, const char* prefix, const char* msg);
  Status OpenDb(DB** db, const char* file);
  Status CheckSchema();
  Status RecoverSequence();
  // Stores the sequence reservation (meta.db "seq", read by
  // RecoverSequence) in txn; returns a Berkeley DB error code.
  int PutSeqLimit(DB_TXN* txn, uint64_t limit);
  // Runs body in one transaction, committed before returning OK; retried
  // when another process's transaction deadlocks with it. `commit_flags`
  // (DB_TXN->commit) is 0 for the environment's durability, DB_TXN_NOSYNC
  // to leave the log records in memory until the next WriteLog().
  Status Txn(const char* what, const TxnBody& body, u_int32_t commit_flags = 0);
  // An environment failure as a Status naming what failed and where.
  Status Error(std::string_view what, int ret);
  std::string Where(const char* file, std::string_view key, bool history_key) const {
    return dir_ + "/" + file + " key " + store::PrintableKey(key, history_key);
  }
  // Decodes a record; the error text naming file and key is only built when
  // decoding fails.
  template <typename Rec>
  Status Decode(Status (*decode)(std::string_view, const std::string&, Rec*), std::string_view data,
                const char* file, std::string_view key, bool history_key, Rec* out) const {
    static const std::string kNowhere;
    Status st = decode(data, kNowhere, out);
    return st.ok() ? st : decode(data, Where(file, key, history_key), out);
  }

  // Every target with a message, with the positions of its oldest and
  // newest.
  struct TargetSpan {
    std::string target;
    HistoryPos oldest, newest;
  };
  Status Targets(std::vector<TargetSpan>* out);
  // Deletes target's messages below `cut`, oldest first, kDeleteBatch per
  // transaction. The transaction that finds nothing more to delete also runs
  // `last` (if set) and drops the target's direct-message index entries
  // when no message of it is left.
  Status DeleteBelow(const std::string& target, HistoryPos cut, uint64_t* removed, const TxnBody& last);
  template <typename Rec>
  Result<std::vector<Rec>> ListAll(DB* db, const char* file,
                                   Status (*decode)(std::string_view, const std::string&, Rec*));
  // The record under folded `name` in db (NotFound names it as `what`).
  template <typename Rec>
  Result<Rec> GetOne(DB* db, const char* file, const char* what, std::string_view name,
                     Status (*decode)(std::string_view, const std::string&, Rec*)) {
    return GetByKey<Rec>(db, file, what, chat::irc::Fold(name), decode, name);
  }
  // The record under the exact key in db, read in txn (nullptr: its own);
  // NotFound names it as `what` and `shown` (a raw key is not shown).
  template <typename Rec>
  Result<Rec> GetByKey(DB* db, const char* file, const char* what, std::string_view key,
                       Status (*decode)(std::string_view, const std::string&, Rec*), std::string_view shown = {},
                       DB_TXN* txn = nullptr);
  // Deletes the record under `key` in one transaction; NotFound("no <what>").
  Status DeleteKey(DB* db, const char* doing, const char* what, std::string_view key);
  // Reads and decodes key in txn with a write lock (DB_RMW); *found is
  // false (and *out untouched) when absent. Returns a Berkeley DB code, or
  // 0 with *fail set when the record is corrupt.
  template <typename Rec>
  int ReadForUpdate(DB* db, DB_TXN* txn, const char* file, std::string_view key,
                    Status (*decode)(std::string_view, const std::string&, Rec*), Rec* out, bool* found,
                    Status* fail);

  const std::string dir_;
  const StoreOptions opts_;
  DB_ENV* env_ = nullptr;
  DB* accounts_ = nullptr;  // accounts.db: folded name -> account record
  DB* channels_ = nullptr;  // channels.db: folded name -> channel record
  DB* history_ = nullptr;   // history.db: target \0 pos -> history record
  DB* msgids_ = nullptr;    // history_msgid.db: target \0 msgid -> pos
  DB* direct_ = nullptr;    // history_dm.db: participant \0 target -> ""
  DB* labels_ = nullptr;    // history_label.db: label key -> history.db key
  DB* meta_ = nullptr;      // meta.db: "schema", "seq"
  DB* files_ = nullptr;     // files.db: 16-byte id -> file record
  DB* blobs_ = nullptr;     // blobs.db: 32-byte sha256 -> blob record
  DB* uploads_ = nullptr;   // uploads.db: 16-byte id -> upload record
  DB* quota_ = nullptr;     // quota.db: folded account -> quota record
  DB* tokens_ = nullptr;    // tokens.db: SHA-256(token) -> token record
  std::string last_error_;  // Berkeley DB's last error message (errcall)
  uint64_t seq_ = 0;        // last sequence number handed out
  uint64_t seq_limit_ = 0;  // sequence numbers below this are reserved in meta.db
  bool log_pending_ = false;  // a DB_TXN_NOSYNC commit's log is not yet written to the OS
};

// ---------------------------------------------------------------- open/close

void BdbStore::ErrCall(const DB_ENV* env, const char* /*prefix*/, const char* msg) {
  auto* self = static_cast<BdbStore*>(env->app_private);
  if (self == nullptr || msg == nullptr || self->last_error_.find(msg) != std::string::npos) return;
  // Keep every message of the failing call (recovery reports several).
  if (!self->last_error_.empty()) self->last_error_ += "; ";
  if (self->last_error_.size() < 1024) self->last_error_ += msg;
}

Status BdbStore::Open() {
  struct stat sb;
  if (::stat(dir_.c_str(), &sb) != 0) {
    if (errno == ENOENT) {
      return Status::IOError("data_dir " + dir_ + " does not exist: create it, owned by the chatd user");
    }
    return Status::IOError("data_dir " + dir_ + " is not accessible (" + std::strerror(errno) +
                           "): check its permissions and those of its parents");
  }
  if (!S_ISDIR(sb.st_mode)) {
    return Status::IOError("data_dir " + dir_ + " is not a directory: point data_dir at a directory");
  }
  if (::access(dir_.c_str(), R_OK | W_OK | X_OK) != 0) {
    return Status::IOError("data_dir " + dir_ + " is not writable: chown it to the chatd user");
  }

  // A lost file is not a fresh server: in an environment that exists
  // (meta.db is there), a missing accounts.db or channels.db would
  // otherwise be recreated empty, silently dropping every account or
  // channel registration.
  if (!opts_.recreate_missing && ::access((dir_ + "/meta.db").c_str(), F_OK) == 0) {
    for (const char* file : {"accounts.db", "channels.db"}) {
      if (::access((dir_ + "/" + file).c_str(), F_OK) != 0 && errno == ENOENT) {
        return Status::Corruption(dir_ + "/" + file + " is missing from an existing database: restore it " +
                                  "from a backup (chatctl restore), or start chatd once with " +
                                  "--recreate-missing-db to create it empty (losing what it held)");
      }
    }
  }

  int ret = db_env_create(&env_, 0);
  if (ret != 0) {
    env_ = nullptr;
    return Status::IOError(std::string("cannot create a Berkeley DB environment handle: ") + db_strerror(ret));
  }
  env_->app_private = this;
  env_->set_errcall(env_, &BdbStore::ErrCall);
  const uint32_t mb = opts_.cache_mb ? opts_.cache_mb : 1;
  env_->set_cachesize(env_, mb / 1024, (mb % 1024) * 1024 * 1024, 1);
  env_->set_lk_detect(env_, DB_LOCK_DEFAULT);
  env_->set_lk_max_locks(env_, 20000);
  env_->set_lk_max_objects(env_, 20000);
  if (!opts_.sync_on_commit) env_->set_flags(env_, DB_TXN_WRITE_NOSYNC, 1);

  const u_int32_t flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOG | DB_INIT_LOCK | DB_INIT_MPOOL | DB_RECOVER |
                          DB_REGISTER;
  ret = env_->open(env_, dir_.c_str(), flags, 0600);
  if (ret != 0) {
    std::string detail = db_strerror(ret);
    if (!last_error_.empty()) detail += ": " + last_error_;
    env_->close(env_, 0);
    env_ = nullptr;
    if (ret == EACCES || ret == EPERM || ret == EROFS) {
      return Status::IOError("data_dir " + dir_ + " is not writable (" + detail + "): chown it to the chatd user");
    }
    if (ret == ENOSPC) return Status::IOError("data_dir " + dir_ + " is on a full disk (" + detail + "): free space");
    return Status::Corruption("Berkeley DB environment in " + dir_ + " is corrupt (" + detail +
                              "): restore a backup with chatctl restore or move the directory away to start empty");
  }
  last_error_.clear();  // whatever recovery reported along the way

  struct Db {
    DB** db;
    const char* file;
  } dbs[] = {{&accounts_, "accounts.db"},      {&channels_, "channels.db"}, {&history_, "history.db"},
             {&msgids_, "history_msgid.db"}, {&direct_, "history_dm.db"}, {&labels_, "history_label.db"},
             {&meta_, "meta.db"},            {&files_, "files.db"},      {&blobs_, "blobs.db"},
             {&uploads_, "uploads.db"},      {&quota_, "quota.db"},      {&tokens_, "tokens.db"}};
  for (const auto& d : dbs) {
    Status st = OpenDb(d.db, d.file);
    if (!st.ok()) return st;
  }
  Status st = CheckSchema();
  if (!st.ok()) return st;
  return RecoverSequence();
}

Status BdbStore::OpenDb(DB** db, const char* file) {
  int ret = db_create(db, env_, 0);
  if (ret != 0) {
    *db = nullptr;
    return Error("creating a database handle", ret);
  }
  ret = (*db)->open(*db, nullptr, file, nullptr, DB_BTREE, DB_CREATE | DB_AUTO_COMMIT, 0600);
  if (ret != 0) {
    std::string detail = db_strerror(ret);
    if (!last_error_.empty()) detail += ": " + last_error_;
    last_error_.clear();
    (*db)->close(*db, 0);
    *db = nullptr;
    if (ret == ENOSPC) return Status::IOError(dir_ + "/" + file + ": the disk is full (" + detail + "): free space");
    if (ret == EACCES || ret == EPERM || ret == EROFS) {
      return Status::IOError("Berkeley DB file " + dir_ + "/" + file + " is not writable (" + detail +
                             "): chown data_dir and its files to the chatd user");
    }
    return Status::Corruption("Berkeley DB file " + dir_ + "/" + file + " cannot be opened (" + detail +
                              "): restore a backup with chatctl restore or move the directory away to start empty");
  }
  return Status::OK();
}

Status BdbStore::CheckSchema() {
  Buf v;
  DBT k = In("schema");
  int ret = meta_->get(meta_, nullptr, &k, v.dbt(), 0);
  if (ret == DB_NOTFOUND) {
    std::string schema = std::to_string(kSchemaVersion);
    return Txn("writing the schema version", [&](DB_TXN* txn, Status*) {
      DBT key = In("schema"), val = In(schema);
      return meta_->put(meta_, txn, &key, &val, 0);
    });
  }
  if (ret != 0) return Error("reading meta.db", ret);
  std::string text(v.view());
  char* end = nullptr;
  unsigned long schema = std::strtoul(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0') {
    return Status::Corruption("corrupt record in " + Where("meta.db", "schema", false) +
                              ": restore a backup with chatctl restore or move the directory away to start empty");
  }
  if (schema > kSchemaVersion) {
    return Status::Corruption("data_dir " + dir_ + " was written by a newer chatd (schema " + text +
                              ", this chatd knows " + std::to_string(kSchemaVersion) +
                              "): run the newer chatd or restore a backup made by this version");
  }
  return Status::OK();
}

Status BdbStore::RecoverSequence() {
  Buf v;
  DBT k = In("seq");
  int ret = meta_->get(meta_, nullptr, &k, v.dbt(), 0);
  if (ret == 0) {
    HistoryPos p;  // stored as 8 bytes big-endian in the seq half
    std::string padded(8, '\0');
    padded.append(v.view());
    if (!store::DecodePos(padded, &p)) {
      return Status::Corruption("corrupt record in " + Where("meta.db", "seq", false) + ": not 8 bytes");
    }
    seq_limit_ = p.seq;
  } else if (ret != DB_NOTFOUND) {
    return Error("reading meta.db", ret);
  }
  // Belt and braces: never below what history holds.
  std::vector<TargetSpan> targets;
  Status st = Targets(&targets);
  if (!st.ok()) return st;
  seq_ = seq_limit_;
  for (const auto& t : targets) seq_ = std::max(seq_, t.newest.seq);
  seq_limit_ = seq_;
  return Status::OK();
}

BdbStore::~BdbStore() {
  if (env_ == nullptr) return;
  if (accounts_ != nullptr && meta_ != nullptr) (void)Checkpoint();
  for (DB** db : {&accounts_, &channels_, &history_, &msgids_, &direct_, &labels_, &meta_, &files_, &blobs_,
                  &uploads_, &quota_, &tokens_}) {
    if (*db != nullptr) (*db)->close(*db, 0);
    *db = nullptr;
  }
  env_->close(env_, 0);
  env_ = nullptr;
  // Remove the region files (unless another process still uses them), so
  // the next open builds fresh regions with its own settings and runs
  // recovery, which checks the log.
  DB_ENV* env = nullptr;
  if (db_env_create(&env, 0) == 0) env->remove(env, dir_.c_str(), 0);
}

// ---------------------------------------------------------------- helpers

int BdbStore::PutSeqLimit(DB_TXN* txn, uint64_t limit) {
  const std::string val = store::EncodePos({0, limit}).substr(8);  // the seq half
  DBT k = In("seq"), v = In(val);
  return meta_->put(meta_, txn, &k, &v, 0);
}

Status BdbStore::Error(std::string_view what, int ret) {
  std::string msg = std::string(what) + " in " + dir_ + ": " + db_strerror(ret);
  if (!last_error_.empty()) {
    msg += " (" + last_error_ + ")";
    last_error_.clear();
  }
  if (ret == ENOSPC) msg += ": the disk is full";
  if (ret == DB_RUNRECOVERY) msg += ": restart chatd to run recovery";
  return Status::IOError(msg);
}

Status BdbStore::Txn(const char* what, const TxnBody& body, u_int32_t commit_flags) {
  for (int attempt = 0;; ++attempt) {
    DB_TXN* txn = nullptr;
    int ret = env_->txn_begin(env_, nullptr, &txn, 0);
    if (ret != 0) return Error(what, ret);
    Status st;
    ret = body(txn, &st);
    if (ret == 0 && st.ok()) {
      ret = txn->commit(txn, commit_flags);
      if (ret != 0) return Error(what, ret);
      // Any other commit writes the whole log buffer, earlier NOSYNC
      // commits' records included.
      log_pending_ = commit_flags == DB_TXN_NOSYNC;
      return Status::OK();
    }
    txn->abort(txn);
    if ((ret == DB_LOCK_DEADLOCK || ret == DB_LOCK_NOTGRANTED) && attempt < kDeadlockRetries) continue;
    return ret != 0 ? Error(what, ret) : st;
  }
}

template <typename Rec>
Result<Rec> BdbStore::GetByKey(DB* db, const char* file, const char* what, std::string_view key,
                               Status (*decode)(std::string_view, const std::string&, Rec*), std::string_view shown,
                               DB_TXN* txn) {
  DBT k = In(key);
  Buf v;
  int ret = db->get(db, txn, &k, v.dbt(), 0);
  if (ret == DB_NOTFOUND) {
    return Status::NotFound(std::string("no ") + what + (shown.empty() ? "" : " ") + std::string(shown));
  }
  if (ret != 0) return Error(std::string("reading ") + file, ret);
  Rec rec;
  Status st = Decode(decode, v.view(), file, key, false, &rec);
  if (!st.ok()) return st;
  return rec;
}

Status BdbStore::DeleteKey(DB* db, const char* doing, const char* what, std::string_view key) {
  return Txn(doing, [&](DB_TXN* txn, Status* fail) {
    DBT k = In(key);
    int ret = db->del(db, txn, &k, 0);
    if (ret == DB_NOTFOUND) {
      *fail = Status::NotFound(std::string("no ") + what);
      return 0;
    }
    return ret;
  });
}

template <typename Rec>
int BdbStore::ReadForUpdate(DB* db, DB_TXN* txn, const char* file, std::string_view key,
                            Status (*decode)(std::string_view, const std::string&, Rec*), Rec* out, bool* found,
                            Status* fail) {
  DBT k = In(key);
  Buf v;
  int ret = db->get(db, txn, &k, v.dbt(), DB_RMW);
  *found = ret == 0;
  if (ret == DB_NOTFOUND) return 0;
  if (ret != 0) return ret;
  *fail = Decode(decode, v.view(), file, key, false, out);
  return 0;
}

template <typename Rec>
Result<std::vector<Rec>> BdbStore::ListAll(DB* db, const char* file,
                                           Status (*decode)(std::string_view, const std::string&, Rec*)) {
  DBC* c = nullptr;
  int ret = db->cursor(db, nullptr, &c, 0);
  if (ret != 0) return Error(std::string("reading ") + file, ret);
  CursorCloser closer(c);
  std::vector<Rec> out;
  Buf k, v;
  while ((ret = c->get(c, k.dbt(), v.dbt(), DB_NEXT)) == 0) {
    Rec rec;
    Status st = Decode(decode, v.view(), file, k.view(), false, &rec);
    if (!st.ok()) return st;
    out.push_back(std::move(rec));
  }
  if (ret != DB_NOTFOUND) return Error(std::string("reading ") + file, ret);
  return out;
}

// ---------------------------------------------------------------- files

Status BdbStore::CommitFile(const FileRecord& rec, uint64_t quota_bytes) {
  Status st = store::ValidateFile(rec);
  if (!st.ok()) return st;
  const std::string who = chat::irc::Fold(rec.uploader);
  const std::string file_val = store::EncodeFile(rec);
  return Txn("storing a file", [&](DB_TXN* txn, Status* fail) {
    QuotaRecord q;
    BlobRecord b;
    bool have_q = false, have_b = false;
    int ret = ReadForUpdate<QuotaRecord>(quota_, txn, "quota.db", who, &store::DecodeQuota, &q, &have_q, fail);
    if (ret != 0 || !fail->ok()) return ret;
    if (quota_bytes > 0 && q.bytes + rec.size > quota_bytes) {
      *fail = Status::InvalidArgument("over quota");
      return 0;
    }
    ret = ReadForUpdate<BlobRecord>(blobs_, txn, "blobs.db", rec.sha256, &store::DecodeBlob, &b, &have_b, fail);
    if (ret != 0 || !fail->ok()) return ret;
    if (!have_b || b.refcount == 0) b.size = rec.size;
    b.refcount += 1;
    q.bytes += rec.size;
    q.files += 1;
    DBT fk = In(rec.id), fv = In(file_val);
    ret = files_->put(files_, txn, &fk, &fv, DB_NOOVERWRITE);
    if (ret == DB_KEYEXIST) {
      *fail = Status::InvalidArgument("exists");
      return 0;
    }
    if (ret != 0) return ret;
    const std::string bval = store::EncodeBlob(b), qval = store::EncodeQuota(q);
    DBT bk = In(rec.sha256), bv = In(bval), qk = In(who), qv = In(qval);
    ret = blobs_->put(blobs_, txn, &bk, &bv, 0);
    if (ret != 0) return ret;
    return quota_->put(quota_, txn, &qk, &qv, 0);
  });
}

Result<std::vector<FileRecord>> BdbStore::ListFiles(std::string_view uploader) {
  auto all = ListAll<FileRecord>(files_, "files.db", &store::DecodeFile);
  if (!all.ok() || uploader.empty()) return all;
  const std::string who = chat::irc::Fold(uploader);
  std::vector<FileRecord> out;
  for (auto& f : all.value()) {
    if (chat::irc::Fold(f.uploader) == who) out.push_back(std::move(f));
  }
  return out;
}

Result<FileDeletion> BdbStore::DeleteFile(std::string_view id) {
  FileDeletion d;
  Status st = Txn("deleting a file", [&](DB_TXN* txn, Status* fail) {
    bool found = false;
    int ret = ReadForUpdate<FileRecord>(files_, txn, "files.db", id, &store::DecodeFile, &d.file, &found, fail);
    if (ret != 0 || !fail->ok()) return ret;
    if (!found) {
      *fail = Status::NotFound("no such file");
      return 0;
    }
    DBT fk = In(id);
    if ((ret = files_->del(files_, txn, &fk, 0)) != 0) return ret;
    const std::string who = chat::irc::Fold(d.file.uploader);
    QuotaRecord q;
    bool have_q = false;
    ret = ReadForUpdate<QuotaRecord>(quota_, txn, "quota.db", who, &store::DecodeQuota, &q, &have_q, fail);
    if (ret != 0 || !fail->ok()) return ret;
    if (have_q) {
      q.bytes -= std::min(q.bytes, d.file.size);
      q.files -= std::min<uint64_t>(q.files, 1);
      const std::string qval = store::EncodeQuota(q);
      DBT qk = In(who), qv = In(qval);
      if ((ret = quota_->put(quota_, txn, &qk, &qv, 0)) != 0) return ret;
    }
    BlobRecord b;
    bool have_b = false;
    ret = ReadForUpdate<BlobRecord>(blobs_, txn, "blobs.db", d.file.sha256, &store::DecodeBlob, &b, &have_b, fail);
    if (ret != 0 || !fail->ok()) return ret;
    d.blob_unused = false;
    if (!have_b) return 0;
    DBT bk = In(d.file.sha256);
    if (b.refcount <= 1) {
      d.blob_unused = true;
      return blobs_->del(blobs_, txn, &bk, 0);
    }
    b.refcount -= 1;
    const std::string bval = store::EncodeBlob(b);
    DBT bv = In(bval);
    return blobs_->put(blobs_, txn, &bk, &bv, 0);
  });
  if (!st.ok()) return st;
  return d;
}

Result<QuotaRecord> BdbStore::GetQuota(std::string_view account) {
  auto r = GetByKey<QuotaRecord>(quota_, "quota.db", "quota", chat::irc::Fold(account), &store::DecodeQuota);
  if (!r.ok() && r.status().code() == Status::Code::kNotFound) return QuotaRecord{};
  return r;
}

Status BdbStore::PutUpload(const UploadRecord& rec) {
  if (rec.id.empty()) return Status::InvalidArgument("upload without an id");
  const std::string val = store::EncodeUpload(rec);
  return Txn("storing an upload", [&](DB_TXN* txn, Status*) {
    DBT k = In(rec.id), v = In(val);
    return uploads_->put(uploads_, txn, &k, &v, 0);
  });
}

Status BdbStore::PutToken(std::string_view hash, const TokenRecord& rec) {
  if (hash.empty()) return Status::InvalidArgument("token without a hash");
  const std::string val = store::EncodeToken(rec);
  return Txn("storing a token", [&](DB_TXN* txn, Status*) {
    DBT k = In(hash), v = In(val);
    return tokens_->put(tokens_, txn, &k, &v, 0);
  });
}

Result<uint64_t> BdbStore::PruneTokens(int64_t now_ms) {
  uint64_t removed = 0;
  Status st = Txn("pruning tokens", [&](DB_TXN* txn, Status* fail) {
    removed = 0;
    DBC* c = nullptr;
    int ret = tokens_->cursor(tokens_, txn, &c, 0);
    if (ret != 0) return ret;
    CursorCloser closer(c);
    Buf k, v;
    while ((ret = c->get(c, k.dbt(), v.dbt(), DB_NEXT | DB_RMW)) == 0) {
      TokenRecord t;
      *fail = Decode(&store::DecodeToken, v.view(), "tokens.db", k.view(), false, &t);
      if (!fail->ok()) return 0;
      if (t.expires_ms > now_ms) continue;
      if ((ret = c->del(c, 0)) != 0) return ret;
      ++removed;
    }
    return ret == DB_NOTFOUND ? 0 : ret;
  });
  if (!st.ok()) return st;
  return removed;
}

// ---------------------------------------------------------------- accounts

Status BdbStore::CreateAccount(const AccountRecord& rec) {
  std::string key = chat::irc::Fold(rec.name);
  if (key.empty()) return Status::InvalidArgument("account without a name");
  std::string val = store::EncodeAccount(rec);
  return Txn("creating an account", [&](DB_TXN* txn, Status* fail) {
    DBT k = In(key), v = In(val);
    int ret = accounts_->put(accounts_, txn, &k, &v, DB_NOOVERWRITE);
    if (ret == DB_KEYEXIST) {
      *fail = Status::InvalidArgument("exists");
      return 0;
    }
    return ret;
  });
}

Status BdbStore::UpdateAccount(const AccountRecord& rec) {
  std::string key = chat::irc::Fold(rec.name);
  std::string val = store::EncodeAccount(rec);
  return Txn("updating an account", [&](DB_TXN* txn, Status* fail) {
    DBT k = In(key), v = In(val);
    int ret = accounts_->exists(accounts_, txn, &k, DB_RMW);
    if (ret == DB_NOTFOUND) {
      *fail = Status::NotFound("no account " + rec.name);
      return 0;
    }
    if (ret != 0) return ret;
    return accounts_->put(accounts_, txn, &k, &v, 0);
  });
}

Result<AccountRecord> BdbStore::GetAccount(std::string_view name) {
  return GetOne<AccountRecord>(accounts_, "accounts.db", "account", name, &store::DecodeAccount);
}

Status BdbStore::DeleteAccount(std::string_view name) {
  std::string key = chat::irc::Fold(name);
  return Txn("deleting an account", [&](DB_TXN* txn, Status* fail) {
    DBT k = In(key);
    int ret = accounts_->del(accounts_, txn, &k, 0);
    if (ret == DB_NOTFOUND) {
      *fail = Status::NotFound("no account " + std::string(name));
      return 0;
    }
    return ret;
  });
}

Result<std::vector<AccountRecord>> BdbStore::ListAccounts() {
  return ListAll<AccountRecord>(accounts_, "accounts.db", &store::DecodeAccount);
}

// ---------------------------------------------------------------- channels

Status BdbStore::PutChannel(const ChannelRecord& rec) {
  std::string key = chat::irc::Fold(rec.name);
  if (key.empty()) return Status::InvalidArgument("channel without a name");
  std::string val = store::EncodeChannel(rec);
  return Txn("storing a channel", [&](DB_TXN* txn, Status*) {
    DBT k = In(key), v = In(val);
    return channels_->put(channels_, txn, &k, &v, 0);
  });
}

Result<ChannelRecord> BdbStore::GetChannel(std::string_view name) {
  return GetOne<ChannelRecord>(channels_, "channels.db", "channel", name, &store::DecodeChannel);
}

Status BdbStore::DeleteChannel(std::string_view name) {
  std::string key = chat::irc::Fold(name);
  bool existed = false;
  uint64_t removed = 0;
  // The channel record goes in the transaction that deletes the last of its
  // history, so a crash part-way leaves the channel registered.
  Status st = DeleteBelow(key, store::kPosMax, &removed, [&](DB_TXN* txn, Status*) {
    DBT k = In(key);
    int ret = channels_->del(channels_, txn, &k, 0);
    existed = ret == 0;
    return ret == DB_NOTFOUND ? 0 : ret;
  });
  if (!st.ok()) return st;
  return existed ? Status::OK() : Status::NotFound("no channel " + std::string(name));
}

Result<std::vector<ChannelRecord>> BdbStore::ListChannels() {
  return ListAll<ChannelRecord>(channels_, "channels.db", &store::DecodeChannel);
}

// ---------------------------------------------------------------- history

Status BdbStore::AppendHistory(const HistoryRecord& rec) {
  Status st = store::ValidateHistory(rec);
  if (!st.ok()) return st;
  const HistoryPos pos{store::EncodeTime(rec.time_ms), ++seq_};
  const std::string key = store::HistoryKey(rec.target, pos);
  const std::string val = store::EncodeHistory(rec);
  const std::string idkey = store::MsgidKey(rec.target, rec.msgid);
  const std::string idval = store::EncodePos(pos);
  const bool reserve = seq_ >= seq_limit_;
  const uint64_t new_limit = seq_ + kSeqBlock;
  st = Txn("storing a message", [&](DB_TXN* txn, Status* fail) {
    DBT k = In(idkey), v = In(idval);
    int ret = msgids_->put(msgids_, txn, &k, &v, DB_NOOVERWRITE);
    if (ret == DB_KEYEXIST) {
      *fail = Status::InvalidArgument("duplicate msgid " + rec.msgid + " in " + rec.target);
      return 0;
    }
    if (ret != 0) return ret;
    if (!rec.label_key.empty()) {
      // An entry whose message is gone (deleted by a chatd that predates
      // history_label.db) is stale and gets replaced.
      DBT lk = In(rec.label_key);
      Buf old;
      ret = labels_->get(labels_, txn, &lk, old.dbt(), DB_RMW);
      if (ret == 0) {
        DBT hk = In(old.view());
        Buf ignored;
        ignored.KeyOnly();
        ret = history_->get(history_, txn, &hk, ignored.dbt(), 0);
        if (ret == 0) {
          *fail = Status::InvalidArgument("duplicate label key");
          return 0;
        }
      }
      if (ret != 0 && ret != DB_NOTFOUND) return ret;
      DBT lv = In(key);
      if ((ret = labels_->put(labels_, txn, &lk, &lv, 0)) != 0) return ret;
    }
    k = In(key);
    v = In(val);
    if ((ret = history_->put(history_, txn, &k, &v, 0)) != 0) return ret;
    for (const auto& p : store::DirectParticipants(rec.target)) {
      std::string dkey = store::DirectKey(p, rec.target);
      k = In(dkey);
      v = In("");
      ret = direct_->put(direct_, txn, &k, &v, DB_NOOVERWRITE);
      if (ret != 0 && ret != DB_KEYEXIST) return ret;
    }
    return reserve ? PutSeqLimit(txn, new_limit) : 0;
  }, opts_.sync_on_commit ? 0 : DB_TXN_NOSYNC);
  if (st.ok() && reserve) seq_limit_ = new_limit;
  return st;
}

Result<HistoryRecord> BdbStore::FindByLabel(std::string_view label_key) {
  DBT lk = In(label_key);
  Buf hkey;
  int ret = labels_->get(labels_, nullptr, &lk, hkey.dbt(), 0);
  if (ret == DB_NOTFOUND) return Status::NotFound("no message with that label");
  if (ret != 0) return Error("reading history_label.db", ret);
  DBT hk = In(hkey.view());
  Buf v;
  ret = history_->get(history_, nullptr, &hk, v.dbt(), 0);
  if (ret == DB_NOTFOUND) return Status::NotFound("no message with that label");  // stale entry
  if (ret != 0) return Error("reading history.db", ret);
  HistoryRecord rec;
  Status st = Decode(&store::DecodeHistory, v.view(), "history.db", hkey.view(), true, &rec);
  if (!st.ok()) return st;
  return rec;
}

Result<HistoryPos> BdbStore::Resolve(const std::string& target, const std::string& msgid) {
  std::string key = store::MsgidKey(target, msgid);
  DBT k = In(key);
  Buf v;
  int ret = msgids_->get(msgids_, nullptr, &k, v.dbt(), 0);
  if (ret == DB_NOTFOUND) return Status::NotFound("no message with msgid " + msgid + " in " + target);
  if (ret != 0) return Error("reading history_msgid.db", ret);
  HistoryPos pos;
  if (!store::DecodePos(v.view(), &pos)) {
    return Status::Corruption("corrupt record in " + Where("history_msgid.db", key, false) + ": not 16 bytes");
  }
  return pos;
}

Status BdbStore::Scan(const std::string& target, HistoryPos lo, HistoryPos hi, uint32_t limit, bool newest_first,
                      std::vector<PosRecord>* out) {
  DBC* c = nullptr;
  int ret = history_->cursor(history_, nullptr, &c, 0);
  if (ret != 0) return Error("reading history.db", ret);
  CursorCloser closer(c);
  Buf k, v;
  k.Set(store::HistoryKey(target, newest_first ? hi : lo));
  ret = c->get(c, k.dbt(), v.dbt(), DB_SET_RANGE);
  if (newest_first) {
    // The first key at or above hi is excluded: step back from it (or from
    // the end of the database when there is none).
    if (ret == 0) {
      ret = c->get(c, k.dbt(), v.dbt(), DB_PREV);
    } else if (ret == DB_NOTFOUND) {
      ret = c->get(c, k.dbt(), v.dbt(), DB_LAST);
    }
  }
  for (; ret == 0 && limit > 0; --limit) {
    std::string_view t;
    HistoryPos pos;
    if (!store::SplitHistoryKey(k.view(), &t, &pos)) {
      if (!StartsWith(k.view(), target + '\0')) break;  // some other target's: not ours to judge
      return Status::Corruption("corrupt key in " + dir_ + "/history.db: " + store::PrintableKey(k.view(), false));
    }
    if (t != target || (newest_first ? pos < lo : !(pos < hi))) break;
    HistoryRecord rec;
    Status st = Decode(&store::DecodeHistory, v.view(), "history.db", k.view(), true, &rec);
    if (!st.ok()) return st;
    out->emplace_back(pos, std::move(rec));
    ret = c->get(c, k.dbt(), v.dbt(), newest_first ? DB_PREV : DB_NEXT);
  }
  if (ret != 0 && ret != DB_NOTFOUND) return Error("reading history.db", ret);
  return Status::OK();
}

Result<std::vector<std::string>> BdbStore::DirectTargetsOf(std::string_view participant) {
  const std::string prefix = chat::irc::Fold(participant) + '\0';
  DBC* c = nullptr;
  int ret = direct_->cursor(direct_, nullptr, &c, 0);
  if (ret != 0) return Error("reading history_dm.db", ret);
  CursorCloser closer(c);
  std::vector<std::string> out;
  Buf k, v;
  k.Set(prefix);
  for (ret = c->get(c, k.dbt(), v.dbt(), DB_SET_RANGE); ret == 0; ret = c->get(c, k.dbt(), v.dbt(), DB_NEXT)) {
    if (!StartsWith(k.view(), prefix)) break;
    out.emplace_back(k.view().substr(prefix.size()));
  }
  if (ret != 0 && ret != DB_NOTFOUND) return Error("reading history_dm.db", ret);
  return out;
}

Status BdbStore::Targets(std::vector<TargetSpan>* out) {
  // Skip from target to target: the last key of T is just before T '\1'.
  DBC* c = nullptr;
  int ret = history_->cursor(history_, nullptr, &c, 0);
  if (ret != 0) return Error("reading history.db", ret);
  CursorCloser closer(c);
  Buf k, v;
  v.KeyOnly();
  ret = c->get(c, k.dbt(), v.dbt(), DB_FIRST);
  while (ret == 0) {
    TargetSpan span;
    std::string_view t;
    if (!store::SplitHistoryKey(k.view(), &t, &span.oldest)) {
      return Status::Corruption("corrupt key in " + dir_ + "/history.db: " + store::PrintableKey(k.view(), false));
    }
    span.target = std::string(t);
    k.Set(span.target + '\1');
    ret = c->get(c, k.dbt(), v.dbt(), DB_SET_RANGE);
    const bool more = ret == 0;
    if (ret == 0) {
      ret = c->get(c, k.dbt(), v.dbt(), DB_PREV);
    } else if (ret == DB_NOTFOUND) {
      ret = c->get(c, k.dbt(), v.dbt(), DB_LAST);
    }
    if (ret != 0) break;
    if (!store::SplitHistoryKey(k.view(), &t, &span.newest) || t != span.target) {
      return Status::Corruption("corrupt key in " + dir_ + "/history.db: " + store::PrintableKey(k.view(), false));
    }
    out->push_back(std::move(span));
    ret = more ? c->get(c, k.dbt(), v.dbt(), DB_NEXT) : DB_NOTFOUND;
  }
  if (ret != DB_NOTFOUND) return Error("reading history.db", ret);
  return Status::OK();
}

Status BdbStore::DeleteBelow(const std::string& target, HistoryPos cut, uint64_t* removed, const TxnBody& last) {
  const std::string prefix = target + '\0';
  const std::vector<std::string> participants = store::DirectParticipants(target);
  for (bool done = false; !done;) {
    uint64_t n = 0;
    Status st = Txn("deleting messages", [&](DB_TXN* txn, Status* fail) {
      n = 0;
      done = false;
      bool empty = false;  // no message of target left
      {
        DBC* c = nullptr;
        int ret = history_->cursor(history_, txn, &c, 0);
        if (ret != 0) return ret;
        CursorCloser closer(c);
        Buf k, v;
        k.Set(store::HistoryKey(target, store::kPosMin));
        for (ret = c->get(c, k.dbt(), v.dbt(), DB_SET_RANGE | DB_RMW);; ret = c->get(c, k.dbt(), v.dbt(), DB_NEXT | DB_RMW)) {
          if (ret == DB_NOTFOUND) {
            done = empty = true;
            break;
          }
          if (ret != 0) return ret;
          std::string_view t;
          HistoryPos pos;
          if (!StartsWith(k.view(), prefix)) {
            done = empty = true;
            break;
          }
          if (store::SplitHistoryKey(k.view(), &t, &pos) && t == target && !(pos < cut)) {
            done = true;
            break;
          }
          if (n == kDeleteBatch) break;
          // A record that no longer decodes is deleted all the same; its
          // msgid entry (if any) stays behind, harmlessly.
          HistoryRecord rec;
          if (store::DecodeHistory(v.view(), std::string(), &rec).ok()) {
            std::string idkey = store::MsgidKey(target, rec.msgid);
            DBT ik = In(idkey);
            ret = msgids_->del(msgids_, txn, &ik, 0);
            if (ret != 0 && ret != DB_NOTFOUND) return ret;
            if (!rec.label_key.empty()) {
              // Only if it still names this message (not a later one that
              // replaced a stale entry).
              DBT lk = In(rec.label_key);
              Buf names;
              ret = labels_->get(labels_, txn, &lk, names.dbt(), DB_RMW);
              if (ret == 0 && names.view() == k.view()) ret = labels_->del(labels_, txn, &lk, 0);
              if (ret != 0 && ret != DB_NOTFOUND) return ret;
            }
          }
          if ((ret = c->del(c, 0)) != 0) return ret;
          ++n;
        }
      }
      if (!done) return 0;
      if (empty) {
        for (const auto& p : participants) {
          std::string dkey = store::DirectKey(p, target);
          DBT dk = In(dkey);
          int ret = direct_->del(direct_, txn, &dk, 0);
          if (ret != 0 && ret != DB_NOTFOUND) return ret;
        }
      }
      return last ? last(txn, fail) : 0;
    });
    if (!st.ok()) return st;
    *removed += n;
  }
  return Status::OK();
}

Status BdbStore::DeleteHistory(std::string_view target) {
  uint64_t removed = 0;
  return DeleteBelow(std::string(target), store::kPosMax, &removed, nullptr);
}

Result<uint64_t> BdbStore::Prune(int64_t now_ms, int64_t max_age_ms, uint64_t max_per_target) {
  std::vector<TargetSpan> targets;
  Status st = Targets(&targets);
  if (!st.ok()) return st;
  uint64_t removed = 0;
  for (const auto& [target, oldest, newest] : targets) {
    HistoryPos cut = store::kPosMin;
    if (max_age_ms > 0) cut = HistoryPos{store::EncodeTime(now_ms - max_age_ms), 0};
    if (max_per_target > 0) {
      // Walk back over the newest max_per_target keys (keys only); the last
      // one reached is the oldest to keep.
      DBC* c = nullptr;
      int ret = history_->cursor(history_, nullptr, &c, 0);
      if (ret != 0) return Error("reading history.db", ret);
      CursorCloser closer(c);
      Buf k, v;
      v.KeyOnly();
      k.Set(store::HistoryKey(target, newest));
      ret = c->get(c, k.dbt(), v.dbt(), DB_SET);
      for (uint64_t i = 1; ret == 0 && i < max_per_target; ++i) ret = c->get(c, k.dbt(), v.dbt(), DB_PREV);
      std::string_view t;
      HistoryPos pos;
      if (ret == 0 && store::SplitHistoryKey(k.view(), &t, &pos) && t == target && cut < pos) cut = pos;
      if (ret != 0 && ret != DB_NOTFOUND) return Error("reading history.db", ret);
    }
    if (!(oldest < cut)) continue;  // nothing to drop
    st = DeleteBelow(target, cut, &removed, nullptr);
    if (!st.ok()) return st;
  }
  return removed;
}

// ---------------------------------------------------------------- upkeep

Status BdbStore::WriteLog() {
  if (!log_pending_) return Status::OK();
  // Berkeley DB has no call that writes the log buffer without an fsync,
  // but a commit under DB_TXN_WRITE_NOSYNC does exactly that, so commit a
  // real change: the sequence reservation, rewritten unchanged (the value is
  // at least every sequence number handed out, so it is always valid).
  return Txn("writing the log", [&](DB_TXN* txn, Status*) {
    return PutSeqLimit(txn, seq_limit_);
  });  // under the environment's DB_TXN_WRITE_NOSYNC
}

Status BdbStore::Flush() {
  int ret = env_->log_flush(env_, nullptr);
  if (ret == 0) log_pending_ = false;
  return ret == 0 ? Status::OK() : Error("flushing the log", ret);
}

Status BdbStore::Checkpoint() {
  int ret = env_->txn_checkpoint(env_, 0, 0, 0);
  if (ret != 0) return Error("checkpointing", ret);
  ret = env_->log_archive(env_, nullptr, DB_ARCH_REMOVE);
  if (ret != 0) return Error("removing old log files", ret);
  return Status::OK();
}

// As db_hotbackup does: checkpoint, copy the databases, the log and the
// other files of data_dir (the SCRAM secret), then run catastrophic recovery
// in the copy so it is consistent on its own. The loop is single-threaded,
// so nothing writes while the copy is made.
Status BdbStore::Backup(const std::string& target) {
  if (target.empty() || target[0] != '/') return Status::InvalidArgument("backup directory must be an absolute path");
  struct stat sb;
  if (::stat(target.c_str(), &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) return Status::InvalidArgument(target + " exists and is not a directory");
    DIR* d = ::opendir(target.c_str());
    if (d == nullptr) return Status::IOError("cannot read " + target + ": " + std::strerror(errno));
    bool empty = true;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) empty = false;
    }
    ::closedir(d);
    if (!empty) return Status::InvalidArgument(target + " exists and is not empty: name a new directory");
  } else if (errno != ENOENT) {
    return Status::IOError("cannot use " + target + ": " + std::strerror(errno));
  }
  Status st = Checkpoint();
  if (!st.ok()) return st;
  int ret = env_->backup(env_, target.c_str(), DB_CREATE | DB_BACKUP_FILES);
  if (ret != 0) {
    if (ret == EACCES || ret == EPERM || ret == EROFS || ret == ENOENT) {
      last_error_.clear();
      return Status::IOError("cannot write the backup to " + target + " (" + db_strerror(ret) +
                             "): its parent must exist and be writable by the user chatd runs as");
    }
    return Error("backing up to " + target, ret);
  }
  // Region files belong to a running environment, never to a copy.
  if (DIR* d = ::opendir(target.c_str())) {
    while (struct dirent* e = ::readdir(d)) {
      if (StartsWith(e->d_name, "__db.")) (void)::unlink((target + "/" + e->d_name).c_str());
    }
    ::closedir(d);
  }
  DB_ENV* copy = nullptr;
  ret = db_env_create(&copy, 0);
  if (ret != 0) return Error("creating a handle for the backup", ret);
  copy->app_private = this;
  copy->set_errcall(copy, &BdbStore::ErrCall);
  ret = copy->open(copy, target.c_str(),
                   DB_CREATE | DB_INIT_TXN | DB_INIT_LOG | DB_INIT_LOCK | DB_INIT_MPOOL | DB_RECOVER_FATAL | DB_PRIVATE,
                   0600);
  if (ret == 0) ret = copy->log_archive(copy, nullptr, DB_ARCH_REMOVE);
  int close_ret = copy->close(copy, 0);
  if (ret == 0) ret = close_ret;
  if (ret != 0) return Error("recovering the backup in " + target, ret);
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenBdbStore(const std::string& dir, const StoreOptions& opts) {
  auto store = std::make_unique<BdbStore>(dir, opts);
  Status st = store->Open();
  if (!st.ok()) return st;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace chatd
