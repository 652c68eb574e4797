// The control socket's transport and dispatch (control.h): the UNIX
// listener, peer credentials, framing, back-pressure, and the table lookup
// that hands each request to its command.
#include "chatd/control/control.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <grp.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <ctime>

#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "libchat/line_framer.h"

namespace chatd {

namespace ctl = chat::ctl;

namespace {

constexpr std::size_t kMaxConns = 32;                    // connections at once
constexpr std::size_t kMaxPendingOutput = 256 * 1024;    // stop reading requests above this
constexpr int kIdleTimeoutS = 300;                       // an idle connection is closed

// getgrnam_r with a growing buffer; false when the group does not exist.
bool LookupGroup(const std::string& name, gid_t* gid) {
  std::vector<char> buf(4096);
  for (;;) {
    group g;
    group* found = nullptr;
    int rc = getgrnam_r(name.c_str(), &g, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 4);
      continue;
    }
    if (rc != 0 || found == nullptr) return false;
    *gid = g.gr_gid;
    return true;
  }
}

// The login name and primary group of uid; false when unknown.
bool LookupUser(uid_t uid, std::string* name, gid_t* gid) {
  std::vector<char> buf(4096);
  for (;;) {
    passwd pw;
    passwd* found = nullptr;
    int rc = getpwuid_r(uid, &pw, buf.data(), buf.size(), &found);
    if (rc == ERANGE && buf.size() < (1u << 20)) {
      buf.resize(buf.size() * 4);
      continue;
    }
    if (rc != 0 || found == nullptr) return false;
    *name = pw.pw_name;
    *gid = pw.pw_gid;
    return true;
  }
}

// Root, chatd's own user, or a member of admin_group: by the peer's primary
// group, its supplementary groups (SO_PEERGROUPS) or the groups its user is
// listed in (getgrouplist).
bool PeerAllowed(int fd, const ucred& cred, const std::string& admin_group) {
  if (cred.uid == 0 || cred.uid == geteuid()) return true;
  gid_t admin = 0;
  if (admin_group.empty() || !LookupGroup(admin_group, &admin)) return false;
  if (cred.gid == admin) return true;
#ifdef SO_PEERGROUPS
  std::vector<gid_t> groups(64);
  socklen_t len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
  int rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len);
  if (rc != 0 && errno == ERANGE) {
    groups.resize(len / sizeof(gid_t) + 1);
    len = static_cast<socklen_t>(groups.size() * sizeof(gid_t));
    rc = getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups.data(), &len);
  }
  if (rc == 0) {
    for (std::size_t i = 0; i < len / sizeof(gid_t); ++i) {
      if (groups[i] == admin) return true;
    }
  }
#else
  (void)fd;
#endif
  std::string user;
  gid_t primary = 0;
  if (!LookupUser(cred.uid, &user, &primary)) return false;
  int n = 64;
  std::vector<gid_t> listed(static_cast<std::size_t>(n));
  if (getgrouplist(user.c_str(), primary, listed.data(), &n) < 0) {
    listed.resize(static_cast<std::size_t>(n));
    if (getgrouplist(user.c_str(), primary, listed.data(), &n) < 0) return false;
  }
  for (int i = 0; i < n; ++i) {
    if (listed[static_cast<std::size_t>(i)] == admin) return true;
  }
  return false;
}

// A request as a log line: the command's words and arguments, with the
// arguments from index `hide_from` on replaced by "[hidden]" (a password,
// or anything of a request that may hold one). Log() escapes control
// characters.
std::string Describe(const std::vector<std::string>& args, std::size_t hide_from = SIZE_MAX) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i != 0) out += ' ';
    if (i >= hide_from) {
      out += "[" + std::to_string(args.size() - i) + " hidden]";
      break;
    }
    out += args[i];
    if (out.size() > 300) {
      out.resize(300);
      out += "...";
      break;
    }
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------- replies

void ControlReply::Row(const ctl::Row& row) {
  if (done_) return;
  auto line = ctl::EncodeRow(row);
  if (!line.ok()) {
    Err(ctl::kErrFailed, "internal error: " + line.status().message());
    return;
  }
  out_ += line.value();
}

void ControlReply::Ok(std::string_view message) {
  if (done_) return;
  out_ += ctl::EncodeOk(message);
  done_ = true;
}

