// chatgtk::keyring: the account password in the Secret Service (GNOME
// Keyring, KWallet) through libsecret, under the schema
// "dev.chatd.ChatGtk.Password" with the attributes server ("host:port") and
// username. Everything is asynchronous; when no Secret Service is running
// the calls fail quietly and the password is simply not remembered.
//
// Main thread only. Callbacks run later on the main loop (never inside the
// call); callers guard against having been destroyed meanwhile.
#ifndef CHAT_GTKCLIENT_KEYRING_H_
#define CHAT_GTKCLIENT_KEYRING_H_

#include <functional>
#include <string>

namespace chatgtk::keyring {

// Stores (or replaces) the password. Failures are ignored.
void Store(const std::string& server, const std::string& username,
           const std::string& password);
// Calls `done` with the stored password, or "" when none or on any error.
void Lookup(const std::string& server, const std::string& username,
            std::function<void(std::string)> done);
// Removes a stored password (the user unticked "Remember password").
void Clear(const std::string& server, const std::string& username);

}  // namespace chatgtk::keyring

#endif  // CHAT_GTKCLIENT_KEYRING_H_
