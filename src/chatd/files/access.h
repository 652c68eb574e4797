// Who may read a shared file (doc/files.md "Access rules"):
//  - a file with no target, or shared in a channel that is neither +i, +s
//    nor +k, is a capability: its unguessable 128-bit URL is the only key,
//    so links work in any browser;
//  - a file shared in a private channel (+i, +s or +k; or a channel that no
//    longer exists) is readable by the uploader and by accounts currently
//    on the channel (a connected member, or the registered roster);
//  - a file sent to a nick (a direct message) is readable by the uploader
//    and by the recipient's account.
// Readers of private files prove who they are with a Bearer token or a
// signed link (SignLink) that expires. Event loop thread only (reads the
// network state).
#ifndef CHATD_FILES_ACCESS_H_
#define CHATD_FILES_ACCESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "chatd/store/store.h"

namespace chatd {
class Server;
}

namespace chatd::files {

// True when rec needs an authenticated reader (the private cases above).
bool IsPrivate(const Server& server, const FileRecord& rec);

// True when `account` (display or folded; "" for anonymous) may read rec:
// always for a capability file, else by the rules above.
bool MayRead(const Server& server, const FileRecord& rec, std::string_view account);

// True when `account` may attach a file to `target`: "" (unlisted) always;
// a channel it is on (connected or in the registered roster); a valid nick.
bool MayShareIn(const Server& server, std::string_view target, std::string_view account);

// The signature of a link to file `id` (16 raw bytes) for `account`,
// valid until `expires` (Unix seconds): lower-case hex of
// HMAC-SHA-256(secret, "chatd-file-link" 0 id 0 folded account 0 expires).
std::string SignLink(std::string_view secret, std::string_view id, std::string_view account, int64_t expires);

// Checks a signature made by SignLink in constant time, and that `expires`
// is still in the future at now_s.
bool VerifyLink(std::string_view secret, std::string_view id, std::string_view account, int64_t expires,
                std::string_view sig_hex, int64_t now_s);

}  // namespace chatd::files

#endif  // CHATD_FILES_ACCESS_H_
