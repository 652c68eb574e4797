// Store: chatd's durable state (accounts, registered channels, message
// history) behind a small interface. store_bdb.cc implements it on a
// transactional Berkeley DB environment; store_mem.cc in memory for tests.
// No Berkeley DB type appears outside store_bdb.cc. All calls are made from
// the event loop thread; each mutating call is one transaction that has
// committed (its log record written to the OS, so a process crash loses
// nothing) when it returns OK. Exceptions: AppendHistory's log reaches the
// OS at the next WriteLog() (see there); deletions of many messages
// (DeleteChannel, DeleteHistory, Prune) commit every 1000 messages, oldest
// first, so a crash part-way leaves the newest messages and a retry finishes
// the job. Reads of a record that no longer decodes give Corruption naming
// the database file and key. doc/storage.md describes the on-disk format.
#ifndef CHATD_STORE_H_
#define CHATD_STORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/status.h"

namespace chatd {

// A registered account. `name` is the display spelling; lookups use the
// casefolded name (libchat casemap.h Fold). Passwords are never stored, only
// SCRAM-SHA-256 verifiers (RFC 5802 §3, RFC 7677).
struct AccountRecord {
  std::string name;
  std::string email;          // may be empty
  uint32_t iterations = 0;    // PBKDF2 iteration count
  std::string salt;           // raw bytes
  std::string stored_key;     // raw 32 bytes: H(ClientKey)
  std::string server_key;     // raw 32 bytes: HMAC(SaltedPassword, "Server Key")
  std::string role = "user";  // "user" or "admin"
  bool disabled = false;
  int64_t created_ms = 0;     // Unix time, milliseconds
  // Offline delivery (doc/protocol.md "Account sessions and offline
  // delivery"): direct messages stored after this time (Unix ms) have not
  // been delivered to the account yet; 0 = no mark, nothing to replay.
  int64_t delivered_ms = 0;
};

struct BanRecord {
  std::string mask;
  std::string setter;
  int64_t set_at = 0;  // Unix seconds
};

// A registered channel: what persists while nobody is in it.
struct ChannelRecord {
  std::string name;            // display spelling, e.g. "#general"
  std::string owner;           // account name; empty for server-owned (#general)
  int64_t created = 0;         // Unix seconds
  std::string topic, topic_setter;
  int64_t topic_time = 0;      // Unix seconds
  bool invite_only = false, moderated = false, no_external = true, secret = false, topic_ops = true;
  std::string key;             // +k, empty when unset
  uint32_t limit = 0;          // +l, 0 when unset
  std::vector<BanRecord> bans;
  std::vector<std::string> invites;  // account names invited (persist)
  std::vector<std::string> roster;   // member account names, join order
  std::vector<std::string> ops;      // roster members holding +o
};

// One stored message (PRIVMSG, NOTICE or TAGMSG).
struct HistoryRecord {
  std::string target;          // conversation key: folded channel name, or for direct
                               // messages "@" + the two folded account/nick names sorted
                               // and joined by ' ' (chatd computes it)
  std::string msgid;
  int64_t time_ms = 0;         // server-time, Unix milliseconds
  std::string command;         // "PRIVMSG", "NOTICE", "TAGMSG"
  std::string source;          // nick!user@host at send time
  std::string account;         // sender's account, empty for guests
  std::string to;              // the target as written in the message (channel or nick)
  std::string text;            // empty for TAGMSG
  std::string tags;            // client-only tags, serialized "+a=b;+c" (escaped), may be empty
  std::string label_key;       // idempotency key (chatd.dev/outbox, opaque bytes composed by
                               // chatd), empty for none; at most one stored message holds a key
};

// A CHATHISTORY-style selection (IRCv3 draft/chathistory). Bounds are
// either msgids (resolved within the target) or timestamps in ms; a bound
// with both empty msgid and ts 0 means "unbounded" ("*").
struct HistoryBound {
  std::string msgid;
  int64_t time_ms = 0;
  bool unbounded() const { return msgid.empty() && time_ms == 0; }
};

enum class HistoryQueryKind { kLatest, kBefore, kAfter, kAround, kBetween };

struct HistoryQuery {
  std::string target;
  HistoryQueryKind kind = HistoryQueryKind::kLatest;
  HistoryBound a, b;  // LATEST: a = "after this" bound or unbounded; BEFORE/AFTER/AROUND: a;
                      // BETWEEN: a and b (either order; results always ascending)
  uint32_t limit = 100;
};

struct TargetSummary {
  std::string target;   // conversation key
  std::string to;       // display name of the latest message's target
  int64_t latest_ms = 0;
};


// ---- shared files (doc/files.md, doc/storage.md "Files")

// A file that was uploaded completely: its bytes are the blob named by
// sha256 under data_dir/files/ (doc/files.md).
struct FileRecord {
  std::string id;           // 16 random bytes (base32 in URLs, libchat/files/file_id.h)
  std::string sha256;       // 32 raw bytes: the blob's name
  uint64_t size = 0;        // bytes
  std::string type;         // normalised media type, e.g. "image/png"
  std::string name;         // sanitised UTF-8 file name
  std::string uploader;     // account name as spelled by the account
  int64_t created_ms = 0;   // Unix milliseconds
  std::string target;       // "" unlisted, "#chan" a channel, a nick for a direct message
};

// The bytes of one distinct content, shared by every file with that SHA-256.
struct BlobRecord {
  uint64_t refcount = 0;  // FileRecords naming it
  uint64_t size = 0;      // bytes
};

// A tus upload in progress (tus 1.0 creation). Its bytes so far are the
// file data_dir/files/tmp/<hex id>.part, of which offset_durable bytes were
// fdatasync'ed; a restart truncates the file to that length.
struct UploadRecord {
  std::string id;              // 16 random bytes (base32 in URLs)
  std::string account;         // owner: only this account may continue or delete it
  uint64_t length = 0;         // Upload-Length, bytes
  uint64_t offset_durable = 0; // bytes on disk and synced
  int64_t created_ms = 0;
  int64_t expires_ms = 0;      // Upload-Expires; swept after this
  std::string name, type, target;  // from Upload-Metadata, sanitised
};

// What an account's files use (chatctl files quota).
struct QuotaRecord {
  uint64_t bytes = 0;  // sum of the sizes of its files (deduplicated blobs are still charged)
  uint64_t files = 0;
};

// A bearer token for the HTTP side, issued over IRC (FILEHOST TOKEN,
// doc/protocol.md). Only SHA-256(token) is stored: it is the key.
struct TokenRecord {
  std::string account;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

// The outcome of DeleteFile: the record that went, and whether its blob is
// now unreferenced (its record deleted in the same transaction), so the
// caller unlinks the blob file.
struct FileDeletion {
  FileRecord file;
  bool blob_unused = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // ---- accounts. Names are compared folded. Create fails with
  // InvalidArgument("exists") when the name is taken (and InvalidArgument
  // for an empty name). Lists are in folded-name order.
  virtual chat::Status CreateAccount(const AccountRecord& rec) = 0;
  virtual chat::Status UpdateAccount(const AccountRecord& rec) = 0;    // NotFound if absent
  virtual chat::Result<AccountRecord> GetAccount(std::string_view name) = 0;  // NotFound
  virtual chat::Status DeleteAccount(std::string_view name) = 0;      // NotFound
  virtual chat::Result<std::vector<AccountRecord>> ListAccounts() = 0;

