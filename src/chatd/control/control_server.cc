// Control commands for the server as a whole (doc/control.md): status,
// kill, announce, motd reload, reload, backup, stop, log-level. The
// announcement is kept in data_dir/announcement so it survives restarts.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "chat_autoconf.h"
#include "chatd/irc/client.h"
#include "chatd/core/config.h"
#include "chatd/control/control.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/store/store.h"
#include "chatd/core/tls.h"
#include "libchat/message.h"

namespace chatd {

namespace ctl = chat::ctl;
namespace irc = chat::irc;

namespace {

// Longest announcement: what fits one NOTICE line to a long nick (RFC 2812 §2.3).
constexpr std::size_t kMaxAnnouncement = 400;

std::string AnnouncementPath(const Server& server) { return server.config().data_dir + "/announcement"; }

// Resident set size in kB from /proc/self/status (VmRSS), "" if unknown.
std::string RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, 6, "VmRSS:") != 0) continue;
    std::size_t start = line.find_first_of("0123456789");
    std::size_t end = line.find_first_not_of("0123456789", start);
    if (start != std::string::npos) return line.substr(start, end - start);
  }
  return "";
}

void HandleStatus(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  auto accounts = server.store()->ListAccounts();
  char rate[32];
  snprintf(rate, sizeof rate, "%.2f", server.MessagesPerSecond());
  reply.Row({
      {"version", PACKAGE_VERSION},
      {"name", server.name()},
      {"pid", std::to_string(getpid())},
      {"uptime_s", std::to_string(time(nullptr) - server.started())},
      {"clients", std::to_string(server.clients().size())},
      {"registered", std::to_string(server.registered_count())},
      {"channels", std::to_string(server.channels().size())},
      {"accounts", accounts.ok() ? std::to_string(accounts.value().size()) : "?"},
      {"messages_per_s", rate},
      {"rss_kb", RssKb()},
  });
}

// kill NICK [REASON]: disconnects the client (like an oper's KILL, RFC 2812 §3.7.1).
void HandleKill(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  Client* c = server.FindNick(args[0]);
  if (c == nullptr || c->closing()) {
    reply.Err(ctl::kErrNotFound, "no such nick: " + args[0]);
    return;
  }
  std::string reason = args.size() > 1 && !args[1].empty() ? args[1] : "no reason given";
  if (!ControlCheckText("the reason", reason, reply)) return;
  std::string nick = c->nick();
  LOG_NOTICE("client %llu [%s] %s killed by chatctl: %s", static_cast<unsigned long long>(c->id()),
             c->address().c_str(), nick.c_str(), reason.c_str());
  // Every session of the user (irc/client.h): the attached ones first, so
  // the user quits once, when the last one goes.
  const std::string why = "Killed by the server administrator (" + std::string(irc::TruncateUtf8(reason, 300)) + ")";
  std::vector<Client*> attached = c->attached();
  for (Client* s : attached) s->Quit(why);
  c->Quit(why);
  reply.Ok(nick + " disconnected");
}

chat::Status SaveAnnouncement(const Server& server, const std::string& text) {
  const std::string path = AnnouncementPath(server);
  if (text.empty()) {
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return chat::Status::IOError("cannot remove " + path + ": " + strerror(errno));
    }
    return chat::Status::OK();
  }
  const std::string tmp = path + ".tmp";
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = fd >= 0 && fsync(fd) == 0 && ok;
  int err = errno;
  if (fd >= 0) close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) err = errno;
    unlink(tmp.c_str());
    return chat::Status::IOError("cannot write " + path + ": " + strerror(err));
  }
  return chat::Status::OK();
}

// announce: shows the current announcement. announce TEXT: sends TEXT as a
// server NOTICE to everyone online and keeps it for clients registering
// later. announce "": clears it.
void HandleAnnounce(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  if (args.empty()) {
    reply.Row({{"announcement", server.announcement()}});
    return;
  }
  const std::string& text = args[0];
  if (!ControlCheckText("an announcement", text, reply)) return;
  if (text.size() > kMaxAnnouncement) {
    reply.Err(ctl::kErrInvalid, "announcements have at most " + std::to_string(kMaxAnnouncement) + " bytes (this has " +
                                    std::to_string(text.size()) + ")");
    return;
  }
  chat::Status s = SaveAnnouncement(server, text);
  if (!s.ok()) LOG_ERROR("announcement: %s; it will be lost at restart", s.message().c_str());
  server.set_announcement(text);
  if (text.empty()) {
    LOG_NOTICE("announcement cleared by chatctl");
    reply.Ok("announcement cleared");
    return;
  }
  int sent = 0;
  for (const auto& [id, c] : server.clients()) {
    if (!c->registered() || c->closing()) continue;
    c->ServerMessage("NOTICE", {c->nick(), text});
    ++sent;
  }
  LOG_NOTICE("announcement by chatctl to %d clients: %s", sent, text.c_str());
  reply.Ok("announced to " + std::to_string(sent) + " clients" +
           (s.ok() ? "" : "; warning: it could not be saved and is lost at restart (" + s.message() + ")"));
}

