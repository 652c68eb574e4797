// Test-only HTTP routes (test_routes.cc), off unless the environment has
// CHATD_HTTP_TEST_ROUTES=1.
#ifndef CHATD_HTTP_TEST_ROUTES_H_
#define CHATD_HTTP_TEST_ROUTES_H_

#include "chatd/http/router.h"

namespace chatd {
class Server;
class Worker;
}

namespace chatd::http {

// Adds POST /_test/count and GET /_test/bytes/{n} when enabled.
void RegisterTestRoutes(Router* router, Worker* worker);
// Adds GET /_test/events (an EventStream, websocket_events.h) when enabled.
void RegisterTestWebSocketRoutes(Router* router, Server* server);

}  // namespace chatd::http

#endif  // CHATD_HTTP_TEST_ROUTES_H_
