// chatctl users ...: accounts. Passwords come from stdin with
// --password-stdin (one line) or are asked for twice on the terminal with
// echo off; they travel to chatd only over the control socket.
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "chatctl/table.h"

namespace chat::ctl {

namespace {

// Longest password line read (PLAIN allows 255 bytes; chatd checks).
constexpr std::size_t kMaxPasswordLine = 4096;

// Reads one line from fd (without its LF or CRLF); false at EOF before any byte.
bool ReadLine(int fd, std::string* line) {
  std::string s;
  char c;
  bool any = false;
  for (;;) {
    ssize_t n = read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    any = true;
    if (c == '\n') break;
    if (s.size() < kMaxPasswordLine) s += c;
  }
  if (!s.empty() && s.back() == '\r') s.pop_back();
  *line = std::move(s);
  return any;
}

// Asks on the terminal with echo off; false with *error when there is none.
bool Prompt(int tty, const char* question, std::string* answer, std::string* error) {
  termios saved;
  if (tcgetattr(tty, &saved) != 0) {
    *error = std::string("cannot use the terminal: ") + strerror(errno);
    return false;
  }
  termios quiet = saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;
  if (write(tty, question, strlen(question)) < 0 || tcsetattr(tty, TCSAFLUSH, &quiet) != 0) {
    *error = std::string("cannot use the terminal: ") + strerror(errno);
    return false;
  }
  bool ok = ReadLine(tty, answer);
  tcsetattr(tty, TCSAFLUSH, &saved);
  if (!ok) *error = "no password given";
  return ok;
}

// The new password for `name`, or an exit status with the message printed.
int GetPassword(const Invocation& inv, const std::string& name, std::string* password) {
  if (inv.Has("password-stdin")) {
    if (!ReadLine(STDIN_FILENO, password) || password->empty()) {
      return Fail(kExitUsage, "--password-stdin: no password on standard input");
    }
    return kExitOk;
  }
  int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (tty < 0) {
    return Fail(kExitUsage, "no terminal to ask for the password: pipe it in with --password-stdin");
  }
  std::string again, error;
  std::string question = "New password for " + name + ": ";
  bool ok = Prompt(tty, question.c_str(), password, &error) && Prompt(tty, "Again: ", &again, &error);
  close(tty);
  if (!ok) return Fail(kExitUsage, error);
  if (*password != again) return Fail(kExitFailed, "the passwords do not match; nothing changed");
  if (password->empty()) return Fail(kExitFailed, "the password is empty; nothing changed");
  return kExitOk;
}

int List(Invocation& inv) { return Call(inv, {"users", "list"}, Shape::kTable); }

int Show(Invocation& inv) { return Call(inv, {"users", "show", inv.args[0]}, Shape::kRecord); }

int Add(Invocation& inv) {
  std::string password;
  int status = GetPassword(inv, inv.args[0], &password);
  if (status != kExitOk) return status;
  return Call(inv, {"users", "add", inv.args[0], password}, Shape::kMessage);
}

int Passwd(Invocation& inv) {
  std::string password;
  int status = GetPassword(inv, inv.args[0], &password);
  if (status != kExitOk) return status;
  return Call(inv, {"users", "passwd", inv.args[0], password}, Shape::kMessage);
}

int Disable(Invocation& inv) { return Call(inv, {"users", "disable", inv.args[0]}, Shape::kMessage); }

int Enable(Invocation& inv) { return Call(inv, {"users", "enable", inv.args[0]}, Shape::kMessage); }

int Delete(Invocation& inv) { return Call(inv, {"users", "delete", inv.args[0]}, Shape::kMessage); }

int SetRole(Invocation& inv) {
  const std::string& role = inv.args[1];
  if (role != "user" && role != "admin") return Fail(kExitUsage, "the role is user or admin, not '" + role + "'");
  return Call(inv, {"users", "set-role", inv.args[0], role}, Shape::kMessage);
}

}  // namespace

const std::vector<CommandEntry>& UserCommands() {
  static const std::vector<CommandEntry> commands = {
      {"users list", "", "list accounts", 0, 0, {}, &List},
      {"users show", "NAME", "show one account and its sessions", 1, 1, {}, &Show},
      {"users add", "NAME [--password-stdin]", "create an account (it can log in with SASL at once)", 1, 1,
       {{"password-stdin", false}}, &Add},
      {"users passwd", "NAME [--password-stdin]", "set an account's password", 1, 1, {{"password-stdin", false}},
       &Passwd},
      {"users disable", "NAME", "stop an account from logging in and disconnect its sessions", 1, 1, {}, &Disable},
      {"users enable", "NAME", "let a disabled account log in again", 1, 1, {}, &Enable},
      {"users delete", "NAME", "delete an account (its sessions are disconnected)", 1, 1, {}, &Delete},
      {"users set-role", "NAME user|admin", "make an account a server admin, or not", 2, 2, {}, &SetRole},
  };
  return commands;
}

}  // namespace chat::ctl
