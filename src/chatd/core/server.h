// Server: the network state of one chatd (clients, nick index, channels,
// WHOWAS, MONITOR) and the process's life on its event loop (listeners,
// signals, the once-a-second tick, reaping of closed clients).
#ifndef CHATD_SERVER_H_
#define CHATD_SERVER_H_

#include <event2/event.h>

#include <cstdint>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "chatd/core/config.h"
#include "chatd/store/store.h"
#include "libchat/rate_limit.h"
#include "libchat/status.h"

namespace chatd {

class Channel;
class Client;
class Control;
class Listener;
class Peer;
class TlsContext;
class Worker;
namespace http {
class HttpServer;
}

struct WhowasEntry {
  std::string nick, user, host, realname;
  time_t when;
};

class Server {
 public:
  explicit Server(Config config);
  ~Server();

  // Creates the event loop, opens the store (the Berkeley DB environment in
  // data_dir unless `store` is given, e.g. an in-memory one in tests), loads
  // registered channels, and opens the TLS context, listeners and (with the
  // Berkeley DB store only) the control socket. Errors name what failed
  // (file, address).
  chat::Status Start(std::unique_ptr<Store> store = nullptr);
  // Runs the loop until Stop(). Returns the exit status for main().
  int Run();
  // Graceful shutdown: ERROR to every client, then the loop exits.
  void Stop(const std::string& reason);
  // Re-reads the config file's reloadable parts, the TLS certificate and the MOTD.
  void Reload();
  // Re-reads motd_file only (chatctl motd reload).
  void ReloadMotd() { LoadMotd(); }

  event_base* base() const { return base_; }
  const Config& config() const { return config_; }
  const std::string& name() const { return config_.server_name; }
  time_t started() const { return started_; }
  const std::vector<std::string>& motd() const { return motd_; }
  const std::vector<std::string>& isupport() const { return isupport_; }
  // The blocking-work pool (core/worker.h); null before Start.
  Worker* worker() const { return worker_.get(); }

  // ---- connections (called by Listener): IRC listeners' sockets become
  // Clients, HTTP listeners' go to the HTTP server (http/http_server.h).
  void Accept(evutil_socket_t fd, const struct sockaddr* sa, int salen, const ListenConfig& listener);
  // Adds a client talking through `peer` (a Conn, or an in-memory peer in
  // tests) and applies max_clients / max_per_ip. The returned client may
  // already be closing; it is owned by the server.
  Client* AddClient(std::unique_ptr<Peer> peer, bool flood_exempt);
  // True when `address` (as Peer::address() gives it: "127.0.0.1",
  // "2001:db8::1") is inside a [flood] exempt network.
  bool FloodExempt(const std::string& address) const;

  // ---- clients
  Client* FindNick(std::string_view nick) const;
  // Claims `nick` for c (releasing c's old nick). Caller checked availability.
  void SetNick(Client* c, const std::string& nick);
  // Releases c's nick (c has none afterwards).
  void ClearNick(Client* c);
  // Points c's nick in the index at `to` instead (the promotion of a user's
  // next session, irc/client.h); `to` must already carry the same nick.
  void MoveNick(Client* from, Client* to);
  // Forgets c: nick index, channels (no messages), monitors, account index,
  // a guest's private history (DeleteGuestHistory); schedules deletion.
  void RemoveClient(Client* c);
  const std::unordered_map<uint64_t, std::unique_ptr<Client>>& clients() const { return clients_; }
  // Running counts, kept as clients register, change +i and leave, so that
  // registration and LUSERS cost O(1) instead of a walk over every client.
  std::size_t registered_count() const { return registered_count_; }
  // Registered clients with user mode +i (MODE needs registration).
  std::size_t invisible_count() const { return invisible_count_; }
  // Connections that have not completed registration.
  std::size_t unknown_count() const { return clients_.size() - registered_count_; }
  std::size_t max_registered() const { return max_registered_; }
  // Called once by registration, right after c.registered_ became true.
  void NoteRegistered();
  // Sets or clears c's user mode +i (RFC 2812 §3.1.5), keeping the count.
  void SetInvisible(Client* c, bool on);

  // ---- account sessions (irc/client.h): the front session of each account
  // that is online, by account name (any case). Null when none is.
  Client* FindAccountUser(std::string_view account) const;
  // Makes `front` the account's user (replacing any).
  void SetAccountUser(const std::string& account, Client* front);
  // Forgets the account's user if it is `front` (a no-op otherwise).
  void ClearAccountUser(const std::string& account, const Client* front);

  // ---- channels (keyed by folded name; std::map so LIST is ordered)
  Channel* FindChannel(std::string_view name) const;
  Channel* CreateChannel(const std::string& name);
  void DeleteChannelIfEmpty(Channel* ch);
  const std::map<std::string, std::unique_ptr<Channel>>& channels() const { return channels_; }

  // ---- persistence (registry.cc)
  Store* store() const { return store_.get(); }
  // 32 random bytes kept in data_dir/secret (0600), stable across restarts;
  // seeds SCRAM's fake salts for unknown accounts.
  const std::string& secret() const { return secret_; }
  // Writes a registered channel's state to the store; failures are logged.
  void SaveChannel(const Channel* ch);
  // Registers ch to `owner` (an account, or "" for the server) and saves it.
  void RegisterChannel(Channel* ch, const std::string& owner);
  // Drops a registered channel: parts present members with `reason`,
  // deletes it and its history from the store.
  void DropChannel(Channel* ch, const std::string& reason);