void ControlReply::Err(const char* code, std::string_view message) {
  if (done_) return;
  out_ += ctl::EncodeErr(code, message);
  done_ = true;
}

std::string ControlTime(int64_t unix_seconds) {
  if (unix_seconds == 0) return "";
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

bool ControlCheckText(std::string_view what, const std::string& text, ControlReply& reply) {
  if (text.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos) return true;
  reply.Err(ctl::kErrInvalid, std::string(what) + " cannot contain line breaks or NUL");
  return false;
}

// ---------------------------------------------------------------- dispatch

void RunControlRequest(Server& server, const std::vector<std::string>& args, const std::string& who,
                       ControlReply& reply) {
  const ControlCommand* best = nullptr;
  std::size_t best_words = 0;
  for (const auto* table : {&ControlUserCommands(), &ControlChannelCommands(), &ControlServerCommands(),
                            &ControlFileCommands(), &ControlBackupCommands()}) {
    for (const ControlCommand& cmd : *table) {
      std::vector<std::string> words;
      for (std::string_view w = cmd.words; !w.empty();) {
        std::size_t space = w.find(' ');
        words.emplace_back(w.substr(0, space));
        w = space == std::string_view::npos ? std::string_view() : w.substr(space + 1);
      }
      if (words.size() > args.size() || words.size() <= best_words) continue;
      if (std::equal(words.begin(), words.end(), args.begin())) {
        best = &cmd;
        best_words = words.size();
      }
    }
  }
  if (best == nullptr) {
    // A mistyped command may carry a password: only its first word is logged.
    LOG_NOTICE("control %s: unknown command: %s", who.c_str(), Describe(args, 1).c_str());
    reply.Err(ctl::kErrUnknownCommand, "unknown command '" + args[0] + "': chatctl --help lists the commands");
    return;
  }
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(best_words), args.end());
  const bool usage_ok = rest.size() >= best->min_args && rest.size() <= best->max_args;
  // A secret command's password is its last argument; with the wrong
  // number of arguments any of them may be it.
  std::size_t hide_from = SIZE_MAX;
  if (best->secret) hide_from = usage_ok ? args.size() - 1 : best_words;
  if (best->quiet) {
    LOG_DEBUG("control %s: %s", who.c_str(), Describe(args, hide_from).c_str());
  } else {
    LOG_INFO("control %s: %s", who.c_str(), Describe(args, hide_from).c_str());
  }
  if (!usage_ok) {
    reply.Err(ctl::kErrUsage, std::string("usage: ") + best->words + (*best->usage ? " " : "") + best->usage);
    return;
  }
  best->handler(server, rest, reply);
  if (!reply.done()) reply.Ok();
}

// ---------------------------------------------------------------- connections

struct ControlConn {
  ControlConn(Control* owner, uint64_t id, bufferevent* bev, std::string who)
      : owner(owner), id(id), bev(bev), who(std::move(who)) {}
  ~ControlConn() {
    if (bev != nullptr) bufferevent_free(bev);
  }
  ControlConn(const ControlConn&) = delete;
  ControlConn& operator=(const ControlConn&) = delete;

  void Send(const std::string& bytes) {
    if (!bytes.empty()) bufferevent_write(bev, bytes.data(), bytes.size());
  }

