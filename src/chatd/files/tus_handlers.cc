// tus 1.0.0 handlers (tus_handlers.h).
#include "chatd/files/tus_handlers.h"

#include <openssl/rand.h>
#include <unistd.h>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/core/worker.h"
#include "chatd/files/access.h"
#include "chatd/files/urls.h"
#include "chatd/http/problem.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/files/file_id.h"
#include "libchat/files/file_name.h"
#include "libchat/files/tus.h"
#include "libchat/http/conditional.h"
#include "libchat/http/response.h"

namespace chatd::files {
namespace {

// A PATCH makes its bytes durable (fdatasync + offset recorded) at least
// this often, which bounds what a crash makes the client send again.
constexpr uint64_t kDurableEvery = 8 << 20;

const std::string kTusVersionText(chat::files::kTusVersion);

void TusProblem(http::Exchange& ex, int status, std::string_view code, std::string_view detail,
                std::vector<chat::http::Field> extra = {}) {
  extra.push_back({"Tus-Resumable", kTusVersionText});
  http::SendProblem(ex, status, code, detail, std::move(extra));
}

chat::http::ResponseHead TusResponse(int status) {
  chat::http::ResponseHead head;
  head.status = status;
  head.Add("Tus-Resumable", kTusVersionText);
  head.Add("Cache-Control", "no-store");
  return head;
}

// Tus-Resumable must be 1.0.0 (tus core); 412 otherwise.
bool CheckTusVersion(http::Exchange& ex) {
  const std::string* v = ex.head().Find("Tus-Resumable");
  if (v != nullptr && chat::files::TusVersionSupported(*v)) return true;
  TusProblem(ex, 412, "unsupported-tus-version", "send Tus-Resumable: 1.0.0", {{"Tus-Version", kTusVersionText}});
  return false;
}

// Checks credentials and that there are some; answers otherwise.
bool RequireCaller(FilesService& svc, http::Exchange& ex, Caller* caller) {
  if (!FilesAvailable(svc.config())) {
    TusProblem(ex, 404, "not-found", "file sharing is not enabled");
    return false;
  }
  if (!svc.Authenticate(ex, caller)) return false;
  if (!caller->authenticated()) {
    FilesService::SendUnauthorized(ex, "log in with your account's password or a FILEHOST TOKEN");
    return false;
  }
  if (caller->guest() && !svc.config().files_guests_may_upload) {
    TusProblem(ex, 403, "guests-may-not-upload", "log in to upload");
    return false;
  }
  return true;
}

// The caller's upload named by the route's {id}; 404 when there is none
// or it belongs to somebody else.
bool LoadUpload(FilesService& svc, http::Exchange& ex, const Caller& caller, UploadRecord* out) {
  std::string id;
  if (!ex.params().empty() && chat::files::DecodeFileId(ex.params()[0], &id)) {
    auto rec = svc.store()->GetUpload(id);
    if (rec.ok() && chat::irc::Fold(rec.value().account) == chat::irc::Fold(caller.account)) {
      *out = std::move(rec).value();
      return true;
    }
    if (!rec.ok() && rec.status().code() != chat::Status::Code::kNotFound) {
      LOG_ERROR("files: %s", rec.status().message().c_str());
      TusProblem(ex, 503, "temporarily-unavailable", "try again later");
      return false;
    }
  }
  TusProblem(ex, 404, "not-found", "no such upload");
  return false;
}

std::string MetadataValue(const std::vector<std::pair<std::string, std::string>>& md,
                          std::initializer_list<std::string_view> keys) {
  for (std::string_view k : keys) {
    for (const auto& [key, value] : md) {
      if (key == k) return value;
    }
  }
  return "";
}

}  // namespace

void HandleTusOptions(FilesService& svc, http::Exchange& ex) {
  chat::http::ResponseHead head;
  head.status = 204;
  head.Add("Tus-Resumable", kTusVersionText);
  head.Add("Tus-Version", kTusVersionText);
  head.Add("Tus-Extension", std::string(chat::files::kTusExtensions));
  head.Add("Tus-Max-Size", std::to_string(svc.config().files_max_size));
  head.Add("Tus-Checksum-Algorithm", std::string(chat::files::kTusChecksumAlgorithms));
  ex.Respond(std::move(head), "");
}

void HandleTusCreate(FilesService& svc, http::Exchange& ex) {
  if (!CheckTusVersion(ex)) return;
  Caller caller;
  if (!RequireCaller(svc, ex, &caller)) return;
  const Config& cfg = svc.config();
  const chat::http::RequestHead& h = ex.head();
  if (h.Find("Upload-Defer-Length") != nullptr) {
    return TusProblem(ex, 400, "length-required", "Upload-Defer-Length is not supported: send Upload-Length");
  }
  uint64_t length = 0;
  const std::string* len = h.Find("Upload-Length");
  if (len == nullptr || !chat::files::ParseTusNumber(*len, &length)) {
    return TusProblem(ex, 400, "bad-upload-length", "send Upload-Length as a non-negative integer");
  }
  if (length > cfg.files_max_size) {
    return TusProblem(ex, 413, "too-large", "the largest file is " + std::to_string(cfg.files_max_size) + " bytes");
  }
  auto used = svc.store()->GetQuota(caller.account);
  if (!used.ok()) return TusProblem(ex, 503, "temporarily-unavailable", "cannot read your quota");
  if (cfg.files_quota > 0 && used.value().bytes + length > cfg.files_quota) {
    return TusProblem(ex, 413, "over-quota",
                      "this upload would exceed your quota of " + std::to_string(cfg.files_quota) + " bytes");
  }
  std::vector<std::pair<std::string, std::string>> md;
  const std::string* mdh = h.Find("Upload-Metadata");
  if (mdh != nullptr && !chat::files::ParseTusMetadata(*mdh, &md)) {
    return TusProblem(ex, 400, "bad-upload-metadata", "Upload-Metadata is malformed");
  }
  UploadRecord up;
  up.account = caller.account;
  up.length = length;
  up.name = chat::files::SanitizeFileName(MetadataValue(md, {"filename", "name"}));
  up.type = chat::files::NormalizeMediaType(MetadataValue(md, {"filetype", "type", "contentType"}));
  up.target = MetadataValue(md, {"target"});
  if (!MayShareIn(*svc.server(), up.target, caller.account)) {
    return TusProblem(ex, 403, "invalid-target", "you may not share files in " + up.target);
  }
  unsigned char id[16];
  if (RAND_bytes(id, sizeof id) != 1) return TusProblem(ex, 503, "temporarily-unavailable", "no randomness");
  up.id.assign(reinterpret_cast<char*>(id), sizeof id);
  up.created_ms = NowMs();
  up.expires_ms = up.created_ms + cfg.files_upload_expiry_s * 1000;
  auto w = BlobWriter::OpenPart(svc.blobs(), up.id, true, 0);
  if (!w.ok()) {
    LOG_ERROR("files: %s", w.status().message().c_str());
    return TusProblem(ex, 503, "temporarily-unavailable", "cannot store files right now");
  }
  chat::Status st = svc.store()->PutUpload(up);
  if (!st.ok()) {
    w.value()->Discard();
    LOG_ERROR("files: %s", st.message().c_str());
    return TusProblem(ex, 503, "temporarily-unavailable", "cannot record the upload");
  }
  svc.KeepTusWriter(up.id, std::move(w).value());
  chat::http::ResponseHead head = TusResponse(201);
  head.Add("Location", TusUrl(cfg, up.id));
  head.Add("Upload-Expires", chat::http::HttpDate(up.expires_ms / 1000));
  ex.Respond(std::move(head), "");
}

void HandleTusHead(FilesService& svc, http::Exchange& ex) {
  if (!CheckTusVersion(ex)) return;
  Caller caller;
  UploadRecord up;
  if (!RequireCaller(svc, ex, &caller) || !LoadUpload(svc, ex, caller, &up)) return;
  chat::http::ResponseHead head = TusResponse(200);
  head.Add("Upload-Offset", std::to_string(up.offset_durable));
  head.Add("Upload-Length", std::to_string(up.length));
  head.Add("Upload-Expires", chat::http::HttpDate(up.expires_ms / 1000));
  ex.Respond(std::move(head), "");
}

void HandleTusDelete(FilesService& svc, http::Exchange& ex) {
  if (!CheckTusVersion(ex)) return;
  Caller caller;
  UploadRecord up;
  if (!RequireCaller(svc, ex, &caller) || !LoadUpload(svc, ex, caller, &up)) return;
  if (!svc.TryLockTus(up.id)) return TusProblem(ex, 409, "upload-busy", "a PATCH of this upload is running");
  svc.DropTusWriter(up.id);
  chat::Status st = svc.store()->DeleteUpload(up.id);
  ::unlink(svc.blobs().PartPath(up.id).c_str());
  svc.UnlockTus(up.id);
  if (!st.ok() && st.code() != chat::Status::Code::kNotFound) {
    LOG_ERROR("files: %s", st.message().c_str());
    return TusProblem(ex, 503, "temporarily-unavailable", "try again later");
  }
  ex.Respond(TusResponse(204), "");
}

// ---------------------------------------------------------------- PATCH

TusPatchHandler::~TusPatchHandler() { EVP_MD_CTX_free(checksum_ctx_); }

void TusPatchHandler::OnRequest(http::Exchange& ex) {
  ex_ = &ex;
  if (!CheckTusVersion(ex) || !RequireCaller(*svc_, ex, &caller_) || !LoadUpload(*svc_, ex, caller_, &up_)) {
    answered_ = true;
    return;
  }
  const chat::http::RequestHead& h = ex.head();
  const std::string* ct = h.Find("Content-Type");
  if (ct == nullptr || chat::files::NormalizeMediaType(*ct) != chat::files::kTusPatchType) {
    return Fail(415, "unsupported-media-type", "PATCH bodies are application/offset+octet-stream");
  }
  uint64_t offset = 0;
  const std::string* off = h.Find("Upload-Offset");
  if (off == nullptr || !chat::files::ParseTusNumber(*off, &offset)) {
    return Fail(400, "bad-upload-offset", "send Upload-Offset as a non-negative integer");
  }
  if (offset != up_.offset_durable) {
    return Fail(409, "offset-mismatch", "the upload is at offset " + std::to_string(up_.offset_durable));
  }
  if (up_.expires_ms <= NowMs()) return Fail(410, "gone", "the upload expired");
  if (h.framing == chat::http::BodyFraming::kLength && offset + h.content_length > up_.length) {
    return Fail(413, "too-large", "the body goes past Upload-Length");
  }
  if (const std::string* sum = h.Find("Upload-Checksum")) {
    switch (chat::files::ParseTusChecksum(*sum, &checksum_)) {
      case chat::files::TusChecksum::kOk:
        break;
      case chat::files::TusChecksum::kUnsupported:
        return Fail(400, "unsupported-checksum", "the only checksum algorithm is sha256");
      case chat::files::TusChecksum::kMalformed:
        return Fail(400, "bad-checksum", "Upload-Checksum is malformed");
    }
    checksum_ctx_ = EVP_MD_CTX_new();
    if (checksum_ctx_ == nullptr || EVP_DigestInit_ex(checksum_ctx_, EVP_sha256(), nullptr) != 1) std::abort();
  }
  if (!svc_->TryLockTus(up_.id)) return Fail(409, "upload-busy", "another PATCH of this upload is running");
  locked_ = true;
  if (!svc_->TryAcquireUpload(caller_.account)) return Fail(429, "too-many-uploads", "finish your other uploads first");
  slot_ = true;

  writer_ = svc_->TusWriter(up_.id);
  if (writer_ != nullptr && writer_->size() == up_.offset_durable) return Start();
  // After a restart (or a refused PATCH): cut the .part back to the durable
  // offset and hash that prefix again, on the worker.
  svc_->DropTusWriter(up_.id);
  writer_.reset();
  struct Job {
    BlobStore blobs;
    std::string id;
    uint64_t durable;
    chat::Result<std::unique_ptr<BlobWriter>> w = chat::Status::IOError("not run");
  };
  auto job = std::make_shared<Job>(Job{svc_->blobs(), up_.id, up_.offset_durable});
  auto self = std::static_pointer_cast<TusPatchHandler>(shared_from_this());
  busy_ = true;
  svc_->worker()->Post([job] { job->w = BlobWriter::OpenPart(job->blobs, job->id, false, job->durable); },
                       [self, job] {
                         self->busy_ = false;
                         if (!job->w.ok()) {
                           LOG_ERROR("files: %s", job->w.status().message().c_str());
                           return self->Fail(500, "internal-error", "the upload's data is damaged: delete it");
                         }
                         self->writer_ = std::move(job->w).value();
                         self->svc_->KeepTusWriter(self->up_.id, self->writer_);
                         if (self->ex_ == nullptr) return self->Unlock();
                         self->Start();
                       });
}

void TusPatchHandler::Start() {
  if (ex_ == nullptr) return Unlock();
  ex_->ReadBody();
}

void TusPatchHandler::OnBody(std::string_view piece) {
  if (answered_ || writer_ == nullptr) return;
  if (writer_->size() + piece.size() > up_.length) {
    svc_->DropTusWriter(up_.id);  // the next PATCH cuts the .part back to the durable offset
    return Fail(413, "too-large", "the body goes past Upload-Length");
  }
  chat::Status st = writer_->Write(piece.data(), piece.size());
  if (!st.ok()) {
    svc_->DropTusWriter(up_.id);
    if (writer_->disk_full()) return Fail(507, "insufficient-storage", "the server's disk is full");
    LOG_ERROR("files: %s", st.message().c_str());
    return Fail(500, "internal-error", "cannot store the upload");
  }
  if (checksum_ctx_ != nullptr) {
    EVP_DigestUpdate(checksum_ctx_, piece.data(), piece.size());
  } else if (writer_->size() - up_.offset_durable >= kDurableEvery) {
    ex_->PauseBody();
    SyncThen(false);
  }
}

void TusPatchHandler::OnBodyEnd() {
  if (answered_ || writer_ == nullptr) return;
  body_done_ = true;
  if (checksum_ctx_ != nullptr) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(checksum_ctx_, md, &n);
    if (std::string(reinterpret_cast<char*>(md), n) != checksum_) {
      // tus checksum: discard this request's bytes. Dropping the writer
      // makes the next PATCH cut the .part back to the durable offset.
      svc_->DropTusWriter(up_.id);
      return Fail(460, "checksum-mismatch", "the body does not match Upload-Checksum");
    }
  }
  if (busy_) return;  // a periodic sync is running; it finishes the request
  SyncThen(true);
}

