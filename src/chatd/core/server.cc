// Server: network state and the process's life on the event loop.
#include "chatd/core/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>

#include "chatd/files/urls.h"
#include "chatd/irc/channel.h"
#include "chatd/irc/client.h"
#include "chatd/core/conn.h"
#include "chatd/control/control.h"
#include "chatd/core/daemon.h"
#include "chatd/core/listener.h"
#include "chatd/core/log.h"
#include "chatd/store/store.h"
#include "chatd/core/tls.h"
#include "chatd/core/worker.h"
#include "chatd/http/http_server.h"
#include "chatd/http/websocket_session.h"
#include "chatd/http/routes.h"
#include "libchat/casemap.h"
#include "libchat/numerics.h"

namespace chatd {

using chat::irc::Fold;

namespace {
// The SendQ of an HTTP connection: the largest complete response a
// handler may queue with Exchange::Respond (doc/http.md).
constexpr std::size_t kHttpSendqBytes = 8 * 1024 * 1024;
}  // namespace

Server::Server(Config config) : config_(std::move(config)), started_(time(nullptr)) {}

Server::~Server() {
  Conn::SetBeforeWrite(nullptr, nullptr);
  control_.reset();
  http_.reset();    // handlers may hold work in the worker: connections first
  worker_.reset();  // lets queued jobs finish
  clients_.clear();
  for (const auto& [when, key] : guest_history_expiry_) DeleteGuestHistory(key);  // due or not: they go now
  guest_history_expiry_.clear();
  store_.reset();  // checkpoints and closes the environment
  dead_.clear();
  listeners_.clear();
  http::WebSocketSession::DestroyAll();  // after clients_: their sockets go to the lingering Conns
  Conn::DestroyLingering();
  for (event* ev : events_) event_free(ev);
  if (reap_ != nullptr) event_free(reap_);
  if (base_ != nullptr) event_base_free(base_);
}

chat::Status Server::Start(std::unique_ptr<Store> store) {
  base_ = event_base_new();
  if (base_ == nullptr) return chat::Status::IOError("cannot create the event loop");
  const bool persistent = store == nullptr;  // an injected store (tests) keeps nothing on disk
  if (persistent) {
    StoreOptions opts;
    opts.sync_on_commit = config_.sync_on_commit;
    opts.recreate_missing = config_.recreate_missing_db;
    auto opened = OpenBdbStore(config_.data_dir, opts);
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
  }
  store_ = std::move(store);
  ApplyLimits();
  Conn::SetBeforeWrite(&Server::WriteLogCb, this);
  chat::Status secret = LoadSecret(persistent);
  if (!secret.ok()) return secret;
  chat::Status loaded = LoadChannels();
  if (!loaded.ok()) return loaded;
  bool need_tls = std::any_of(config_.listen.begin(), config_.listen.end(),
                              [](const ListenConfig& l) { return l.tls; });
  if (need_tls) {
    auto tls = TlsContext::Create(config_.tls_certificate, config_.tls_key, config_.tls_groups);
    if (!tls.ok()) return tls.status();
    tls_ = std::move(tls).value();
  }
  auto worker = Worker::Create(base_, 2);
  if (!worker.ok()) return worker.status();
  worker_ = std::move(worker).value();
  bool need_http = std::any_of(config_.listen.begin(), config_.listen.end(), [](const ListenConfig& l) {
    return l.protocol == ListenConfig::Protocol::kHttp;
  });
  if (need_http) {
    http_ = std::make_unique<http::HttpServer>(base_, &config_);
    http::RegisterRoutes(http_->router(), this, worker_.get());
  }
  for (const auto& lc : config_.listen) {
    auto l = Listener::Create(this, lc);
    if (!l.ok()) return l.status();
    listeners_.push_back(std::move(l).value());
    LOG_INFO("listening on %s%s%s", lc.address.c_str(), lc.tls ? " (TLS)" : "",
             lc.protocol == ListenConfig::Protocol::kHttp ? " (HTTP)" : "");
  }
  if (persistent && !config_.control_socket.empty()) {
    auto control = Control::Create(this);
    if (!control.ok()) return control.status();
    control_ = std::move(control).value();
  }
  unsigned char rnd[6];
  if (RAND_bytes(rnd, sizeof rnd) != 1) return chat::Status::IOError("no randomness for msgids");
  static const char kHex[] = "0123456789abcdef";
  for (unsigned char b : rnd) {
    msgid_prefix_ += kHex[b >> 4];
    msgid_prefix_ += kHex[b & 15];
  }
  LoadMotd();
  BuildIsupport();
  reap_ = event_new(base_, -1, 0, &Server::ReapCb, this);
  event* tick = event_new(base_, -1, EV_PERSIST, &Server::TickCb, this);
  timeval one{1, 0};
  event_add(tick, &one);
  events_.push_back(tick);
  event* upkeep = event_new(base_, -1, EV_PERSIST, &Server::UpkeepCb, this);
  timeval tenth{0, 100000};
  event_add(upkeep, &tenth);
  events_.push_back(upkeep);
  for (int sig : {SIGHUP, SIGTERM, SIGINT}) {
    event* ev = evsignal_new(base_, sig, &Server::SignalCb, this);
    event_add(ev, nullptr);
    events_.push_back(ev);
  }
  return chat::Status::OK();
}

int Server::Run() {
  event_base_dispatch(base_);
  return exit_code_;
}

void Server::Stop(const std::string& reason) {
  LOG_NOTICE("shutting down: %s", reason.c_str());
  NotifyService(ServiceState::kStopping, "shutting down");
  listeners_.clear();
  if (http_ != nullptr) http_->Shutdown();
  std::vector<Client*> all;
  for (auto& [id, c] : clients_) all.push_back(c.get());
  for (Client* c : all) c->Quit(reason);
  timeval grace{0, 300000};  // let the ERROR lines flush
  event_base_loopexit(base_, &grace);
}

void Server::Reload() {
  ReloadNotice notice;  // sd_notify RELOADING=1 now, READY=1 on every way out
  auto fresh = LoadConfig(config_.path);
  if (!fresh.ok()) {
    LOG_ERROR("reload: %s; keeping the running configuration", fresh.status().message().c_str());
    return;
  }
  Config next = std::move(fresh).value();
  // Listeners, the server name, data_dir and the control socket need a
  // restart; the rest applies now.
  next.listen = config_.listen;
  next.server_name = config_.server_name;
  next.data_dir = config_.data_dir;
  next.control_socket = config_.control_socket;
  if (tls_ != nullptr) {
    chat::Status s = tls_->Reload(next.tls_certificate, next.tls_key, next.tls_groups);
    if (!s.ok()) LOG_ERROR("reload: %s; keeping the old certificate", s.ToString().c_str());
  }
  config_ = std::move(next);
  ApplyLimits();
  LoadMotd();
  BuildIsupport();
  LOG_NOTICE("configuration reloaded from %s", config_.path.c_str());
}

chat::Status Server::LoadSecret(bool persistent) {
  std::string path = config_.data_dir + "/secret";
  std::ifstream in(path, std::ios::binary);
  if (persistent && in) {
    secret_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (secret_.size() == 32) return chat::Status::OK();
    return chat::Status::Corruption(path + " is damaged: delete it and chatd makes a new one");
  }
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return chat::Status::IOError("no randomness for " + path);
  secret_.assign(reinterpret_cast<char*>(bytes), sizeof bytes);
  if (!persistent) return chat::Status::OK();
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || write(fd, bytes, sizeof bytes) != static_cast<ssize_t>(sizeof bytes)) {
    if (fd >= 0) close(fd);
    return chat::Status::IOError("cannot write " + path + ": " + strerror(errno));
  }
  close(fd);
  return chat::Status::OK();
}