  // Stops reading; the connection is reaped once its output is written.
  void CloseAfterFlush() {
    closing = true;
    bufferevent_disable(bev, EV_READ);
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) owner->Reap(this);
  }

  void Handle(const std::string& line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;  // blank lines are ignored
    std::vector<std::string> args;
    chat::Status s = ctl::DecodeRequest(line, &args);
    if (!s.ok()) {
      LOG_NOTICE("control %s: malformed request: %s", who.c_str(), s.message().c_str());
      Send(ctl::EncodeErr(ctl::kErrMalformed, "malformed request: " + s.message()));
      return;
    }
    ControlReply reply;
    RunControlRequest(*owner->server_, args, who, reply);
    Send(reply.TakeOutput());
  }

  // Runs buffered requests until none is left or the output backs up.
  void Pump() {
    char buf[16384];
    for (;;) {
      for (;;) {
        if (closing) return;
        if (evbuffer_get_length(bufferevent_get_output(bev)) > kMaxPendingOutput) {
          paused = true;  // the peer isn't reading: wait for WriteCb
          bufferevent_disable(bev, EV_READ);
          return;
        }
        std::string_view line;
        auto next = framer.TakeNext(&line);
        if (next == chat::irc::LineFramer::Next::kNone) break;
        if (next == chat::irc::LineFramer::Next::kOverlong) {
          LOG_NOTICE("control %s: request longer than %zu bytes discarded", who.c_str(), ctl::kMaxLineBytes);
          Send(ctl::EncodeErr(ctl::kErrTooLong,
                              "request longer than " + std::to_string(ctl::kMaxLineBytes) + " bytes"));
          continue;
        }
        Handle(std::string(line));
      }
      int n = evbuffer_remove(bufferevent_get_input(bev), buf, sizeof buf);
      if (n <= 0) return;
      framer.Feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
  }

  static void ReadCb(bufferevent*, void* arg) noexcept { static_cast<ControlConn*>(arg)->Pump(); }

  static void WriteCb(bufferevent*, void* arg) noexcept {
    auto* c = static_cast<ControlConn*>(arg);
    if (c->closing) {
      c->owner->Reap(c);
    } else if (c->paused) {
      c->paused = false;
      bufferevent_enable(c->bev, EV_READ);
      c->Pump();
    }
  }

  static void EventCb(bufferevent*, short what, void* arg) noexcept {
    auto* c = static_cast<ControlConn*>(arg);
    if ((what & BEV_EVENT_EOF) != 0 && (what & BEV_EVENT_ERROR) == 0) {
      c->CloseAfterFlush();  // the peer is done sending; finish our answers
    } else {
      c->closing = true;
      c->owner->Reap(c);
    }
  }

  Control* owner;
  uint64_t id;
  bufferevent* bev;
  std::string who;  // "uid 0 pid 1234", for logs
  chat::irc::LineFramer framer{ctl::kMaxLineBytes - 1};
  bool closing = false;
  bool paused = false;
  bool reaped = false;
};

// ---------------------------------------------------------------- the socket

chat::Result<std::unique_ptr<Control>> Control::Create(Server* server) {
  const Config& cfg = server->config();
  const std::string& path = cfg.control_socket;
  sockaddr_un addr;
  std::memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return chat::Status::InvalidArgument("[control] socket " + path + " is too long for a UNIX socket (" +
                                         std::to_string(path.size()) + " bytes, at most " +
                                         std::to_string(sizeof addr.sun_path - 1) + "): choose a shorter path");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size());

  std::size_t slash = path.rfind('/');
  std::string parent = slash == std::string::npos ? "" : path.substr(0, slash);
  struct stat st;
  if (!parent.empty() && ::stat(parent.c_str(), &st) != 0) {
    if (errno != ENOENT || ::mkdir(parent.c_str(), 0755) != 0) {
      return chat::Status::IOError("cannot create the control socket's directory " + parent + ": " +
                                   std::strerror(errno) + ": create it or change [control] socket");
    }
    LOG_INFO("created %s for the control socket", parent.c_str());
  }
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return chat::Status::IOError(path + " exists and is not a socket: remove it or change [control] socket");
    }
    int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int rc = probe < 0 ? -1 : ::connect(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    int err = errno;
    if (probe >= 0) ::close(probe);
    if (rc == 0) {
      return chat::Status::IOError("another chatd is running with control socket " + path +
                                   ": stop it first (chatctl stop) or give this one another [control] socket");
    }
    if (err != ECONNREFUSED) {
      return chat::Status::IOError("cannot check the existing control socket " + path + ": " + std::strerror(err));
    }
    if (::unlink(path.c_str()) != 0) {
      return chat::Status::IOError("cannot remove the stale control socket " + path + ": " + std::strerror(errno));
    }
    LOG_NOTICE("removed a stale control socket %s", path.c_str());
  }

  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return chat::Status::IOError(std::string("cannot create a UNIX socket: ") + std::strerror(errno));
  mode_t old_mask = ::umask(0117);  // the file is never more open than 0660
  int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::umask(old_mask);
  if (rc != 0) {
    ::close(fd);
    return chat::Status::IOError("cannot create the control socket " + path + ": " + std::strerror(err));
  }
  std::unique_ptr<Control> control(new Control(server, path));
  if (::chmod(path.c_str(), 0660) != 0) LOG_WARNING("chmod 0660 %s: %s", path.c_str(), std::strerror(errno));
  gid_t gid = 0;
  if (cfg.control_group.empty()) {
    // keep the creating user's group
  } else if (!LookupGroup(cfg.control_group, &gid)) {
    LOG_NOTICE("control socket %s: group %s does not exist, so only root and chatd's user can use chatctl",
               path.c_str(), cfg.control_group.c_str());
  } else if (::chown(path.c_str(), static_cast<uid_t>(-1), gid) != 0) {
    LOG_WARNING("control socket %s: cannot give it to group %s (%s): only root and chatd's user can use chatctl",
                path.c_str(), cfg.control_group.c_str(), std::strerror(errno));
  }
  if (::lstat(path.c_str(), &st) == 0) control->inode_ = st.st_ino;

  control->listener_ = evconnlistener_new(server->base(), &Control::AcceptCb, control.get(),
                                          LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16, fd);
  if (control->listener_ == nullptr) {
    ::close(fd);
    return chat::Status::IOError("cannot listen on the control socket " + path);
  }
  control->reap_ = event_new(server->base(), -1, 0, &Control::ReapCb, control.get());
  LoadAnnouncement(*server);
  LOG_INFO("control socket %s", path.c_str());
  return control;
}