void TusPatchHandler::SyncThen(bool final_sync) {
  struct Job {
    std::shared_ptr<BlobWriter> w;
    chat::Result<uint64_t> synced = chat::Status::IOError("not run");
  };
  auto job = std::make_shared<Job>(Job{writer_});
  auto self = std::static_pointer_cast<TusPatchHandler>(shared_from_this());
  busy_ = true;
  svc_->worker()->Post([job] { job->synced = job->w->Sync(); },
                       [self, job, final_sync] {
                         self->busy_ = false;
                         if (!job->synced.ok()) {
                           self->svc_->DropTusWriter(self->up_.id);
                           if (job->w->disk_full()) {
                             return self->Fail(507, "insufficient-storage", "the server's disk is full");
                           }
                           LOG_ERROR("files: %s", job->synced.status().message().c_str());
                           return self->Fail(500, "internal-error", "cannot store the upload");
                         }
                         self->Synced(job->synced.value(), final_sync || self->body_done_);
                       });
}

void TusPatchHandler::Synced(uint64_t offset, bool final_sync) {
  up_.offset_durable = offset;
  up_.expires_ms = NowMs() + svc_->config().files_upload_expiry_s * 1000;
  chat::Status st = svc_->store()->PutUpload(up_);
  if (!st.ok()) {
    LOG_ERROR("files: %s", st.message().c_str());
    svc_->DropTusWriter(up_.id);
    return Fail(503, "temporarily-unavailable", "cannot record the upload's progress");
  }
  if (!final_sync) {
    if (ex_ != nullptr && !answered_) {
      ex_->ResumeBody();
    } else {
      Unlock();  // the client left; what it sent is durable now
    }
    return;
  }
  if (offset == up_.length) return Complete();
  Respond204("");
}

