// Session: the chat::client::Host of chat-gtk. Glues the core to the GIO
// Connection, the outbox file, the core's timer and the windows' signals.
#include "gtkclient/session.h"

#include <glibmm.h>

#include <climits>
#include <deque>
#include <functional>
#include <random>
#include <utility>

#include "gtkclient/connection.h"
#include "gtkclient/file_writer.h"
#include "gtkclient/trust_store.h"

namespace chatgtk {

int64_t NowMs() { return g_get_real_time() / 1000; }

namespace {

// Keeps a file name to [A-Za-z0-9._-]; anything else becomes '_'.
std::string FileSafe(std::string_view text) {
  std::string out;
  for (char c : text) {
    bool ok = g_ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace

class Session::Impl : public chat::client::Host {
 public:
  Impl(Session* owner, ServerAddress address, std::string profile_dir)
      : owner_(owner),
        address_(std::move(address)),
        profile_dir_(std::move(profile_dir)),
        trust_(Glib::build_filename(profile_dir_, "trusted-certificates")),
        connection_(address_, &trust_, MakeEvents()),
        core_(this),
        rng_(std::random_device{}()) {}

  ~Impl() override {
    *alive_ = false;
    timer_.disconnect();
    idle_.disconnect();
  }

  void Start(const chat::client::LoginOptions& options) {
    options_ = options;
    if (!outbox_) {
      // The outbox belongs to one server and account; it is tiny, so it is
      // read synchronously once, before the first connect.
      std::string name = "outbox-" + FileSafe(address_.host) + "-" +
                         std::to_string(address_.port) + "-" + FileSafe(options.nick);
      outbox_ = std::make_unique<FileWriter>(Glib::build_filename(profile_dir_, name));
      std::string saved = ReadSmallFile(outbox_->path());
      if (!saved.empty() && !core_.LoadOutbox(saved)) {
        g_warning("chat-gtk: some entries of %s were unreadable and dropped",
                  outbox_->path().c_str());
      }
    }
    core_.Start(options_, NowMs());
    Rearm();
  }

  void Quit(std::function<void()> done) {
    quit_done_ = std::move(done);
    core_.GoOffline();  // QUIT, then Disconnect() hands quit_done_ to the Connection
    // Not connected: nothing to flush.
    if (quit_done_) connection_.Close(std::exchange(quit_done_, nullptr));
  }

  void TrustCertificate(const std::string& fingerprint, bool always) {
    if (always) trust_.Pin(Connection::HostPort(address_), fingerprint);
    connection_.TrustOnce(fingerprint);
    core_.Start(options_, NowMs());
    Rearm();
  }

  // --- chat::client::Host: I/O.
  void Connect() override {
    if (!loopback_) return connection_.Open();
    Glib::signal_idle().connect_once([this, alive = std::weak_ptr<bool>(alive_)] {
      if (alive.expired()) return;
      core_.OnConnected(NowMs());
      Rearm();
    });
  }
  void SendLine(std::string_view line) override {
    if (!loopback_) connection_.Send(line);
    Later(nullptr);
  }
  void Disconnect() override { connection_.Close(std::exchange(quit_done_, nullptr)); }
  void SaveOutbox(const std::string& data) override {
    if (outbox_) outbox_->Write(data);
  }
  std::string NewLabel() override {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::uniform_int_distribution<int> pick(0, sizeof(kAlphabet) - 2);
    std::string label(24, 'x');
    for (char& c : label) c = kAlphabet[pick(rng_)];
    return label;
  }

  // --- chat::client::Host: notifications. Forwarded from an idle callback so
  // that signal handlers may call any Core method (no re-entrancy).
  void OnStateChanged(chat::client::ConnState state) override {
    Later([this, state] { owner_->signal_state.emit(state); });
  }
  void OnProblem(chat::client::Problem problem, std::string_view subject,
                 std::string_view human) override {
    Later([this, problem, s = std::string(subject), h = std::string(human)] {
      owner_->signal_problem.emit(problem, s, h);
    });
  }
  void OnConversationsChanged() override {
    Later([this] { owner_->signal_conversations.emit(); });
  }
  void OnLinesChanged(std::string_view key) override {
    Later([this, k = std::string(key)] { owner_->signal_lines.emit(k); });
  }
  void OnMembersChanged(std::string_view key) override {
    Later([this, k = std::string(key)] { owner_->signal_members.emit(k); });
  }
  void OnTypingChanged(std::string_view key) override {
    Later([this, k = std::string(key)] { owner_->signal_typing.emit(k); });
  }
  void OnChannelList(const std::vector<chat::client::ChannelListEntry>& entries) override {
    Later([this, entries] { owner_->signal_channel_list.emit(entries); });
  }
  void OnNotify(std::string_view key, const chat::client::ChatLine& line) override {
    Later([this, k = std::string(key), line] { owner_->signal_notify.emit(k, line); });
  }
  void OnFileToken(std::string_view token, int64_t expires_s, std::string_view error) override {
    Later([this, t = std::string(token), expires_s, e = std::string(error)] {
      owner_->signal_file_token.emit(t, expires_s, e);
    });
  }

  void Feed(std::string_view bytes) {
    core_.OnData(bytes, NowMs());
    Rearm();
  }

  Session* owner_;
  bool loopback_ = false;
  ServerAddress address_;
  std::string profile_dir_;
  TrustStore trust_;
  Connection connection_;  // declared before core_: the core may use it while dying
  chat::client::Core core_;

 private:
  Connection::Events MakeEvents() {
    Connection::Events events;
    events.connected = [this] {
      core_.OnConnected(NowMs());
      Rearm();
    };
    events.data = [this](std::string_view bytes) {
      core_.OnData(bytes, NowMs());
      Rearm();
    };
    events.connect_failed = [this](const std::string& reason) {
      core_.OnConnectFailed(reason, NowMs());
      Rearm();
    };
    events.disconnected = [this](const std::string& reason) {
      core_.OnDisconnected(reason, NowMs());
      Rearm();
    };
    events.certificate_refused = [this](const CertificateProblem& problem) {
      // Retrying cannot help until the user decides: stop and ask.
      core_.GoOffline();
      Rearm();
      Later([this, problem] { owner_->signal_certificate.emit(problem); });
    };
    return events;
  }

  // Queues a notification (or just a timer re-arm when `fn` is null) for the
  // next main-loop iteration.
  void Later(std::function<void()> fn) {
    if (fn) pending_.push_back(std::move(fn));
    if (!idle_.connected()) {
      idle_ = Glib::signal_idle().connect(
          [this] {
            Drain();
            return false;
          },
          Glib::PRIORITY_DEFAULT);
    }
  }

  void Drain() {
    idle_ = sigc::connection();
    std::weak_ptr<bool> alive = alive_;
    std::deque<std::function<void()>> batch;
    batch.swap(pending_);
    for (auto& fn : batch) {
      fn();
      if (alive.expired() || !*alive.lock()) return;  // a handler destroyed the Session
    }
    Rearm();
  }

  // Arms the single timer at the core's next deadline.
  void Rearm() {
    timer_.disconnect();
    int64_t wake = core_.NextWakeMs();
    if (wake == INT64_MAX) return;
    int64_t delay = std::clamp<int64_t>(wake - NowMs(), 0, 3600 * 1000);
    timer_ = Glib::signal_timeout().connect(
        [this] {
          timer_ = sigc::connection();
          core_.Tick(NowMs());
          Rearm();
          return false;
        },
        static_cast<unsigned>(delay));
  }

  chat::client::LoginOptions options_;
  std::function<void()> quit_done_;  // Quit()'s callback until Disconnect() takes it
  std::unique_ptr<FileWriter> outbox_;
  std::mt19937_64 rng_;
  std::deque<std::function<void()>> pending_;
  sigc::connection idle_;
  sigc::connection timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

Session::Session(ServerAddress address, std::string profile_dir)
    : impl_(std::make_unique<Impl>(this, std::move(address), std::move(profile_dir))) {}

Session::~Session() = default;

std::unique_ptr<Session> Session::CreateLoopback(std::string profile_dir) {
  auto session = std::make_unique<Session>(ServerAddress(), std::move(profile_dir));
  session->impl_->loopback_ = true;
  return session;
}

void Session::Feed(std::string_view bytes) {
  if (impl_->loopback_) impl_->Feed(bytes);
}

void Session::Start(const chat::client::LoginOptions& options) { impl_->Start(options); }

void Session::TrustCertificate(const std::string& fingerprint, bool always) {
  impl_->TrustCertificate(fingerprint, always);
}

void Session::Quit(std::function<void()> done) { impl_->Quit(std::move(done)); }

chat::client::Core& Session::core() { return impl_->core_; }

const ServerAddress& Session::address() const { return impl_->address_; }

bool Session::TrustsCertificate(const std::string& fingerprint) const {
  if (fingerprint.empty()) return false;
  return impl_->trust_.Lookup(Connection::HostPort(impl_->address_)) == fingerprint ||
         impl_->connection_.TrustedOnce(fingerprint);
}

const std::string& Session::profile_dir() const { return impl_->profile_dir_; }

}  // namespace chatgtk
