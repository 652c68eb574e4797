// Control: the daemon's end of the control socket chatctl talks to
// (doc/control.md). Owns the listening UNIX socket and its connections,
// decides who may use it from each peer's credentials (SO_PEERCRED), frames
// and decodes requests with libchat/control.h and runs them against the
// Server on its event loop. The commands themselves live in
// control_users.cc, control_channels.cc and control_server.cc, each
// declaring a table as the cmd_*.cc files do for IRC.
//
// Created by Server::Start after the listeners; destroyed (connections
// closed, socket file removed) before the store. Event loop thread only.
#ifndef CHATD_CONTROL_H_
#define CHATD_CONTROL_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "libchat/control.h"
#include "libchat/status.h"

struct event;
struct evconnlistener;
struct sockaddr;

namespace chatd {

class Server;
struct ControlConn;

// How a command answers: any number of Row()s, then exactly one Ok() or
// Err(). Rows after the end are ignored; a handler that returns without
// ending gets "OK" added.
class ControlReply {
 public:
  void Row(const chat::ctl::Row& row);
  void Ok(std::string_view message = "");
  void Err(const char* code, std::string_view message);
  bool done() const { return done_; }
  // The encoded lines so far; the caller sends them.
  std::string TakeOutput() { return std::move(out_); }

 private:
  std::string out_;
  bool done_ = false;
};

// A command's handler gets the arguments after the command's words, already
// counted against min_args/max_args.
using ControlHandler = void (*)(Server& server, const std::vector<std::string>& args, ControlReply& reply);

struct ControlCommand {
  const char* words;      // "users add"
  std::size_t min_args;   // after the words
  std::size_t max_args;
  bool secret;            // the last argument is not logged (a password)
  const char* usage;      // argument synopsis for ERR usage, e.g. "NAME PASSWORD"
  ControlHandler handler;
  bool quiet = false;     // logged at debug level (a backup stream's many reads)
};

const std::vector<ControlCommand>& ControlUserCommands();     // control_users.cc
const std::vector<ControlCommand>& ControlChannelCommands();  // control_channels.cc
const std::vector<ControlCommand>& ControlServerCommands();   // control_server.cc
const std::vector<ControlCommand>& ControlFileCommands();     // control_files.cc
const std::vector<ControlCommand>& ControlBackupCommands();   // control_backup.cc

// Runs one decoded request: finds the command whose words start `args`
// (longest match), checks the argument count and calls its handler.
// Unknown commands get ERR unknown-command, bad counts ERR usage. `who`
// names the peer in the log line each request gets.
void RunControlRequest(Server& server, const std::vector<std::string>& args, const std::string& who,
                       ControlReply& reply);

// Small helpers shared by the command files.
std::string ControlTime(int64_t unix_seconds);  // "2026-11-23T04:45:03Z", "" for 0
// Text bound for IRC (topics, reasons, announcements) must not hold CR, LF
// or NUL, which would end or cut the IRC line: answers ERR invalid naming
// `what` and returns false when it does.
bool ControlCheckText(std::string_view what, const std::string& text, ControlReply& reply);
// Loads the announcement kept in data_dir by chatctl announce
// (control_server.cc); called once at start.
void LoadAnnouncement(Server& server);

class Control {
 public:
  // Creates the socket at server->config().control_socket: its parent
  // directory is made (0755) if missing; a stale socket file is removed,
  // but a socket another process answers on is an error ("is another chatd
  // running?"), as is a path that exists and is not a socket. The socket
  // gets mode 0660 and the group [control] group when that group exists
  // (a failure to chown is logged, not fatal). Errors name the path.
  static chat::Result<std::unique_ptr<Control>> Create(Server* server);
  ~Control();
  Control(const Control&) = delete;
  Control& operator=(const Control&) = delete;

  const std::string& path() const { return path_; }

 private:
  friend struct ControlConn;
  Control(Server* server, std::string path);

  static void AcceptCb(evconnlistener* listener, int fd, struct sockaddr* sa, int salen, void* arg) noexcept;
  static void ReapCb(int, short, void* arg) noexcept;
  void Accept(int fd);
  // Marks c for deletion at the end of this loop iteration.
  void Reap(ControlConn* c);

  Server* server_;
  std::string path_;
  ino_t inode_ = 0;  // of the socket file we made, so we remove only our own
  evconnlistener* listener_ = nullptr;
  event* reap_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<ControlConn>> conns_;
  std::vector<std::unique_ptr<ControlConn>> dead_;
};

}  // namespace chatd

#endif  // CHATD_CONTROL_H_
