// chatd as a service: detach, pid file, privilege drop, sd_notify (daemon.h).
#include "chatd/core/daemon.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include "chat_autoconf.h"

#ifdef HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace chatd {

namespace {

// The daemon's end of the start-up pipe (DetachStart .. DetachFinish), -1 otherwise.
int g_detach_fd = -1;
// The pid file, open and locked (WritePidFile .. RemovePidFile).
int g_pid_fd = -1;
std::string g_pid_path;

// Messages on the start-up pipe: one tag byte, then text.
constexpr char kReady = 'R';
constexpr char kError = 'E';

std::string Errno(const char* what) { return std::string(what) + ": " + strerror(errno); }

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

// The original process: waits for the daemon's verdict and exits with it.
[[noreturn]] void WaitForDaemon(int fd, pid_t middle) {
  int status;
  while (waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  std::string got;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  if (!got.empty() && got[0] == kReady) _exit(0);
  if (got.size() > 1 && got[0] == kError) {
    fputs(got.c_str() + 1, stderr);
  } else {
    fputs("chatd: the daemon exited during start-up without saying why (see the log)\n", stderr);
  }
  _exit(1);
}

bool IsNumber(const std::string& s) {
  if (s.empty() || s.size() > 9) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// getpwnam/getgrnam with a growing buffer; `by_id` looks a number up as an id.
bool LookupUser(const std::string& name, passwd* pw, std::vector<char>* buf) {
  passwd* found = nullptr;
  for (buf->resize(4096);; buf->resize(buf->size() * 2)) {
    int rc = IsNumber(name)
                 ? getpwuid_r(static_cast<uid_t>(atol(name.c_str())), pw, buf->data(), buf->size(), &found)
                 : getpwnam_r(name.c_str(), pw, buf->data(), buf->size(), &found);
    if (rc == ERANGE && buf->size() < (1u << 20)) continue;
    return rc == 0 && found != nullptr;
  }
}

bool LookupGroup(const std::string& name, gid_t* gid) {
  if (IsNumber(name)) {
    *gid = static_cast<gid_t>(atol(name.c_str()));
    return true;
  }
  group gr;
  group* found = nullptr;
  std::vector<char> buf;
  for (buf.resize(4096);; buf.resize(buf.size() * 2)) {
    int rc = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) continue;
    if (rc != 0 || found == nullptr) return false;
    *gid = gr.gr_gid;
    return true;
  }
}

}  // namespace

// ---------------------------------------------------------------- detach

chat::Status DetachStart() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return chat::Status::IOError(Errno("cannot detach: pipe"));
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return chat::Status::IOError(Errno("cannot detach: fork"));
  }
  if (pid > 0) {
    close(fds[1]);
    WaitForDaemon(fds[0], pid);
  }
  // The middle process: a new session, then a child that is not its leader.
  close(fds[0]);
  if (setsid() < 0) {
    std::string msg = std::string(1, kError) + "chatd: " + Errno("cannot detach: setsid") + "\n";
    (void)WriteAll(fds[1], msg.data(), msg.size());
    _exit(1);
  }
  pid = fork();
  if (pid < 0) {
    std::string msg = std::string(1, kError) + "chatd: " + Errno("cannot detach: fork") + "\n";
    (void)WriteAll(fds[1], msg.data(), msg.size());
    _exit(1);
  }
  if (pid > 0) _exit(0);
  // The daemon. Paths in the config are absolute already (config.h resolves
  // relative ones against the config file's directory).
  g_detach_fd = fds[1];
  umask(027);
  if (chdir("/") != 0) return chat::Status::IOError(Errno("chdir /"));
  return chat::Status::OK();
}

chat::Status DetachFinish() {
  umask(027);
  if (chdir("/") != 0) return chat::Status::IOError(Errno("chdir /"));
  if (g_detach_fd < 0) return chat::Status::OK();
  int null = open("/dev/null", O_RDWR);
  if (null < 0) return chat::Status::IOError(Errno("cannot open /dev/null"));
  fflush(nullptr);
  for (int fd = 0; fd <= 2; ++fd) {
    if (dup2(null, fd) < 0) {
      int saved = errno;
      close(null);
      errno = saved;
      return chat::Status::IOError(Errno("cannot redirect the standard fds to /dev/null"));
    }
  }
  if (null > 2) close(null);
  const char ready = kReady;
  (void)WriteAll(g_detach_fd, &ready, 1);
  close(g_detach_fd);
  g_detach_fd = -1;
  return chat::Status::OK();
}

void StartupError(const std::string& message) {
  std::string line = "chatd: " + message + "\n";
  if (g_detach_fd >= 0) {
    std::string msg = kError + line;
    if (WriteAll(g_detach_fd, msg.data(), msg.size())) return;
  }
  fputs(line.c_str(), stderr);
}

// ---------------------------------------------------------------- pid file