void Server::LoadMotd() {
  motd_.clear();
  if (config_.motd_file.empty()) return;
  std::ifstream in(config_.motd_file);
  if (!in) {
    LOG_WARNING("cannot read motd_file %s", config_.motd_file.c_str());
    return;
  }
  std::string line;
  while (motd_.size() < 500 && std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    motd_.push_back(std::string(chat::irc::TruncateUtf8(line, 400)));
  }
}

void Server::BuildIsupport() {
  const Config& c = config_;
  auto n = [](std::size_t v) { return std::to_string(v); };
  isupport_ = {
      "AWAYLEN=" + n(c.awaylen),
      "BOT=B",
      std::string("CASEMAPPING=") + chat::irc::kCasemappingName,
      "CHANLIMIT=#:" + n(c.max_channels),
      "CHANMODES=b,k,l,imnst",
      "CHANNELLEN=" + n(c.channellen),
      "CHANTYPES=#",
      "CHATHISTORY=" + n(c.chathistory_limit),
      "ELIST=MNU",
      "HOSTLEN=64",
      "KICKLEN=" + n(c.kicklen),
      "MAXLIST=b:" + n(c.list_max_bans),
      "MAXTARGETS=" + n(c.maxtargets),
      "MODES=4",
      "MONITOR=" + n(c.monitor_max),
      "MSGREFTYPES=msgid,timestamp",
      "NETWORK=" + c.network,
      "NICKLEN=" + n(c.nicklen),
      "PREFIX=(ov)@+",
      "STATUSMSG=@+",
      "TARGMAX=JOIN:,PART:,KICK:1,NAMES:1,LIST:1,WHOIS:1,MONITOR:,PRIVMSG:" + n(c.maxtargets) +
          ",NOTICE:" + n(c.maxtargets) + ",TAGMSG:" + n(c.maxtargets),
      "TOPICLEN=" + n(c.topiclen),
      "USERLEN=16",
      "UTF8ONLY",
      "WHOX",
  };
  // File sharing (doc/files.md): the upload URI under soju.im/FILEHOST and
  // draft/FILEHOST, as configured. The URL has no space, '\\' or '=' to
  // escape (public_base_url is validated; the path is ours).
  if (files::FilesAvailable(c)) {
    for (const std::string& key : c.files_isupport) isupport_.push_back(key + "=" + files::UploadUrl(c));
  }
}

