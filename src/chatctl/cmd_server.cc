// chatctl status, kill, announce, motd reload, reload, backup, restore,
// stop, log-level: the server as a whole. restore is the one command that
// works without the daemon: it refuses while chatd runs and copies a backup
// into data_dir.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <thread>

#include "chatctl/client.h"
#include "chatctl/output.h"
#include "chatctl/settings.h"
#include "chatctl/table.h"

namespace chat::ctl {

namespace {

int Status(Invocation& inv) { return Call(inv, {"status"}, Shape::kRecord); }

int Kill(Invocation& inv) {
  std::vector<std::string> req = {"kill", inv.args[0]};
  if (inv.args.size() > 1) req.push_back(inv.args[1]);
  return Call(inv, req, Shape::kMessage);
}

int Announce(Invocation& inv) {
  bool clear = inv.Has("clear");
  if (clear && !inv.args.empty()) return Fail(kExitUsage, "announce takes TEXT or --clear, not both");
  if (clear) return Call(inv, {"announce", ""}, Shape::kMessage);
  if (inv.args.empty()) return Call(inv, {"announce"}, Shape::kRecord);
  if (inv.args[0].empty()) return Fail(kExitUsage, "the announcement is empty: use --clear to remove it");
  return Call(inv, {"announce", inv.args[0]}, Shape::kMessage);
}

int MotdReload(Invocation& inv) { return Call(inv, {"motd", "reload"}, Shape::kMessage); }

int Reload(Invocation& inv) { return Call(inv, {"reload"}, Shape::kMessage); }

std::string Absolute(const std::string& dir) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  return ec ? dir : abs.lexically_normal().string();
}

// One control request of a backup stream; false with *error set when it
// failed (a socket error or an ERR answer).
bool StreamRequest(const Settings& settings, const std::vector<std::string>& request, int timeout_s,
                   Response* response, int* status, std::string* error) {
  *status = Transact(settings, request, timeout_s, response, error);
  if (*status != kExitOk) return false;
  if (response->ok) return true;
  *status = response->code == kErrPermission ? kExitPermission : kExitFailed;
  *error = response->message;
  return false;
}

// Writes the file `name` of backup copy `id`, `size` bytes, into dir as
// the user running chatctl (mode 0600, fsynced).
bool ReceiveFile(const Settings& settings, const std::string& id, const std::string& name, uint64_t size,
                 const std::string& dir, int* status, std::string* error) {
  const std::string path = dir + "/" + name;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    *status = kExitFailed;
    *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  uint64_t offset = 0;
  bool ok = true;
  while (ok && offset < size) {
    Response r;
    ok = StreamRequest(settings, {"backup-stream", "read", id, name, std::to_string(offset)}, 60, &r, status, error);
    const std::string* data = ok && !r.rows.empty() ? FindField(r.rows[0], "data") : nullptr;
    if (ok && (data == nullptr || data->empty())) {
      ok = false;
      *status = kExitFailed;
      *error = "chatd sent " + std::to_string(offset) + " of the " + std::to_string(size) + " bytes of " + name;
    }
    for (std::size_t done = 0; ok && done < data->size();) {
      ssize_t n = write(fd, data->data() + done, data->size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = false;
        *status = kExitFailed;
        *error = "writing " + path + ": " + std::strerror(errno);
      } else {
        done += static_cast<std::size_t>(n);
      }
    }
    if (ok) offset += data->size();
  }
  if (ok && fsync(fd) != 0) {
    ok = false;
    *status = kExitFailed;
    *error = "fsync " + path + ": " + std::strerror(errno);
  }
  close(fd);
  return ok;
}

// The hot backup is made by chatd and streamed over the control socket
// (backup-stream, doc/control.md); chatctl writes it, so DIR may be
// anywhere the admin running chatctl can write, e.g. /var/backups.
int Backup(Invocation& inv) {
  std::string dir = Absolute(inv.args[0]);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  Settings settings;
  std::string error;
  if (!LoadSettings(*inv.options, &settings, &error)) return Fail(kExitUsage, error);
  struct stat st;
  if (stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Fail(kExitFailed, dir + " exists and is not a directory");
    std::error_code ec;
    if (!std::filesystem::is_empty(dir, ec) || ec) {
      return Fail(kExitFailed, dir + " exists and is not empty: name a new directory");
    }
  } else if (mkdir(dir.c_str(), 0700) != 0) {
    return Fail(kExitFailed, "cannot create " + dir + ": " + std::strerror(errno) +
                                 " (its parent must exist and be writable by you)");
  }
  // A big environment takes a while; chatd answers when its copy is complete.
  Response listing;
  int status = kExitOk;
  if (!StreamRequest(settings, {"backup-stream", "start"}, 3600, &listing, &status, &error)) {
    return Fail(status, error);
  }
  const std::string id = listing.message;
  uint64_t total = 0;
  bool ok = true;
  for (const Row& row : listing.rows) {
    const std::string* name = FindField(row, "name");
    const std::string* size = FindField(row, "size");
    if (name == nullptr || size == nullptr || name->find('/') != std::string::npos) continue;
    const uint64_t bytes = std::strtoull(size->c_str(), nullptr, 10);
    ok = ReceiveFile(settings, id, *name, bytes, dir, &status, &error);
    if (!ok) break;
    total += bytes;
  }
  Response done;
  int done_status = kExitOk;
  std::string done_error;
  (void)StreamRequest(settings, {"backup-stream", "done", id}, 60, &done, &done_status, &done_error);
  if (!ok) return Fail(status, error);
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  Response result;
  result.ok = true;
  result.message = "backup written to " + dir + " (" + std::to_string(listing.rows.size()) + " files, " +
                   std::to_string(total) + " bytes)";
  PrintResponse(stdout, result, Shape::kMessage, inv.options->json);
  return fflush(stdout) == 0 ? kExitOk : Fail(kExitFailed, "cannot write the output");
}

// True when a process holds a lock on data_dir/__db.register: chatd opens
// its Berkeley DB environment with DB_REGISTER, which keeps such a lock for
// as long as the environment is open. *pid names the holder.
bool EnvironmentInUse(const std::string& data_dir, pid_t* pid) {
  int fd = open((data_dir + "/__db.register").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock fl;
  std::memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  bool busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
  close(fd);
  if (busy) *pid = fl.l_pid;
  return busy;
}

// Waits up to 30 s for chatd to let go of the socket and its environment.
int Stop(Invocation& inv) {
  int status = Call(inv, {"stop"}, Shape::kMessage);
  if (status != kExitOk) return status;
  Settings settings;
  std::string error;
  if (!LoadSettings(*inv.options, &settings, &error)) return kExitOk;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string detail;
    pid_t pid = 0;
    bool socket_up = ProbeDaemon(settings, &detail) == Probe::kRunning;
    bool env_busy = !settings.data_dir.empty() && EnvironmentInUse(settings.data_dir, &pid);
    if (!socket_up && !env_busy) {
      if (!inv.options->json) printf("chatd stopped\n");
      return kExitOk;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  fprintf(stderr, "chatctl: chatd is still shutting down after 30 seconds; see its log\n");
  return kExitOk;
}

int LogLevel(Invocation& inv) { return Call(inv, {"log-level", inv.args[0]}, Shape::kMessage); }

// Copies one file, owned by uid:gid, mode 0600, fsynced.
bool CopyFile(const std::string& from, const std::string& to, uid_t uid, gid_t gid, std::string* error) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    *error = "cannot read " + from + ": " + strerror(errno);
    return false;
  }
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    *error = "cannot create " + to + ": " + strerror(errno);
    close(in);
    return false;
  }
  char buf[65536];
  bool ok = true;
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *error = "cannot read " + from + ": " + strerror(errno);
      ok = false;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(out, buf + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        *error = "cannot write " + to + ": " + strerror(errno);
        ok = false;
        break;
      }
      done += w;
    }
    if (!ok) break;
  }
  if (ok && geteuid() == 0 && fchown(out, uid, gid) != 0) {
    *error = "cannot chown " + to + ": " + strerror(errno);
    ok = false;
  }
  if (ok && fsync(out) != 0) {
    *error = "cannot write " + to + ": " + strerror(errno);
    ok = false;
  }
  close(in);
  close(out);
  return ok;
}

