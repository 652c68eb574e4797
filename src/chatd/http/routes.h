// Where chatd's HTTP routes are registered at start-up: the built-in ones
// (routes.cc) and each subsystem's (files/, api/), whose Register function
// is called from RegisterRoutes. The one place that lists every route.
#ifndef CHATD_HTTP_ROUTES_H_
#define CHATD_HTTP_ROUTES_H_

#include "chatd/http/router.h"

namespace chatd {
class Server;
class Worker;
}  // namespace chatd

namespace chatd::http {

// Adds every route to `router`. `server` and `worker` outlive the router
// (both are owned by the Server, which frees the router first).
// Built-in: GET /.well-known/chatd → {"name":..,"version":..} (JSON).
void RegisterRoutes(Router* router, Server* server, Worker* worker);

}  // namespace chatd::http

#endif  // CHATD_HTTP_ROUTES_H_