void Server::Accept(evutil_socket_t fd, const sockaddr* sa, int, const ListenConfig& listener) {
  const bool tls = listener.tls;
  char text[INET6_ADDRSTRLEN] = "?";
  int family = sa->sa_family;
  unsigned char bin[16] = {};
  if (family == AF_INET6) {
    const auto* s6 = reinterpret_cast<const sockaddr_in6*>(sa);
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      family = AF_INET;
      memcpy(bin, s6->sin6_addr.s6_addr + 12, 4);
    } else {
      memcpy(bin, s6->sin6_addr.s6_addr, 16);
    }
  } else {
    memcpy(bin, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
  }
  inet_ntop(family, bin, text, sizeof text);
  std::string address = text;

  SSL* ssl = nullptr;
  if (tls) {
    ssl = tls_->NewSsl();
    if (ssl == nullptr) {
      evutil_closesocket(fd);
      return;
    }
  }
  if (listener.protocol == ListenConfig::Protocol::kHttp) {
    // HTTP paces its own output (handler.h): the SendQ only has to hold one
    // complete response plus a refill.
    ConnLimits limits{config_.recvq_bytes, std::max<std::size_t>(config_.sendq_bytes, kHttpSendqBytes)};
    auto conn = Conn::Create(base_, fd, ssl, address, limits);
    if (conn != nullptr && http_ != nullptr) http_->Accept(std::move(conn));
    return;
  }
  ConnLimits limits{config_.recvq_bytes, config_.sendq_bytes};
  auto conn = Conn::Create(base_, fd, ssl, address, limits);
  if (conn == nullptr) return;
  AddClient(std::move(conn), FloodExempt(address));
}

bool Server::FloodExempt(const std::string& address) const {
  unsigned char bin[16] = {};
  int family = address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (inet_pton(family, address.c_str(), bin) != 1) return false;
  return std::any_of(config_.flood_exempt.begin(), config_.flood_exempt.end(),
                     [&](const Cidr& c) { return c.Contains(family, bin); });
}

