// Connecting to chatd's control socket and one request/response exchange.
#include "chatctl/client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "libchat/line_framer.h"

namespace chat::ctl {

namespace {

int64_t NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

std::string NotRunning(const std::string& path, const char* why) {
  return std::string("chatd is not running (") + why + " " + path +
         "): start it with systemctl start chatd";
}

std::string NoPermission(const Settings& s) {
  return "permission denied: run as root or join group " + s.admin_group;
}

// Connects; returns the fd, or -1 with *status and *error set.
int Connect(const Settings& s, int* status, std::string* error) {
  sockaddr_un addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (s.socket.size() >= sizeof addr.sun_path) {
    *status = kExitUsage;
    *error = "control socket path " + s.socket + " is too long for a UNIX socket";
    return -1;
  }
  std::memcpy(addr.sun_path, s.socket.data(), s.socket.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *status = kExitFailed;
    *error = std::string("cannot create a socket: ") + std::strerror(errno);
    return -1;
  }
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return fd;
  int err = errno;
  ::close(fd);
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      *status = kExitNotRunning;
      *error = NotRunning(s.socket, "no socket at");
      break;
    case ECONNREFUSED:
      *status = kExitNotRunning;
      *error = NotRunning(s.socket, "nothing answers on");
      break;
    case EACCES:
    case EPERM:
      *status = kExitPermission;
      *error = NoPermission(s);
      break;
    default:
      *status = kExitFailed;
      *error = "cannot connect to " + s.socket + ": " + std::strerror(err);
  }
  return -1;
}

}  // namespace

int Transact(const Settings& settings, const std::vector<std::string>& request, int timeout_s,
             Response* response, std::string* error) {
  auto line = EncodeRequest(request);
  if (!line.ok()) {
    *error = line.status().message();
    return kExitUsage;
  }
  int status = kExitOk;
  int fd = Connect(settings, &status, error);
  if (fd < 0) return status;
  const int64_t deadline = NowMs() + int64_t{timeout_s} * 1000;

  // Send; a refused peer may close early (it answers ERR permission first),
  // so a failed send is only reported if no answer can be read.
  const std::string& out = line.value();
  std::size_t sent = 0;
  int send_errno = 0;
  while (sent < out.size()) {
    ssize_t n = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      send_errno = errno;
      break;
    }
    sent += static_cast<std::size_t>(n);
  }

  chat::irc::LineFramer framer(kMaxLineBytes - 1);
  ResponseParser parser;
  char buf[16384];
  while (!parser.done()) {
    int64_t left = deadline - NowMs();
    if (left <= 0) {
      ::close(fd);
      *error = "no answer from chatd within " + std::to_string(timeout_s) + " seconds (it may be overloaded; see its log)";
      return kExitFailed;
    }
    pollfd p{fd, POLLIN, 0};
    int rc = ::poll(&p, 1, static_cast<int>(left));
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = n < 0 ? errno : send_errno;
      ::close(fd);
      *error = "chatd closed the connection without answering" +
               (err != 0 ? std::string(" (") + std::strerror(err) + ")" : std::string()) + "; see its log";
      return kExitFailed;
    }
    framer.Feed(std::string_view(buf, static_cast<std::size_t>(n)));
    std::string_view l;
    for (;;) {
      auto next = framer.TakeNext(&l);
      if (next == chat::irc::LineFramer::Next::kNone) break;
      chat::Status s = next == chat::irc::LineFramer::Next::kOverlong
                           ? chat::Status::Protocol("line too long")
                           : parser.Feed(l);
      if (!s.ok()) {
        ::close(fd);
        *error = "chatd sent a malformed answer (" + s.message() + "): is " + settings.socket +
                 " chatd's control socket, and are chatd and chatctl the same version?";
        return kExitFailed;
      }
      if (parser.done()) break;
    }
  }
  ::close(fd);
  *response = parser.response();
  return kExitOk;
}

Probe ProbeDaemon(const Settings& settings, std::string* detail) {
  int status = kExitOk;
  int fd = Connect(settings, &status, detail);
  if (fd >= 0) {
    ::close(fd);
    return Probe::kRunning;
  }
  if (status == kExitNotRunning) return Probe::kNotRunning;
  if (status == kExitPermission) return Probe::kNoPermission;
  return Probe::kUnknown;
}

}  // namespace chat::ctl
