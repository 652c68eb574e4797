// chatd::http::Router: maps a method and a path to the factory of the
// Handler that answers it (handler.h). Built once at start-up on the loop
// thread, read by every connection.
//
// Patterns are absolute paths of '/'-separated segments. A segment is a
// literal ("f"), a capture "{name}" matching one non-empty segment (its
// percent-decoded value goes to Exchange::params(); a segment that does not
// decode, or decodes to '/' or NUL, does not match), or, as the last
// segment only, "*" matching the rest of the path (possibly empty; the raw
// rest, still percent-encoded, becomes the last param). Literal segments
// compare byte for byte with the raw path. Routes are tried in the order
// they were added; the first whose path and method match wins.
//
// What the connection answers itself, without a handler (RFC 9110):
//   - no route's pattern matches the path: 404 (problem code "not-found");
//   - a pattern matches but not the method: 405 with Allow listing the
//     methods of every route matching the path (§15.5.6), except OPTIONS,
//     which then gets 204 with that Allow (§9.3.7);
//   - HEAD falls back to the GET route (§9.3.2);
//   - a method no route uses at all: 501 ("method-not-implemented", §9.1);
//   - "OPTIONS *": 204 with Allow listing every method routed (§9.3.7).
#ifndef CHATD_HTTP_ROUTER_H_
#define CHATD_HTTP_ROUTER_H_

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "chatd/http/handler.h"

namespace chatd::http {

// Makes the handler for one request; never returns nullptr.
using HandlerFactory = std::function<std::shared_ptr<Handler>()>;

// A Handler that answers in OnRequest by calling `respond` (which must
// call ex.Respond or ex.StartResponse; it must not read a body).
std::shared_ptr<Handler> MakeFunctionHandler(std::function<void(Exchange& ex)> respond);

class Router {
 public:
  // Adds a route. `method` is matched exactly ("GET", "POST", "PATCH", ...).
  // Aborts on a malformed pattern (a programming error).
  void Add(std::string method, std::string_view pattern, HandlerFactory factory);
  // Adds a route answered by one function, for handlers that respond at
  // once without reading a body (it may call ex.Respond only).
  void AddSimple(std::string method, std::string_view pattern,
                 std::function<void(Exchange& ex)> respond);

  struct Match {
    enum class Kind {
      kFound,          // factory and params are set
      kNotFound,       // 404
      kMethodNotAllowed,  // 405 (OPTIONS: 204); allow is set
      kNotImplemented,    // 501
      kOptionsAsterisk,   // "OPTIONS *": 204; allow is set
    } kind = Kind::kNotFound;
    const HandlerFactory* factory = nullptr;  // owned by the router
    std::vector<std::string> params;
    std::string allow;  // "GET, HEAD, OPTIONS"
    bool head_as_get = false;  // a HEAD request matched a GET route
  };
  // Finds the route for `method` and a raw `path` ("*" or starting with '/').
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{...}" captures, "*" rest
    HandlerFactory factory;
  };
  // True when `path` fits `r`; fills *params.
  static bool PathMatches(const Route& r, std::string_view path, std::vector<std::string>* params);
  std::vector<Route> routes_;
  std::set<std::string> methods_{"OPTIONS"};  // every routed method, HEAD with GET
};

}  // namespace chatd::http

#endif  // CHATD_HTTP_ROUTER_H_