Client* Server::AddClient(std::unique_ptr<Peer> peer, bool flood_exempt) {
  uint64_t id = NextId();
  // The socket counts until it is closed, which for a client that quit is
  // after its last flush (a TLS handshake that never finishes included).
  const std::size_t from_ip = ++per_ip_[peer->address()];
  ++open_sockets_;
  peer->SetOnClosed([this, address = peer->address()] {
    --open_sockets_;
    auto ip = per_ip_.find(address);
    if (ip != per_ip_.end() && --ip->second == 0) per_ip_.erase(ip);
  });
  auto client = std::make_unique<Client>(this, id, std::move(peer), flood_exempt);
  Client* c = client.get();
  clients_.emplace(id, std::move(client));
  LOG_INFO("client %llu [%s] connected%s", static_cast<unsigned long long>(id), c->address().c_str(),
           c->is_tls() ? " (TLS)" : "");
  if (open_sockets_ > config_.max_clients) {
    c->Quit("Server is full");
  } else if (from_ip > config_.max_per_ip) {
    c->Quit("Too many connections from your address");
  }
  return c;
}

Client* Server::FindNick(std::string_view nick) const {
  auto it = nicks_.find(Fold(nick));
  return it == nicks_.end() ? nullptr : it->second;
}

void Server::SetNick(Client* c, const std::string& nick) {
  if (!c->nick_.empty()) {
    auto it = nicks_.find(Fold(c->nick_));
    if (it != nicks_.end() && it->second == c) nicks_.erase(it);
  }
  c->nick_ = nick;
  nicks_[Fold(nick)] = c;
}

void Server::ClearNick(Client* c) {
  auto it = nicks_.find(Fold(c->nick_));
  if (it != nicks_.end() && it->second == c) nicks_.erase(it);
  c->nick_.clear();
}

void Server::MoveNick(Client* from, Client* to) {
  auto it = nicks_.find(Fold(from->nick_));
  if (it != nicks_.end() && it->second == from) it->second = to;
}

Client* Server::FindAccountUser(std::string_view account) const {
  auto it = accounts_.find(Fold(account));
  return it == accounts_.end() ? nullptr : it->second;
}

void Server::SetAccountUser(const std::string& account, Client* front) { accounts_[Fold(account)] = front; }

void Server::ClearAccountUser(const std::string& account, const Client* front) {
  auto it = accounts_.find(Fold(account));
  if (it != accounts_.end() && it->second == front) accounts_.erase(it);
}

void Server::RemoveClient(Client* c) {
  if (!c->nick_.empty()) {
    auto it = nicks_.find(Fold(c->nick_));
    if (it != nicks_.end() && it->second == c) nicks_.erase(it);
  }
  if (c->logged_in()) ClearAccountUser(c->account(), c);
  for (Channel* ch : c->channels_) {
    ch->RemoveMember(c);
    DeleteChannelIfEmpty(ch);
  }
  c->channels_.clear();
  for (const auto& folded : std::set<std::string>(c->monitoring_)) Unmonitor(c, folded);
  if (c->guest_dm_stored_ > 0) {
    // Kept a short while (a sender's outbox resend still finds its
    // original), then deleted by TickCb.
    if (config_.guest_retention_s == 0) {
      DeleteGuestHistory(c->guest_key());
    } else {
      guest_history_expiry_.emplace_back(time(nullptr) + config_.guest_retention_s, c->guest_key());
    }
  }
  auto it = clients_.find(c->id());
  if (it != clients_.end()) {
    if (c->registered()) --registered_count_;
    if (c->invisible()) --invisible_count_;
    dead_.push_back(std::move(it->second));
    clients_.erase(it);
    event_active(reap_, 0, 0);
  }
}

