// Error responses as RFC 9457 problem documents (application/problem+json)
// with a stable machine-readable "code" member, the one error format of
// chatd's HTTP side (doc/http.md lists the codes).
#ifndef CHATD_HTTP_PROBLEM_H_
#define CHATD_HTTP_PROBLEM_H_

#include <string>
#include <string_view>

#include "chatd/http/handler.h"
#include "libchat/http/response.h"

namespace chatd::http {

// The JSON body: {"type":"about:blank","title":<reason phrase>,
// "status":<status>,"code":<code>,"detail":<detail>} ("detail" omitted when
// empty). `code` is lower-case words joined by '-' ("not-found").
std::string ProblemJson(int status, std::string_view code, std::string_view detail);

// The head for it: status, Content-Type: application/problem+json,
// Cache-Control: no-store. Add fields (Allow, Retry-After, WWW-Authenticate)
// before sending.
chat::http::ResponseHead ProblemHead(int status);

// Responds on `ex` with ProblemHead(status) plus `extra` fields and
// ProblemJson(status, code, detail).
void SendProblem(Exchange& ex, int status, std::string_view code, std::string_view detail,
                 std::vector<chat::http::Field> extra = {});

}  // namespace chatd::http

#endif  // CHATD_HTTP_PROBLEM_H_
