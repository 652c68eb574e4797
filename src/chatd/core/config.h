// chatd's configuration: the TOML file (/etc/chatd/chatd.conf) loaded into
// plain structs. Every key has a default except [server] name and data_dir
// and at least one [[listen]]. Documented key by key in etc/chatd.conf.
#ifndef CHATD_CONFIG_H_
#define CHATD_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "libchat/control.h"
#include "libchat/status.h"

namespace chatd {

struct ListenConfig {
  std::string address;  // as written: "127.0.0.1:6667", "[::]:6697", "*:6667"
  std::string host;     // parsed: "127.0.0.1", "::", "" for any
  uint16_t port = 0;
  bool tls = false;
  enum class Protocol { kIrc, kHttp };
  Protocol protocol = Protocol::kIrc;  // protocol: "irc" (default) or "http"
};

// [http]: chatd's HTTP/1.1 listeners (doc/http.md).
struct HttpConfig {
  // public_base_url: the https URL clients see, without a trailing '/'
  // ("https://chat.example.org:8443"); absolute Location headers and
  // ISUPPORT values are built from it. Default: https://<server name>:<port>
  // of the first TLS http listener ("http://..." of the first plaintext one
  // when none is TLS); "" when there is no http listener.
  std::string public_base_url;
  int header_timeout_s = 10;       // header_timeout: seconds to send a request line and header
  int body_idle_timeout_s = 60;    // body_idle_timeout: seconds without body progress (either way)
  int keepalive_timeout_s = 75;    // keepalive_timeout: idle seconds between requests
  std::size_t max_requests_per_connection = 1000;  // max_requests_per_connection
  std::size_t max_header_bytes = 8192;  // max_header_bytes: request line + header section
  std::size_t max_connections = 1024;   // max_connections: HTTP connections at once
  std::size_t max_per_ip = 32;          // max_per_ip: HTTP connections per address
  // websocket_origins: the Origin values (RFC 6454 serialisation,
  // "https://chat.example.org") whose pages may open a WebSocket; "*" for
  // any. Requests without Origin (non-browser clients) are always allowed.
  // Default: the origin of public_base_url only.
  std::vector<std::string> websocket_origins;
  bool websocket_origins_set = false;   // the key was given (else the default applies)
  bool websocket_deflate = true;        // websocket_deflate: negotiate permessage-deflate (RFC 7692)
  int websocket_idle_timeout_s = 120;   // websocket_idle_timeout: seconds idle before a ping, then before closing
};

// A CIDR network ("127.0.0.0/8", "::1/128"; a bare address means /32 or /128).
struct Cidr {
  std::string text;         // as written, for messages
  int family = 0;           // AF_INET or AF_INET6
  unsigned char addr[16] = {};
  int prefix = 0;
  // True when the binary address (4 or 16 bytes, network order) of `family` is inside.
  bool Contains(int family, const unsigned char* addr) const;
};

struct Config {
  std::string path;  // the file this was loaded from

  // [server]
  std::string server_name;           // name, required: a hostname-like token
  std::string network = "chatd";     // network
  std::string data_dir;              // data_dir, required
  std::string motd_file;             // motd_file, optional
  std::string password;              // password, optional (PASS)
  std::string description = "chatd"; // description: shown in WHOIS 312 / INFO
  std::string user;                  // user: account to run as when started as root ("" = stay)
  std::string group;                 // group: its group ("" = the user's primary group)
  std::string pid_file;              // pid_file: written after detaching ("" = none)

  // [channels]
  std::vector<std::string> auto_join = {"#general"};  // auto_join
  bool register_on_create = true;                      // register_on_create

  // [[listen]], at least one
  std::vector<ListenConfig> listen;

  // [http]
  HttpConfig http;

  // [tls]: required when any listener has tls = true
  std::string tls_certificate;  // certificate: PEM chain, leaf first
  std::string tls_key;          // key: PEM private key
  std::string tls_groups = "X25519:P-256:P-384";  // groups: key exchange groups (OpenSSL list)

  // [limits]
  std::size_t max_clients = 1024;       // max_clients
  std::size_t max_per_ip = 16;          // max_per_ip: concurrent connections per address
  std::size_t sendq_bytes = 1048576;    // sendq: bytes queued to a client before "SendQ exceeded"
  std::size_t recvq_bytes = 32768;      // recvq: unprocessed input bytes before "RecvQ exceeded"
  int registration_timeout_s = 30;      // registration_timeout (seconds)
  int ping_interval_s = 90;             // ping_interval: idle seconds before the server PINGs
  int ping_timeout_s = 120;             // ping_timeout: seconds to answer that PING
  std::size_t nicklen = 30;             // nicklen
  std::size_t channellen = 64;          // channellen
  std::size_t topiclen = 390;           // topiclen
  std::size_t kicklen = 255;            // kicklen
  std::size_t awaylen = 255;            // awaylen
  std::size_t maxtargets = 4;           // maxtargets: targets per PRIVMSG/NOTICE/TAGMSG
  std::size_t max_channels = 50;        // max_channels: channels one client may be in
  std::size_t monitor_max = 100;        // monitor: MONITOR list size
  std::size_t whowas_max = 1000;        // whowas: remembered nick changes and quits
  std::size_t list_max_bans = 100;      // max_list: bans per channel

