// Uploaded bytes on disk (doc/files.md "Storage"): content-addressed blobs
// at <data_dir>/files/ab/cd/<sha256 hex>, written through a temporary file
// whose SHA-256 is computed as the bytes arrive.
//  - A FILEHOST upload streams into an anonymous O_TMPFILE in files/tmp/:
//    a crash, a refused upload or a full disk leave nothing behind. Finish()
//    fdatasyncs it and links it to its blob name (or drops it when that
//    content is already stored), then fsyncs the directory.
//  - A tus upload streams into files/tmp/<upload id hex>.part; Sync()
//    fdatasyncs and returns the durable length, which the caller records in
//    the store, so after kill -9 the .part is truncated back to it.
// Write/Append run on the event loop (write(2) of what arrived, into the
// page cache); Finish, Sync and Resume block on the disk and belong on the
// worker thread. One writer is used by one thread at a time. Nothing here
// touches the store.
#ifndef CHATD_FILES_BLOB_STORE_H_
#define CHATD_FILES_BLOB_STORE_H_

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "libchat/status.h"

namespace chatd::files {

// The files directory under data_dir, its layout and blob paths.
class BlobStore {
 public:
  // `root` is <data_dir>/files. Nothing is touched until Init().
  explicit BlobStore(std::string root) : root_(std::move(root)) {}

  // Creates root and root/tmp (0700) when missing. IOError naming the path.
  chat::Status Init() const;

  const std::string& root() const { return root_; }
  // root/ab/cd/<hex> for a 32-byte digest.
  std::string BlobPath(std::string_view sha256) const;
  // root/tmp/<hex id>.part for a 16-byte upload id.
  std::string PartPath(std::string_view upload_id) const;

  // Removes a blob's file (after its last reference went). A missing file is
  // not an error.
  chat::Status RemoveBlob(std::string_view sha256) const;

  // Links the synced temporary file `fd` (O_TMPFILE) or renames `part_path`
  // (when not empty) to the blob path of `sha256`, creating the ab/cd
  // directories, and fsyncs the directory. When the blob exists already
  // (identical content) the temporary is dropped instead. Blocking.
  chat::Status Place(int fd, const std::string& part_path, std::string_view sha256) const;

 private:
  std::string root_;
};

// A file being written with its running SHA-256. Movable-only owner of
// the fd and the digest context.
class BlobWriter {
 public:
  // An anonymous temporary file in store.root()/tmp (FILEHOST POST).
  static chat::Result<std::unique_ptr<BlobWriter>> CreateTemp(const BlobStore& store);
  // A tus .part file: created empty when `create`, else opened and cut back
  // to `durable` bytes, whose SHA-256 is recomputed by reading them
  // (blocking: run on the worker). NotFound when it should exist but
  // doesn't.
  static chat::Result<std::unique_ptr<BlobWriter>> OpenPart(const BlobStore& store, std::string_view upload_id,
                                                            bool create, uint64_t durable);
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Appends n bytes (write(2) until all are written) and hashes them.
  // IOError on failure; disk_full() tells ENOSPC/EDQUOT apart (507). After
  // a failure the writer is unusable: Discard() it.
  chat::Status Write(const char* data, std::size_t n);
  uint64_t size() const { return size_; }
  bool disk_full() const { return disk_full_; }

  // fdatasync; returns the durable size (tus). Blocking.
  chat::Result<uint64_t> Sync();
  // Finishes: fdatasync, the SHA-256 (32 raw bytes) into *sha256, and
  // BlobStore::Place. The writer is spent afterwards. Blocking.
  chat::Status Finish(const BlobStore& store, std::string* sha256);
  // Drops what was written: closes the fd and removes a .part file.
  void Discard();

 private:
  BlobWriter(int fd, std::string part_path);

  int fd_ = -1;
  std::string part_path_;  // empty for an O_TMPFILE
  EVP_MD_CTX* md_ = nullptr;
  uint64_t size_ = 0;
  uint64_t unsynced_ = 0;  // bytes since the last sync_file_range
  bool disk_full_ = false;
};

// Opens a blob for reading; NotFound when its file is missing.
chat::Result<int> OpenBlob(const BlobStore& store, std::string_view sha256);

}  // namespace chatd::files

#endif  // CHATD_FILES_BLOB_STORE_H_
