// Control commands that stream a hot backup to chatctl (doc/control.md,
// "Backup and restore"), so that the copy is written by the admin who runs
// chatctl and can go wherever that admin may write:
//
//   backup-stream start             makes a hot backup (Store::Backup) into
//                                   data_dir/backup-stream-<id>/; one ROW
//                                   name=<file> size=<bytes> per file; OK <id>
//   backup-stream read ID FILE OFF  ROW data=<up to kChunk bytes from OFF>; OK
//   backup-stream done ID           deletes the copy; OK
//
// A copy chatctl never finished with is deleted by the next start once it is
// older than kStaleS. The copy has the guarantees of `backup DIR`: one
// consistent point in time, recovered so it stands alone.
#include <dirent.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include "chatd/control/control.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/store/store.h"

namespace chatd {

namespace ctl = chat::ctl;

namespace {

constexpr char kPrefix[] = "backup-stream-";
// Raw bytes per read: escaped (at most twice as long) it fits a control line.
constexpr std::size_t kChunk = 24 * 1024;
constexpr time_t kStaleS = 3600;
constexpr std::size_t kIdBytes = 16;

std::string StreamDir(const Server& server, const std::string& id) {
  return server.config().data_dir + "/" + kPrefix + id;
}

bool ValidId(const std::string& id) {
  return id.size() == 2 * kIdBytes && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// A file name inside the copy: no path, nothing hidden.
bool ValidFileName(const std::string& name) {
  return !name.empty() && name[0] != '.' && name.find('/') == std::string::npos;
}

// Deletes dir and the regular files in it (a copy has no subdirectories).
void RemoveCopy(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        (void)unlink((dir + "/" + e->d_name).c_str());
      }
    }
    closedir(d);
  }
  if (rmdir(dir.c_str()) != 0 && errno != ENOENT) {
    LOG_WARNING("cannot remove the backup copy %s: %s", dir.c_str(), std::strerror(errno));
  }
}

void RemoveStaleCopies(const Server& server) {
  const std::string& data = server.config().data_dir;
  DIR* d = opendir(data.c_str());
  if (d == nullptr) return;
  std::vector<std::string> stale;
  const time_t now = time(nullptr);
  while (dirent* e = readdir(d)) {
    if (std::strncmp(e->d_name, kPrefix, sizeof kPrefix - 1) != 0) continue;
    struct stat st;
    const std::string path = data + "/" + e->d_name;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && now - st.st_mtime > kStaleS) stale.push_back(path);
  }
  closedir(d);
  for (const auto& path : stale) {
    LOG_NOTICE("removing the abandoned backup copy %s", path.c_str());
    RemoveCopy(path);
  }
}

void HandleStart(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  RemoveStaleCopies(server);
  unsigned char rnd[kIdBytes];
  if (RAND_bytes(rnd, sizeof rnd) != 1) return reply.Err(ctl::kErrFailed, "no randomness for a backup id");
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : rnd) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  const std::string dir = StreamDir(server, id);
  if (mkdir(dir.c_str(), 0700) != 0) {
    return reply.Err(ctl::kErrFailed, "cannot create " + dir + ": " + std::strerror(errno));
  }
  chat::Status s = server.store()->Backup(dir);
  if (!s.ok()) {
    LOG_ERROR("backup for chatctl failed: %s", s.ToString().c_str());
    RemoveCopy(dir);
    return reply.Err(ctl::kErrFailed, s.message());
  }
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    RemoveCopy(dir);
    return reply.Err(ctl::kErrFailed, "cannot list " + dir + ": " + std::strerror(errno));
  }
  std::vector<ctl::Row> rows;
  while (dirent* e = readdir(d)) {
    struct stat st;
    if (!ValidFileName(e->d_name) || stat((dir + "/" + e->d_name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    rows.push_back({{"name", e->d_name}, {"size", std::to_string(st.st_size)}});
  }
  closedir(d);
  for (const auto& row : rows) reply.Row(row);
  LOG_NOTICE("backup copy %s made for chatctl (%zu files)", dir.c_str(), rows.size());
  reply.Ok(id);
}

void HandleRead(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  const std::string &id = args[0], &name = args[1], &offset_text = args[2];
  char* end = nullptr;
  errno = 0;
  const unsigned long long offset = std::strtoull(offset_text.c_str(), &end, 10);
  if (!ValidId(id) || !ValidFileName(name) || offset_text.empty() || *end != '\0' || errno != 0 ||
      offset_text[0] == '-') {
    return reply.Err(ctl::kErrInvalid, "backup-stream read takes an id, a file of the copy and an offset");
  }
  const std::string path = StreamDir(server, id) + "/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return reply.Err(ctl::kErrNotFound, "no backup copy " + id + " with a file " + name);
  std::string data(kChunk, '\0');
  ssize_t n = pread(fd, data.data(), data.size(), static_cast<off_t>(offset));
  int error = errno;
  close(fd);
  if (n < 0) return reply.Err(ctl::kErrFailed, "reading " + path + ": " + std::strerror(error));
  data.resize(static_cast<std::size_t>(n));
  reply.Row({{"data", data}});
  reply.Ok();
}

void HandleDone(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  if (!ValidId(args[0])) return reply.Err(ctl::kErrInvalid, "not a backup id: " + args[0]);
  RemoveCopy(StreamDir(server, args[0]));
  reply.Ok();
}

}  // namespace

const std::vector<ControlCommand>& ControlBackupCommands() {
  static const std::vector<ControlCommand> commands = {
      {"backup-stream start", 0, 0, false, "", &HandleStart},
      // One request per chunk: logged at debug level only.
      {"backup-stream read", 3, 3, false, "ID FILE OFFSET", &HandleRead, true},
      {"backup-stream done", 1, 1, false, "ID", &HandleDone},
  };
  return commands;
}

}  // namespace chatd
