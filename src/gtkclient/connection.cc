// GIO transport: async connect (TCP, optional TLS with pinning), read loop,
// serialized writes, flush-then-close.
#include "gtkclient/connection.h"

#include <glibmm.h>

#include <optional>

namespace chatgtk {

struct Connection::Link {
  Connection* owner = nullptr;  // null once closed: nothing is reported any more
  Glib::RefPtr<Gio::Cancellable> cancel = Gio::Cancellable::create();  // connect and reads
  Glib::RefPtr<Gio::SocketClient> client;
  Glib::RefPtr<Gio::SocketConnection> stream;
  sigc::connection timeout;
  std::string out;  // bytes not yet handed to GIO
  bool reading = false;
  bool writing = false;
  bool closing = false;
  bool timed_out = false;
  std::optional<CertificateProblem> certificate;  // why the handshake refused
  std::function<void()> flushed;  // Close(flushed): runs once, when the link is done

  ~Link() {
    timeout.disconnect();
    // The last async operation let go of the link without a close (no
    // stream): report from the loop, as this may run inside Close().
    if (flushed) Glib::signal_idle().connect_once(std::move(flushed));
  }

  void Flushed() {
    if (!flushed) return;
    auto fn = std::move(flushed);
    flushed = nullptr;
    fn();
  }

