// File sharing routes (routes.h).
#include "chatd/files/routes.h"

#include "chatd/files/download.h"
#include "chatd/files/service.h"
#include "chatd/files/tus_handlers.h"
#include "chatd/files/upload.h"

namespace chatd::files {

std::shared_ptr<FilesService> RegisterFileRoutes(http::Router* router, Server* server, Worker* worker) {
  auto svc = std::make_shared<FilesService>(server, worker);
  svc->Start();
  router->AddSimple("OPTIONS", "/upload", &HandleUploadOptions);
  router->Add("POST", "/upload", [svc] { return std::make_shared<UploadHandler>(svc); });

  for (const char* pattern : {"/files/tus", "/files/tus/{id}"}) {
    router->AddSimple("OPTIONS", pattern, [svc](http::Exchange& ex) { HandleTusOptions(*svc, ex); });
  }
  router->AddSimple("POST", "/files/tus", [svc](http::Exchange& ex) { HandleTusCreate(*svc, ex); });
  router->AddSimple("HEAD", "/files/tus/{id}", [svc](http::Exchange& ex) { HandleTusHead(*svc, ex); });
  router->Add("PATCH", "/files/tus/{id}", [svc] { return std::make_shared<TusPatchHandler>(svc); });
  router->AddSimple("DELETE", "/files/tus/{id}", [svc](http::Exchange& ex) { HandleTusDelete(*svc, ex); });

  router->Add("GET", "/f/{id}/{name}", [svc] { return std::make_shared<DownloadHandler>(svc); });
  router->Add("GET", "/f/{id}", [svc] { return std::make_shared<DownloadHandler>(svc); });
  return svc;
}

}  // namespace chatd::files