  // ---- login throttling (doc/security.md): failed logins are counted per
  // (address, account) pair ([accounts] max_failures) and per address
  // (max_failures_per_ip) within `throttle` seconds. There is no lock per
  // account alone, so guesses from elsewhere never lock the owner out, and a
  // success forgets only its own pair's failures, never the address's.
  // Seconds the pair or the address must still wait, 0 when not throttled.
  int AuthWait(const std::string& address, const std::string& account) const;
  // `account` may be "" (a malformed attempt): counted for the address only.
  void NoteAuthFailure(const std::string& address, const std::string& account);
  void NoteAuthSuccess(const std::string& address, const std::string& account);
  // REGISTER per address ([accounts] max_registrations_per_ip within
  // registration_window seconds): seconds `address` must still wait, 0 when
  // it may register; NoteRegistration counts one account created.
  int RegisterWait(const std::string& address) const;
  void NoteRegistration(const std::string& address);

  // ---- WHOWAS (RFC 2812 §3.6.3), newest first
  void RememberNick(const Client* c);
  const std::deque<WhowasEntry>& whowas() const { return whowas_; }

  // ---- MONITOR (https://ircv3.net/specs/extensions/monitor)
  void Monitor(Client* watcher, const std::string& folded_nick);
  void Unmonitor(Client* watcher, const std::string& folded_nick);
  // Sends RPL_MONONLINE / RPL_MONOFFLINE about `nick` to its watchers.
  void NotifyMonitors(const std::string& nick, const std::string& prefix, bool online);

  // ---- control socket (control.cc): an announcement sent as a NOTICE to
  // clients at registration, "" for none; chatctl announce sets it.
  const std::string& announcement() const { return announcement_; }
  void set_announcement(std::string text) { announcement_ = std::move(text); }
  // Counts one PRIVMSG/NOTICE handled; MessagesPerSecond() is the average
  // over the last 60 seconds (chatctl status).
  void NoteMessage();
  double MessagesPerSecond() const;

  // ---- ids
  uint64_t NextId() { return next_id_++; }
  // Random hex chosen at Start, different for every run of the server.
  const std::string& run_id() const { return msgid_prefix_; }
  // A unique msgid for the msgid tag (https://ircv3.net/specs/extensions/message-ids).
  std::string NewMsgid();

 private:
  void LoadMotd();
  chat::Status LoadChannels();
  // Deletes every direct-message conversation of `guest_key` (a guest's
  // Identity); failures are logged.
  void DeleteGuestHistory(const std::string& guest_key);
  // Guests gone with stored DMs: (when to delete, guest key), oldest first;
  // run by TickCb, the rest at shutdown ([history] guest_retention).
  std::deque<std::pair<time_t, std::string>> guest_history_expiry_;
  static void UpkeepCb(evutil_socket_t, short, void* arg) noexcept;
  // Conn's before-write hook: Store::WriteLog, failures logged once per outage.
  static void WriteLogCb(void* arg) noexcept;
  void BuildIsupport();
  static void TickCb(evutil_socket_t, short, void* arg) noexcept;
  static void SignalCb(evutil_socket_t sig, short, void* arg) noexcept;
  static void ReapCb(evutil_socket_t, short, void* arg) noexcept;

  Config config_;
  event_base* base_ = nullptr;
  std::unique_ptr<TlsContext> tls_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<http::HttpServer> http_;  // null without http listeners
  std::string secret_;
  chat::Status LoadSecret(bool persistent);
  int64_t last_flush_ms_ = 0, last_checkpoint_ms_ = 0, last_prune_ms_ = 0;
  bool write_log_failing_ = false;
  // Keyed "<addr> <folded account>" and "<addr>"; limits set by ApplyLimits.
  chat::RateLimiter auth_pair_failures_{3, 10, 10};
  chat::RateLimiter auth_ip_failures_{10, 10, 10};
  chat::RateLimiter registrations_{30, 600, 0};  // keyed by address
  // Copies the reloadable [accounts] limits into the rate limiters.
  void ApplyLimits();
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<event*> events_;  // tick + signals, freed at exit
  event* reap_ = nullptr;
  time_t started_;
  std::vector<std::string> motd_;
  std::vector<std::string> isupport_;  // "KEY=VALUE" tokens for RPL_ISUPPORT
  int exit_code_ = 0;

  std::unordered_map<uint64_t, std::unique_ptr<Client>> clients_;
  std::vector<std::unique_ptr<Client>> dead_;  // removed this iteration, deleted by ReapCb
  std::unordered_map<std::string, Client*> nicks_;  // folded nick -> client
  std::unordered_map<std::string, Client*> accounts_;  // folded account -> front session
  std::map<std::string, std::unique_ptr<Channel>> channels_;
  std::deque<WhowasEntry> whowas_;
  std::unordered_map<std::string, std::vector<Client*>> monitors_;  // folded nick -> watchers
  // Open sockets per address and in all (max_per_ip, max_clients): from
  // accept() to close(), kept by the peers' SetOnClosed hooks.
  std::unordered_map<std::string, std::size_t> per_ip_;
  std::size_t open_sockets_ = 0;
  std::size_t max_registered_ = 0;
  std::size_t registered_count_ = 0;  // clients_ with registered()
  std::size_t invisible_count_ = 0;   // clients_ with invisible()
  uint64_t next_id_ = 1;
  uint64_t msgid_counter_ = 0;
  std::string msgid_prefix_;
  std::unique_ptr<Control> control_;  // null in tests with an injected store, or with [control] socket = ""
  std::string announcement_;
  struct MessageBucket {
    time_t second = 0;
    uint32_t count = 0;
  };
  MessageBucket message_buckets_[60];  // indexed by second % 60
};

}  // namespace chatd

#endif  // CHATD_SERVER_H_