void Server::DeleteGuestHistory(const std::string& guest_key) {
  // Nobody can name this guest again (its key is per connection), so its
  // private conversations could never be read: they go with it.
  if (store_ == nullptr) return;
  auto keys = store_->DirectTargetsOf(guest_key);
  chat::Status s = keys.status();
  if (keys.ok()) {
    for (const std::string& key : keys.value()) {
      s = store_->DeleteHistory(key);
      if (!s.ok() && s.code() != chat::Status::Code::kNotFound) break;
      s = chat::Status::OK();
    }
  }
  if (!s.ok()) LOG_ERROR("deleting the private history of guest %s: %s", guest_key.c_str(), s.ToString().c_str());
}

void Server::NoteRegistered() {
  ++registered_count_;
  max_registered_ = std::max(max_registered_, registered_count_);
}

void Server::SetInvisible(Client* c, bool on) {
  if (c->mode_invisible_ == on) return;
  c->mode_invisible_ = on;
  if (on) {
    ++invisible_count_;
  } else {
    --invisible_count_;
  }
}

Channel* Server::FindChannel(std::string_view name) const {
  auto it = channels_.find(Fold(name));
  return it == channels_.end() ? nullptr : it->second.get();
}

Channel* Server::CreateChannel(const std::string& name) {
  auto& slot = channels_[Fold(name)];
  if (slot == nullptr) slot = std::make_unique<Channel>(name, time(nullptr));
  return slot.get();
}

void Server::DeleteChannelIfEmpty(Channel* ch) {
  if (!ch->empty() || ch->registered) return;
  // An unregistered (guest) channel vanishes with its history.
  if (store_ != nullptr) {
    chat::Status s = store_->DeleteHistory(Fold(ch->name()));
    if (!s.ok() && s.code() != chat::Status::Code::kNotFound) {
      LOG_ERROR("deleting history of %s: %s", ch->name().c_str(), s.ToString().c_str());
    }
  }
  channels_.erase(Fold(ch->name()));
}

void Server::ApplyLimits() {
  const Config& c = config_;
  auth_pair_failures_.SetLimits(c.auth_failures_before_throttle, c.auth_throttle_s, c.auth_throttle_s);
  auth_ip_failures_.SetLimits(c.auth_failures_per_ip, c.auth_throttle_s, c.auth_throttle_s);
  registrations_.SetLimits(c.registrations_per_ip, c.registration_window_s, 0);
}

int Server::RegisterWait(const std::string& address) const {
  return static_cast<int>(registrations_.Wait(address, time(nullptr)));
}

void Server::NoteRegistration(const std::string& address) { registrations_.Note(address, time(nullptr)); }

int Server::AuthWait(const std::string& address, const std::string& account) const {
  const int64_t now = time(nullptr);
  return static_cast<int>(std::max(auth_pair_failures_.Wait(address + " " + Fold(account), now),
                                   auth_ip_failures_.Wait(address, now)));
}

void Server::NoteAuthFailure(const std::string& address, const std::string& account) {
  const int64_t now = time(nullptr);
  if (!account.empty()) auth_pair_failures_.Note(address + " " + Fold(account), now);
  auth_ip_failures_.Note(address, now);
}

void Server::NoteAuthSuccess(const std::string& address, const std::string& account) {
  auth_pair_failures_.Forget(address + " " + Fold(account));
}

void Server::WriteLogCb(void* arg) noexcept {
  auto* self = static_cast<Server*>(arg);
  if (self->store_ == nullptr) return;
  chat::Status s = self->store_->WriteLog();
  if (s.ok() == !self->write_log_failing_) return;
  self->write_log_failing_ = !s.ok();
  if (s.ok()) {
    LOG_INFO("history log written again");
  } else {
    // Recipients still get this pass's messages; a crash before the write
    // succeeds would lose them from history.
    LOG_ERROR("history log write failed (retried before every send): %s", s.ToString().c_str());
  }
}

