// Downloads (download.h; RFC 9110 §13-§14).
#include "chatd/files/download.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/files/access.h"
#include "chatd/http/problem.h"
#include "chatd/irc/session.h"
#include "libchat/files/file_id.h"
#include "libchat/files/file_name.h"
#include "libchat/http/conditional.h"
#include "libchat/http/response.h"
#include "libchat/http/content_disposition.h"
#include "libchat/http/query_param.h"
#include "libchat/http/range.h"

namespace chatd::files {
namespace {

// Fields every answer about a file carries (doc/files.md "Download headers").
void AddSafetyFields(chat::http::ResponseHead* head) {
  head->Add("X-Content-Type-Options", "nosniff");
  head->Add("Content-Security-Policy", "sandbox; default-src 'none'; script-src 'none'; style-src 'unsafe-inline'");
  head->Add("Referrer-Policy", "no-referrer");
  head->Add("Cross-Origin-Resource-Policy", "same-site");
}

}  // namespace

DownloadHandler::~DownloadHandler() {
  if (fd_ >= 0) ::close(fd_);
}

bool DownloadHandler::CheckAccess(http::Exchange& ex, const FileRecord& rec) {
  const Server& server = *svc_->server();
  if (!IsPrivate(server, rec)) return true;
  // A signed link (FILEHOST LINK) names its reader.
  std::string acct, exp_text, sig;
  uint64_t exp = 0;
  if (chat::http::QueryParam(ex.query(), "sig", &sig) && chat::http::QueryParam(ex.query(), "acct", &acct) &&
      chat::http::QueryParam(ex.query(), "exp", &exp_text) && chat::http::ParseDecimal(exp_text, &exp) &&
      exp < (uint64_t{1} << 62)) {
    if (VerifyLink(server.secret(), rec.id, acct, static_cast<int64_t>(exp), sig, NowMs() / 1000) &&
        MayRead(server, rec, acct)) {
      return true;
    }
    http::SendProblem(ex, 403, "forbidden", "the link expired or is not valid");
    return false;
  }
  Caller caller;
  if (!svc_->Authenticate(ex, &caller)) return false;
  if (!caller.authenticated()) {
    FilesService::SendUnauthorized(ex, "this file was shared in a private conversation");
    return false;
  }
  if (!MayRead(server, rec, caller.account)) {
    http::SendProblem(ex, 403, "forbidden", "you are not in the conversation this file was shared in");
    return false;
  }
  return true;
}

void DownloadHandler::OnRequest(http::Exchange& ex) {
  ex_ = &ex;
  std::string id;
  const auto& params = ex.params();
  if (params.empty() || !chat::files::DecodeFileId(params[0], &id)) {
    return http::SendProblem(ex, 404, "not-found", "no such file");
  }
  auto rec = svc_->store()->GetFile(id);
  if (!rec.ok()) {
    if (rec.status().code() != chat::Status::Code::kNotFound) {
      LOG_ERROR("files: %s", rec.status().message().c_str());
      return http::SendProblem(ex, 503, "temporarily-unavailable", "try again later");
    }
    return http::SendProblem(ex, 404, "not-found", "no such file");
  }
  const FileRecord& f = rec.value();
  if (!CheckAccess(ex, f)) return;
  const bool priv = IsPrivate(*svc_->server(), f);

  const std::string etag = "\"sha256-" + chat::files::HexEncode(f.sha256) + "\"";
  const int64_t mtime = f.created_ms / 1000;
  chat::http::ResponseHead head;
  AddSafetyFields(&head);
  head.Add("ETag", etag);
  head.Add("Last-Modified", chat::http::HttpDate(mtime));
  head.Add("Cache-Control", priv ? "private, no-store" : "private, max-age=31536000, immutable");
  const std::string* inm = ex.head().Find("If-None-Match");
  if (inm != nullptr && chat::http::IfNoneMatchMatches(*inm, etag)) {
    head.status = 304;
    return ex.Respond(std::move(head), "");
  }
  head.Add("Accept-Ranges", "bytes");

  chat::http::ByteRange range{0, f.size == 0 ? 0 : f.size - 1};
  chat::http::RangeOutcome outcome = chat::http::RangeOutcome::kFull;
  const std::string* rh = ex.head().Find("Range");
  const std::string* if_range = ex.head().Find("If-Range");
  if (rh != nullptr && (if_range == nullptr || chat::http::IfRangeAllows(*if_range, etag, mtime))) {
    outcome = chat::http::EvaluateRange(*rh, f.size, &range);
  }
  if (outcome == chat::http::RangeOutcome::kUnsatisfiable) {
    head.status = 416;
    head.Add("Content-Range", chat::http::FormatUnsatisfiedRange(f.size));
    return ex.Respond(std::move(head), "");
  }
  head.Add("Content-Type", chat::files::ResponseContentType(f.type));
  head.Add("Content-Disposition", chat::http::FormatContentDisposition(chat::files::IsInlineSafe(f.type), f.name));
  if (outcome == chat::http::RangeOutcome::kPartial) {
    head.status = 206;
    head.Add("Content-Range", chat::http::FormatContentRange(range, f.size));
    next_ = range.first;
    end_ = range.last + 1;
  } else {
    next_ = 0;
    end_ = f.size;
  }
  head.content_length = end_ - next_;
  if (!ex.is_head() && end_ > next_) {
    auto fd = OpenBlob(svc_->blobs(), f.sha256);
    if (!fd.ok()) {
      LOG_ERROR("files: %s", fd.status().message().c_str());
      return http::SendProblem(ex, 500, "internal-error", "the file's data is missing");
    }
    fd_ = fd.value();
    (void)::posix_fadvise(fd_, static_cast<off_t>(next_), static_cast<off_t>(end_ - next_), POSIX_FADV_SEQUENTIAL);
  }
  ex.StartResponse(std::move(head));
}

void DownloadHandler::OnWritable() {
  if (ex_ == nullptr) return;
  if (fd_ < 0 || next_ >= end_) {
    ex_->EndResponse();
    return;
  }
  // One refill per call: reads from the page cache on the loop thread into
  // a buffer kept for the download (a fresh 256 KiB allocation per refill
  // would be an mmap and page faults every time).
  if (buf_ == nullptr) buf_ = std::make_unique<char[]>(http::kRefillBytes);
  const auto want = static_cast<std::size_t>(std::min<uint64_t>(http::kRefillBytes, end_ - next_));
  ssize_t n;
  do {
    n = ::pread(fd_, buf_.get(), want, static_cast<off_t>(next_));
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    LOG_ERROR("files: reading a blob: %s", n < 0 ? std::strerror(errno) : "file shorter than recorded");
    ex_->EndResponse();  // early: the connection closes, the client sees a short body
    return;
  }
  next_ += static_cast<uint64_t>(n);
  ex_->WriteBody(std::string_view(buf_.get(), static_cast<std::size_t>(n)));
  if (next_ >= end_) ex_->EndResponse();
}

void DownloadHandler::OnClose(bool complete) {
  (void)complete;
  ex_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buf_.reset();
}

}  // namespace chatd::files