  // ---- registered channels (folded name is the key)
  virtual chat::Status PutChannel(const ChannelRecord& rec) = 0;      // create or replace
  virtual chat::Result<ChannelRecord> GetChannel(std::string_view name) = 0;  // NotFound
  // Deletes the channel and all its history. NotFound when no channel record
  // existed (history under that name is deleted all the same).
  virtual chat::Status DeleteChannel(std::string_view name) = 0;
  virtual chat::Result<std::vector<ChannelRecord>> ListChannels() = 0;

  // ---- history
  // Appends one message. Returns OK only once committed, but (unless
  // sync_on_commit) with its log record still in the process's memory: the
  // caller must call WriteLog() before anybody can see the message, so a
  // process crash loses only messages nobody saw. msgids are unique
  // per target; appending a duplicate msgid fails with InvalidArgument, as
  // does an empty msgid or target, or a target containing NUL. A non-empty
  // rec.label_key is indexed in the same transaction; one that a stored
  // message already holds fails with InvalidArgument("duplicate label key").
  virtual chat::Status AppendHistory(const HistoryRecord& rec) = 0;
  // The stored message appended with `label_key` (chatd.dev/outbox), or
  // NotFound when there is none: never stored, or deleted or pruned since
  // (the key goes with its message). Corruption/IOError as for queries.
  virtual chat::Result<HistoryRecord> FindByLabel(std::string_view label_key) = 0;
  // Messages selected by q, ascending by time (ties by append order), at
  // most q.limit. A msgid bound that doesn't exist gives NotFound. All
  // bounds are exclusive except AROUND's msgid, whose message is included:
  //   LATEST *: the newest; LATEST a: the newest strictly after a.
  //   BEFORE a / AFTER a: the nearest before / after a ("*": from the end /
  //     the start).
  //   AROUND a: limit/2 before a, the rest at or after a; when one side runs
  //     short the other side fills up. Needs a bound (else InvalidArgument).
  //   BETWEEN a b: strictly between, in either order, the `limit` nearest to
  //     a. Needs both bounds (else InvalidArgument).
  // A timestamp bound compares on time_ms, so it excludes every message of
  // that exact millisecond.
  virtual chat::Result<std::vector<HistoryRecord>> QueryHistory(const HistoryQuery& q) = 0;
  // Conversations among `targets` (keys) with a message in (from_ms, to_ms],
  // newest first, at most limit (CHATHISTORY TARGETS). Each summary is that
  // conversation's newest message inside the window. The bounds may come in
  // either order; ties are ordered by key; duplicates in `targets` count once.
  virtual chat::Result<std::vector<TargetSummary>> ListTargets(const std::vector<std::string>& targets,
                                                               int64_t from_ms, int64_t to_ms,
                                                               uint32_t limit) = 0;
  // Direct-message conversation keys that involve `participant` (folded; the
  // store folds it again), in key order. A conversation whose messages have
  // all been deleted or pruned is no longer listed.
  virtual chat::Result<std::vector<std::string>> DirectTargetsOf(std::string_view participant) = 0;
  // Deletes all history of one target.
  virtual chat::Status DeleteHistory(std::string_view target) = 0;
  // Retention: drops messages older than now_ms - max_age_ms (if max_age_ms > 0) and
  // beyond the newest max_per_target of each target (if > 0). Returns how many.
  virtual chat::Result<uint64_t> Prune(int64_t now_ms, int64_t max_age_ms, uint64_t max_per_target) = 0;

