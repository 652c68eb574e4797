// The route table of chatd's HTTP side (routes.h): built-in routes here,
// each subsystem's through its Register function.
#include "chatd/http/routes.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "chat_autoconf.h"
#include "chatd/core/server.h"
#include "chatd/files/routes.h"
#include "chatd/http/test_routes.h"
#include "chatd/http/websocket_irc.h"

namespace chatd::http {

void RegisterRoutes(Router* router, Server* server, Worker* worker) {
  RegisterTestRoutes(router, worker);  // only with CHATD_HTTP_TEST_ROUTES=1
  RegisterTestWebSocketRoutes(router, server);
  // File sharing: FILEHOST, tus, downloads (doc/files.md).
  (void)files::RegisterFileRoutes(router, server, worker);
  // IRC over WebSocket (doc/http.md "WebSocket").
  RegisterIrcWebSocket(router, server);
  // A tiny discovery document: which server this is.
  router->AddSimple("GET", "/.well-known/chatd", [server](Exchange& ex) {
    boost::json::object o;
    o["name"] = server->name();
    o["network"] = server->config().network;
    o["version"] = PACKAGE_VERSION;
    chat::http::ResponseHead head;
    head.Add("Content-Type", "application/json");
    head.Add("Cache-Control", "no-cache");
    ex.Respond(std::move(head), boost::json::serialize(o));
  });
}

}  // namespace chatd::http
