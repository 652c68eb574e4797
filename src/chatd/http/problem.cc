// Problem documents (problem.h), serialised with Boost.JSON.
#include "chatd/http/problem.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace chatd::http {

std::string ProblemJson(int status, std::string_view code, std::string_view detail) {
  boost::json::object o;
  o["type"] = "about:blank";
  std::string_view title = chat::http::StatusReason(status);
  o["title"] = title.empty() ? std::string_view("Error") : title;
  o["status"] = status;
  o["code"] = code;
  if (!detail.empty()) o["detail"] = detail;
  return boost::json::serialize(o);
}

chat::http::ResponseHead ProblemHead(int status) {
  chat::http::ResponseHead head;
  head.status = status;
  head.Add("Content-Type", "application/problem+json");
  head.Add("Cache-Control", "no-store");
  return head;
}

void SendProblem(Exchange& ex, int status, std::string_view code, std::string_view detail,
                 std::vector<chat::http::Field> extra) {
  chat::http::ResponseHead head = ProblemHead(status);
  for (chat::http::Field& f : extra) head.fields.push_back(std::move(f));
  ex.Respond(std::move(head), ProblemJson(status, code, detail));
}

}  // namespace chatd::http
