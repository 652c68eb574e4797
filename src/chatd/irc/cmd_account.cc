// Accounts: SASL login (AUTHENTICATE with PLAIN and SCRAM-SHA-256, IRCv3
// SASL 3.2), account registration (REGISTER/VERIFY, IRCv3
// draft/account-registration), what logging in does (account-notify, roster
// channels) and nick ownership.
#include <algorithm>

#include "chatd/irc/account_sessions.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"
#include "chatd/store/store.h"
#include "libchat/base64.h"
#include "libchat/casemap.h"
#include "libchat/sasl.h"

namespace chatd {

using chat::irc::Message;
namespace irc = chat::irc;
namespace sasl = chat::sasl;

constexpr std::size_t kChunk = 400;           // IRCv3 SASL: AUTHENTICATE payload chunk size
constexpr std::size_t kMaxSaslPayload = 8192; // bytes of base64 per exchange step
constexpr std::size_t kMinPassword = 8;

bool NickReserved(Server& server, const Client& c, const std::string& nick) {
  auto rec = server.store()->GetAccount(nick);
  return rec.ok() && !irc::EqualFold(c.account(), rec.value().name);
}

void JoinRosterChannels(Server& server, Client& c) {
  if (!c.logged_in()) return;
  std::vector<std::string> names;
  for (const auto& [folded, ch] : server.channels()) {
    if (ch->registered && ch->InRoster(c.account()) && !ch->HasMember(&c)) names.push_back(ch->name());
  }
  for (const auto& name : names) {
    if (c.closing()) break;
    JoinChannel(server, c, name, "", false);
  }
}

void LogIn(Server& server, Client& c, const AccountRecord& rec) {
  c.account_ = rec.name;
  const auto& admins = server.config().admins;
  c.admin_ = rec.role == "admin" || std::any_of(admins.begin(), admins.end(), [&](const std::string& a) {
               return irc::EqualFold(a, rec.name);
             });
  std::string prefix = c.nick().empty() ? "*" : c.prefix();
  c.Numeric(irc::RPL_LOGGEDIN, {prefix, rec.name, "You are now logged in as " + rec.name});
  server.NoteAuthSuccess(c.address(), rec.name);
  LOG_INFO("client %llu [%s] logged in as %s", static_cast<unsigned long long>(c.id()),
           c.address().c_str(), rec.name.c_str());
  if (!c.registered()) return;  // TryRegister joins roster channels
  // Registered channels the client is already in now count it as a member.
  for (Channel* ch : c.channels()) {
    if (ch->registered && !ch->InRoster(rec.name)) {
      ch->AddToRoster(rec.name);
      server.SaveChannel(ch);
    }
  }
  Message notify = MakeEvent(c.prefix(), "ACCOUNT", {rec.name});
  TellPeers(c, notify, kCapAccountNotify);
  JoinRosterChannels(server, c);
  AccountOnline(server, c);  // the account's user unless it has one already
}

static void SaslReset(Client& c) {
  c.sasl_mech_.clear();
  c.sasl_buffer_.clear();
  c.sasl_state_.reset();
  c.sasl_step_ = 0;
  c.sasl_account_.clear();
}

static void SaslFail(Server& server, Client& c, const std::string& why) {
  if (!c.sasl_account_.empty() || c.sasl_mech_ == "PLAIN") {
    server.NoteAuthFailure(c.address(), c.sasl_account_);
  }
  LOG_NOTICE("client %llu [%s] SASL %s failed for '%s': %s", static_cast<unsigned long long>(c.id()),
             c.address().c_str(), c.sasl_mech_.c_str(), c.sasl_account_.c_str(), why.c_str());
  SaslReset(c);
  c.Numeric(irc::ERR_SASLFAIL, {"SASL authentication failed"});
}

// Sends a server challenge in 400-byte chunks; "+" ends an exact multiple.
static void SendChallenge(Client& c, const std::string& raw) {
  std::string b64 = sasl::Base64Encode(raw);
  for (std::size_t pos = 0; pos < b64.size(); pos += kChunk) {
    c.ServerMessage("AUTHENTICATE", {b64.substr(pos, kChunk)});
  }
  if (b64.size() % kChunk == 0) c.ServerMessage("AUTHENTICATE", {"+"});
}

// Checks the account may log in now; replies and returns false if not.
static bool CheckLoginAllowed(Server& server, Client& c, const std::string& account) {
  int wait = server.AuthWait(c.address(), account);
  if (wait > 0) {
    SaslReset(c);
    c.Numeric(irc::ERR_SASLFAIL,
              {"Too many failed logins; try again in " + std::to_string(wait) + " seconds"});
    return false;
  }
  return true;
}

static void SaslPlain(Server& server, Client& c, const std::string& payload) {
  sasl::PlainCredentials cred;
  if (!sasl::ParsePlain(payload, &cred)) return SaslFail(server, c, "malformed PLAIN message");
  c.sasl_account_ = cred.authcid;
  if (!cred.authzid.empty() && !irc::EqualFold(cred.authzid, cred.authcid)) {
    return SaslFail(server, c, "authzid differs from authcid");
  }
  if (!CheckLoginAllowed(server, c, cred.authcid)) return;
  auto rec = server.store()->GetAccount(cred.authcid);
  if (!rec.ok()) {
    // Same PBKDF2 work as for a real account, so timing doesn't reveal which exist.
    static const sasl::ScramVerifier dummy = sasl::MakeVerifier("dummy password", 4096);
    sasl::ScramVerifier v = dummy;
    v.iterations = server.config().scram_iterations;
    (void)sasl::CheckPassword(v, cred.password);
    return SaslFail(server, c, "no such account");
  }
  const AccountRecord& a = rec.value();
  sasl::ScramVerifier v{a.iterations, a.salt, a.stored_key, a.server_key};
  // The password is checked for a disabled account too: the same PBKDF2
  // work, so the reply's timing doesn't tell disabled accounts apart.
  const bool password_ok = sasl::CheckPassword(v, cred.password);
  if (a.disabled || !password_ok) return SaslFail(server, c, a.disabled ? "account disabled" : "bad password");
  SaslReset(c);
  LogIn(server, c, a);
  c.Numeric(irc::RPL_SASLSUCCESS, {"SASL authentication successful"});
}

static void SaslScram(Server& server, Client& c, const std::string& payload) {
  auto scram = std::static_pointer_cast<sasl::ScramServer>(c.sasl_state_);
  std::string error;
  if (c.sasl_step_ == 0) {
    std::string user;
    if (!scram->Step1(payload, &user, &error)) return SaslFail(server, c, error);
    c.sasl_account_ = user;
    if (!scram->authzid().empty() && !irc::EqualFold(scram->authzid(), user)) {
      return SaslFail(server, c, "authzid differs from the user name");
    }
    if (!CheckLoginAllowed(server, c, user)) return;
    auto rec = server.store()->GetAccount(user);
    std::string first;
    if (rec.ok() && !rec.value().disabled) {
      const AccountRecord& a = rec.value();
      first = scram->ServerFirst({a.iterations, a.salt, a.stored_key, a.server_key});
    } else {
      // Unknown users get a plausible challenge, so accounts can't be probed.
      first = scram->ServerFirstForUnknown(server.config().scram_iterations, server.secret());
    }
    c.sasl_step_ = 1;
    SendChallenge(c, first);
  } else if (c.sasl_step_ == 1) {
    std::string final_msg;
    if (!scram->Step2(payload, &final_msg, &error)) return SaslFail(server, c, error);
    c.sasl_step_ = 2;
    SendChallenge(c, final_msg);
  } else {
    // The client acknowledged server-final with an empty response.
    auto rec = server.store()->GetAccount(c.sasl_account_);
    if (!rec.ok()) return SaslFail(server, c, "account vanished");
    SaslReset(c);
    LogIn(server, c, rec.value());
    c.Numeric(irc::RPL_SASLSUCCESS, {"SASL authentication successful"});
  }
}

static void HandleAuthenticate(Server& server, Client& c, const Message& msg) {
  const std::string& arg = msg.params[0];
  if (arg == "*") {
    SaslReset(c);
    c.Numeric(irc::ERR_SASLABORTED, {"SASL authentication aborted"});
    return;
  }
  if (c.logged_in()) {
    c.Numeric(irc::ERR_SASLALREADY, {"You have already authenticated using SASL"});
    return;
  }
  if (c.sasl_mech_.empty()) {
    std::string mech = arg;
    for (auto& ch : mech) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    if (mech == "SCRAM-SHA-256") {
      c.sasl_state_ = std::make_shared<sasl::ScramServer>();
    } else if (mech != "PLAIN") {
      c.Numeric(irc::RPL_SASLMECHS, {"PLAIN,SCRAM-SHA-256", "are available SASL mechanisms"});
      c.Numeric(irc::ERR_SASLFAIL, {"SASL authentication failed"});
      return;
    }
    c.sasl_mech_ = mech;
    c.ServerMessage("AUTHENTICATE", {"+"});
    return;
  }
  if (arg.size() > kChunk) {
    SaslReset(c);
    c.Numeric(irc::ERR_SASLTOOLONG, {"SASL message too long"});
    return;
  }
  if (arg != "+") c.sasl_buffer_ += arg;
  if (c.sasl_buffer_.size() > kMaxSaslPayload) {
    SaslReset(c);
    c.Numeric(irc::ERR_SASLTOOLONG, {"SASL message too long"});
    return;
  }
  if (arg.size() == kChunk) return;  // more chunks follow
  std::string payload;
  if (!c.sasl_buffer_.empty() && !sasl::Base64Decode(c.sasl_buffer_, &payload)) {
    return SaslFail(server, c, "malformed base64");
  }
  c.sasl_buffer_.clear();
  if (c.sasl_mech_ == "PLAIN") {
    SaslPlain(server, c, payload);
  } else {
    SaslScram(server, c, payload);
  }
}

// draft/account-registration: REGISTER <account> <email> <password>
static void HandleRegister(Server& server, Client& c, const Message& msg) {
  const Config& cfg = server.config();
  std::string account = msg.params[0] == "*" ? c.nick() : msg.params[0];
  const std::string& email = msg.params[1];
  const std::string& password = msg.params[2];
  auto fail = [&](const char* code, const std::string& text) {
    c.StandardReply("FAIL", "REGISTER", code, {account.empty() ? "*" : account}, text);
  };
  if (!cfg.registration_enabled) return fail("TEMPORARILY_UNAVAILABLE", "Account registration is disabled");
  if (c.logged_in()) return fail("ALREADY_AUTHENTICATED", "You are already logged in");
  if (account.empty()) return fail("NEED_NICK", "Send NICK first or name the account");
  if (!irc::IsValidNick(account, cfg.nicklen)) {
    return fail("BAD_ACCOUNT_NAME", "Account names follow the nickname rules");
  }
  if (email == "*" ? cfg.email_required : email.find('@') == std::string::npos || email.size() > 254) {
    return fail("INVALID_EMAIL", cfg.email_required ? "A valid e-mail address is required" : "Invalid e-mail address");
  }
  if (password.size() > 255) {  // RFC 4616 PLAIN carries at most 255 bytes
    return fail("UNACCEPTABLE_PASSWORD", "Passwords may have at most 255 bytes");
  }
  if (password.size() < kMinPassword) {
    return fail("WEAK_PASSWORD", "Passwords need at least " + std::to_string(kMinPassword) + " characters");
  }
  Client* holder = server.FindNick(account);
  if (holder != nullptr && holder != &c) return fail("ACCOUNT_EXISTS", "That name is in use");
  if (int wait = server.RegisterWait(c.address()); wait > 0) {  // [accounts] max_registrations_per_ip
    return fail("TEMPORARILY_UNAVAILABLE", "Too many accounts registered from your address; try again in " +
                                               std::to_string(wait) + " seconds");
  }
  sasl::ScramVerifier v = sasl::MakeVerifier(password, cfg.scram_iterations);
  AccountRecord rec;
  rec.name = account;
  rec.email = email == "*" ? "" : email;
  rec.iterations = v.iterations;
  rec.salt = v.salt;
  rec.stored_key = v.stored_key;
  rec.server_key = v.server_key;
  rec.created_ms = NowMs();
  chat::Status s = server.store()->CreateAccount(rec);
  if (!s.ok()) {
    if (s.code() == chat::Status::Code::kInvalidArgument) return fail("ACCOUNT_EXISTS", "Account already exists");
    LOG_ERROR("client %llu [%s] REGISTER %s: %s", static_cast<unsigned long long>(c.id()),
              c.address().c_str(), account.c_str(), s.ToString().c_str());
    return fail("TEMPORARILY_UNAVAILABLE", "Could not store the account, try again later");
  }
  server.NoteRegistration(c.address());
  LOG_INFO("client %llu [%s] registered account %s", static_cast<unsigned long long>(c.id()),
           c.address().c_str(), account.c_str());
  c.ServerMessage("REGISTER", {"SUCCESS", account, "Account created"});
  LogIn(server, c, rec);
}

static void HandleVerify(Server&, Client& c, const Message& msg) {
  // No e-mail verification is configured: accounts are active at once.
  c.StandardReply("FAIL", "VERIFY", "INVALID_CODE", {msg.params[0]}, "No verification is pending");
}

const std::vector<CommandSpec>& AccountCommands() {
  static const std::vector<CommandSpec> specs = {
      {"AUTHENTICATE", 1, true, 1, &HandleAuthenticate},
      {"REGISTER", 3, true, 3, &HandleRegister},
      {"VERIFY", 2, true, 1, &HandleVerify},
  };
  return specs;
}

}  // namespace chatd
