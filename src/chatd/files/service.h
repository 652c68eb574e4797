// FilesService: the state file sharing keeps on one chatd node while it
// runs (doc/files.md): the blob store, Basic-auth cache, tus uploads that
// have an open .part writer, uploads in flight per account, and the upkeep
// timer (expired tus uploads, retention, expired tokens). Everything that
// must survive a restart is in the Store. Owned by the HTTP routes
// (shared_ptr captured by the handler factories); loop thread only.
#ifndef CHATD_FILES_SERVICE_H_
#define CHATD_FILES_SERVICE_H_

#include <event2/event.h>

#include <cstdint>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <string_view>

#include "chatd/core/config.h"
#include "chatd/files/auth.h"
#include "chatd/files/blob_store.h"
#include "chatd/http/handler.h"
#include "chatd/store/store.h"

namespace chatd {
class Server;
class Worker;
}  // namespace chatd

namespace chatd::files {

// Who a request comes from, once its credentials were checked.
struct Caller {
  std::string account;  // display name, "~nick" for a guest token, "" anonymous
  bool authenticated() const { return !account.empty(); }
  bool guest() const { return !account.empty() && account[0] == '~'; }
};

// Deletes a file's record and, when no other file shares its content, the
// blob's file (chatctl files delete, retention). NotFound for an unknown id.
chat::Result<FileDeletion> DeleteSharedFile(Store* store, const BlobStore& blobs, std::string_view id);

class FilesService {
 public:
  // At most this many uploads (FILEHOST POST or tus PATCH) per account at once.
  static constexpr int kMaxUploadsPerAccount = 4;

  FilesService(Server* server, Worker* worker);
  ~FilesService();
  FilesService(const FilesService&) = delete;
  FilesService& operator=(const FilesService&) = delete;

  // Creates data_dir/files and starts the upkeep timer; logs failures.
  void Start();

  Server* server() const { return server_; }
  Worker* worker() const { return worker_; }
  Store* store() const;
  const Config& config() const;
  const BlobStore& blobs() const { return blobs_; }

  // Checks the request's Authorization (Basic or Bearer). Returns true with
  // *caller set (anonymous when there is no header); on bad credentials
  // answers 401 itself (the same for unknown accounts and wrong passwords,
  // throttled like SASL) and returns false.
  bool Authenticate(http::Exchange& ex, Caller* caller);
  // Answers 401 with WWW-Authenticate for Basic and Bearer.
  static void SendUnauthorized(http::Exchange& ex, std::string_view detail);

  // Upload slots per account: TryAcquire is false at kMaxUploadsPerAccount.
  bool TryAcquireUpload(const std::string& account);
  void ReleaseUpload(const std::string& account);

  // tus writers kept open between PATCH requests (their digest state
  // saves re-reading the prefix); null when none.
  std::shared_ptr<BlobWriter> TusWriter(const std::string& upload_id);
  void KeepTusWriter(const std::string& upload_id, std::shared_ptr<BlobWriter> w);
  void DropTusWriter(const std::string& upload_id);
  // One PATCH per upload at a time: TryLockTus is false while another runs.
  bool TryLockTus(const std::string& upload_id) { return tus_busy_.insert(upload_id).second; }
  void UnlockTus(const std::string& upload_id) { tus_busy_.erase(upload_id); }

  // Records a finished upload whose blob was placed: checks the blob file
  // is there, commits the file record with the quota. On failure removes
  // an unreferenced blob. Loop thread.
  chat::Status CommitUpload(const FileRecord& rec);

  // DeleteSharedFile on this node's store and blobs.
  chat::Result<FileDeletion> DeleteFile(std::string_view id) { return DeleteSharedFile(store(), blobs_, id); }

  // The upkeep pass: expired tus uploads, files past retention_days,
  // expired tokens. Runs every minute.
  void Upkeep(int64_t now_ms);

 private:
  static void UpkeepCb(evutil_socket_t, short, void* arg) noexcept;

  Server* server_;
  Worker* worker_;
  BlobStore blobs_;
  FileAuth auth_;
  event* upkeep_ev_ = nullptr;
  std::map<std::string, int> uploads_in_flight_;  // folded account -> count
  std::map<std::string, std::shared_ptr<BlobWriter>> tus_writers_;  // raw upload id -> writer
  std::set<std::string> tus_busy_;  // raw upload ids with a PATCH running
};

}  // namespace chatd::files

#endif  // CHATD_FILES_SERVICE_H_
