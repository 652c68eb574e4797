// FilesService (service.h): node-local state of file sharing.
#include "chatd/files/service.h"

#include <sys/stat.h>
#include <unistd.h>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/http/problem.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/http/credentials.h"

namespace chatd::files {

FilesService::FilesService(Server* server, Worker* worker)
    : server_(server),
      worker_(worker),
      blobs_(server->config().data_dir + "/files"),
      auth_(server->store(), server->secret(), server->config().scram_iterations) {}

FilesService::~FilesService() {
  if (upkeep_ev_ != nullptr) event_free(upkeep_ev_);
}

Store* FilesService::store() const { return server_->store(); }
const Config& FilesService::config() const { return server_->config(); }

void FilesService::Start() {
  chat::Status st = blobs_.Init();
  if (!st.ok()) LOG_ERROR("files: %s", st.message().c_str());
  upkeep_ev_ = event_new(server_->base(), -1, EV_PERSIST, &FilesService::UpkeepCb, this);
  timeval minute{60, 0};
  event_add(upkeep_ev_, &minute);
}

void FilesService::UpkeepCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<FilesService*>(arg);
  self->Upkeep(NowMs());
}

void FilesService::SendUnauthorized(http::Exchange& ex, std::string_view detail) {
  http::SendProblem(ex, 401, "unauthorized", detail,
                    {{"WWW-Authenticate", "Basic realm=\"chatd\", charset=\"UTF-8\""},
                     {"WWW-Authenticate", "Bearer realm=\"chatd\""}});
}

bool FilesService::Authenticate(http::Exchange& ex, Caller* caller) {
  caller->account.clear();
  const std::string* header = ex.head().Find("Authorization");
  if (header == nullptr) return true;
  chat::http::Credentials cred;
  if (!chat::http::ParseAuthorization(*header, &cred)) {
    SendUnauthorized(ex, "malformed or unsupported credentials");
    return false;
  }
  const int64_t now = NowMs();
  if (cred.scheme == chat::http::Credentials::Scheme::kBearer) {
    auto who = auth_.CheckBearer(cred.token, now);
    if (!who.ok()) {
      SendUnauthorized(ex, "invalid credentials");
      return false;
    }
    caller->account = who.value();
    return true;
  }
  const int wait = server_->AuthWait(ex.peer_address(), cred.user);
  if (wait > 0) {
    http::SendProblem(ex, 429, "too-many-failures", "too many failed logins; wait",
                      {{"Retry-After", std::to_string(wait)}});
    return false;
  }
  auto who = auth_.CheckBasic(cred.user, cred.password, now);
  if (!who.ok()) {
    if (who.status().code() == chat::Status::Code::kNotFound) {
      server_->NoteAuthFailure(ex.peer_address(), cred.user);
      SendUnauthorized(ex, "invalid credentials");
    } else {
      LOG_ERROR("files: checking a password: %s", who.status().message().c_str());
      http::SendProblem(ex, 503, "temporarily-unavailable", "try again later");
    }
    return false;
  }
  server_->NoteAuthSuccess(ex.peer_address(), cred.user);
  caller->account = who.value();
  return true;
}

bool FilesService::TryAcquireUpload(const std::string& account) {
  int& n = uploads_in_flight_[chat::irc::Fold(account)];
  if (n >= kMaxUploadsPerAccount) return false;
  ++n;
  return true;
}

void FilesService::ReleaseUpload(const std::string& account) {
  auto it = uploads_in_flight_.find(chat::irc::Fold(account));
  if (it == uploads_in_flight_.end()) return;
  if (--it->second <= 0) uploads_in_flight_.erase(it);
}

std::shared_ptr<BlobWriter> FilesService::TusWriter(const std::string& upload_id) {
  auto it = tus_writers_.find(upload_id);
  return it == tus_writers_.end() ? nullptr : it->second;
}

void FilesService::KeepTusWriter(const std::string& upload_id, std::shared_ptr<BlobWriter> w) {
  tus_writers_[upload_id] = std::move(w);
}

void FilesService::DropTusWriter(const std::string& upload_id) { tus_writers_.erase(upload_id); }

chat::Status FilesService::CommitUpload(const FileRecord& rec) {
  struct stat sb;
  const std::string path = blobs_.BlobPath(rec.sha256);
  if (::stat(path.c_str(), &sb) != 0) {
    // Removed by a delete that raced with this upload's placing: the client retries.
    return chat::Status::IOError("blob " + path + " vanished while committing");
  }
  chat::Status st = store()->CommitFile(rec, config().files_quota);
  if (!st.ok() && !store()->GetBlob(rec.sha256).ok()) (void)blobs_.RemoveBlob(rec.sha256);
  return st;
}

chat::Result<FileDeletion> DeleteSharedFile(Store* store, const BlobStore& blobs, std::string_view id) {
  auto d = store->DeleteFile(id);
  if (d.ok() && d.value().blob_unused) {
    chat::Status st = blobs.RemoveBlob(d.value().file.sha256);
    if (!st.ok()) LOG_ERROR("files: %s", st.message().c_str());
  }
  return d;
}

void FilesService::Upkeep(int64_t now_ms) {
  auto uploads = store()->ListUploads();
  if (uploads.ok()) {
    for (const auto& u : uploads.value()) {
      if (u.expires_ms > now_ms || tus_busy_.count(u.id) != 0) continue;
      DropTusWriter(u.id);
      (void)store()->DeleteUpload(u.id);
      ::unlink(blobs_.PartPath(u.id).c_str());
    }
  }
  const int64_t days = config().files_retention_days;
  if (days > 0) {
    auto files = store()->ListFiles("");
    if (files.ok()) {
      for (const auto& f : files.value()) {
        if (f.created_ms < now_ms - days * 86400000) (void)DeleteFile(f.id);
      }
    }
  }
  (void)store()->PruneTokens(now_ms);
}

}  // namespace chatd::files
