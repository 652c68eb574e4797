// Downloads: GET|HEAD /f/{id}/{name} (doc/files.md "Downloads"). The id is
// the key; the name is only for the browser and is ignored. Answers 200,
// 206 for one satisfiable Range, 416, 304 for a matching If-None-Match;
// 401/403 for private files without the right reader (access.h); 404 for
// an unknown id. Every answer carries nosniff, a sandboxing CSP and
// no-referrer; Content-Disposition is inline only for the allow-list
// (libchat/files/file_name.h). The body is read from the blob in
// http::kRefillBytes pieces as the connection drains, so memory per
// download stays bounded and a client that stops reading costs nothing.
#ifndef CHATD_FILES_DOWNLOAD_H_
#define CHATD_FILES_DOWNLOAD_H_

#include <memory>
#include <string>

#include "chatd/files/service.h"
#include "chatd/http/handler.h"

namespace chatd::files {

class DownloadHandler : public http::Handler {
 public:
  explicit DownloadHandler(std::shared_ptr<FilesService> svc) : svc_(std::move(svc)) {}
  ~DownloadHandler() override;
  void OnRequest(http::Exchange& ex) override;
  void OnWritable() override;
  void OnClose(bool complete) override;

 private:
  // Whether the caller may read rec; answers 401/403 itself when not.
  bool CheckAccess(http::Exchange& ex, const FileRecord& rec);

  std::shared_ptr<FilesService> svc_;
  http::Exchange* ex_ = nullptr;
  int fd_ = -1;
  uint64_t next_ = 0;  // next byte offset to send
  uint64_t end_ = 0;   // one past the last byte to send
  std::unique_ptr<char[]> buf_;  // http::kRefillBytes, allocated at the first refill
};

}  // namespace chatd::files

#endif  // CHATD_FILES_DOWNLOAD_H_
