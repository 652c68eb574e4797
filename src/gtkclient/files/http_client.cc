// libsoup 3 requests for file sharing (http_client.h).
#include "gtkclient/files/http_client.h"

#include <glib.h>
#include <glibmm.h>

#include "gtkclient/connection.h"
#include "gtkclient/session.h"

namespace chatgtk::files {
namespace {

std::string OriginOf(const std::string& url) {
  GUri* uri = g_uri_parse(url.c_str(), G_URI_FLAGS_NONE, nullptr);
  if (uri == nullptr) return "";
  const int port = g_uri_get_port(uri);
  std::string origin = std::string(g_uri_get_scheme(uri)) + "://" + (g_uri_get_host(uri) ? g_uri_get_host(uri) : "");
  if (port > 0) origin += ":" + std::to_string(port);
  g_uri_unref(uri);
  return origin;
}

}  // namespace

struct HttpClient::Op {
  HttpClient* owner = nullptr;
  uint64_t id = 0;
  SoupMessage* msg = nullptr;
  GCancellable* cancel = g_cancellable_new();
  GInputStream* in = nullptr;
  Done done;
  Stream stream;
  std::function<void(uint64_t)> progress;
  uint64_t sent = 0;
  char buf[64 * 1024];
  ~Op() {
    if (in) g_object_unref(in);
    if (msg) g_object_unref(msg);
    g_object_unref(cancel);
  }
};

std::map<std::string, std::string> ResponseHeaders(SoupMessage* msg) {
  std::map<std::string, std::string> out;
  soup_message_headers_foreach(
      soup_message_get_response_headers(msg),
      [](const char* name, const char* value, gpointer data) {
        auto* m = static_cast<std::map<std::string, std::string>*>(data);
        gchar* lower = g_ascii_strdown(name, -1);
        auto& slot = (*m)[lower];
        slot = slot.empty() ? value : slot + ", " + value;
        g_free(lower);
      },
      &out);
  return out;
}

HttpClient::HttpClient(Session& session)
    : session_(session), soup_(soup_session_new_with_options("timeout", 60, "idle-timeout", 60, nullptr)) {}

HttpClient::~HttpClient() {
  for (auto& [id, op] : ops_) {
    op->owner = nullptr;
    g_cancellable_cancel(op->cancel);
    op.release();  // the pending callback frees it
  }
  ops_.clear();
  soup_session_abort(soup_);
  g_object_unref(soup_);
}

void HttpClient::SetFileHost(const std::string& filehost_url) { origin_ = OriginOf(filehost_url); }

bool HttpClient::IsFileHost(const std::string& url) const { return !origin_.empty() && OriginOf(url) == origin_; }

gboolean HttpClient::OnAcceptCertificate(SoupMessage*, GTlsCertificate* cert, GTlsCertificateFlags,
                                         gpointer self) {
  GByteArray* der = nullptr;
  g_object_get(cert, "certificate", &der, nullptr);
  if (der == nullptr) return FALSE;
  const std::string fp = Connection::Fingerprint(der->data, der->len);
  g_byte_array_unref(der);
  return static_cast<HttpClient*>(self)->session_.TrustsCertificate(fp) ? TRUE : FALSE;
}

SoupMessage* HttpClient::NewMessage(const std::string& method, const std::string& url,
                                    const std::vector<std::pair<std::string, std::string>>& headers) {
  SoupMessage* msg = soup_message_new(method.c_str(), url.c_str());
  if (msg == nullptr) return nullptr;
  SoupMessageHeaders* h = soup_message_get_request_headers(msg);
  for (const auto& [k, v] : headers) soup_message_headers_replace(h, k.c_str(), v.c_str());
  if (!token_.empty() && IsFileHost(url)) {
    soup_message_headers_replace(h, "Authorization", ("Bearer " + token_).c_str());
  }
  g_signal_connect(msg, "accept-certificate", G_CALLBACK(&HttpClient::OnAcceptCertificate), this);
  return msg;
}

void HttpClient::OnWroteBody(SoupMessage*, guint chunk, gpointer data) {
  auto* op = static_cast<Op*>(data);
  op->sent += chunk;
  if (op->owner && op->progress) op->progress(op->sent);
}

HttpClient::Op* HttpClient::Start(const std::string& method, const std::string& url,
                                  const std::vector<std::pair<std::string, std::string>>& headers, Done done) {
  auto op = std::make_unique<Op>();
  op->owner = this;
  op->id = next_id_++;
  op->done = std::move(done);
  op->msg = NewMessage(method, url, headers);
  Op* raw = op.get();
  ops_[raw->id] = std::move(op);
  if (raw->msg != nullptr) return raw;
  Glib::signal_idle().connect_once([this, id = raw->id] {
    auto it = ops_.find(id);
    if (it == ops_.end()) return;
    HttpResponse r;
    r.error = "invalid URL";
    Finish(it->second.get(), std::move(r));
  });
  return raw;
}

uint64_t HttpClient::Send(const std::string& method, const std::string& url,
                          const std::vector<std::pair<std::string, std::string>>& headers, GBytes* body,
                          const std::string& content_type, Done done, std::function<void(uint64_t)> progress) {
  Op* raw = Start(method, url, headers, std::move(done));
  if (raw->msg == nullptr) return raw->id;
  raw->progress = std::move(progress);
  if (body != nullptr) {
    soup_message_set_request_body_from_bytes(raw->msg, content_type.empty() ? nullptr : content_type.c_str(), body);
    g_signal_connect(raw->msg, "wrote-body-data", G_CALLBACK(&HttpClient::OnWroteBody), raw);
  }
  soup_session_send_and_read_async(soup_, raw->msg, G_PRIORITY_DEFAULT, raw->cancel, &HttpClient::OnSent, raw);
  return raw->id;
}

void HttpClient::OnSent(GObject* source, GAsyncResult* result, gpointer data) {
  auto* op = static_cast<Op*>(data);
  GError* error = nullptr;
  GBytes* bytes = soup_session_send_and_read_finish(SOUP_SESSION(source), result, &error);
  if (op->owner == nullptr) {  // cancelled or client gone
    if (bytes) g_bytes_unref(bytes);
    if (error) g_error_free(error);
    delete op;
    return;
  }
  HttpResponse r;
  if (bytes != nullptr) {
    r.status = static_cast<int>(soup_message_get_status(op->msg));
    r.headers = ResponseHeaders(op->msg);
    gsize n = 0;
    const char* p = static_cast<const char*>(g_bytes_get_data(bytes, &n));
    r.body.assign(p ? p : "", n);
    g_bytes_unref(bytes);
  } else {
    r.error = error ? error->message : "unknown error";
  }
  if (error) g_error_free(error);
  op->owner->Finish(op, std::move(r));
}

uint64_t HttpClient::Get(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                         Stream stream) {
  Op* raw = Start("GET", url, headers, std::move(stream.done));
  if (raw->msg == nullptr) return raw->id;
  raw->stream = std::move(stream);
  soup_session_send_async(soup_, raw->msg, G_PRIORITY_DEFAULT, raw->cancel, &HttpClient::OnStreamOpened, raw);
  return raw->id;
}

void HttpClient::OnStreamOpened(GObject* source, GAsyncResult* result, gpointer data) {
  auto* op = static_cast<Op*>(data);
  GError* error = nullptr;
  op->in = soup_session_send_finish(SOUP_SESSION(source), result, &error);
  if (op->owner == nullptr) {
    if (error) g_error_free(error);
    delete op;
    return;
  }
  HttpResponse r;
  if (op->in == nullptr) {
    r.error = error ? error->message : "unknown error";
    g_error_free(error);
    return op->owner->Finish(op, std::move(r));
  }
  r.status = static_cast<int>(soup_message_get_status(op->msg));
  r.headers = ResponseHeaders(op->msg);
  if (op->stream.head && !op->stream.head(r)) {
    r.error = "stopped";
    return op->owner->Finish(op, std::move(r));
  }
  g_input_stream_read_async(op->in, op->buf, sizeof op->buf, G_PRIORITY_DEFAULT, op->cancel,
                            &HttpClient::OnStreamRead, op);
}

void HttpClient::OnStreamRead(GObject* source, GAsyncResult* result, gpointer data) {
  auto* op = static_cast<Op*>(data);
  GError* error = nullptr;
  const gssize n = g_input_stream_read_finish(G_INPUT_STREAM(source), result, &error);
  if (op->owner == nullptr) {
    if (error) g_error_free(error);
    delete op;
    return;
  }
  HttpResponse r;
  r.status = static_cast<int>(soup_message_get_status(op->msg));
  if (n < 0) {
    r.status = 0;
    r.error = error ? error->message : "read error";
    if (error) g_error_free(error);
    return op->owner->Finish(op, std::move(r));
  }
  if (n == 0) return op->owner->Finish(op, std::move(r));
  if (op->stream.chunk && !op->stream.chunk(op->buf, static_cast<std::size_t>(n))) {
    r.status = 0;
    r.error = "stopped";
    return op->owner->Finish(op, std::move(r));
  }
  g_input_stream_read_async(op->in, op->buf, sizeof op->buf, G_PRIORITY_DEFAULT, op->cancel,
                            &HttpClient::OnStreamRead, op);
}

void HttpClient::Finish(Op* op, HttpResponse response) {
  auto it = ops_.find(op->id);
  if (it == ops_.end()) return;
  std::unique_ptr<Op> owned = std::move(it->second);
  ops_.erase(it);
  Done done = std::move(owned->done);
  owned.reset();
  if (done) done(std::move(response));
}

void HttpClient::Cancel(uint64_t id) {
  auto it = ops_.find(id);
  if (it == ops_.end()) return;
  Op* op = it->second.release();
  ops_.erase(it);
  op->owner = nullptr;  // the pending callback frees it
  g_cancellable_cancel(op->cancel);
}

}  // namespace chatgtk::files
