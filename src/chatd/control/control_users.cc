// Control commands for accounts (doc/control.md, chatctl users ...): list,
// show, add, passwd, disable, enable, delete, set-role. Changes take effect
// at once: a new account can log in with SASL immediately, a disabled or
// deleted one is disconnected, a role change applies to live sessions.
#include <algorithm>

#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/control/control.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/casemap.h"
#include "libchat/sasl.h"

namespace chatd {

namespace ctl = chat::ctl;
namespace irc = chat::irc;

namespace {

constexpr std::size_t kMinPassword = 8;    // as REGISTER (cmd_account.cc)
constexpr std::size_t kMaxPassword = 255;  // PLAIN's field limit (sasl.h ParsePlain)

// The clients logged in as `account`.
std::vector<Client*> Sessions(Server& server, std::string_view account) {
  std::vector<Client*> out;
  for (const auto& [id, c] : server.clients()) {
    if (!c->closing() && c->logged_in() && irc::EqualFold(c->account(), account)) out.push_back(c.get());
  }
  return out;
}

// Loads `name`, or answers ERR not-found / failed and returns false.
bool GetAccount(Server& server, const std::string& name, AccountRecord* rec, ControlReply& reply) {
  auto got = server.store()->GetAccount(name);
  if (got.ok()) {
    *rec = std::move(got).value();
    return true;
  }
  if (got.status().code() == chat::Status::Code::kNotFound) {
    reply.Err(ctl::kErrNotFound, "no such user: " + name);
  } else {
    LOG_ERROR("control: reading account %s: %s", name.c_str(), got.status().ToString().c_str());
    reply.Err(ctl::kErrFailed, "cannot read user " + name + ": " + got.status().message());
  }
  return false;
}

bool Update(Server& server, const AccountRecord& rec, ControlReply& reply) {
  chat::Status s = server.store()->UpdateAccount(rec);
  if (s.ok()) return true;
  LOG_ERROR("control: updating account %s: %s", rec.name.c_str(), s.ToString().c_str());
  reply.Err(ctl::kErrFailed, "cannot update user " + rec.name + ": " + s.message());
  return false;
}

// Checks a new password; answers ERR invalid and returns false if unusable.
bool CheckPassword(const std::string& password, ControlReply& reply) {
  if (password.size() < kMinPassword) {
    reply.Err(ctl::kErrInvalid, "passwords need at least " + std::to_string(kMinPassword) + " characters");
    return false;
  }
  if (password.size() > kMaxPassword) {
    reply.Err(ctl::kErrInvalid, "passwords may have at most " + std::to_string(kMaxPassword) + " bytes");
    return false;
  }
  if (password.find('\0') != std::string::npos) {
    reply.Err(ctl::kErrInvalid, "passwords cannot contain NUL");
    return false;
  }
  return true;
}

void SetVerifier(Server& server, const std::string& password, AccountRecord* rec) {
  chat::sasl::ScramVerifier v = chat::sasl::MakeVerifier(password, server.config().scram_iterations);
  rec->iterations = v.iterations;
  rec->salt = v.salt;
  rec->stored_key = v.stored_key;
  rec->server_key = v.server_key;
}

bool ConfigAdmin(Server& server, std::string_view account) {
  const auto& admins = server.config().admins;
  return std::any_of(admins.begin(), admins.end(), [&](const std::string& a) { return irc::EqualFold(a, account); });
}

ctl::Row UserRow(Server& server, const AccountRecord& a, bool details) {
  std::vector<Client*> sessions = Sessions(server, a.name);
  ctl::Row row = {
      {"name", a.name},
      {"role", a.role == "admin" || ConfigAdmin(server, a.name) ? "admin" : "user"},
      {"status", a.disabled ? "disabled" : "enabled"},
      {"email", a.email},
      {"created", ControlTime(a.created_ms / 1000)},
      {"sessions", std::to_string(sessions.size())},
  };
  if (details) {
    std::string nicks;
    for (Client* c : sessions) nicks += (nicks.empty() ? "" : ",") + c->nick();
    row.emplace_back("nicks", nicks);
    row.emplace_back("role_source", ConfigAdmin(server, a.name) ? "config" : "store");
  }
  return row;
}

int Disconnect(Server& server, std::string_view account, const std::string& reason) {
  std::vector<Client*> sessions = Sessions(server, account);
  for (Client* c : sessions) c->Quit(reason);
  return static_cast<int>(sessions.size());
}

void HandleList(Server& server, const std::vector<std::string>&, ControlReply& reply) {
  auto all = server.store()->ListAccounts();
  if (!all.ok()) {
    reply.Err(ctl::kErrFailed, "cannot list users: " + all.status().message());
    return;
  }
  for (const AccountRecord& a : all.value()) reply.Row(UserRow(server, a, false));
}

void HandleShow(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  AccountRecord rec;
  if (!GetAccount(server, args[0], &rec, reply)) return;
  reply.Row(UserRow(server, rec, true));
}

// users add NAME PASSWORD
void HandleAdd(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  const std::string& name = args[0];
  if (!irc::IsValidNick(name, server.config().nicklen)) {
    reply.Err(ctl::kErrInvalid, "'" + name + "' is not a valid user name: user names follow the nickname rules "
                                "(letters, digits, - _ [ ] \\ ` ^ { } |, not starting with a digit or -, at most " +
                                    std::to_string(server.config().nicklen) + " characters)");
    return;
  }
  if (!CheckPassword(args[1], reply)) return;
  AccountRecord rec;
  rec.name = name;
  rec.created_ms = NowMs();
  SetVerifier(server, args[1], &rec);
  chat::Status s = server.store()->CreateAccount(rec);
  if (!s.ok()) {
    if (s.code() == chat::Status::Code::kInvalidArgument) {
      reply.Err(ctl::kErrExists, "user " + name + " already exists");
    } else {
      LOG_ERROR("control: creating account %s: %s", name.c_str(), s.ToString().c_str());
      reply.Err(ctl::kErrFailed, "cannot create user " + name + ": " + s.message());
    }
    return;
  }
  LOG_NOTICE("account %s created by chatctl", name.c_str());
  reply.Ok("user " + name + " added");
}

void HandlePasswd(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  AccountRecord rec;
  if (!GetAccount(server, args[0], &rec, reply) || !CheckPassword(args[1], reply)) return;
  SetVerifier(server, args[1], &rec);
  if (!Update(server, rec, reply)) return;
  LOG_NOTICE("password of account %s changed by chatctl", rec.name.c_str());
  reply.Ok("password of " + rec.name + " changed");
}

void SetDisabled(Server& server, const std::string& name, bool disabled, ControlReply& reply) {
  AccountRecord rec;
  if (!GetAccount(server, name, &rec, reply)) return;
  rec.disabled = disabled;
  if (!Update(server, rec, reply)) return;
  if (!disabled) {
    LOG_NOTICE("account %s enabled by chatctl", rec.name.c_str());
    reply.Ok("user " + rec.name + " enabled");
    return;
  }
  int n = Disconnect(server, rec.name, "Account disabled");
  LOG_NOTICE("account %s disabled by chatctl (%d sessions disconnected)", rec.name.c_str(), n);
  reply.Ok("user " + rec.name + " disabled" + (n ? " (" + std::to_string(n) + " sessions disconnected)" : ""));
}

void HandleDisable(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  SetDisabled(server, args[0], true, reply);
}

void HandleEnable(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  SetDisabled(server, args[0], false, reply);
}

// Deletes the account, disconnects its sessions, removes it from channel
// rosters and op grants, and hands channels it owned to the server (so a
// later account of the same name does not inherit them).
void HandleDelete(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  AccountRecord rec;
  if (!GetAccount(server, args[0], &rec, reply)) return;
  chat::Status s = server.store()->DeleteAccount(rec.name);
  if (!s.ok()) {
    reply.Err(ctl::kErrFailed, "cannot delete user " + rec.name + ": " + s.message());
    return;
  }
  int n = Disconnect(server, rec.name, "Account deleted");
  const std::string folded = irc::Fold(rec.name);
  for (const auto& [key, ch] : server.channels()) {
    if (!ch->registered) continue;
    bool changed = ch->RemoveFromRoster(rec.name);
    changed = ch->op_accounts.erase(folded) != 0 || changed;
    changed = ch->invited_accounts.erase(folded) != 0 || changed;
    if (!ch->owner.empty() && irc::EqualFold(ch->owner, rec.name)) {
      ch->owner.clear();
      changed = true;
    }
    if (changed) server.SaveChannel(ch.get());
  }
  LOG_NOTICE("account %s deleted by chatctl", rec.name.c_str());
  reply.Ok("user " + rec.name + " deleted" + (n ? " (" + std::to_string(n) + " sessions disconnected)" : ""));
}

void HandleSetRole(Server& server, const std::vector<std::string>& args, ControlReply& reply) {
  const std::string& role = args[1];
  if (role != "user" && role != "admin") {
    reply.Err(ctl::kErrInvalid, "role must be user or admin, not '" + role + "'");
    return;
  }
  AccountRecord rec;
  if (!GetAccount(server, args[0], &rec, reply)) return;
  rec.role = role;
  if (!Update(server, rec, reply)) return;
  const bool admin = role == "admin" || ConfigAdmin(server, rec.name);
  for (Client* c : Sessions(server, rec.name)) c->admin_ = admin;
  LOG_NOTICE("account %s given role %s by chatctl", rec.name.c_str(), role.c_str());
  std::string note = role == "user" && admin ? " (still an admin: listed in [accounts] admins)" : "";
  reply.Ok("user " + rec.name + " now has role " + role + note);
}

}  // namespace

const std::vector<ControlCommand>& ControlUserCommands() {
  static const std::vector<ControlCommand> commands = {
      {"users list", 0, 0, false, "", &HandleList},
      {"users show", 1, 1, false, "NAME", &HandleShow},
      {"users add", 2, 2, true, "NAME PASSWORD", &HandleAdd},
      {"users passwd", 2, 2, true, "NAME PASSWORD", &HandlePasswd},
      {"users disable", 1, 1, false, "NAME", &HandleDisable},
      {"users enable", 1, 1, false, "NAME", &HandleEnable},
      {"users delete", 1, 1, false, "NAME", &HandleDelete},
      {"users set-role", 2, 2, false, "NAME user|admin", &HandleSetRole},
  };
  return commands;
}

}  // namespace chatd