Control::Control(Server* server, std::string path) : server_(server), path_(std::move(path)) {}

Control::~Control() {
  conns_.clear();
  dead_.clear();
  if (listener_ != nullptr) evconnlistener_free(listener_);
  if (reap_ != nullptr) event_free(reap_);
  // Remove the file only if it is still ours (not a newer chatd's).
  struct stat st;
  if (inode_ != 0 && ::lstat(path_.c_str(), &st) == 0 && st.st_ino == inode_ && ::unlink(path_.c_str()) != 0) {
    LOG_DEBUG("cannot remove the control socket %s: %s", path_.c_str(), std::strerror(errno));
  }
}

void Control::AcceptCb(evconnlistener*, int fd, sockaddr*, int, void* arg) noexcept {
  static_cast<Control*>(arg)->Accept(fd);
}

void Control::Accept(int fd) {
  ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    LOG_WARNING("control: no peer credentials (%s); connection closed", std::strerror(errno));
    ::close(fd);
    return;
  }
  std::string who = "uid " + std::to_string(cred.uid) + " pid " + std::to_string(cred.pid);
  bufferevent* bev = bufferevent_socket_new(server_->base(), fd, BEV_OPT_CLOSE_ON_FREE);
  if (bev == nullptr) {
    ::close(fd);
    return;
  }
  uint64_t id = next_id_++;
  auto conn = std::make_unique<ControlConn>(this, id, bev, who);
  ControlConn* c = conn.get();
  conns_.emplace(id, std::move(conn));
  bufferevent_setcb(bev, &ControlConn::ReadCb, &ControlConn::WriteCb, &ControlConn::EventCb, c);
  timeval idle{kIdleTimeoutS, 0};
  bufferevent_set_timeouts(bev, &idle, &idle);
  const std::string& admin_group = server_->config().control_admin_group;
  if (!PeerAllowed(fd, cred, admin_group)) {
    LOG_NOTICE("control %s: permission denied (not root, chatd's user or in group %s)", who.c_str(),
               admin_group.c_str());
    c->Send(ctl::EncodeErr(ctl::kErrPermission,
                           "permission denied: chatctl needs root or membership in group " + admin_group));
    c->CloseAfterFlush();
    return;
  }
  if (conns_.size() > kMaxConns) {
    LOG_WARNING("control %s: more than %zu control connections; refused", who.c_str(), kMaxConns);
    c->Send(ctl::EncodeErr(ctl::kErrFailed, "too many control connections at once; try again"));
    c->CloseAfterFlush();
    return;
  }
  bufferevent_enable(bev, EV_READ);
}

void Control::Reap(ControlConn* c) {
  if (c->reaped) return;
  c->reaped = true;
  bufferevent_disable(c->bev, EV_READ | EV_WRITE);
  auto it = conns_.find(c->id);
  if (it == conns_.end()) return;
  dead_.push_back(std::move(it->second));
  conns_.erase(it);
  event_active(reap_, 0, 0);
}

void Control::ReapCb(int, short, void* arg) noexcept { static_cast<Control*>(arg)->dead_.clear(); }

}  // namespace chatd
