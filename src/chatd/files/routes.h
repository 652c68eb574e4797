// File sharing's HTTP routes (doc/files.md), registered by
// http::RegisterRoutes: FILEHOST at /upload, tus at /files/tus, downloads
// at /f/{id}/{name}.
#ifndef CHATD_FILES_ROUTES_H_
#define CHATD_FILES_ROUTES_H_

#include <memory>

#include "chatd/http/router.h"

namespace chatd {
class Server;
class Worker;
}  // namespace chatd

namespace chatd::files {

class FilesService;

// Adds the routes; they share one FilesService, started here and returned
// (chatctl files delete uses it). `server` and `worker` outlive the router.
std::shared_ptr<FilesService> RegisterFileRoutes(http::Router* router, Server* server, Worker* worker);

}  // namespace chatd::files

#endif  // CHATD_FILES_ROUTES_H_
