// chatgtk::files::HttpClient: HTTPS requests to the server's file host with
// libsoup 3 (SoupSession) on the GLib main loop, asynchronous only.
//
// TLS: a certificate the system does not trust is accepted only when the
// user's decision for this server's IRC certificate covers it
// (Session::TrustsCertificate: the same fingerprint pinned "always" or
// trusted "once"), so the self-signed dev server works after one click and
// nothing else does. Authorization: the bearer token (FILEHOST TOKEN) is
// sent only to the file host's own origin (scheme://host:port of the
// FILEHOST URI), never to other hosts a link may point at.
//
// Main thread only. Callbacks never run from inside the call that started
// them, and never after the HttpClient is destroyed (pending requests are
// cancelled).
#ifndef CHAT_GTKCLIENT_FILES_HTTP_CLIENT_H_
#define CHAT_GTKCLIENT_FILES_HTTP_CLIENT_H_

#include <gio/gio.h>
#include <libsoup/soup.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace chatgtk {
class Session;
}

namespace chatgtk::files {

struct HttpResponse {
  int status = 0;  // HTTP status; 0 when no answer came (error says why)
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string error;  // transport problem in words ("" when status != 0)
};

class HttpClient {
 public:
  explicit HttpClient(Session& session);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The origin that gets the bearer token: "https://host:port" of `url`.
  void SetFileHost(const std::string& filehost_url);
  void SetToken(std::string token) { token_ = std::move(token); }
  bool has_token() const { return !token_.empty(); }
  // Is `url` on the file host's origin (where the token goes)?
  bool IsFileHost(const std::string& url) const;

  using Done = std::function<void(HttpResponse)>;
  // One request with an optional body (`body` bytes of `content_type`),
  // answered whole (bodies of answers are small: problem+json, text). The
  // returned id cancels it (Cancel).
  uint64_t Send(const std::string& method, const std::string& url,
                const std::vector<std::pair<std::string, std::string>>& headers, GBytes* body,
                const std::string& content_type, Done done,
                std::function<void(uint64_t sent)> progress = nullptr);

  // A GET whose answer body is streamed: `chunk` gets each piece (return
  // false to stop), `head` the status and headers first (return false to
  // stop), `done` the end (status 0 and error on transport failure).
  struct Stream {
    std::function<bool(const HttpResponse& head)> head;
    std::function<bool(const char* data, std::size_t size)> chunk;
    Done done;
  };
  uint64_t Get(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
               Stream stream);

  void Cancel(uint64_t id);

 private:
  struct Op;
  SoupMessage* NewMessage(const std::string& method, const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers);
  static gboolean OnAcceptCertificate(SoupMessage* msg, GTlsCertificate* cert, GTlsCertificateFlags errors,
                                      gpointer self);
  static void OnSent(GObject* source, GAsyncResult* result, gpointer data);
  static void OnStreamOpened(GObject* source, GAsyncResult* result, gpointer data);
  static void OnStreamRead(GObject* source, GAsyncResult* result, gpointer data);
  static void OnWroteBody(SoupMessage* msg, guint chunk, gpointer data);
  void Finish(Op* op, HttpResponse response);
  // Registers a new operation with its message and returns it (owned by
  // ops_). When the URL is invalid its msg is null and it finishes with that
  // error from the next idle callback, never inside the caller's call.
  Op* Start(const std::string& method, const std::string& url,
            const std::vector<std::pair<std::string, std::string>>& headers, Done done);

  Session& session_;
  SoupSession* soup_;
  std::string origin_, token_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Op>> ops_;
};

// Lower-cased response header fields of `msg`.
std::map<std::string, std::string> ResponseHeaders(SoupMessage* msg);

}  // namespace chatgtk::files

#endif  // CHAT_GTKCLIENT_FILES_HTTP_CLIENT_H_
