// Blobs and temporary upload files on disk (blob_store.h).
#include "chatd/files/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "libchat/files/file_id.h"

namespace chatd::files {
namespace {

// sync_file_range every this many bytes, so dirty pages of a large upload
// go to disk as it arrives and the final fdatasync is short.
constexpr uint64_t kWritebackBytes = 8 << 20;

chat::Status Errno(const std::string& what, const std::string& path) {
  return chat::Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

chat::Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) == 0 || errno == EEXIST) return chat::Status::OK();
  return Errno("cannot create", path);
}

chat::Status SyncDir(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int ret = ::fsync(fd);
  ::close(fd);
  return ret == 0 ? chat::Status::OK() : Errno("cannot sync", path);
}

std::string Dirname(const std::string& path) { return path.substr(0, path.rfind('/')); }

}  // namespace

chat::Status BlobStore::Init() const {
  chat::Status st = MakeDir(root_);
  return st.ok() ? MakeDir(root_ + "/tmp") : st;
}

std::string BlobStore::BlobPath(std::string_view sha256) const {
  const std::string hex = chat::files::HexEncode(sha256);
  return root_ + "/" + hex.substr(0, 2) + "/" + hex.substr(2, 2) + "/" + hex;
}

std::string BlobStore::PartPath(std::string_view upload_id) const {
  return root_ + "/tmp/" + chat::files::HexEncode(upload_id) + ".part";
}

chat::Status BlobStore::RemoveBlob(std::string_view sha256) const {
  const std::string path = BlobPath(sha256);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return Errno("cannot remove", path);
  return chat::Status::OK();
}

chat::Status BlobStore::Place(int fd, const std::string& part_path, std::string_view sha256) const {
  const std::string path = BlobPath(sha256);
  const std::string dir2 = Dirname(path), dir1 = Dirname(dir2);
  chat::Status st = MakeDir(dir1);
  if (st.ok()) st = MakeDir(dir2);
  if (!st.ok()) return st;
  struct stat sb;
  if (::stat(path.c_str(), &sb) == 0) {
    // Identical content is stored once: drop the temporary.
    if (!part_path.empty()) ::unlink(part_path.c_str());
    return chat::Status::OK();
  }
  if (!part_path.empty()) {
    if (::rename(part_path.c_str(), path.c_str()) != 0) return Errno("cannot rename to", path);
    st = SyncDir(root_ + "/tmp");
  } else {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW) != 0 && errno != EEXIST) {
      return Errno("cannot link", path);
    }
  }
  if (st.ok()) st = SyncDir(dir2);
  if (st.ok()) st = SyncDir(dir1);
  if (st.ok()) st = SyncDir(root_);
  return st;
}

BlobWriter::BlobWriter(int fd, std::string part_path) : fd_(fd), part_path_(std::move(part_path)) {
  md_ = EVP_MD_CTX_new();
  if (md_ == nullptr || EVP_DigestInit_ex(md_, EVP_sha256(), nullptr) != 1) std::abort();
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
  EVP_MD_CTX_free(md_);
}

chat::Result<std::unique_ptr<BlobWriter>> BlobWriter::CreateTemp(const BlobStore& store) {
  const std::string dir = store.root() + "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("cannot create a temporary file in", dir);
  return std::unique_ptr<BlobWriter>(new BlobWriter(fd, ""));
}

chat::Result<std::unique_ptr<BlobWriter>> BlobWriter::OpenPart(const BlobStore& store, std::string_view upload_id,
                                                               bool create, uint64_t durable) {
  const std::string path = store.PartPath(upload_id);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0), 0600);
  if (fd < 0) {
    if (errno == ENOENT) return chat::Status::NotFound("upload data " + path + " is missing");
    return Errno("cannot open", path);
  }
  std::unique_ptr<BlobWriter> w(new BlobWriter(fd, path));
  if (create) return w;
  // Cut back to what was durable and hash that prefix again (OpenSSL's
  // digest state cannot be saved across a restart).
  if (::ftruncate(fd, static_cast<off_t>(durable)) != 0) return Errno("cannot truncate", path);
  char buf[1 << 16];
  uint64_t off = 0;
  while (off < durable) {
    std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(sizeof buf, durable - off));
    ssize_t n = ::pread(fd, buf, want, static_cast<off_t>(off));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? Errno("cannot read", path) : chat::Status::Corruption(path + " is shorter than recorded");
    EVP_DigestUpdate(w->md_, buf, static_cast<std::size_t>(n));
    off += static_cast<uint64_t>(n);
  }
  w->size_ = durable;
  if (::lseek(fd, static_cast<off_t>(durable), SEEK_SET) < 0) return Errno("cannot seek", path);
  return w;
}

chat::Status BlobWriter::Write(const char* data, std::size_t n) {
  if (fd_ < 0) return chat::Status::IOError("upload file already closed");
  std::size_t done = 0;
  while (done < n) {
    ssize_t w = ::write(fd_, data + done, n - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      disk_full_ = errno == ENOSPC || errno == EDQUOT;
      return chat::Status::IOError(std::string("writing an upload: ") + std::strerror(errno));
    }
    done += static_cast<std::size_t>(w);
  }
  EVP_DigestUpdate(md_, data, n);
  size_ += n;
  unsynced_ += n;
  if (unsynced_ >= kWritebackBytes) {
    // Start writeback of what is there (no wait), so dirty pages stay bounded.
    (void)::sync_file_range(fd_, static_cast<off_t>(size_ - unsynced_), static_cast<off_t>(unsynced_),
                            SYNC_FILE_RANGE_WRITE);
    unsynced_ = 0;
  }
  return chat::Status::OK();
}

chat::Result<uint64_t> BlobWriter::Sync() {
  if (fd_ < 0) return chat::Status::IOError("upload file already closed");
  if (::fdatasync(fd_) != 0) {
    disk_full_ = errno == ENOSPC || errno == EDQUOT;
    return chat::Status::IOError(std::string("syncing an upload: ") + std::strerror(errno));
  }
  return size_;
}

chat::Status BlobWriter::Finish(const BlobStore& store, std::string* sha256) {
  auto synced = Sync();
  if (!synced.ok()) return synced.status();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md_, md, &len);
  sha256->assign(reinterpret_cast<char*>(md), len);
  chat::Status st = store.Place(fd_, part_path_, *sha256);
  ::close(fd_);
  fd_ = -1;
  return st;
}

void BlobWriter::Discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!part_path_.empty()) ::unlink(part_path_.c_str());
}

chat::Result<int> OpenBlob(const BlobStore& store, std::string_view sha256) {
  const std::string path = store.BlobPath(sha256);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return chat::Status::NotFound("blob " + path + " is missing");
    return Errno("cannot open", path);
  }
  return fd;
}

}  // namespace chatd::files
