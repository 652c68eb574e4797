// Client: sending to one client, labeled-response capture, quitting and the
// flood penalty clock.
#include "chatd/irc/client.h"

#include <event2/event.h>

#include <chrono>

#include "chatd/irc/account_sessions.h"
#include "chatd/irc/channel.h"
#include "chatd/core/log.h"
#include "chatd/core/server.h"
#include "chatd/irc/session.h"

namespace chatd {

using chat::irc::Message;

static int64_t MonotonicMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Client::Client(Server* server, uint64_t id, std::unique_ptr<Peer> peer, bool flood_exempt)
    : server_(server), id_(id), peer_(std::move(peer)), flood_exempt_(flood_exempt) {
  // An IPv6 host like "::1" would read as a trailing parameter: "0::1".
  host_ = peer_->address()[0] == ':' ? "0" + peer_->address() : peer_->address();
  address_ = peer_->address();
  tls_ = peer_->is_tls();
  signon_ = last_message_ = last_input_ = time(nullptr);
  guest_key_ = "~" + server_->run_id() + "." + std::to_string(id_);
  peer_->SetHandler(this);
}

Client::~Client() {
  if (resume_ != nullptr) event_free(resume_);
  if (peer_ != nullptr) peer_->CloseAfterFlush();
  (void)peer_.release();  // CloseAfterFlush made it own itself
}

const std::string& Client::target_nick() const {
  static const std::string star = "*";
  return nick_.empty() ? star : nick_;
}

void Client::WriteLine(const std::string& line) {
  if (peer_ != nullptr && !closing_) peer_->Write(line);
}

void Client::Send(const Message& msg) {
  if (closing_) return;
  if (has(kCapServerTime) && msg.FindTag("time") == nullptr) {
    // server-time: "servers SHOULD add the time tag to all messages".
    Message stamped = msg;
    stamped.SetTag("time", ServerTimeNow());
    Send(stamped);
    return;
  }
  if (capturing_) {
    captured_.push_back(msg);
    return;
  }
  WriteLine(SerializeFor(msg, caps_));
}

void Client::SendFanout(Outgoing& out) {
  if (capturing_) {
    Send(out.message());
  } else {
    WriteLine(out.For(caps_));
  }
}

void Client::Deliver(Outgoing& out, const Client* except, CapSet required, CapSet without) {
  auto one = [&](Client* s) {
    if (s == except || s->closing_) return;
    if ((s->caps_ & required) != required || (s->caps_ & without) != 0) return;
    s->SendFanout(out);
  };
  one(this);
  for (Client* s : attached_) one(s);
}

void Client::Numeric(chat::irc::Numeric n, std::initializer_list<std::string_view> params) {
  Message m;
  m.source = server_->name();
  m.command = chat::irc::NumericCode(n);
  m.params.reserve(params.size() + 1);
  m.params.push_back(target_nick());
  for (auto p : params) m.params.emplace_back(p);
  Send(m);
}

void Client::ServerMessage(std::string_view command, std::initializer_list<std::string_view> params) {
  Message m;
  m.source = server_->name();
  m.command = std::string(command);
  for (auto p : params) m.params.emplace_back(p);
  Send(m);
}

void Client::StandardReply(std::string_view type, std::string_view cmd, std::string_view code,
                           std::initializer_list<std::string_view> context,
                           std::string_view description) {
  Message m;
  m.source = server_->name();
  m.command = std::string(type);
  m.params.emplace_back(cmd);
  m.params.emplace_back(code);
  for (auto p : context) m.params.emplace_back(p);
  m.params.emplace_back(description);
  Send(m);
}

void Client::BeginLabel(const std::string* label) {
  if (label == nullptr || !has(kCapLabeledResponse)) return;
  capturing_ = true;
  label_ = *label;
  captured_.clear();
}

void Client::EndLabel() {
  if (!capturing_) return;
  capturing_ = false;
  std::vector<Message> msgs = std::move(captured_);
  captured_.clear();
  if (closing_) return;
  if (msgs.empty()) {
    Message ack;
    ack.source = server_->name();
    ack.command = "ACK";
    ack.SetTag("label", label_);
    Send(ack);
  } else if (msgs.size() == 1) {
    msgs[0].SetTag("label", label_);
    Send(msgs[0]);
  } else {
    std::string ref = "L" + std::to_string(server_->NextId());
    Message start;
    start.source = server_->name();
    start.command = "BATCH";
    start.params = {"+" + ref, "labeled-response"};
    start.SetTag("label", label_);
    Send(start);
    for (auto& m : msgs) {
      if (m.FindTag("batch") == nullptr) m.SetTag("batch", ref);
      Send(m);
    }
    Message end;
    end.source = server_->name();
    end.command = "BATCH";
    end.params = {"-" + ref};
    Send(end);
  }
}

void Client::Quit(const std::string& reason, bool send_error) {
  if (closing_) return;
  capturing_ = false;
  if (registered_ && (!is_front() || has_attached())) {
    // Another session of the user stays: this one only detaches, and
    // nobody else sees anything (doc/protocol.md "Account sessions").
    DetachSession(*server_, *this);
  } else if (registered_) {
    Message quit = MakeEvent(prefix(), "QUIT", {reason});
    Outgoing out(quit);
    std::set<Client*> told{this};
    for (Channel* ch : channels_) {
      for (auto& [member, flags] : ch->members()) {
        if (told.insert(member).second) member->Deliver(out);
      }
    }
    server_->RememberNick(this);
    server_->NotifyMonitors(nick_, prefix(), false);
    AccountOffline(*server_, *this);
  }
  if (send_error) WriteLine("ERROR :Closing link: (" + user_ + "@" + host_ + ") [" + reason + "]\r\n");
  closing_ = true;
  LOG_INFO("client %llu [%s] %s quit: %s", static_cast<unsigned long long>(id_), address_.c_str(),
           nick_.empty() ? "*" : nick_.c_str(), reason.c_str());
  peer_->CloseAfterFlush();
  (void)peer_.release();
  server_->RemoveClient(this);
}

void Client::OnPeerLost(const std::string& reason) { Quit(reason, false); }

void Client::ChargePenalty(int units) {
  if (flood_exempt_ || units <= 0) return;
  int64_t now = MonotonicMs();
  penalty_until_ms_ = std::max(penalty_until_ms_, now) + int64_t{units} * server_->config().penalty_ms;
}

bool Client::ReadyForLines() {
  if (closing_) return false;
  if (flood_exempt_) return true;
  int64_t ahead = penalty_until_ms_ - MonotonicMs() - server_->config().burst_ms;
  if (ahead <= 0) return true;
  if (resume_ == nullptr) resume_ = evtimer_new(server_->base(), &Client::ResumeCb, this);
  if (!evtimer_pending(resume_, nullptr)) {
    timeval tv{static_cast<time_t>(ahead / 1000), static_cast<suseconds_t>((ahead % 1000) * 1000)};
    evtimer_add(resume_, &tv);
  }
  return false;
}

void Client::ResumeCb(int, short, void* arg) noexcept {
  auto* self = static_cast<Client*>(arg);
  if (!self->closing_ && self->peer_ != nullptr) self->peer_->ResumeLines();
}

void Client::Tick(time_t now) {
  const Config& cfg = server_->config();
  if (!registered_) {
    // Whole seconds and a 1 s tick: ">" so nobody is cut off before the full timeout.
    if (now - signon_ > cfg.registration_timeout_s) Quit("Registration timed out");
    return;
  }
  time_t idle = now - last_input_;
  if (ping_sent_ && idle > cfg.ping_interval_s + cfg.ping_timeout_s) {
    Quit("Ping timeout: " + std::to_string(idle) + " seconds");
  } else if (!ping_sent_ && idle > cfg.ping_interval_s) {
    ping_sent_ = true;
    WriteLine("PING :" + server_->name() + "\r\n");
  }
}

}  // namespace chatd
