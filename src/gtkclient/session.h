// chatgtk::Session: one login's connection to a chat server. It owns the
// libchat client core and implements its Host: a GIO socket (TLS via
// GTlsClientConnection) on the GLib main loop, the core's timer, the outbox
// file and label generation, and turns the core's notifications into sigc
// signals the windows connect to. Networking is asynchronous GIO on the GTK
// main loop: the UI thread never blocks on the network or the disk.
//
// Lifetime: created by the Application when the user logs in, destroyed on
// log out or quit. Only the GTK main thread may touch it.
#ifndef CHAT_GTKCLIENT_SESSION_H_
#define CHAT_GTKCLIENT_SESSION_H_

#include <giomm.h>
#include <sigc++/sigc++.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "libchat/client_core.h"

namespace chatgtk {

// The clock every call into the core uses: wall-clock milliseconds since the
// Unix epoch (UTC), as server-time is.
int64_t NowMs();

// Where to connect; what the login window collected.
struct ServerAddress {
  std::string host = "localhost";
  int port = 6697;
  bool tls = true;
};

// A certificate the TLS layer would not accept: shown to the user with its
// fingerprint so they can trust it once or always (as browsers do).
struct CertificateProblem {
  std::string host;            // "host:port" the certificate was presented for
  std::string fingerprint;     // SHA-256 of the DER certificate, "AB:CD:..." upper-case hex
  std::string old_fingerprint; // the pinned one when the certificate CHANGED, else ""
  std::string reason;          // human text from GTlsCertificateFlags ("self-signed", "expired", ...)
};

class Session {
 public:
  // `profile_dir`: where outbox and trust files live
  // (~/.local/share/chat-gtk by default; XDG_DATA_HOME respected).
  Session(ServerAddress address, std::string profile_dir);
  ~Session();

  // A Session with no network (chat-gtk --bench): Connect() succeeds at the
  // next main-loop iteration, lines the core sends are dropped, and the
  // server's side is whatever the caller hands to Feed().
  static std::unique_ptr<Session> CreateLoopback(std::string profile_dir);
  // Loopback only: `bytes` (IRC lines with CR LF) arrive as if from the server.
  void Feed(std::string_view bytes);

  // Starts (or restarts after a fatal problem) with these credentials.
  void Start(const chat::client::LoginOptions& options);
  // The user accepted a certificate: `always` pins it in the trust file,
  // otherwise for this Session only. Reconnects at once.
  void TrustCertificate(const std::string& fingerprint, bool always);

  // Ends the session for good (the application is quitting): the core says
  // QUIT and disconnects. `done` runs from the main loop once the QUIT is
  // written and the socket closed, or at once (next iteration) when there
  // was no connection. Callers bound the wait themselves.
  void Quit(std::function<void()> done);

  chat::client::Core& core();
  const ServerAddress& address() const;

  // Signals mirroring chat::client::Host's notifications (same arguments).
  sigc::signal<void(chat::client::ConnState)> signal_state;
  sigc::signal<void(chat::client::Problem, std::string, std::string)> signal_problem;  // problem, subject, human
  sigc::signal<void()> signal_conversations;
  sigc::signal<void(std::string)> signal_lines;      // conversation key
  sigc::signal<void(std::string)> signal_members;    // conversation key
  sigc::signal<void(std::string)> signal_typing;     // conversation key
  sigc::signal<void(std::vector<chat::client::ChannelListEntry>)> signal_channel_list;
  sigc::signal<void(std::string, chat::client::ChatLine)> signal_notify;  // key, line
  sigc::signal<void(CertificateProblem)> signal_certificate;  // TLS refused the certificate

  // --- File sharing (src/gtkclient/files/).
  // Host::OnFileToken: token (64 hex digits, "" on failure), expiry (Unix
  // seconds), the server's FAIL text when refused.
  sigc::signal<void(std::string, int64_t, std::string)> signal_file_token;
  // The user's certificate decision for this server (pinned "trust always"
  // or "trust once" in this Session) covers `fingerprint` (Connection's
  // format), so the HTTPS file host on the same server may present it.
  bool TrustsCertificate(const std::string& fingerprint) const;
  // Where this session keeps its files (outbox, trust, pending uploads).
  const std::string& profile_dir() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace chatgtk

#endif  // CHAT_GTKCLIENT_SESSION_H_