void Server::UpkeepCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Server*>(arg);
  if (self->store_ == nullptr) return;
  const Config& cfg = self->config_;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch()).count();
  if (!cfg.sync_on_commit && now - self->last_flush_ms_ >= cfg.sync_interval_ms) {
    self->last_flush_ms_ = now;
    chat::Status s = self->store_->Flush();
    if (!s.ok()) LOG_ERROR("log flush: %s", s.ToString().c_str());
  }
  if (now - self->last_checkpoint_ms_ >= int64_t{cfg.checkpoint_interval_s} * 1000) {
    if (self->last_checkpoint_ms_ != 0) {
      chat::Status s = self->store_->Checkpoint();
      if (!s.ok()) LOG_ERROR("checkpoint: %s", s.ToString().c_str());
    }
    self->last_checkpoint_ms_ = now;
  }
  bool retention = cfg.history_max_age_days > 0 || cfg.history_max_per_target > 0;
  if (retention && now - self->last_prune_ms_ >= 3600 * 1000) {
    self->last_prune_ms_ = now;
    auto pruned = self->store_->Prune(now, cfg.history_max_age_days * 86400 * 1000, cfg.history_max_per_target);
    if (!pruned.ok()) {
      LOG_ERROR("history retention: %s", pruned.status().ToString().c_str());
    } else if (pruned.value() > 0) {
      LOG_INFO("history retention removed %llu messages", static_cast<unsigned long long>(pruned.value()));
    }
  }
}

void Server::RememberNick(const Client* c) {
  if (c->nick().empty() || config_.whowas_max == 0) return;
  whowas_.push_front({c->nick(), c->user(), c->host(), c->realname(), time(nullptr)});
  while (whowas_.size() > config_.whowas_max) whowas_.pop_back();
}

void Server::Monitor(Client* watcher, const std::string& folded) {
  if (watcher->monitoring_.insert(folded).second) monitors_[folded].push_back(watcher);
}

void Server::Unmonitor(Client* watcher, const std::string& folded) {
  if (watcher->monitoring_.erase(folded) == 0) return;
  auto it = monitors_.find(folded);
  if (it == monitors_.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), watcher), v.end());
  if (v.empty()) monitors_.erase(it);
}

void Server::NotifyMonitors(const std::string& nick, const std::string& prefix, bool online) {
  auto it = monitors_.find(Fold(nick));
  if (it == monitors_.end()) return;
  for (Client* w : it->second) {
    if (online) {
      w->Numeric(chat::irc::RPL_MONONLINE, {prefix});
    } else {
      w->Numeric(chat::irc::RPL_MONOFFLINE, {nick});
    }
  }
}

void Server::NoteMessage() {
  time_t now = time(nullptr);
  MessageBucket& b = message_buckets_[now % 60];
  if (b.second != now) b = MessageBucket{now, 0};
  ++b.count;
}

double Server::MessagesPerSecond() const {
  time_t now = time(nullptr);
  uint64_t total = 0;
  for (const MessageBucket& b : message_buckets_) {
    if (now - b.second < 60) total += b.count;
  }
  return static_cast<double>(total) / 60.0;
}

std::string Server::NewMsgid() {
  return msgid_prefix_ + "-" + std::to_string(++msgid_counter_);
}

void Server::TickCb(evutil_socket_t, short, void* arg) noexcept {
  auto* self = static_cast<Server*>(arg);
  time_t now = time(nullptr);
  auto& expiry = self->guest_history_expiry_;
  while (!expiry.empty() && expiry.front().first <= now) {
    self->DeleteGuestHistory(expiry.front().second);
    expiry.pop_front();
  }
  std::vector<Client*> all;
  all.reserve(self->clients_.size());
  for (auto& [id, c] : self->clients_) all.push_back(c.get());
  for (Client* c : all) {
    if (!c->closing()) c->Tick(now);
  }
}

void Server::SignalCb(evutil_socket_t sig, short, void* arg) noexcept {
  auto* self = static_cast<Server*>(arg);
  if (sig == SIGHUP) {
    self->Reload();
  } else {
    self->Stop("Server shutting down");
  }
}

void Server::ReapCb(evutil_socket_t, short, void* arg) noexcept {
  static_cast<Server*>(arg)->dead_.clear();
}

}  // namespace chatd
