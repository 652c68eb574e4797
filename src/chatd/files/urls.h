// The URLs of file sharing (doc/files.md "URLs"), built from [http]
// public_base_url: the FILEHOST upload URI, tus uploads, and downloads.
#ifndef CHATD_FILES_URLS_H_
#define CHATD_FILES_URLS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "chatd/core/config.h"
#include "chatd/store/store.h"

namespace chatd::files {

inline constexpr std::string_view kUploadPath = "/upload";      // FILEHOST POST
inline constexpr std::string_view kTusPath = "/files/tus";      // tus collection
inline constexpr std::string_view kDownloadPrefix = "/f/";      // /f/<id>/<name>

// File sharing is on: [files] enabled, an http listener and a public base URL.
bool FilesAvailable(const Config& cfg);

// <base>/upload, the ISUPPORT FILEHOST value.
std::string UploadUrl(const Config& cfg);
// <base>/f/<base32 id>/<percent-encoded name>.
std::string FileUrl(const Config& cfg, const FileRecord& rec);
// FileUrl + "?acct=<account>&exp=<expires>&sig=<sig>" (access.h SignLink).
std::string SignedFileUrl(const Config& cfg, const FileRecord& rec, std::string_view account, int64_t expires,
                          std::string_view sig);
// <base>/files/tus/<base32 id>.
std::string TusUrl(const Config& cfg, std::string_view upload_id);

}  // namespace chatd::files

#endif  // CHATD_FILES_URLS_H_
