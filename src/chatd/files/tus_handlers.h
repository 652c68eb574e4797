// tus 1.0.0 resumable uploads at /files/tus (doc/files.md "Resumable
// uploads"): core protocol plus the creation, termination, checksum and
// expiration extensions, on the same blob store and quota as FILEHOST.
//   OPTIONS /files/tus[/{id}] -> 204 with Tus-Version, Tus-Extension,
//                               Tus-Max-Size, Tus-Checksum-Algorithm
//   POST    /files/tus        -> 201 + Location (creation; Upload-Length
//                               required, Upload-Metadata filename,
//                               filetype, target)
//   HEAD    /files/tus/{id}   -> 200 + Upload-Offset (the durable offset)
//   PATCH   /files/tus/{id}   -> 204 + Upload-Offset; 409 on an offset
//                               mismatch, 460 on a checksum mismatch; the
//                               last PATCH commits the file and adds
//                               Chatd-File-Location
//   DELETE  /files/tus/{id}   -> 204 (termination)
// Every response carries Tus-Resumable: 1.0.0; a request with another
// Tus-Resumable gets 412. Only the account that created an upload sees it
// (404 for anybody else). Durability: what a PATCH wrote is fdatasync'ed and
// its offset recorded in the store every 8 MiB and at the end, so after
// kill -9 HEAD reports a durable offset and the client resumes there.
#ifndef CHATD_FILES_TUS_HANDLERS_H_
#define CHATD_FILES_TUS_HANDLERS_H_

#include <openssl/evp.h>

#include <memory>
#include <string>

#include "chatd/files/service.h"
#include "chatd/http/handler.h"

namespace chatd::files {

void HandleTusOptions(FilesService& svc, http::Exchange& ex);
void HandleTusCreate(FilesService& svc, http::Exchange& ex);
void HandleTusHead(FilesService& svc, http::Exchange& ex);
void HandleTusDelete(FilesService& svc, http::Exchange& ex);

class TusPatchHandler : public http::Handler {
 public:
  explicit TusPatchHandler(std::shared_ptr<FilesService> svc) : svc_(std::move(svc)) {}
  ~TusPatchHandler() override;
  void OnRequest(http::Exchange& ex) override;
  void OnBody(std::string_view piece) override;
  void OnBodyEnd() override;
  void OnClose(bool complete) override;

 private:
  void Start();                       // writer ready: read the body
  void SyncThen(bool final_sync);     // fdatasync on the worker, record the offset
  void Synced(uint64_t offset, bool final_sync);
  void Complete();                    // all bytes are there: place the blob, commit
  void Respond204(const std::string& file_url);
  void Fail(int status, std::string_view code, std::string_view detail);
  void Unlock();

  std::shared_ptr<FilesService> svc_;
  http::Exchange* ex_ = nullptr;
  Caller caller_;
  UploadRecord up_;
  std::shared_ptr<BlobWriter> writer_;
  EVP_MD_CTX* checksum_ctx_ = nullptr;  // set when Upload-Checksum was sent
  std::string checksum_;                // the expected 32-byte digest
  bool locked_ = false, slot_ = false, answered_ = false, busy_ = false, body_done_ = false;
};

}  // namespace chatd::files

#endif  // CHATD_FILES_TUS_HANDLERS_H_
