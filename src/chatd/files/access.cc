// Access rules for shared files and signed links (access.h).
#include "chatd/files/access.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "chatd/core/server.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "libchat/casemap.h"
#include "libchat/files/file_id.h"

namespace chatd::files {

bool IsPrivate(const Server& server, const FileRecord& rec) {
  if (rec.target.empty()) return false;
  if (!chat::irc::IsChannelName(rec.target)) return true;  // a direct message
  const Channel* ch = server.FindChannel(rec.target);
  if (ch == nullptr) return true;  // gone: we no longer know who was in it
  return ch->invite_only || ch->secret || !ch->key.empty();
}

namespace {

// `who` (folded account) is on channel `name`: a connected member logged
// into it, or in its registered roster.
bool OnChannel(const Server& server, std::string_view name, const std::string& who) {
  const Channel* ch = server.FindChannel(name);
  if (ch == nullptr) return false;
  for (const auto& [member, flags] : ch->members()) {
    if (member->logged_in() && chat::irc::Fold(member->account()) == who) return true;
  }
  return std::any_of(ch->roster.begin(), ch->roster.end(),
                     [&](const std::string& a) { return chat::irc::Fold(a) == who; });
}

}  // namespace

bool MayShareIn(const Server& server, std::string_view target, std::string_view account) {
  if (target.empty()) return true;
  if (chat::irc::IsChannelName(target)) return !account.empty() && OnChannel(server, target, chat::irc::Fold(account));
  return chat::irc::IsValidNick(target, server.config().nicklen);
}

bool MayRead(const Server& server, const FileRecord& rec, std::string_view account) {
  if (!IsPrivate(server, rec)) return true;
  if (account.empty()) return false;
  const std::string who = chat::irc::Fold(account);
  if (chat::irc::Fold(rec.uploader) == who) return true;
  if (!chat::irc::IsChannelName(rec.target)) {
    if (chat::irc::Fold(rec.target) == who) return true;
    const Client* c = server.FindNick(rec.target);
    return c != nullptr && c->logged_in() && chat::irc::Fold(c->account()) == who;
  }
  return OnChannel(server, rec.target, who);
}

std::string SignLink(std::string_view secret, std::string_view id, std::string_view account, int64_t expires) {
  std::string msg = "chatd-file-link";
  msg.push_back('\0');
  msg.append(id);
  msg.push_back('\0');
  msg += chat::irc::Fold(account);
  msg.push_back('\0');
  msg += std::to_string(expires);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &n);
  return chat::files::HexEncode(std::string_view(reinterpret_cast<char*>(md), n));
}

bool VerifyLink(std::string_view secret, std::string_view id, std::string_view account, int64_t expires,
                std::string_view sig_hex, int64_t now_s) {
  if (expires <= now_s) return false;
  const std::string want = SignLink(secret, id, account, expires);
  return sig_hex.size() == want.size() && CRYPTO_memcmp(want.data(), sig_hex.data(), want.size()) == 0;
}

}  // namespace chatd::files