void HandleMotdReload(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  const std::string& file = server.config().motd_file;
  if (!file.empty() && access(file.c_str(), R_OK) != 0) {
    reply.Err(ctl::kErrFailed, "cannot read motd_file " + file + ": " + strerror(errno));
    return;
  }
  server.ReloadMotd();
  reply.Ok("MOTD reloaded (" + std::to_string(server.motd().size()) + " lines)");
}

// reload: as SIGHUP (Server::Reload), but the configuration and certificate
// are checked first so that a mistake is reported here, not only in the log.
void HandleReload(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  auto fresh = LoadConfig(server.config().path);
  if (!fresh.ok()) {
    reply.Err(ctl::kErrFailed, "not reloaded, the running configuration stays: " + fresh.status().message());
    return;
  }
  const Config& next = fresh.value();
  bool tls = false;
  for (const auto& l : server.config().listen) tls = tls || l.tls;
  if (tls) {
    auto ctx = TlsContext::Create(next.tls_certificate, next.tls_key, next.tls_groups);
    if (!ctx.ok()) {
      reply.Err(ctl::kErrFailed, "not reloaded, the running configuration stays: " + ctx.status().message());
      return;
    }
  }
  server.Reload();
  reply.Ok("configuration reloaded from " + server.config().path);
}

void HandleBackup(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  const std::string& dir = args[0];
  if (dir.empty() || dir[0] != '/') {
    reply.Err(ctl::kErrInvalid, "the backup directory must be an absolute path");
    return;
  }
  chat::Status s = server.store()->Backup(dir);
  if (!s.ok()) {
    LOG_ERROR("backup to %s failed: %s", dir.c_str(), s.ToString().c_str());
    reply.Err(s.code() == chat::Status::Code::kInvalidArgument ? ctl::kErrInvalid : ctl::kErrFailed, s.message());
    return;
  }
  LOG_NOTICE("backup written to %s", dir.c_str());
  reply.Ok("backup written to " + dir);
}

void HandleStop(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  reply.Ok("chatd is shutting down");
  server.Stop("Server shutting down");
}

void HandleLogLevel(Server&, const std::vector<std::string>& args, ControlReply& reply) {
  LogLevel level;
  if (!ParseLogLevel(args[0], &level)) {
    reply.Err(ctl::kErrInvalid, "log level must be one of debug, info, notice, warning, error");
    return;
  }
  SetLogLevel(level);
  LOG_NOTICE("log level set to %s by chatctl", LogLevelName(level));
  reply.Ok(std::string("log level set to ") + LogLevelName(level));
}

}  // namespace

void LoadAnnouncement(Server& server) {
  std::ifstream in(AnnouncementPath(server), std::ios::binary);
  if (!in) return;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > kMaxAnnouncement || text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos ||
      !irc::IsValidUtf8(text)) {
    LOG_WARNING("ignoring %s: not a one-line announcement", AnnouncementPath(server).c_str());
    return;
  }
  server.set_announcement(text);
}

const std::vector<ControlCommand>& ControlServerCommands() {
  static const std::vector<ControlCommand> commands = {
      {"status", 0, 0, false, "", &HandleStatus},
      {"kill", 1, 2, false, "NICK [REASON]", &HandleKill},
      {"announce", 0, 1, false, "[TEXT]", &HandleAnnounce},
      {"motd reload", 0, 0, false, "", &HandleMotdReload},
      {"reload", 0, 0, false, "", &HandleReload},
      {"backup", 1, 1, false, "DIR", &HandleBackup},
      {"stop", 0, 0, false, "", &HandleStop},
      {"log-level", 1, 1, false, "LEVEL", &HandleLogLevel},
  };
  return commands;
}

}  // namespace chatd
