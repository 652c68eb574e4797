// FILEHOST (chatd.dev vendor command, doc/protocol.md "File sharing"): the
// IRC side of file sharing.
//   FILEHOST TOKEN       -> FILEHOST TOKEN <token> <expires>: a bearer token
//                           for the upload URL (and private downloads)
//   FILEHOST LINK <id>   -> FILEHOST LINK <id> <url> <expires>: a signed,
//                           expiring download link to a private file the
//                           caller may read (for browsers and <img>)
// Errors are standard replies: FAIL FILEHOST <code> [context] :text.
#include <string>

#include "chatd/core/server.h"
#include "chatd/files/access.h"
#include "chatd/files/auth.h"
#include "chatd/files/urls.h"
#include "chatd/irc/client.h"
#include "chatd/irc/dispatch.h"
#include "chatd/irc/session.h"
#include "libchat/casemap.h"
#include "libchat/files/file_id.h"

namespace chatd {

using chat::irc::Message;

// Replies FAIL and returns false when file sharing is off.
static bool CheckFilesEnabled(Server& server, Client& c) {
  if (files::FilesAvailable(server.config())) return true;
  c.StandardReply("FAIL", "FILEHOST", "DISABLED", {}, "File sharing is not enabled on this server");
  return false;
}

static void HandleToken(Server& server, Client& c) {
  std::string account = c.account();
  if (account.empty()) {
    if (!server.config().files_guests_may_upload) {
      c.StandardReply("FAIL", "FILEHOST", "ACCOUNT_REQUIRED", {}, "Log in to an account to share files");
      return;
    }
    account = "~" + c.nick();  // a guest: uploads are charged to "~nick"
  }
  const int64_t now = NowMs();
  const int64_t lifetime = server.config().files_token_lifetime_s;
  auto token = files::IssueToken(server.store(), account, now, lifetime);
  if (!token.ok()) {
    c.StandardReply("FAIL", "FILEHOST", "TEMPORARILY_UNAVAILABLE", {}, "Could not issue a token; try again");
    return;
  }
  c.ServerMessage("FILEHOST", {"TOKEN", token.value(), std::to_string(now / 1000 + lifetime)});
}

static void HandleLink(Server& server, Client& c, const std::string& id_text) {
  std::string id;
  auto rec = chat::files::DecodeFileId(id_text, &id) ? server.store()->GetFile(id)
                                                     : chat::Result<FileRecord>(chat::Status::NotFound(""));
  if (!rec.ok() || !files::MayRead(server, rec.value(), c.account())) {
    c.StandardReply("FAIL", "FILEHOST", "NO_SUCH_FILE", {id_text}, "No such file, or you may not read it");
    return;
  }
  const int64_t expires = NowMs() / 1000 + server.config().files_link_lifetime_s;
  const std::string url = files::SignedFileUrl(server.config(), rec.value(), c.account(), expires,
                                               files::SignLink(server.secret(), id, c.account(), expires));
  c.ServerMessage("FILEHOST", {"LINK", id_text, url, std::to_string(expires)});
}

static void HandleFilehost(Server& server, Client& c, const Message& msg) {
  if (!CheckFilesEnabled(server, c)) return;
  const std::string sub = chat::irc::Fold(msg.params[0]);
  if (sub == "token") return HandleToken(server, c);
  if (sub == "link") {
    if (msg.params.size() < 2) {
      c.StandardReply("FAIL", "FILEHOST", "NEED_MORE_PARAMS", {"LINK"}, "FILEHOST LINK needs a file id");
      return;
    }
    return HandleLink(server, c, msg.params[1]);
  }
  c.StandardReply("FAIL", "FILEHOST", "INVALID_PARAMS", {msg.params[0]}, "Unknown FILEHOST subcommand");
}

const std::vector<CommandSpec>& FilesCommands() {
  static const std::vector<CommandSpec> specs = {
      {"FILEHOST", 1, false, 1, &HandleFilehost},
  };
  return specs;
}

}  // namespace chatd
