// The tus 1.0.0 client state machine, refusal explanations and the
// pending-uploads file (tus_client.h).
#include "libchat/files/tus_client.h"

#include <algorithm>
#include <utility>

#include "libchat/base64.h"
#include "libchat/files/file_tag.h"
#include "libchat/files/tus.h"
#include "libchat/http/content_disposition.h"
#include "libchat/http/range.h"

namespace chat::files {
namespace {

const std::string* Field(const std::map<std::string, std::string>& h, const char* name) {
  auto it = h.find(name);
  return it == h.end() ? nullptr : &it->second;
}

// "https://host:port" of an absolute URL ("" when it is not one).
std::string Origin(std::string_view url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  const std::size_t path = url.find('/', scheme + 3);
  return std::string(url.substr(0, path));
}

}  // namespace

TusUpload::TusUpload(std::string collection_url, uint64_t size, std::string name, std::string type,
                     std::string target, uint64_t chunk)
    : collection_url_(std::move(collection_url)),
      size_(size),
      chunk_(chunk == 0 ? kDefaultChunk : chunk),
      name_(std::move(name)),
      type_(std::move(type)),
      target_(std::move(target)) {}

TusUpload TusUpload::Resume(std::string collection_url, std::string upload_url, uint64_t size,
                            std::string name, std::string type, std::string target, uint64_t chunk) {
  TusUpload u(std::move(collection_url), size, std::move(name), std::move(type), std::move(target), chunk);
  u.upload_url_ = std::move(upload_url);
  u.state_ = State::kProbe;
  return u;
}

TusRequest TusUpload::Next() const {
  TusRequest r;
  r.headers.emplace_back("Tus-Resumable", std::string(kTusVersion));
  switch (state_) {
    case State::kCreate: {
      r.method = TusRequest::Method::kPost;
      r.url = collection_url_;
      r.headers.emplace_back("Upload-Length", std::to_string(size_));
      std::string meta = "filename " + sasl::Base64Encode(name_) + ",filetype " + sasl::Base64Encode(type_);
      if (!target_.empty()) meta += ",target " + sasl::Base64Encode(target_);
      r.headers.emplace_back("Upload-Metadata", meta);
      break;
    }
    case State::kProbe:
      r.method = TusRequest::Method::kHead;
      r.url = upload_url_;
      break;
    case State::kPatch:
      r.method = TusRequest::Method::kPatch;
      r.url = upload_url_;
      r.offset = offset_;
      r.length = std::min(chunk_, size_ - offset_);
      r.headers.emplace_back("Upload-Offset", std::to_string(offset_));
      r.headers.emplace_back("Content-Type", std::string(kTusPatchType));
      break;
    case State::kCancel:
      r.method = TusRequest::Method::kDelete;
      r.url = upload_url_;
      break;
    default:
      r.headers.clear();
      break;
  }
  return r;
}

void TusUpload::Fail(std::string why) {
  state_ = State::kFailed;
  error_ = std::move(why);
}

std::string TusUpload::Resolve(std::string_view location) const {
  if (location.find("://") != std::string_view::npos) return std::string(location);
  if (!location.empty() && location[0] == '/') return Origin(collection_url_) + std::string(location);
  return "";
}

std::string TusUpload::DerivedFileUrl() const {
  // doc/files.md: a finished tus upload is <base>/f/<upload id>/<name>, and
  // the collection is <base>/files/tus.
  constexpr std::string_view kSuffix = "/files/tus";
  std::string_view coll(collection_url_);
  if (coll.size() < kSuffix.size() || coll.substr(coll.size() - kSuffix.size()) != kSuffix) return "";
  const std::size_t slash = upload_url_.rfind('/');
  if (slash == std::string::npos) return "";
  std::string base(coll.substr(0, coll.size() - kSuffix.size()));
  std::string name = chat::http::PercentEncodePathSegment(name_);
  return base + "/f/" + upload_url_.substr(slash + 1) + "/" + name;
}

void TusUpload::Patched(uint64_t new_offset, const std::map<std::string, std::string>& headers) {
  offset_ = new_offset;
  if (offset_ < size_) {
    state_ = State::kPatch;
    return;
  }
  state_ = State::kDone;
  const std::string* loc = Field(headers, "chatd-file-location");
  file_url_ = loc != nullptr ? Resolve(*loc) : DerivedFileUrl();
  if (file_url_.empty()) Fail("The server stored the file but did not say where.");
}

void TusUpload::OnResponse(int status, const std::map<std::string, std::string>& headers,
                           std::string_view body) {
  if (finished() || state_ == State::kNeedToken) return;
  const State was = state_;
  if (status == 401) {
    if (token_renewed_ || was == State::kCancel) {
      Fail(DescribeUploadRefusal(401, ProblemCode(body)));
      return;
    }
    before_token_ = was;
    state_ = State::kNeedToken;
    return;
  }
  token_renewed_ = false;
  if (was == State::kCancel && status == 409 && ++retries_ <= kMaxRetries) {
    return;  // the aborted PATCH still holds the upload on the server: DELETE again after retry_delay_ms()
  }
  retries_ = 0;
  if (was == State::kCancel) {
    state_ = State::kCancelled;  // 204, or 404 (already gone): either way nothing is left
    return;
  }
  if ((status == 404 || status == 410) && (was == State::kProbe || was == State::kPatch)) {
    // The upload expired or was removed: start over once.
    if (restarted_) return Fail(DescribeUploadRefusal(status, ProblemCode(body)));
    restarted_ = true;
    upload_url_.clear();
    offset_ = 0;
    state_ = State::kCreate;
    return;
  }
  uint64_t n = 0;
  switch (was) {
    case State::kCreate: {
      const std::string* loc = Field(headers, "location");
      if (status != 201) return Fail(DescribeUploadRefusal(status, ProblemCode(body)));
      if (loc == nullptr || (upload_url_ = Resolve(*loc)).empty()) {
        return Fail("The server did not say where to send the file.");
      }
      offset_ = 0;
      state_ = size_ == 0 ? State::kProbe : State::kPatch;
      return;
    }
    case State::kProbe: {
      const std::string* off = Field(headers, "upload-offset");
      if (status < 200 || status > 299) return Fail(DescribeUploadRefusal(status, ProblemCode(body)));
      if (off == nullptr || !ParseTusNumber(*off, &n) || n > size_) {
        return Fail("The server answered with an invalid upload offset.");
      }
      return Patched(n, headers);
    }
    case State::kPatch: {
      if (status == 409 || status == 460) {  // offset mismatch or checksum: ask where we are
        state_ = State::kProbe;
        return;
      }
      if (status != 204 && status != 200) return Fail(DescribeUploadRefusal(status, ProblemCode(body)));
      const std::string* off = Field(headers, "upload-offset");
      if (off == nullptr || !ParseTusNumber(*off, &n) || n < offset_ || n > size_) {
        return Fail("The server answered with an invalid upload offset.");
      }
      return Patched(n, headers);
    }
    default:
      return;
  }
}

void TusUpload::OnNetworkError(std::string_view reason) {
  if (finished() || state_ == State::kNeedToken) return;
  if (++retries_ > kMaxRetries) {
    Fail("The upload failed: " + std::string(reason));
    return;
  }
  if (state_ == State::kPatch) state_ = State::kProbe;
  if (state_ == State::kCancel && upload_url_.empty()) state_ = State::kCancelled;
}

int64_t TusUpload::retry_delay_ms() const {
  if (retries_ == 0) return 0;
  int64_t d = 500;
  for (int i = 1; i < retries_ && d < kMaxBackoffMs; ++i) d *= 2;
  return std::min(d, kMaxBackoffMs);
}

void TusUpload::TokenRenewed() {
  if (state_ != State::kNeedToken) return;
  state_ = before_token_;
  token_renewed_ = true;
}

void TusUpload::Cancel() {
  if (finished()) return;
  if (upload_url_.empty()) {
    state_ = State::kCancelled;
  } else {
    state_ = State::kCancel;
    retries_ = 0;
  }
}

std::string DescribeUploadRefusal(int status, std::string_view code, uint64_t max_size) {
  switch (status) {
    case 401:
      return "The server did not accept your sign-in for uploads. Log in with an account to share files.";
    case 403:
      return "You may not share files in this conversation.";
    case 404:
    case 410:
      return "The upload expired on the server. Try again.";
    case 413:
      if (code == "over-quota") return "Your file storage on this server is full: delete older files or ask an admin.";
      if (max_size > 0) return "The file is too large: this server accepts files up to " + HumanSize(max_size) + ".";
      return "The file is too large for this server.";
    case 429:
      return "Too many uploads at once. Wait for the others to finish, then try again.";
    case 507:
      return "The server's disk is full. Try again later or tell an admin.";
    case 0:
      return "The server could not be reached.";
    default:
      if (status >= 500) return "The server failed to store the file (HTTP " + std::to_string(status) + "). Try again later.";
      return "The server refused the file (HTTP " + std::to_string(status) + ").";
  }
}

std::string ProblemCode(std::string_view body) {
  const std::size_t key = body.find("\"code\"");
  if (key == std::string_view::npos) return "";
  std::size_t i = body.find(':', key + 6);
  if (i == std::string_view::npos) return "";
  i = body.find('"', i);
  if (i == std::string_view::npos) return "";
  const std::size_t end = body.find('"', i + 1);
  if (end == std::string_view::npos) return "";
  return std::string(body.substr(i + 1, end - i - 1));
}

std::string SerializePending(const std::vector<PendingUpload>& uploads) {
  std::string out;
  for (const PendingUpload& u : uploads) {
    out += EscapeTagValue(u.upload_url) + ' ' + std::to_string(u.size) + ' ' + EscapeTagValue(u.path) + ' ' +
           EscapeTagValue(u.name) + ' ' + EscapeTagValue(u.type) + ' ' + EscapeTagValue(u.target) + '\n';
  }
  return out;
}

bool ParsePending(std::string_view text, std::vector<PendingUpload>* out) {
  out->clear();
  bool clean = true;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty()) continue;
    std::vector<std::string> fields;
    bool ok = true;
    while (ok) {
      const std::size_t sp = line.find(' ');
      std::string f;
      ok = UnescapeTagValue(line.substr(0, sp), &f);
      fields.push_back(std::move(f));
      if (sp == std::string_view::npos) break;
      line.remove_prefix(sp + 1);
    }
    PendingUpload u;
    if (!ok || fields.size() != 6 || fields[0].find("://") == std::string::npos ||
        !chat::http::ParseDecimal(fields[1], &u.size) || fields[2].empty() || fields[2][0] != '/' ||
        fields[3].empty()) {
      clean = false;
      continue;
    }
    u.upload_url = std::move(fields[0]);
    u.path = std::move(fields[2]);
    u.name = std::move(fields[3]);
    u.type = std::move(fields[4]);
    u.target = std::move(fields[5]);
    out->push_back(std::move(u));
  }
  return clean;
}

}  // namespace chat::files