  // ---- shared files. Keys are raw bytes (ids 16, digests 32); accounts
  // are compared folded. Each call is one transaction.
  //
  // Records a completed upload: the file (its id must be new, else
  // InvalidArgument("exists")), one more reference on its blob (created with
  // rec.size when new) and rec.size / one file more on the uploader's quota.
  // When quota_bytes > 0 and the uploader's bytes would exceed it, nothing
  // changes and the result is InvalidArgument("over quota"). Empty id,
  // digest or uploader: InvalidArgument.
  virtual chat::Status CommitFile(const FileRecord& rec, uint64_t quota_bytes) = 0;
  virtual chat::Result<FileRecord> GetFile(std::string_view id) = 0;  // NotFound
  // Files uploaded by `uploader` (folded compare), or every file for "", in
  // id order.
  virtual chat::Result<std::vector<FileRecord>> ListFiles(std::string_view uploader) = 0;
  // Deletes a file, drops its blob reference and its quota charge. NotFound.
  virtual chat::Result<FileDeletion> DeleteFile(std::string_view id) = 0;
  virtual chat::Result<BlobRecord> GetBlob(std::string_view sha256) = 0;  // NotFound
  // An account's usage; zeros when it has none.
  virtual chat::Result<QuotaRecord> GetQuota(std::string_view account) = 0;

