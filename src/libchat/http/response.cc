// Response heads: reason phrases, IMF-fixdate, status line and framing
// fields, chunk framing (response.h).
#include "libchat/http/response.h"

#include <cstdio>

namespace chat::http {

std::string_view StatusReason(int status) {
  switch (status) {  // RFC 9110 §15, plus 429 (RFC 6585 §4) and 431 (§5)
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 507: return "Insufficient Storage";  // RFC 4918 §11.5
    default: return "";
  }
}

std::string HttpDate(time_t t) {
  static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[40];
  snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
           kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

namespace {

bool SafeFieldText(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

bool HasNoBody(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

}  // namespace

std::string FormatResponseHead(const ResponseHead& head, int request_minor, bool close, time_t now,
                               ResponseFraming* framing) {
  ResponseFraming f;
  f.has_body = !HasNoBody(head.status);
  const bool informational = head.status >= 100 && head.status < 200;
  if (f.has_body && !head.content_length.has_value()) {
    if (request_minor >= 1) {
      f.chunked = true;
    } else {
      close = true;  // HTTP/1.0: the body ends when the connection closes (RFC 9112 §6.3 item 8)
    }
  }
  f.close = close && !informational;
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(head.status);
  out += ' ';
  out += StatusReason(head.status);
  out += "\r\n";
  if (!informational) {
    out += "Date: ";
    out += HttpDate(now);
    out += "\r\n";
  }
  for (const Field& field : head.fields) {
    if (field.name.empty() || !SafeFieldText(field.name) || !SafeFieldText(field.value)) continue;
    out += field.name;
    out += ": ";
    out += field.value;
    out += "\r\n";
  }
  if (f.has_body) {
    if (f.chunked) {
      out += "Transfer-Encoding: chunked\r\n";
    } else if (head.content_length.has_value()) {
      out += "Content-Length: ";
      out += std::to_string(*head.content_length);
      out += "\r\n";
    }
  }
  if (f.close) {
    out += "Connection: close\r\n";
  } else if (request_minor == 0 && !informational) {
    out += "Connection: keep-alive\r\n";  // an HTTP/1.0 client keeps it only when told
  }
  out += "\r\n";
  if (framing != nullptr) *framing = f;
  return out;
}

void AppendChunk(std::string* out, std::string_view data) {
  if (data.empty()) return;
  char size[24];
  int n = snprintf(size, sizeof size, "%zx\r\n", data.size());
  out->append(size, static_cast<std::size_t>(n));
  out->append(data);
  out->append("\r\n");
}

}  // namespace chat::http