void TusPatchHandler::Complete() {
  struct Job {
    std::shared_ptr<BlobWriter> w;
    BlobStore blobs;
    std::string sha256;
    chat::Status st;
  };
  auto job = std::make_shared<Job>(Job{writer_, svc_->blobs(), "", chat::Status::OK()});
  svc_->DropTusWriter(up_.id);
  auto self = std::static_pointer_cast<TusPatchHandler>(shared_from_this());
  busy_ = true;
  svc_->worker()->Post([job] { job->st = job->w->Finish(job->blobs, &job->sha256); },
                       [self, job] {
                         self->busy_ = false;
                         if (!job->st.ok()) {
                           LOG_ERROR("files: finishing an upload: %s", job->st.message().c_str());
                           return self->Fail(500, "internal-error", "cannot store the file");
                         }
                         FileRecord rec;
                         rec.id = self->up_.id;  // the upload id becomes the file id
                         rec.sha256 = job->sha256;
                         rec.size = self->up_.length;
                         rec.type = self->up_.type;
                         rec.name = self->up_.name;
                         rec.uploader = self->up_.account;
                         rec.created_ms = NowMs();
                         rec.target = self->up_.target;
                         chat::Status c = self->svc_->CommitUpload(rec);
                         if (!c.ok()) {
                           if (c.message() == "over quota") {
                             (void)self->svc_->store()->DeleteUpload(rec.id);
                             return self->Fail(413, "over-quota", "this upload exceeds your quota");
                           }
                           LOG_ERROR("files: %s", c.message().c_str());
                           return self->Fail(503, "temporarily-unavailable", "cannot record the file");
                         }
                         (void)self->svc_->store()->DeleteUpload(rec.id);
                         self->Respond204(FileUrl(self->svc_->config(), rec));
                       });
}

