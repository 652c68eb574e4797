// chat::files::TusUpload: the client side of a tus 1.0.0 resumable upload
// (https://tus.io/protocols/resumable-upload: core, creation, termination)
// against chatd (doc/files.md, "Resumable uploads"), as a state machine with
// no I/O. The caller asks Next() what to send, performs the request (any
// HTTP library), and feeds the answer back with OnResponse or
// OnNetworkError. It never reads the file: a PATCH request names the byte
// range [offset, offset + length) the caller sends as the body.
//
// Also here: the pending-uploads file (so uploads survive a restart) and the
// human explanation of a refused upload. Not thread-safe.
#ifndef CHAT_LIBCHAT_FILES_TUS_CLIENT_H_
#define CHAT_LIBCHAT_FILES_TUS_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace chat::files {

// One HTTP request the upload needs now.
struct TusRequest {
  enum class Method { kNone, kPost, kHead, kPatch, kDelete };
  Method method = Method::kNone;  // kNone: nothing to send (done, failed, waiting for a token)
  std::string url;
  // Request header fields besides Authorization (which the caller adds):
  // Tus-Resumable always; Upload-Length and Upload-Metadata for kPost;
  // Upload-Offset and Content-Type for kPatch.
  std::vector<std::pair<std::string, std::string>> headers;
  uint64_t offset = 0;  // kPatch: first byte of the body
  uint64_t length = 0;  // kPatch: body bytes
};

class TusUpload {
 public:
  enum class State {
    kCreate,     // POST to the collection
    kProbe,      // HEAD: learn the server's durable offset (after an error or a restart)
    kPatch,      // PATCH the next chunk
    kNeedToken,  // the server said 401: get a fresh token (SetToken), then continue
    kCancel,     // DELETE the upload (the user cancelled after creation)
    kDone,       // every byte is stored: file_url() is the link
    kCancelled,  // the upload is gone (or never existed)
    kFailed,     // refused for good: error() says why in words
  };

  static constexpr uint64_t kDefaultChunk = 4 * 1024 * 1024;  // bytes per PATCH
  static constexpr int kMaxRetries = 8;           // consecutive network errors before kFailed
  static constexpr int64_t kMaxBackoffMs = 30000;  // retry delay cap

  // A new upload of `size` bytes to the collection `collection_url`
  // ("https://host:8443/files/tus"). `name` (UTF-8), `type` (media type) and
  // `target` (channel or nick the file is shared in, may be empty) go into
  // Upload-Metadata. `chunk` > 0 bytes per PATCH.
  TusUpload(std::string collection_url, uint64_t size, std::string name, std::string type,
            std::string target, uint64_t chunk = kDefaultChunk);
  // Resumes an upload created earlier at `upload_url` (from Location): the
  // first request is a HEAD.
  static TusUpload Resume(std::string collection_url, std::string upload_url, uint64_t size,
                          std::string name, std::string type, std::string target,
                          uint64_t chunk = kDefaultChunk);

  // The request to perform now (method kNone when none).
  TusRequest Next() const;

  // The answer to the request Next() gave: HTTP status, response header
  // fields (names lower-case), and the body (for problem+json's "code";
  // may be empty). Moves the state on.
  void OnResponse(int status, const std::map<std::string, std::string>& headers, std::string_view body);
  // The request failed without an answer (connection lost, TLS, timeout):
  // the next request is a HEAD (or the POST again) after retry_delay_ms();
  // kFailed after kMaxRetries in a row.
  void OnNetworkError(std::string_view reason);
  // A fresh token is at hand after kNeedToken: resume where it stopped.
  // A second 401 in a row is final (kFailed).
  void TokenRenewed();
  // The user cancelled: DELETE when the upload exists on the server, else
  // kCancelled at once. A 409 to the DELETE (the aborted PATCH still holds
  // the upload) is retried after retry_delay_ms(), up to kMaxRetries times.
  // No effect when done, failed or cancelled.
  void Cancel();

  State state() const { return state_; }
  bool finished() const { return state_ == State::kDone || state_ == State::kCancelled || state_ == State::kFailed; }
  uint64_t offset() const { return offset_; }  // bytes the server has stored
  uint64_t size() const { return size_; }
  const std::string& upload_url() const { return upload_url_; }  // "" before creation
  const std::string& file_url() const { return file_url_; }      // the link, once kDone
  const std::string& error() const { return error_; }            // human sentence when kFailed
  int64_t retry_delay_ms() const;  // wait before Next() after a network error; 0 otherwise
  const std::string& name() const { return name_; }
  const std::string& type() const { return type_; }
  const std::string& target() const { return target_; }

 private:
  void Fail(std::string why);
  void Patched(uint64_t new_offset, const std::map<std::string, std::string>& headers);
  std::string Resolve(std::string_view location) const;
  std::string DerivedFileUrl() const;

  std::string collection_url_, upload_url_, file_url_;
  uint64_t size_ = 0, offset_ = 0, chunk_ = kDefaultChunk;
  std::string name_, type_, target_;
  State state_ = State::kCreate;
  State before_token_ = State::kCreate;  // where kNeedToken returns to
  int retries_ = 0;
  bool token_renewed_ = false;  // a 401 right after TokenRenewed is final
  bool restarted_ = false;      // a vanished upload is recreated only once
  std::string error_;
};

// Explains a refused upload in words for the window, from the HTTP status
// and chatd's problem+json `code` (doc/files.md): 401, 403, 404/410, 413
// (too-large / over-quota), 429, 507, 5xx. `max_size` (bytes, 0 unknown)
// sharpens the 413 sentence.
std::string DescribeUploadRefusal(int status, std::string_view problem_code, uint64_t max_size = 0);

// The "code" member of an RFC 9457 problem+json body, or "" (a light scan,
// not a JSON parser: chatd's bodies are flat objects of strings).
std::string ProblemCode(std::string_view body);

// An upload to resume after a restart (the pending-uploads file).
struct PendingUpload {
  std::string upload_url;  // tus upload URL from Location
  std::string path;        // local file, absolute, UTF-8 (GLib filename encoding)
  std::string name, type;  // as in Upload-Metadata
  std::string target;      // conversation display name ("#general", "alice")
  uint64_t size = 0;
};

// One line per upload: the fields percent-escaped (FormatFileTag's rules)
// and separated by single spaces, in the order url size path name type
// target. Parse skips malformed lines (returns false if any were).
std::string SerializePending(const std::vector<PendingUpload>& uploads);
bool ParsePending(std::string_view text, std::vector<PendingUpload>* out);

}  // namespace chat::files

#endif  // CHAT_LIBCHAT_FILES_TUS_CLIENT_H_
