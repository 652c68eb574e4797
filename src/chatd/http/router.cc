// Router: the route table and its matching rules (router.h).
#include "chatd/http/router.h"

#include <algorithm>
#include <cstdlib>
#include <set>

#include "libchat/http/request.h"

namespace chatd::http {
namespace {

class FunctionHandler final : public Handler {
 public:
  explicit FunctionHandler(std::function<void(Exchange&)> fn) : fn_(std::move(fn)) {}
  void OnRequest(Exchange& ex) override { fn_(ex); }

 private:
  std::function<void(Exchange&)> fn_;
};

// The path's segments after the leading '/': "/a/b" -> {"a","b"}, "/" -> {""}.
std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsCapture(const std::string& seg) { return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}'; }

// The order methods are listed in Allow.
std::string JoinMethods(const std::set<std::string>& methods) {
  std::string out;
  for (const std::string& m : methods) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

}  // namespace

std::shared_ptr<Handler> MakeFunctionHandler(std::function<void(Exchange& ex)> respond) {
  return std::make_shared<FunctionHandler>(std::move(respond));
}

void Router::Add(std::string method, std::string_view pattern, HandlerFactory factory) {
  if (pattern.empty() || pattern[0] != '/' || method.empty() || !factory) abort();
  Route r;
  r.method = std::move(method);
  for (std::string_view seg : Split(pattern)) r.segments.emplace_back(seg);
  for (std::size_t i = 0; i < r.segments.size(); ++i) {
    const std::string& seg = r.segments[i];
    if (seg == "*" && i + 1 != r.segments.size()) abort();  // "*" only last
    if (seg.find_first_of("{}") != std::string::npos && !IsCapture(seg)) abort();
  }
  r.factory = std::move(factory);
  methods_.insert(r.method);
  if (r.method == "GET") methods_.insert("HEAD");
  routes_.push_back(std::move(r));
}

void Router::AddSimple(std::string method, std::string_view pattern,
                       std::function<void(Exchange& ex)> respond) {
  Add(std::move(method), pattern, [respond = std::move(respond)] { return MakeFunctionHandler(respond); });
}

bool Router::PathMatches(const Route& r, std::string_view path, std::vector<std::string>* params) {
  if (path.empty() || path[0] != '/') return false;
  std::vector<std::string_view> segs = Split(path);
  params->clear();
  std::size_t i = 0;
  for (; i < r.segments.size(); ++i) {
    const std::string& want = r.segments[i];
    if (want == "*") {
      // The raw rest of the path (possibly empty).
      std::size_t offset = 1;
      for (std::size_t k = 0; k < i && k < segs.size(); ++k) offset += segs[k].size() + 1;
      params->emplace_back(offset <= path.size() ? path.substr(offset) : std::string_view());
      return true;
    }
    if (i >= segs.size()) return false;
    if (IsCapture(want)) {
      std::string decoded;
      if (segs[i].empty() || !chat::http::PercentDecodeSegment(segs[i], &decoded)) return false;
      params->push_back(std::move(decoded));
    } else if (segs[i] != want) {
      return false;
    }
  }
  return i == segs.size();
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match m;
  if (path == "*") {
    m.kind = method == "OPTIONS" ? Match::Kind::kOptionsAsterisk : Match::Kind::kNotFound;
    m.allow = JoinMethods(methods_);
    return m;
  }
  if (methods_.count(std::string(method)) == 0) {
    m.kind = Match::Kind::kNotImplemented;
    return m;
  }
  std::set<std::string> allowed;
  const Route* get_route = nullptr;
  std::vector<std::string> get_params, params;
  for (const Route& r : routes_) {
    if (!PathMatches(r, path, &params)) continue;
    allowed.insert(r.method);
    if (r.method == method) {
      m.kind = Match::Kind::kFound;
      m.factory = &r.factory;
      m.params = std::move(params);
      return m;
    }
    if (r.method == "GET" && get_route == nullptr) {
      get_route = &r;
      get_params = params;
    }
  }
  if (method == "HEAD" && get_route != nullptr) {
    m.kind = Match::Kind::kFound;
    m.factory = &get_route->factory;
    m.params = std::move(get_params);
    m.head_as_get = true;
    return m;
  }
  if (allowed.empty()) return m;  // kNotFound
  allowed.insert("OPTIONS");
  if (allowed.count("GET") != 0) allowed.insert("HEAD");
  m.kind = Match::Kind::kMethodNotAllowed;
  m.allow = JoinMethods(allowed);
  return m;
}

}  // namespace chatd::http