void TusPatchHandler::Respond204(const std::string& file_url) {
  Unlock();
  if (ex_ == nullptr || answered_) return;
  answered_ = true;
  chat::http::ResponseHead head = TusResponse(204);
  head.Add("Upload-Offset", std::to_string(up_.offset_durable));
  if (!file_url.empty()) head.Add("Chatd-File-Location", file_url);
  ex_->Respond(std::move(head), "");
}

void TusPatchHandler::Fail(int status, std::string_view code, std::string_view detail) {
  Unlock();
  if (ex_ == nullptr || answered_) return;
  answered_ = true;
  TusProblem(*ex_, status, code, detail);
}

void TusPatchHandler::Unlock() {
  if (slot_) svc_->ReleaseUpload(caller_.account);
  if (locked_) svc_->UnlockTus(up_.id);
  slot_ = locked_ = false;
}

void TusPatchHandler::OnClose(bool complete) {
  (void)complete;
  ex_ = nullptr;
  if (busy_) return;  // the running job's callback finishes and unlocks
  if (!answered_ && writer_ != nullptr && locked_) {
    // The client went away mid-body (tus: keep what arrived). Without a
    // checksum to verify, make it durable so a resume starts there.
    if (checksum_ctx_ == nullptr && writer_->size() > up_.offset_durable) return SyncThen(false);
    svc_->DropTusWriter(up_.id);
  }
  Unlock();
}

}  // namespace chatd::files