// Regular files directly in dir, except Berkeley DB region files.
std::vector<std::string> DataFiles(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    struct stat st;
    if (name.compare(0, 5, "__db.") == 0 || lstat((dir + "/" + name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      continue;
    }
    out.push_back(name);
  }
  closedir(d);
  return out;
}

// restore DIR: offline. Refuses while chatd runs; moves data_dir's files
// into data_dir/pre-restore-<time>/ and copies the backup's files in, owned
// like data_dir.
int Restore(Invocation& inv) {
  Settings settings;
  std::string error;
  if (!LoadSettings(*inv.options, &settings, &error)) return Fail(kExitUsage, error);
  if (settings.data_dir.empty()) {
    return Fail(kExitUsage, "no [server] data_dir in " +
                                (settings.config_path.empty() ? inv.options->config_path : settings.config_path) +
                                ": name the configuration with --config");
  }
  const std::string backup = Absolute(inv.args[0]);
  const std::string& data = settings.data_dir;
  std::string detail;
  switch (ProbeDaemon(settings, &detail)) {
    case Probe::kRunning:
      return Fail(kExitFailed, "chatd is running: stop it first (chatctl stop or systemctl stop chatd), then restore");
    case Probe::kNoPermission:
      return Fail(kExitPermission, detail);
    case Probe::kNotRunning:
    case Probe::kUnknown:
      break;
  }
  pid_t pid = 0;
  if (EnvironmentInUse(data, &pid)) {
    return Fail(kExitFailed, "the database in " + data + " is in use by process " + std::to_string(pid) +
                                 ": stop chatd first");
  }
  struct stat st;
  if (stat((backup + "/meta.db").c_str(), &st) != 0 || stat((backup + "/accounts.db").c_str(), &st) != 0) {
    return Fail(kExitFailed, backup + " is not a chatd backup (no meta.db and accounts.db): name the directory "
                                      "chatctl backup wrote");
  }
  struct stat data_st;
  if (stat(data.c_str(), &data_st) != 0) {
    if (errno != ENOENT || mkdir(data.c_str(), 0750) != 0 || stat(data.c_str(), &data_st) != 0) {
      return Fail(kExitFailed, "cannot create data_dir " + data + ": " + strerror(errno));
    }
  } else if (!S_ISDIR(data_st.st_mode)) {
    return Fail(kExitFailed, "data_dir " + data + " is not a directory");
  }

  std::vector<std::string> old = DataFiles(data);
  std::string aside;
  if (!old.empty()) {
    char stamp[32];
    time_t now = time(nullptr);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    aside = data + "/pre-restore-" + stamp;
    if (mkdir(aside.c_str(), 0700) != 0) return Fail(kExitFailed, "cannot create " + aside + ": " + strerror(errno));
    for (const auto& name : old) {
      if (rename((data + "/" + name).c_str(), (aside + "/" + name).c_str()) != 0) {
        return Fail(kExitFailed, "cannot move " + data + "/" + name + " to " + aside + ": " + strerror(errno));
      }
    }
  }
  // Region files of the old environment must not meet the restored one.
  DIR* d = opendir(data.c_str());
  if (d != nullptr) {
    while (dirent* e = readdir(d)) {
      if (strncmp(e->d_name, "__db.", 5) == 0) unlink((data + "/" + e->d_name).c_str());
    }
    closedir(d);
  }
  std::vector<std::string> files = DataFiles(backup);
  for (const auto& name : files) {
    if (!CopyFile(backup + "/" + name, data + "/" + name, data_st.st_uid, data_st.st_gid, &error)) {
      return Fail(kExitFailed, error + (aside.empty() ? "" : "; the previous files are in " + aside));
    }
  }
  int dfd = open(data.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  if (inv.options->json) {
    printf("{\"ok\": true, \"message\": \"restored\", \"files\": \"%zu\"}\n", files.size());
  } else {
    printf("restored %zu files from %s into %s\n", files.size(), backup.c_str(), data.c_str());
    if (!aside.empty()) printf("the previous files are in %s\n", aside.c_str());
    printf("start chatd (systemctl start chatd) to use the restored data\n");
  }
  return kExitOk;
}

}  // namespace

const std::vector<CommandEntry>& ServerCommands() {
  static const std::vector<CommandEntry> commands = {
      {"status", "", "version, uptime, clients, channels, accounts, messages/s, memory", 0, 0, {}, &Status},
      {"kill", "NICK [REASON]", "disconnect a client", 1, 2, {}, &Kill},
      {"announce", "[TEXT | --clear]",
       "send a server notice to everyone online and show it at connect (no TEXT: show it)", 0, 1,
       {{"clear", false}}, &Announce},
      {"motd reload", "", "re-read the MOTD file", 0, 0, {}, &MotdReload},
      {"reload", "", "re-read the configuration and TLS certificate (as SIGHUP)", 0, 0, {}, &Reload},
      {"backup", "DIR", "hot backup of the database into the new directory DIR", 1, 1, {}, &Backup},
      {"restore", "DIR", "copy a backup into data_dir; only while chatd is stopped", 1, 1, {}, &Restore},
      {"stop", "", "shut chatd down gracefully", 0, 0, {}, &Stop},
      {"log-level", "LEVEL", "set the log level: debug, info, notice, warning, error", 1, 1, {}, &LogLevel},
  };
  return commands;
}

}  // namespace chat::ctl