chat::Status WritePidFile(const std::string& path) {
  if (path.empty()) return chat::Status::OK();
  // O_NOFOLLOW and the link-count check: the pid file's directory may be
  // writable by the unprivileged user, who must not be able to point root's
  // next start at another file.
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return chat::Status::IOError(Errno(("cannot open pid_file " + path).c_str()) +
                                 " (the directory must exist; /run/chatd is made by the "
                                 "systemd unit or by hand)");
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
    close(fd);
    return chat::Status::IOError("pid_file " + path + " is not a plain file");
  }
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &lock) != 0) {
    int saved = errno;
    char buf[32] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    if (saved == EAGAIN || saved == EACCES) {
      std::string pid = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("?");
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      return chat::Status::IOError("chatd is already running as pid " + pid + " (pid_file " + path + ")");
    }
    errno = saved;
    return chat::Status::IOError(Errno(("cannot lock pid_file " + path).c_str()));
  }
  char text[32];
  int len = snprintf(text, sizeof text, "%ld\n", static_cast<long>(getpid()));
  if (ftruncate(fd, 0) != 0 || pwrite(fd, text, static_cast<size_t>(len), 0) != len) {
    int saved = errno;
    close(fd);
    errno = saved;
    return chat::Status::IOError(Errno(("cannot write pid_file " + path).c_str()));
  }
  g_pid_fd = fd;
  g_pid_path = path;
  return chat::Status::OK();
}

void RemovePidFile() {
  if (g_pid_fd < 0) return;
  if (unlink(g_pid_path.c_str()) != 0 && ftruncate(g_pid_fd, 0) != 0) {
    // Neither worked: a stale pid is left, and its lock is gone with us.
  }
  close(g_pid_fd);
  g_pid_fd = -1;
  g_pid_path.clear();
}

// ---------------------------------------------------------------- open files

chat::Result<FileLimit> RaiseFileLimit() {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
    return chat::Status::IOError(std::string("getrlimit(RLIMIT_NOFILE): ") + strerror(errno));
  }
  FileLimit out;
  out.before = rl.rlim_cur;
  rlim_t target = rl.rlim_max;
  if (target == RLIM_INFINITY) {
    target = 1048576;  // the kernel's default fs.nr_open
    if (FILE* f = fopen("/proc/sys/fs/nr_open", "r")) {
      unsigned long long n = 0;
      if (fscanf(f, "%llu", &n) == 1 && n > 0) target = static_cast<rlim_t>(n);
      fclose(f);
    }
  }
  out.hard = rl.rlim_max == RLIM_INFINITY ? static_cast<unsigned long long>(target) : rl.rlim_max;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < target) {
    rl.rlim_cur = target;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
      return chat::Status::IOError(std::string("setrlimit(RLIMIT_NOFILE): ") + strerror(errno));
    }
  }
  out.after = rl.rlim_cur == RLIM_INFINITY ? out.hard : rl.rlim_cur;
  return out;
}

// ---------------------------------------------------------------- privileges

chat::Status PrivilegeDrop::Prepare(const std::string& user, const std::string& group) {
  active_ = false;
  if (user.empty() || geteuid() != 0) return chat::Status::OK();
  passwd pw;
  std::vector<char> buf;
  if (!LookupUser(user, &pw, &buf)) {
    return chat::Status::NotFound("unknown user '" + user + "' ([server] user): create it or fix the config");
  }
  uid_ = pw.pw_uid;
  gid_ = pw.pw_gid;
  if (!group.empty() && !LookupGroup(group, &gid_)) {
    return chat::Status::NotFound("unknown group '" + group +
                                  "' ([server] group): create it or fix the config");
  }
  user_ = pw.pw_name;
  if (initgroups(pw.pw_name, gid_) != 0) {
    return chat::Status::IOError(Errno(("initgroups for user " + user_).c_str()));
  }
  // setfsuid/setfsgid return the previous id and cannot report failure
  // directly: ask again with an invalid id, which changes nothing.
  setfsgid(gid_);
  setfsuid(uid_);
  if (static_cast<gid_t>(setfsgid(static_cast<gid_t>(-1))) != gid_ ||
      static_cast<uid_t>(setfsuid(static_cast<uid_t>(-1))) != uid_) {
    return chat::Status::IOError("cannot switch the file system identity to user " + user_);
  }
  active_ = true;
  return chat::Status::OK();
}

chat::Status PrivilegeDrop::Finish() {
  if (!active_) return chat::Status::OK();
  if (setresgid(gid_, gid_, gid_) != 0) return chat::Status::IOError(Errno("setresgid"));
  if (setresuid(uid_, uid_, uid_) != 0) return chat::Status::IOError(Errno("setresuid"));
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0 || ru != uid_ || eu != uid_ ||
      su != uid_ || rg != gid_ || eg != gid_ || sg != gid_) {
    return chat::Status::IOError("privilege drop to user " + user_ + " did not take effect");
  }
  if (uid_ != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    return chat::Status::IOError("privilege drop to user " + user_ + " can be undone: refusing to run");
  }
  return chat::Status::OK();
}

// ---------------------------------------------------------------- sd_notify

void NotifyService(ServiceState state, const std::string& status) {
#ifdef HAVE_SYSTEMD
  std::string msg;
  switch (state) {
    case ServiceState::kReady:
      msg = "READY=1";
      break;
    case ServiceState::kReloading: {
      // MONOTONIC_USEC lets systemd >= 253 (Type=notify-reload) match the
      // reload to the request; older versions ignore it.
      timespec ts;
      clock_gettime(CLOCK_MONOTONIC, &ts);
      unsigned long long usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ull +
                                static_cast<unsigned long long>(ts.tv_nsec) / 1000ull;
      msg = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec);
      break;
    }
    case ServiceState::kStopping:
      msg = "STOPPING=1";
      break;
  }
  if (!status.empty()) msg += "\nSTATUS=" + status;
  (void)sd_notify(0, msg.c_str());
#else
  (void)state;
  (void)status;
#endif
}

}  // namespace chatd