  // ---- tus uploads in progress
  virtual chat::Status PutUpload(const UploadRecord& rec) = 0;  // create or replace
  virtual chat::Result<UploadRecord> GetUpload(std::string_view id) = 0;  // NotFound
  virtual chat::Status DeleteUpload(std::string_view id) = 0;              // NotFound
  virtual chat::Result<std::vector<UploadRecord>> ListUploads() = 0;

  // ---- HTTP bearer tokens, keyed by SHA-256(token) (32 raw bytes)
  virtual chat::Status PutToken(std::string_view hash, const TokenRecord& rec) = 0;
  virtual chat::Result<TokenRecord> GetToken(std::string_view hash) = 0;  // NotFound
  virtual chat::Status DeleteToken(std::string_view hash) = 0;            // NotFound
  // Deletes tokens with expires_ms <= now_ms; returns how many.
  virtual chat::Result<uint64_t> PruneTokens(int64_t now_ms) = 0;

  // ---- durability and upkeep
  // Writes the log records of every AppendHistory since the last call to the
  // operating system (write(2), no fsync), after which a crash of the process
  // loses none of those messages. Cheap when there is nothing to write (one
  // flag test), so chatd calls it before every pass that writes to sockets:
  // one write per pass instead of one per message. IOError (disk full, I/O
  // error) leaves the records pending for the next call.
  virtual chat::Status WriteLog() { return chat::Status::OK(); }
  // Forces the transaction log to disk (fsync). Used by sync = "interval".
  virtual chat::Status Flush() = 0;
  // Checkpoint and remove log files no longer needed.
  virtual chat::Status Checkpoint() = 0;
  // A hot backup (chatctl backup): writes a consistent copy of the store
  // into `dir`, an absolute path that must not exist yet (its parent must)
  // or be an empty directory, while the store stays in use. The copy is a
  // directory OpenBdbStore opens as it was at the call (chatctl restore
  // copies it into data_dir). Blocks the caller while copying. IOError for
  // I/O failures and for stores with nothing on disk (the default);
  // InvalidArgument when `dir` exists and is not empty.
  virtual chat::Status Backup(const std::string& dir) {
    return chat::Status::IOError("this store keeps nothing on disk to back up (" + dir + ")");
  }
};

struct StoreOptions {
  bool sync_on_commit = false;  // true: every commit fsyncs the log (sync = "commit")
  uint32_t cache_mb = 16;
  // Create accounts.db or channels.db afresh when missing from an existing
  // environment (chatd --recreate-missing-db); by default that refuses to open.
  bool recreate_missing = false;
};

// Opens (creating if needed) the Berkeley DB environment in `dir` with
// recovery; DB_REGISTER detects a crashed previous process and runs
// recovery. `dir` must exist. In an existing environment (meta.db present)
// a missing accounts.db or channels.db is Corruption naming the file and
// the ways out, unless opts.recreate_missing. Errors name the path and the way out: IOError
// for a missing, non-directory or unwritable dir ("chown it to the chatd
// user"), Corruption for an environment or database that can't be recovered
// or opened ("restore a backup with chatctl restore or move the directory
// away to start empty") or one written by a newer chatd. The store closes
// the environment (checkpoint, then close) when destroyed.
chat::Result<std::unique_ptr<Store>> OpenBdbStore(const std::string& dir, const StoreOptions& opts);

// A store in memory, same semantics, nothing persisted. For tests.
std::unique_ptr<Store> NewMemStore();

}  // namespace chatd

#endif  // CHATD_STORE_H_
