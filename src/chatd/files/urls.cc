// File sharing URLs (urls.h).
#include "chatd/files/urls.h"

#include "libchat/files/file_id.h"
#include "libchat/http/content_disposition.h"

namespace chatd::files {

bool FilesAvailable(const Config& cfg) {
  if (!cfg.files_enabled || cfg.http.public_base_url.empty()) return false;
  for (const auto& l : cfg.listen) {
    if (l.protocol == ListenConfig::Protocol::kHttp) return true;
  }
  return false;
}

std::string UploadUrl(const Config& cfg) { return cfg.http.public_base_url + std::string(kUploadPath); }

std::string FileUrl(const Config& cfg, const FileRecord& rec) {
  return cfg.http.public_base_url + std::string(kDownloadPrefix) + chat::files::EncodeFileId(rec.id) + "/" +
         chat::http::PercentEncodePathSegment(rec.name);
}

std::string SignedFileUrl(const Config& cfg, const FileRecord& rec, std::string_view account, int64_t expires,
                          std::string_view sig) {
  return FileUrl(cfg, rec) + "?acct=" + chat::http::PercentEncodePathSegment(account) +
         "&exp=" + std::to_string(expires) + "&sig=" + std::string(sig);
}

std::string TusUrl(const Config& cfg, std::string_view upload_id) {
  return cfg.http.public_base_url + std::string(kTusPath) + "/" + chat::files::EncodeFileId(upload_id);
}

}  // namespace chatd::files