  // A detached link closes its stream once the last queued bytes are out and
  // the cancelled read has come back (GIO refuses to close with an
  // operation pending).
  static void MaybeFinish(const std::shared_ptr<Link>& link) {
    if (link->owner || link->reading || link->writing || !link->out.empty() ||
        !link->stream || link->closing) {
      return;
    }
    link->closing = true;
    auto stream = link->stream;
    stream->close_async([link, stream](Glib::RefPtr<Gio::AsyncResult>& result) {
      try {
        stream->close_finish(result);
      } catch (const Glib::Error&) {
        // Closing a dead connection: nothing to tell anyone.
      }
      link->Flushed();
    });
  }
};

Connection::Connection(ServerAddress address, TrustStore* trust, Events events)
    : address_(std::move(address)), trust_(trust), events_(std::move(events)) {}

Connection::~Connection() { Close(); }

void Connection::Open() {
  Close();
  auto link = std::make_shared<Link>();
  link->owner = this;
  link_ = link;
  link->client = Gio::SocketClient::create();
  link->client->set_tls(address_.tls);
  std::weak_ptr<Link> weak = link;
  if (address_.tls) {
    // The handshake's certificate check: see the header for the policy.
    link->client->signal_event().connect(
        [weak](Gio::SocketClientEvent event, const Glib::RefPtr<Gio::SocketConnectable>&,
               const Glib::RefPtr<Gio::IOStream>& io) {
          if (event != Gio::SocketClientEvent::TLS_HANDSHAKING) return;
          auto tls = std::dynamic_pointer_cast<Gio::TlsConnection>(io);
          if (!tls) return;
          tls->signal_accept_certificate().connect(
              [weak](const Glib::RefPtr<const Gio::TlsCertificate>& cert,
                     Gio::TlsCertificateFlags errors) -> bool {
                auto link = weak.lock();
                if (!link || !link->owner) return false;
                return link->owner->Accept(*link, cert, errors);
              },
              false);
        });
  }
  link->timeout = Glib::signal_timeout().connect_seconds(
      [weak] {
        if (auto link = weak.lock()) {
          link->timed_out = true;
          link->cancel->cancel();
        }
        return false;
      },
      kConnectTimeoutSeconds);
  auto address = Gio::NetworkAddress::create(address_.host, static_cast<guint16>(address_.port));
  link->client->connect_async(address, link->cancel,
                              [link](Glib::RefPtr<Gio::AsyncResult>& result) {
                                if (link->owner) {
                                  link->owner->OnConnectDone(link, result);
                                } else {
                                  // Closed meanwhile: finish so GIO drops the socket.
                                  try {
                                    link->client->connect_finish(result);
                                  } catch (const Glib::Error&) {
                                  }
                                }
                              });
}

void Connection::OnConnectDone(const std::shared_ptr<Link>& link,
                               Glib::RefPtr<Gio::AsyncResult>& result) {
  link->timeout.disconnect();
  std::string error;
  try {
    link->stream = link->client->connect_finish(result);
  } catch (const Glib::Error& e) {
    error = e.what();
  }
  if (!link->stream) {
    link->owner = nullptr;
    link_.reset();
    if (link->certificate) {
      events_.certificate_refused(*link->certificate);
      return;
    }
    if (link->timed_out) {
      error = "no answer within " + std::to_string(kConnectTimeoutSeconds) + " seconds";
    } else if (address_.tls && error.find("TLS") != std::string::npos) {
      error += " (is TLS enabled on that port?)";
    } else {
      // GIO says "Could not connect to HOST: why"; keep only the why.
      std::size_t colon = error.rfind(": ");
      if (error.rfind("Could not connect", 0) == 0 && colon != std::string::npos) {
        error = error.substr(colon + 2);
      }
    }
    events_.connect_failed("Could not connect to " + HostPort(address_) + ": " + error);
    return;
  }
  ReadMore(link);
  events_.connected();
}

void Connection::ReadMore(const std::shared_ptr<Link>& link) {
  link->reading = true;
  auto input = link->stream->get_input_stream();
  input->read_bytes_async(
      16384,
      [link, input](Glib::RefPtr<Gio::AsyncResult>& result) {
        link->reading = false;
        Glib::RefPtr<Glib::Bytes> bytes;
        std::string error;
        try {
          bytes = input->read_bytes_finish(result);
        } catch (const Glib::Error& e) {
          error = e.what();
        }
        Connection* owner = link->owner;
        if (!owner) {
          Link::MaybeFinish(link);
          return;
        }
        gsize size = 0;
        const void* data = bytes ? bytes->get_data(size) : nullptr;
        if (!bytes) {
          owner->Fail("Connection lost: " + error);
        } else if (size == 0) {
          owner->Fail("The server closed the connection");
        } else {
          // Read on before reporting: the callback may close or destroy us.
          owner->ReadMore(link);
          owner->events_.data(std::string_view(static_cast<const char*>(data), size));
        }
      },
      link->cancel);
}

void Connection::WriteMore(const std::shared_ptr<Link>& link) {
  if (link->writing || !link->stream || link->closing) return;
  if (link->out.empty()) {
    Link::MaybeFinish(link);
    return;
  }
  // The buffer must outlive the operation: the slot owns it.
  auto buffer = std::make_shared<std::string>(std::move(link->out));
  link->out.clear();
  link->writing = true;
  auto output = link->stream->get_output_stream();
  output->write_all_async(buffer->data(), buffer->size(),
                          [link, output, buffer](Glib::RefPtr<Gio::AsyncResult>& result) {
                            link->writing = false;
                            gsize written = 0;
                            try {
                              output->write_all_finish(result, written);
                            } catch (const Glib::Error& e) {
                              link->out.clear();
                              if (link->owner) {
                                link->owner->Fail(std::string("Connection lost: ") + e.what());
                              } else {
                                Link::MaybeFinish(link);
                              }
                              return;
                            }
                            WriteMore(link);
                          });
}

void Connection::Send(std::string_view bytes) {
  if (!link_ || !link_->stream) return;
  link_->out.append(bytes);
  WriteMore(link_);
}

void Connection::Close(std::function<void()> flushed) {
  if (!link_) {
    if (flushed) Glib::signal_idle().connect_once(std::move(flushed));
    return;
  }
  auto link = std::move(link_);
  link_.reset();
  link->owner = nullptr;
  link->flushed = std::move(flushed);
  link->timeout.disconnect();
  link->cancel->cancel();  // connect or read; queued writes still go out
  Link::MaybeFinish(link);
}

void Connection::Fail(const std::string& reason) {
  Close();
  events_.disconnected(reason);
}

void Connection::TrustOnce(const std::string& fingerprint) { trusted_once_.insert(fingerprint); }

bool Connection::Accept(Link& link, const Glib::RefPtr<const Gio::TlsCertificate>& cert,
                        Gio::TlsCertificateFlags errors) {
  GByteArray* der = nullptr;
  g_object_get(G_OBJECT(const_cast<GTlsCertificate*>(cert->gobj())), "certificate", &der,
               nullptr);
  std::string fingerprint = der ? Fingerprint(der->data, der->len) : "";
  if (der) g_byte_array_unref(der);
  std::string host_port = HostPort(address_);
  std::string pinned = trust_->Lookup(host_port);
  if (!fingerprint.empty() && (fingerprint == pinned || trusted_once_.count(fingerprint))) {
    return true;
  }
  CertificateProblem problem;
  problem.host = host_port;
  problem.fingerprint = fingerprint;
  problem.old_fingerprint = pinned;
  problem.reason = DescribeErrors(errors);
  link.certificate = problem;
  return false;
}

std::string Connection::HostPort(const ServerAddress& address) {
  bool ipv6 = address.host.find(':') != std::string::npos;
  return (ipv6 ? "[" + address.host + "]" : address.host) + ":" + std::to_string(address.port);
}

std::string Connection::Fingerprint(const unsigned char* der, std::size_t size) {
  Glib::Checksum sum(Glib::Checksum::Type::SHA256);
  sum.update(der, size);
  std::string hex = sum.get_string();
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    if (!out.empty()) out += ':';
    out += static_cast<char>(g_ascii_toupper(hex[i]));
    out += static_cast<char>(g_ascii_toupper(hex[i + 1]));
  }
  return out;
}

std::string Connection::DescribeErrors(Gio::TlsCertificateFlags errors) {
  using F = Gio::TlsCertificateFlags;
  static const std::pair<F, const char*> kTexts[] = {
      {F::UNKNOWN_CA, "it is not signed by a known authority (it may be self-signed)"},
      {F::BAD_IDENTITY, "it was issued for a different server name"},
      {F::NOT_ACTIVATED, "it is not valid yet"},
      {F::EXPIRED, "it has expired"},
      {F::REVOKED, "it has been revoked"},
      {F::INSECURE, "it uses an insecure algorithm"},
      {F::GENERIC_ERROR, "it could not be verified"},
  };
  std::string text;
  for (const auto& [flag, phrase] : kTexts) {
    if ((errors & flag) != F::NO_FLAGS) {
      if (!text.empty()) text += "; ";
      text += phrase;
    }
  }
  return text.empty() ? "it is not trusted" : text;
}

}  // namespace chatgtk