  // [flood]: a command costs penalty_ms; a client may run burst_ms ahead of
  // the clock, after which its commands wait (RFC 1459 §8.10).
  int penalty_ms = 1000;                // penalty_ms
  int burst_ms = 10000;                 // burst_ms
  std::vector<Cidr> flood_exempt;       // exempt: e.g. ["127.0.0.1", "::1"]

  // [store]: the Berkeley DB environment in data_dir (doc/storage.md)
  bool recreate_missing_db = false;     // command line only: chatd --recreate-missing-db
  bool sync_on_commit = false;          // sync: "commit" (fsync every commit) or "interval"
  int sync_interval_ms = 1000;          // sync_interval_ms: log fsync period with "interval"
  int checkpoint_interval_s = 300;      // checkpoint_interval: seconds between checkpoints

  // [accounts]
  bool registration_enabled = true;     // registration: REGISTER allowed
  bool email_required = false;          // email_required
  uint32_t scram_iterations = 4096;     // scram_iterations: PBKDF2 rounds for new verifiers
  bool guests_register_channels = false;  // guests_register_channels: may guests own channels
  int auth_failures_before_throttle = 3;  // max_failures: failed logins per (IP, account) before a pause
  int auth_failures_per_ip = 10;        // max_failures_per_ip: failed logins per IP (any account) before a pause
  int auth_throttle_s = 10;             // throttle: the counting window and pause (seconds)
  int registrations_per_ip = 30;        // max_registrations_per_ip: REGISTERs per IP per window
  int registration_window_s = 600;      // registration_window: that window (seconds)
  std::vector<std::string> admins;      // admins: accounts with the admin role (besides stored roles)
  bool multiclient = true;              // multiclient: connections of one account share one user

  // [history]
  bool history_enabled = true;          // enabled: store messages (CHATHISTORY needs it)
  int64_t history_max_age_days = 0;     // max_age_days: 0 keeps forever
  uint64_t history_max_per_target = 0;  // max_messages: per channel or conversation, 0 = no cap
  uint32_t guest_max_messages = 1000;   // guest_max_messages: DMs stored per guest connection
  int guest_retention_s = 600;          // guest_retention: seconds a gone guest's DMs are kept (0: none)
  uint32_t chathistory_limit = 100;     // chathistory_limit: most messages one CHATHISTORY returns

  // [control]: the admin socket chatctl talks to (doc/control.md)
  std::string control_socket = chat::ctl::kDefaultSocket;  // socket: "" for none; relative to the config's dir
  std::string control_group = "chatd";        // group: the socket file's group (mode 0660)
  std::string control_admin_group = "chatd";  // admin_group: who may use it besides root and chatd's user

  // [files]: file sharing over HTTPS (doc/files.md). Served by the
  // protocol = "http" listeners; FILEHOST is advertised only when enabled.
  bool files_enabled = true;                    // enabled
  uint64_t files_max_size = 100ull << 20;       // max_size: bytes per file
  uint64_t files_quota = 1ull << 30;            // quota_per_account: bytes, 0 = unlimited
  bool files_guests_may_upload = false;         // guests_may_upload: FILEHOST TOKEN for guests
  int64_t files_retention_days = 0;             // retention_days: delete older files, 0 = keep
  int64_t files_token_lifetime_s = 86400;       // token_lifetime: seconds a FILEHOST TOKEN lives
  int64_t files_link_lifetime_s = 600;          // link_lifetime: seconds a signed private link lives
  int64_t files_upload_expiry_s = 86400;        // upload_expiry: seconds an idle tus upload is kept
  std::vector<std::string> files_isupport = {"soju.im/FILEHOST", "draft/FILEHOST"};  // isupport

  // [log]
  std::string log_level = "info";       // level: debug, info, notice, warning, error
  std::string log_target = "stderr";    // target: "stderr" or "syslog"
  std::string log_facility = "daemon";  // facility: syslog facility name
};

// Loads and validates the file at `path`. Errors come back as
// Status::InvalidArgument with a message "path:line: what is wrong" (line
// omitted when unknown): TOML syntax errors, unknown keys or tables, wrong
// types, out-of-range numbers, bad listen addresses, missing required keys.
// Files are not opened beyond the config itself (certificates are checked
// by tls.h).
chat::Result<Config> LoadConfig(const std::string& path);

// Same as LoadConfig but from a string; `path` is used only in messages.
chat::Result<Config> ParseConfig(const std::string& text, const std::string& path);

}  // namespace chatd

#endif  // CHATD_CONFIG_H_
