// chatd as a service of the operating system: detaching from the terminal
// (classic daemon mode), the pid file, dropping root privileges, and telling
// systemd about the service's state (sd_notify).
//
// Everything here is process-wide state, used from main() and, for the
// sd_notify calls, from the event-loop thread. Nothing here throws.
#ifndef CHATD_DAEMON_H_
#define CHATD_DAEMON_H_

#include <sys/types.h>

#include <string>

#include "libchat/status.h"

namespace chatd {

// ---- classic daemon mode
//
// Start-up is split around the detach so that every start-up error still
// reaches the terminal and the exit status of the command that started chatd:
//
//   DetachStart()     fork; the original process waits on a pipe. The child
//                     calls setsid() and forks again; the middle process exits,
//                     and DetachStart returns in the grandchild (the daemon,
//                     never a session leader, so it can't regain a terminal).
//   ...               the daemon opens everything: pid file, store, TLS,
//                     listeners. Errors go to StartupError().
//   DetachFinish()    chdir("/"), umask(027), standard fds to /dev/null, and
//                     the waiting process exits 0.
//
// Forking first (rather than opening everything and forking afterwards)
// matters: the Berkeley DB environment is opened with DB_REGISTER, which
// records the opening process's id, and libevent's loop should not cross a
// fork either.
//
// The waiting process never returns from DetachStart: it exits 0 when the
// daemon called DetachFinish, or 1 after printing what the daemon passed to
// StartupError (or a generic message if the daemon died without a word).
// An error in DetachStart itself (pipe or fork failed) comes back as a
// Status in the original process, nothing having forked.
chat::Status DetachStart();

// Completes the detach (see above). Without a preceding DetachStart only the
// chdir and umask happen and the standard fds are left alone.
chat::Status DetachFinish();

// Reports a start-up failure: while detaching, sends `message` to the
// waiting process, which prints it to its stderr and exits 1; otherwise
// prints it to stderr. The caller then returns 1 from main. `message` is one
// line without the "chatd: " prefix (added here).
void StartupError(const std::string& message);

// ---- pid file

// Opens or creates `path` (0644), takes an exclusive lock on it (fcntl), and
// writes the current process id. The file stays open and locked until
// RemovePidFile or exit, so a second chatd with the same pid file fails here
// with "already running as pid N" before it touches the store. Call after
// the final fork. An empty path does nothing.
chat::Status WritePidFile(const std::string& path);

// Unlinks the pid file written by WritePidFile; when that is not permitted
// (after dropping privileges, in a directory only root may write) it empties
// the file instead, so no stale pid is left. Safe to call when none was written.
void RemovePidFile();

// ---- open-file limit
//
// Each client holds one descriptor, and Debian's default soft
// RLIMIT_NOFILE is 1024 (systemd: 1024 soft, 524288 hard).

// RLIMIT_NOFILE, in descriptors: the soft limit before and after
// RaiseFileLimit, and the hard limit.
struct FileLimit {
  unsigned long long before = 0;
  unsigned long long after = 0;
  unsigned long long hard = 0;
};

// Raises the soft RLIMIT_NOFILE to the hard limit (any process may; going
// past the hard limit needs CAP_SYS_RESOURCE, which chatd doesn't try). An
// unlimited hard limit is capped at /proc/sys/fs/nr_open (what the kernel
// accepts). Returns the limits, or IOError when getrlimit/setrlimit fail
// (the soft limit is then unchanged).
chat::Result<FileLimit> RaiseFileLimit();

// ---- privilege drop
//
// Two steps around Server::Start, used only when the process runs as root
// and `user` is not empty; otherwise both do nothing.
//
//   PrivilegeDrop drop;
//   drop.Prepare(user, group);  // resolve names, initgroups, setfsgid/setfsuid
//   server.Start();             // binds (as root), opens files as `user`
//   drop.Finish();              // setgid/setuid for good, checked
//
// Between the two steps file system access already uses the target user's
// identity (setfsuid/setfsgid, Linux): files the store creates in data_dir
// belong to that user, and anything that user could not open (the TLS key,
// data_dir, the control socket's directory) fails at start rather than at
// the next reload. Binding privileged ports still works (CAP_NET_BIND_SERVICE
// is not a file system capability).
class PrivilegeDrop {
 public:
  // Resolves `user` (name or numeric id) and `group` ("" = the user's primary
  // group) and switches the file system identity. Errors: unknown user or
  // group, initgroups failure. Does nothing when not root or user is empty;
  // active() tells which.
  chat::Status Prepare(const std::string& user, const std::string& group);

  // Makes the switch permanent: setgroups/initgroups done in Prepare, then
  // setresgid and setresuid to the target ids, then checks that the real,
  // effective and saved ids are the target ones and that setuid(0) fails.
  // Any failure is an error: the caller must exit.
  chat::Status Finish();

  bool active() const { return active_; }
  const std::string& user() const { return user_; }

 private:
  bool active_ = false;
  std::string user_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

// ---- systemd notification (sd_notify; no-ops unless built with libsystemd
// and started by systemd with NOTIFY_SOCKET set)

enum class ServiceState {
  kReady,      // READY=1: start-up finished, or a reload finished
  kReloading,  // RELOADING=1 (with MONOTONIC_USEC): a reload began
  kStopping,   // STOPPING=1: graceful shutdown began
};

// Sends the state, with `status` as STATUS= text when not empty.
void NotifyService(ServiceState state, const std::string& status = "");

// RELOADING=1 when constructed, READY=1 when destroyed: one line at the top
// of a reload function covers every return path.
class ReloadNotice {
 public:
  ReloadNotice() { NotifyService(ServiceState::kReloading, "reloading"); }
  ~ReloadNotice() { NotifyService(ServiceState::kReady, "running"); }
  ReloadNotice(const ReloadNotice&) = delete;
  ReloadNotice& operator=(const ReloadNotice&) = delete;
};

}  // namespace chatd

#endif  // CHATD_DAEMON_H_
