// The FILEHOST upload (soju.im/FILEHOST, doc/files.md "FILEHOST"):
//   OPTIONS /upload -> 204, Allow and Accept-Post
//   POST /upload    -> 201 Created + absolute Location of the file
// The body streams into a temporary file (blob_store.h) with its SHA-256;
// 201 is sent only after fdatasync, the link into place and the store
// commit. Refusals: 401 (no or bad credentials), 403 (guests, or a target
// the caller is not in), 411 (no Content-Length and no chunked body), 413
// (declared or streamed length over max_size or the quota), 429 (too many
// uploads at once), 507 (disk full; nothing is left behind).
#ifndef CHATD_FILES_UPLOAD_H_
#define CHATD_FILES_UPLOAD_H_

#include <memory>
#include <string>

#include "chatd/files/blob_store.h"
#include "chatd/files/service.h"
#include "chatd/http/handler.h"

namespace chatd::files {

// Answers OPTIONS on the upload URI (FILEHOST: MUST accept OPTIONS).
void HandleUploadOptions(http::Exchange& ex);

class UploadHandler : public http::Handler {
 public:
  explicit UploadHandler(std::shared_ptr<FilesService> svc) : svc_(std::move(svc)) {}
  void OnRequest(http::Exchange& ex) override;
  void OnBody(std::string_view piece) override;
  void OnBodyEnd() override;
  void OnClose(bool complete) override;

 private:
  // Answers with a problem document and drops what was written.
  void Fail(int status, std::string_view code, std::string_view detail);
  // Back on the loop after Finish ran on the worker.
  void Finished(const chat::Status& st);
  void ReleaseSlot();

  std::shared_ptr<FilesService> svc_;
  http::Exchange* ex_ = nullptr;  // null once closed
  Caller caller_;
  bool slot_ = false;
  uint64_t quota_used_ = 0;  // the caller's usage when the request came
  std::shared_ptr<BlobWriter> writer_;
  FileRecord rec_;
  bool finishing_ = false;
  bool answered_ = false;
};

}  // namespace chatd::files

#endif  // CHATD_FILES_UPLOAD_H_
