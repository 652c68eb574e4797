// FILEHOST uploads (upload.h).
#include "chatd/files/upload.h"

#include <openssl/rand.h>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/core/worker.h"
#include "chatd/files/access.h"
#include "chatd/files/urls.h"
#include "chatd/http/problem.h"
#include "chatd/irc/session.h"
#include "libchat/files/file_name.h"
#include "libchat/http/content_disposition.h"
#include "libchat/http/query_param.h"

namespace chatd::files {

void HandleUploadOptions(http::Exchange& ex) {
  chat::http::ResponseHead head;
  head.status = 204;
  head.Add("Allow", "OPTIONS, POST");
  head.Add("Accept-Post", "*/*");
  ex.Respond(std::move(head), "");
}

void UploadHandler::OnRequest(http::Exchange& ex) {
  ex_ = &ex;
  const Config& cfg = svc_->config();
  if (!FilesAvailable(cfg)) return Fail(404, "not-found", "file sharing is not enabled");
  if (!svc_->Authenticate(ex, &caller_)) {
    answered_ = true;
    return;
  }
  if (!caller_.authenticated()) {
    FilesService::SendUnauthorized(ex, "log in with your account's password or a FILEHOST TOKEN");
    answered_ = true;
    return;
  }
  if (caller_.guest() && !cfg.files_guests_may_upload) return Fail(403, "guests-may-not-upload", "log in to upload");
  const chat::http::RequestHead& head = ex.head();
  if (head.framing == chat::http::BodyFraming::kNone && head.Find("Content-Length") == nullptr) {
    return Fail(411, "length-required", "send Content-Length");
  }
  const uint64_t quota = cfg.files_quota;
  auto usage = svc_->store()->GetQuota(caller_.account);
  if (!usage.ok()) return Fail(503, "temporarily-unavailable", "cannot read your quota");
  const QuotaRecord used = usage.value();
  quota_used_ = used.bytes;
  if (head.framing == chat::http::BodyFraming::kLength) {
    if (head.content_length > cfg.files_max_size) {
      return Fail(413, "too-large", "the largest file is " + std::to_string(cfg.files_max_size) + " bytes");
    }
    if (quota > 0 && used.bytes + head.content_length > quota) {
      return Fail(413, "over-quota", "this upload would exceed your quota of " + std::to_string(quota) + " bytes");
    }
  }
  std::string target;
  if (chat::http::QueryParam(ex.query(), "target", &target) &&
      !MayShareIn(*svc_->server(), target, caller_.account)) {
    return Fail(403, "invalid-target", "you may not share files in " + target);
  }
  if (!svc_->TryAcquireUpload(caller_.account)) {
    return Fail(429, "too-many-uploads", "finish your other uploads first");
  }
  slot_ = true;

  unsigned char id[16];
  if (RAND_bytes(id, sizeof id) != 1) return Fail(503, "temporarily-unavailable", "no randomness");
  rec_.id.assign(reinterpret_cast<char*>(id), sizeof id);
  rec_.uploader = caller_.account;
  rec_.target = target;
  const std::string* ct = head.Find("Content-Type");
  rec_.type = chat::files::NormalizeMediaType(ct != nullptr ? *ct : "");
  std::string name;
  const std::string* cd = head.Find("Content-Disposition");
  if (cd == nullptr || !chat::http::ParseContentDispositionFilename(*cd, &name)) name.clear();
  rec_.name = chat::files::SanitizeFileName(name);

  auto w = BlobWriter::CreateTemp(svc_->blobs());
  if (!w.ok()) {
    LOG_ERROR("files: %s", w.status().message().c_str());
    return Fail(503, "temporarily-unavailable", "cannot store files right now");
  }
  writer_ = std::move(w).value();
  ex.ReadBody();
}

void UploadHandler::OnBody(std::string_view piece) {
  if (answered_ || writer_ == nullptr || finishing_) return;
  const Config& cfg = svc_->config();
  if (writer_->size() + piece.size() > cfg.files_max_size) {
    return Fail(413, "too-large", "the largest file is " + std::to_string(cfg.files_max_size) + " bytes");
  }
  const uint64_t quota = cfg.files_quota;
  if (quota > 0 && quota_used_ + writer_->size() + piece.size() > quota) {
    return Fail(413, "over-quota", "this upload exceeds your quota of " + std::to_string(quota) + " bytes");
  }
  chat::Status st = writer_->Write(piece.data(), piece.size());
  if (!st.ok()) {
    if (writer_->disk_full()) return Fail(507, "insufficient-storage", "the server's disk is full");
    LOG_ERROR("files: %s", st.message().c_str());
    return Fail(500, "internal-error", "cannot store the file");
  }
}

void UploadHandler::OnBodyEnd() {
  if (answered_ || writer_ == nullptr || finishing_) return;
  finishing_ = true;
  rec_.size = writer_->size();
  struct Job {
    std::shared_ptr<BlobWriter> writer;
    BlobStore blobs;
    std::string sha256;
    chat::Status st;
  };
  auto job = std::make_shared<Job>(Job{writer_, svc_->blobs(), "", chat::Status::OK()});
  auto self = std::static_pointer_cast<UploadHandler>(shared_from_this());
  svc_->worker()->Post([job] { job->st = job->writer->Finish(job->blobs, &job->sha256); },
                       [self, job] {
                         self->rec_.sha256 = job->sha256;
                         if (!job->st.ok() && job->writer->disk_full()) job->st = chat::Status::IOError("disk full");
                         self->Finished(job->st);
                       });
}

void UploadHandler::Finished(const chat::Status& st) {
  writer_.reset();
  finishing_ = false;
  if (!st.ok()) {
    LOG_ERROR("files: finishing an upload: %s", st.message().c_str());
    if (st.message() == "disk full") return Fail(507, "insufficient-storage", "the server's disk is full");
    return Fail(500, "internal-error", "cannot store the file");
  }
  if (ex_ == nullptr) {
    // The client left before the answer: keep nothing it cannot know about.
    if (!svc_->store()->GetBlob(rec_.sha256).ok()) (void)svc_->blobs().RemoveBlob(rec_.sha256);
    return ReleaseSlot();
  }
  rec_.created_ms = NowMs();
  chat::Status c = svc_->CommitUpload(rec_);
  if (!c.ok()) {
    if (c.message() == "over quota") return Fail(413, "over-quota", "this upload exceeds your quota");
    LOG_ERROR("files: %s", c.message().c_str());
    return Fail(503, "temporarily-unavailable", "cannot record the file; try again");
  }
  ReleaseSlot();
  const std::string url = FileUrl(svc_->config(), rec_);
  chat::http::ResponseHead head;
  head.status = 201;
  head.Add("Location", url);
  head.Add("Content-Type", "text/plain; charset=utf-8");
  head.Add("Cache-Control", "no-store");
  answered_ = true;
  ex_->Respond(std::move(head), url + "\n");
}

void UploadHandler::Fail(int status, std::string_view code, std::string_view detail) {
  if (writer_ != nullptr && !finishing_) {
    writer_->Discard();
    writer_.reset();
  }
  ReleaseSlot();
  if (answered_ || ex_ == nullptr) return;
  answered_ = true;
  http::SendProblem(*ex_, status, code, detail);
}

void UploadHandler::ReleaseSlot() {
  if (!slot_) return;
  slot_ = false;
  svc_->ReleaseUpload(caller_.account);
}

void UploadHandler::OnClose(bool complete) {
  (void)complete;
  ex_ = nullptr;
  if (!finishing_) {
    if (writer_ != nullptr) writer_->Discard();
    writer_.reset();
    ReleaseSlot();
  }
}

}  // namespace chatd::files
