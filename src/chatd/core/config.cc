// Loading and validating chatd.conf (config.h): TOML via toml++, checked key
// by key against the Config struct. The only file that includes toml++.
#include "chatd/core/config.h"

#include "libchat/message.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include <toml++/toml.h>

#include "chatd/core/log.h"

namespace chatd {
namespace {

constexpr int64_t kMaxCount = 1000000;

// Bytes a reply line may spend on a length-limited field: the 512-byte line
// (RFC 1459 §2.3) minus room for the prefix, numeric and target.
constexpr int64_t kMaxTextLen = 400;

// Collects errors while walking the document; reports the earliest by line
// so the operator sees the first problem in the file, not in key order.
class Loader {
 public:
  explicit Loader(const std::string& path) : path_(path) {}

  chat::Status Load(const toml::table& root, Config* cfg);

 private:
  struct Error {
    uint32_t line;  // 0: unknown
    std::string text;
  };

  void Fail(uint32_t line, std::string text) { errors_.push_back({line, std::move(text)}); }
  void Fail(const toml::node& node, std::string text) {
    Fail(node.source().begin.line, std::move(text));
  }
  static uint32_t LineOf(const toml::key& key, const toml::node& node) {
    uint32_t line = key.source().begin.line;
    return line != 0 ? line : node.source().begin.line;
  }

  // Typed getters: on a type or range error record it and return false.
  // `name` is "section.key" for messages.
  bool GetString(const toml::node& node, const std::string& name, std::string* out);
  bool GetBool(const toml::node& node, const std::string& name, bool* out);
  bool GetInt(const toml::node& node, const std::string& name, int64_t min, int64_t max,
              int64_t* out);
  template <typename T>
  bool GetNumber(const toml::node& node, const std::string& name, int64_t min, int64_t max,
                 T* out) {
    int64_t v = 0;
    if (!GetInt(node, name, min, max, &v)) return false;
    *out = static_cast<T>(v);
    return true;
  }
  bool GetStringArray(const toml::node& node, const std::string& name,
                      std::vector<std::string>* out);
  // A string without CR, LF or NUL (anything else is the operator's choice).
  bool GetText(const toml::node& node, const std::string& name, std::string* out);

  void UnknownKey(const toml::key& key, const toml::node& node, const char* where);

  void Server(const toml::table& t, Config* cfg);
  void Channels(const toml::table& t, Config* cfg);
  void Listen(const toml::table& t, Config* cfg);
  void Tls(const toml::table& t, Config* cfg);
  void Limits(const toml::table& t, Config* cfg);
  void Flood(const toml::table& t, Config* cfg);
  void LogSection(const toml::table& t, Config* cfg);
  void Store(const toml::table& t, Config* cfg);
  void Accounts(const toml::table& t, Config* cfg);
  void History(const toml::table& t, Config* cfg);
  void ControlSection(const toml::table& t, Config* cfg);
  void Http(const toml::table& t, Config* cfg);
  // [http] public_base_url's default, from the listeners (config.h).
  static void DefaultBaseUrl(Config* cfg);
  void Files(const toml::table& t, Config* cfg);

  std::string Message(uint32_t line, const std::string& text) const {
    if (line == 0) return path_ + ": " + text;
    return path_ + ":" + std::to_string(line) + ": " + text;
  }

  const std::string path_;
  std::vector<Error> errors_;
  bool have_name_ = false;
  bool have_data_dir_ = false;
  uint32_t first_tls_listener_line_ = 0;
  std::set<std::pair<std::string, uint16_t>> listen_seen_;
};

bool Loader::GetString(const toml::node& node, const std::string& name, std::string* out) {
  const toml::value<std::string>* v = node.as_string();
  if (v == nullptr) {
    Fail(node, name + " must be a string");
    return false;
  }
  *out = v->get();
  return true;
}

bool Loader::GetText(const toml::node& node, const std::string& name, std::string* out) {
  std::string s;
  if (!GetString(node, name, &s)) return false;
  if (s.find_first_of(std::string("\r\n\0", 3)) != std::string::npos) {
    Fail(node, name + " must not contain CR, LF or NUL");
    return false;
  }
  *out = std::move(s);
  return true;
}

bool Loader::GetBool(const toml::node& node, const std::string& name, bool* out) {
  const toml::value<bool>* v = node.as_boolean();
  if (v == nullptr) {
    Fail(node, name + " must be true or false");
    return false;
  }
  *out = v->get();
  return true;
}

bool Loader::GetInt(const toml::node& node, const std::string& name, int64_t min, int64_t max,
                    int64_t* out) {
  const toml::value<int64_t>* v = node.as_integer();
  if (v == nullptr) {
    Fail(node, name + " must be an integer");
    return false;
  }
  int64_t n = v->get();
  if (n < min || n > max) {
    Fail(node, name + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   " (got " + std::to_string(n) + ")");
    return false;
  }
  *out = n;
  return true;
}

bool Loader::GetStringArray(const toml::node& node, const std::string& name,
                            std::vector<std::string>* out) {
  const toml::array* a = node.as_array();
  if (a == nullptr) {
    Fail(node, name + " must be an array of strings");
    return false;
  }
  std::vector<std::string> items;
  for (const toml::node& item : *a) {
    const toml::value<std::string>* s = item.as_string();
    if (s == nullptr) {
      Fail(item.source().begin.line != 0 ? item.source().begin.line : node.source().begin.line,
           name + " must be an array of strings");
      return false;
    }
    items.push_back(s->get());
  }
  *out = std::move(items);
  return true;
}

void Loader::UnknownKey(const toml::key& key, const toml::node& node, const char* where) {
  Fail(LineOf(key, node), "unknown key '" + std::string(key.str()) + "' in " + where);
}

// Hostname-like: letters, digits, '-' and '.', not starting with '-' or '.',
// at most 63 bytes (the server name field limit of RFC 2812 §1.1).
bool IsServerName(const std::string& s) {
  if (s.empty() || s.size() > 63 || s[0] == '-' || s[0] == '.') return false;
  for (unsigned char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

// Printable, no spaces: sent as a token (ISUPPORT NETWORK=).
bool IsToken(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == 0x7f) return false;
  }
  return true;
}

void Loader::Server(const toml::table& t, Config* cfg) {
  const toml::node* group_node = nullptr;
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "name") {
      if (GetString(node, "server.name", &cfg->server_name)) {
        have_name_ = true;
        if (!IsServerName(cfg->server_name)) {
          Fail(node, "server.name must be a hostname-like name (letters, digits, '-', '.'; "
                     "at most 63 characters)");
        }
      }
    } else if (k == "network") {
      if (GetString(node, "server.network", &cfg->network) && !IsToken(cfg->network)) {
        Fail(node, "server.network must be 1 to 64 printable characters without spaces");
      }
    } else if (k == "data_dir") {
      if (GetString(node, "server.data_dir", &cfg->data_dir)) {
        have_data_dir_ = true;
        if (cfg->data_dir.empty()) Fail(node, "server.data_dir must not be empty");
      }
    } else if (k == "motd_file") {
      (void)GetString(node, "server.motd_file", &cfg->motd_file);
    } else if (k == "password") {
      (void)GetText(node, "server.password", &cfg->password);
    } else if (k == "description") {
      (void)GetText(node, "server.description", &cfg->description);
    } else if (k == "user") {
      (void)GetString(node, "server.user", &cfg->user);
    } else if (k == "group") {
      if (GetString(node, "server.group", &cfg->group)) group_node = &node;
    } else if (k == "pid_file") {
      (void)GetString(node, "server.pid_file", &cfg->pid_file);
    } else {
      UnknownKey(key, node, "[server]");
    }
  }
  if (group_node != nullptr && !cfg->group.empty() && cfg->user.empty()) {
    Fail(*group_node, "server.group is set but server.user is not: set both, or neither");
  }
}

void Loader::Channels(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "auto_join") {
      if (!GetStringArray(node, "channels.auto_join", &cfg->auto_join)) continue;
      for (const std::string& name : cfg->auto_join) {
        if (name.size() < 2 || name[0] != '#' ||
            name.find_first_of(std::string(" ,\a\r\n\0", 6)) != std::string::npos) {
          Fail(node, "channels.auto_join: '" + name +
                         "' is not a channel name (must start with '#'; no spaces or commas)");
          break;
        }
      }
    } else if (k == "register_on_create") {
      (void)GetBool(node, "channels.register_on_create", &cfg->register_on_create);
    } else {
      UnknownKey(key, node, "[channels]");
    }
  }
}

// Parses "host:port" as described in config.h. On failure sets *why.
bool ParseListenAddress(const std::string& address, std::string* host, uint16_t* port,
                        std::string* why) {
  std::string h;
  std::string p;
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    if (close == std::string::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      *why = "expected \"[IPv6]:port\"";
      return false;
    }
    h = address.substr(1, close - 1);
    p = address.substr(close + 2);
    in6_addr a6;
    if (inet_pton(AF_INET6, h.c_str(), &a6) != 1) {
      *why = "'" + h + "' is not an IPv6 address";
      return false;
    }
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) {
      *why = "expected \"host:port\"";
      return false;
    }
    h = address.substr(0, colon);
    p = address.substr(colon + 1);
    if (h.find(':') != std::string::npos) {
      *why = "IPv6 addresses must be in brackets, as in \"[::1]:6667\"";
      return false;
    }
    if (h == "*") {
      h.clear();
    } else {
      in_addr a4;
      if (inet_pton(AF_INET, h.c_str(), &a4) != 1) {
        *why = "'" + h + "' is not an IPv4 address (use \"*\" for any, brackets for IPv6)";
        return false;
      }
    }
  }
  if (p.empty() || p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) {
        return c >= '0' && c <= '9';
      })) {
    *why = "port '" + p + "' must be a number from 1 to 65535";
    return false;
  }
  unsigned long n = std::stoul(p);
  if (n < 1 || n > 65535) {
    *why = "port " + p + " must be from 1 to 65535";
    return false;
  }
  *host = h;
  *port = static_cast<uint16_t>(n);
  return true;
}

void Loader::Listen(const toml::table& t, Config* cfg) {
  ListenConfig lc;
  bool have_address = false;
  bool address_ok = false;
  uint32_t address_line = 0;
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "address") {
      if (!GetString(node, "listen.address", &lc.address)) continue;
      have_address = true;
      address_line = node.source().begin.line;
      std::string why;
      address_ok = ParseListenAddress(lc.address, &lc.host, &lc.port, &why);
      if (!address_ok) Fail(node, "listen.address \"" + lc.address + "\": " + why);
    } else if (k == "tls") {
      if (GetBool(node, "listen.tls", &lc.tls) && lc.tls && first_tls_listener_line_ == 0) {
        first_tls_listener_line_ = node.source().begin.line;
      }
    } else if (k == "protocol") {
      std::string proto;
      if (!GetString(node, "listen.protocol", &proto)) continue;
      if (proto == "irc") {
        lc.protocol = ListenConfig::Protocol::kIrc;
      } else if (proto == "http") {
        lc.protocol = ListenConfig::Protocol::kHttp;
      } else {
        Fail(node, "listen.protocol must be \"irc\" or \"http\" (got \"" + proto + "\")");
      }
    } else {
      UnknownKey(key, node, "[[listen]]");
    }
  }
  if (!have_address) {
    Fail(t, "[[listen]] address is required");
    return;
  }
  if (address_ok && !listen_seen_.insert({lc.host, lc.port}).second) {
    Fail(address_line, "listen.address \"" + lc.address + "\" is listed twice");
  }
  cfg->listen.push_back(std::move(lc));
}

void Loader::Http(const toml::table& t, Config* cfg) {
  HttpConfig& h = cfg->http;
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "public_base_url") {
      std::string url;
      if (!GetText(node, "http.public_base_url", &url)) continue;
      while (!url.empty() && url.back() == '/') url.pop_back();
      bool scheme = url.rfind("https://", 0) == 0 || url.rfind("http://", 0) == 0;
      if (!scheme || url.find_first_of(" \t?#") != std::string::npos ||
          url.size() <= std::string_view(url.rfind("https://", 0) == 0 ? "https://" : "http://").size()) {
        Fail(node, "http.public_base_url must be an absolute http(s) URL without query, e.g. "
                   "\"https://chat.example.org:8443\"");
        continue;
      }
      h.public_base_url = url;
    } else if (k == "header_timeout") {
      (void)GetNumber(node, "http.header_timeout", 1, 3600, &h.header_timeout_s);
    } else if (k == "body_idle_timeout") {
      (void)GetNumber(node, "http.body_idle_timeout", 1, 3600, &h.body_idle_timeout_s);
    } else if (k == "keepalive_timeout") {
      (void)GetNumber(node, "http.keepalive_timeout", 1, 3600, &h.keepalive_timeout_s);
    } else if (k == "max_requests_per_connection") {
      (void)GetNumber(node, "http.max_requests_per_connection", 1, kMaxCount, &h.max_requests_per_connection);
    } else if (k == "max_header_bytes") {
      (void)GetNumber(node, "http.max_header_bytes", 1024, 65536, &h.max_header_bytes);
    } else if (k == "max_connections") {
      (void)GetNumber(node, "http.max_connections", 1, kMaxCount, &h.max_connections);
    } else if (k == "max_per_ip") {
      (void)GetNumber(node, "http.max_per_ip", 1, kMaxCount, &h.max_per_ip);
    } else if (k == "websocket_origins") {
      std::vector<std::string> origins;
      if (!GetStringArray(node, "http.websocket_origins", &origins)) continue;
      bool ok = true;
      for (const std::string& o : origins) {
        if (o != "*" && o.rfind("https://", 0) != 0 && o.rfind("http://", 0) != 0) {
          Fail(node, "http.websocket_origins: \"" + o + "\" is not an origin like \"https://chat.example.org\" or \"*\"");
          ok = false;
        }
      }
      if (!ok) continue;
      h.websocket_origins = std::move(origins);
      h.websocket_origins_set = true;
    } else if (k == "websocket_deflate") {
      (void)GetBool(node, "http.websocket_deflate", &h.websocket_deflate);
    } else if (k == "websocket_idle_timeout") {
      (void)GetNumber(node, "http.websocket_idle_timeout", 0, 86400, &h.websocket_idle_timeout_s);
    } else {
      UnknownKey(key, node, "[http]");
    }
  }
}

void Loader::DefaultBaseUrl(Config* cfg) {
  if (!cfg->http.public_base_url.empty()) return;
  const ListenConfig* pick = nullptr;
  for (const ListenConfig& l : cfg->listen) {
    if (l.protocol != ListenConfig::Protocol::kHttp) continue;
    if (l.tls) {
      pick = &l;
      break;
    }
    if (pick == nullptr) pick = &l;
  }
  if (pick == nullptr) return;
  // A wildcard address is no name for clients: the server name is.
  bool wildcard = pick->host.empty() || pick->host == "0.0.0.0" || pick->host == "::";
  std::string host = wildcard ? cfg->server_name
                              : (pick->host.find(':') != std::string::npos ? "[" + pick->host + "]" : pick->host);
  std::string url = (pick->tls ? "https://" : "http://") + host;
  if (pick->port != (pick->tls ? 443 : 80)) url += ":" + std::to_string(pick->port);
  cfg->http.public_base_url = url;
}

void Loader::Tls(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "certificate") {
      (void)GetString(node, "tls.certificate", &cfg->tls_certificate);
    } else if (k == "key") {
      (void)GetString(node, "tls.key", &cfg->tls_key);
    } else if (k == "groups") {
      (void)GetString(node, "tls.groups", &cfg->tls_groups);
    } else {
      UnknownKey(key, node, "[tls]");
    }
  }
}

void Loader::Limits(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "max_clients") {
      (void)GetNumber(node, "limits.max_clients", 1, kMaxCount, &cfg->max_clients);
    } else if (k == "max_per_ip") {
      (void)GetNumber(node, "limits.max_per_ip", 1, kMaxCount, &cfg->max_per_ip);
    } else if (k == "sendq") {
      (void)GetNumber(node, "limits.sendq", 4096, int64_t{1} << 30, &cfg->sendq_bytes);
    } else if (k == "recvq") {
      // At least one longest legal line (tags + body), or valid clients would be cut off.
      (void)GetNumber(node, "limits.recvq", static_cast<int64_t>(chat::irc::kMaxLineBytes), int64_t{16} << 20,
                      &cfg->recvq_bytes);
    } else if (k == "registration_timeout") {
      (void)GetNumber(node, "limits.registration_timeout", 1, 3600,
                      &cfg->registration_timeout_s);
    } else if (k == "ping_interval") {
      (void)GetNumber(node, "limits.ping_interval", 1, 86400, &cfg->ping_interval_s);
    } else if (k == "ping_timeout") {
      (void)GetNumber(node, "limits.ping_timeout", 1, 86400, &cfg->ping_timeout_s);
    } else if (k == "nicklen") {
      (void)GetNumber(node, "limits.nicklen", 1, 64, &cfg->nicklen);
    } else if (k == "channellen") {
      (void)GetNumber(node, "limits.channellen", 2, 64, &cfg->channellen);
    } else if (k == "topiclen") {
      (void)GetNumber(node, "limits.topiclen", 1, kMaxTextLen, &cfg->topiclen);
    } else if (k == "kicklen") {
      (void)GetNumber(node, "limits.kicklen", 1, kMaxTextLen, &cfg->kicklen);
    } else if (k == "awaylen") {
      (void)GetNumber(node, "limits.awaylen", 1, kMaxTextLen, &cfg->awaylen);
    } else if (k == "maxtargets") {
      (void)GetNumber(node, "limits.maxtargets", 1, 100, &cfg->maxtargets);
    } else if (k == "max_channels") {
      (void)GetNumber(node, "limits.max_channels", 1, 10000, &cfg->max_channels);
    } else if (k == "monitor") {
      (void)GetNumber(node, "limits.monitor", 1, 10000, &cfg->monitor_max);
    } else if (k == "whowas") {
      (void)GetNumber(node, "limits.whowas", 0, kMaxCount, &cfg->whowas_max);
    } else if (k == "max_list") {
      (void)GetNumber(node, "limits.max_list", 1, 10000, &cfg->list_max_bans);
    } else {
      UnknownKey(key, node, "[limits]");
    }
  }
}

// Parses "addr" or "addr/prefix" into *out. On failure sets *why.
bool ParseCidr(const std::string& text, Cidr* out, std::string* why) {
  Cidr c;
  c.text = text;
  std::string addr = text;
  int prefix = -1;
  size_t slash = text.find('/');
  if (slash != std::string::npos) {
    addr = text.substr(0, slash);
    std::string p = text.substr(slash + 1);
    if (p.empty() || p.size() > 3 ||
        !std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
      *why = "prefix length '" + p + "' is not a number";
      return false;
    }
    prefix = std::stoi(p);
  }
  if (inet_pton(AF_INET, addr.c_str(), c.addr) == 1) {
    c.family = AF_INET;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.addr) == 1) {
    c.family = AF_INET6;
  } else {
    *why = "'" + addr + "' is not an IPv4 or IPv6 address";
    return false;
  }
  const int max = c.family == AF_INET ? 32 : 128;
  if (prefix < 0) prefix = max;
  if (prefix > max) {
    *why = "prefix length " + std::to_string(prefix) + " is larger than " + std::to_string(max);
    return false;
  }
  c.prefix = prefix;
  *out = std::move(c);
  return true;
}

void Loader::Flood(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "penalty_ms") {
      (void)GetNumber(node, "flood.penalty_ms", 0, 60000, &cfg->penalty_ms);
    } else if (k == "burst_ms") {
      (void)GetNumber(node, "flood.burst_ms", 0, 3600000, &cfg->burst_ms);
    } else if (k == "exempt") {
      std::vector<std::string> items;
      if (!GetStringArray(node, "flood.exempt", &items)) continue;
      cfg->flood_exempt.clear();
      for (const std::string& item : items) {
        Cidr c;
        std::string why;
        if (!ParseCidr(item, &c, &why)) {
          Fail(node, "flood.exempt \"" + item + "\": " + why);
          break;
        }
        cfg->flood_exempt.push_back(std::move(c));
      }
    } else {
      UnknownKey(key, node, "[flood]");
    }
  }
}

void Loader::Store(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "sync") {
      std::string mode;
      if (!GetString(node, "store.sync", &mode)) continue;
      if (mode != "commit" && mode != "interval") {
        Fail(node, "store.sync must be \"commit\" or \"interval\"");
      }
      cfg->sync_on_commit = mode == "commit";
    } else if (k == "sync_interval_ms") {
      (void)GetNumber(node, "store.sync_interval_ms", 10, 60000, &cfg->sync_interval_ms);
    } else if (k == "checkpoint_interval") {
      (void)GetNumber(node, "store.checkpoint_interval", 10, 86400, &cfg->checkpoint_interval_s);
    } else {
      UnknownKey(key, node, "[store]");
    }
  }
}

void Loader::Accounts(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "registration") {
      (void)GetBool(node, "accounts.registration", &cfg->registration_enabled);
    } else if (k == "email_required") {
      (void)GetBool(node, "accounts.email_required", &cfg->email_required);
    } else if (k == "scram_iterations") {
      (void)GetNumber(node, "accounts.scram_iterations", 4096, 1000000, &cfg->scram_iterations);
    } else if (k == "guests_register_channels") {
      (void)GetBool(node, "accounts.guests_register_channels", &cfg->guests_register_channels);
    } else if (k == "max_failures") {
      (void)GetNumber(node, "accounts.max_failures", 1, 1000, &cfg->auth_failures_before_throttle);
    } else if (k == "max_failures_per_ip") {
      (void)GetNumber(node, "accounts.max_failures_per_ip", 1, 100000, &cfg->auth_failures_per_ip);
    } else if (k == "throttle") {
      (void)GetNumber(node, "accounts.throttle", 1, 86400, &cfg->auth_throttle_s);
    } else if (k == "max_registrations_per_ip") {
      (void)GetNumber(node, "accounts.max_registrations_per_ip", 1, 1000000, &cfg->registrations_per_ip);
    } else if (k == "registration_window") {
      (void)GetNumber(node, "accounts.registration_window", 1, 604800, &cfg->registration_window_s);
    } else if (k == "admins") {
      (void)GetStringArray(node, "accounts.admins", &cfg->admins);
    } else if (k == "multiclient") {
      (void)GetBool(node, "accounts.multiclient", &cfg->multiclient);
    } else {
      UnknownKey(key, node, "[accounts]");
    }
  }
}

void Loader::History(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "enabled") {
      (void)GetBool(node, "history.enabled", &cfg->history_enabled);
    } else if (k == "max_age_days") {
      (void)GetNumber(node, "history.max_age_days", 0, 36500, &cfg->history_max_age_days);
    } else if (k == "max_messages") {
      (void)GetNumber(node, "history.max_messages", 0, int64_t{1} << 40, &cfg->history_max_per_target);
    } else if (k == "guest_retention") {
      (void)GetNumber(node, "history.guest_retention", 0, 86400, &cfg->guest_retention_s);
    } else if (k == "guest_max_messages") {
      (void)GetNumber(node, "history.guest_max_messages", 0, 1000000, &cfg->guest_max_messages);
    } else if (k == "chathistory_limit") {
      (void)GetNumber(node, "history.chathistory_limit", 1, 10000, &cfg->chathistory_limit);
    } else {
      UnknownKey(key, node, "[history]");
    }
  }
}

void Loader::Files(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "enabled") {
      (void)GetBool(node, "files.enabled", &cfg->files_enabled);
    } else if (k == "max_size") {
      (void)GetNumber(node, "files.max_size", 1, int64_t{1} << 50, &cfg->files_max_size);
    } else if (k == "quota_per_account") {
      (void)GetNumber(node, "files.quota_per_account", 0, int64_t{1} << 50, &cfg->files_quota);
    } else if (k == "guests_may_upload") {
      (void)GetBool(node, "files.guests_may_upload", &cfg->files_guests_may_upload);
    } else if (k == "retention_days") {
      (void)GetNumber(node, "files.retention_days", 0, 36500, &cfg->files_retention_days);
    } else if (k == "token_lifetime") {
      (void)GetNumber(node, "files.token_lifetime", 60, 366 * 86400, &cfg->files_token_lifetime_s);
    } else if (k == "link_lifetime") {
      (void)GetNumber(node, "files.link_lifetime", 10, 7 * 86400, &cfg->files_link_lifetime_s);
    } else if (k == "upload_expiry") {
      (void)GetNumber(node, "files.upload_expiry", 60, 30 * 86400, &cfg->files_upload_expiry_s);
    } else if (k == "isupport") {
      std::vector<std::string> names;
      if (!GetStringArray(node, "files.isupport", &names)) continue;
      bool ok = true;
      for (const auto& n : names) {
        if (n != "soju.im/FILEHOST" && n != "draft/FILEHOST") {
          Fail(node, "files.isupport: unknown name \"" + n + "\" (use \"soju.im/FILEHOST\" and/or \"draft/FILEHOST\")");
          ok = false;
        }
      }
      if (ok) cfg->files_isupport = names;
    } else {
      UnknownKey(key, node, "[files]");
    }
  }
}

// A group name as getgrnam takes it: not empty, no ':' or whitespace.
bool IsGroupName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (unsigned char c : s) {
    if (c <= ' ' || c == ':' || c == 0x7f) return false;
  }
  return true;
}

void Loader::ControlSection(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "socket") {
      (void)GetText(node, "control.socket", &cfg->control_socket);
    } else if (k == "group" || k == "admin_group") {
      std::string* out = k == "group" ? &cfg->control_group : &cfg->control_admin_group;
      const std::string name = "control." + std::string(k);
      if (GetString(node, name, out) && !IsGroupName(*out)) {
        Fail(node, name + " must be a group name (no spaces or ':')");
      }
    } else {
      UnknownKey(key, node, "[control]");
    }
  }
}

void Loader::LogSection(const toml::table& t, Config* cfg) {
  for (auto&& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "level") {
      LogLevel level;
      if (GetString(node, "log.level", &cfg->log_level) && !ParseLogLevel(cfg->log_level, &level)) {
        Fail(node, "log.level must be one of debug, info, notice, warning, error");
      }
    } else if (k == "target") {
      if (GetString(node, "log.target", &cfg->log_target) && cfg->log_target != "stderr" &&
          cfg->log_target != "syslog") {
        Fail(node, "log.target must be \"stderr\" or \"syslog\"");
      }
    } else if (k == "facility") {
      int code;
      if (GetString(node, "log.facility", &cfg->log_facility) &&
          !ParseLogFacility(cfg->log_facility, &code)) {
        Fail(node, "log.facility '" + cfg->log_facility +
                       "' is not a syslog facility (daemon, user, local0..local7, ...)");
      }
    } else {
      UnknownKey(key, node, "[log]");
    }
  }
}

// `p` made absolute against `base` (the config file's directory); empty stays empty.
std::string Resolve(const std::filesystem::path& base, const std::string& p) {
  if (p.empty()) return p;
  std::filesystem::path path(p);
  if (path.is_absolute()) return p;
  return (base / path).lexically_normal().string();
}

chat::Status Loader::Load(const toml::table& root, Config* cfg) {
  using Section = void (Loader::*)(const toml::table&, Config*);
  static const std::pair<std::string_view, Section> kSections[] = {
      {"server", &Loader::Server}, {"channels", &Loader::Channels}, {"tls", &Loader::Tls},
      {"limits", &Loader::Limits}, {"flood", &Loader::Flood},       {"log", &Loader::LogSection},
      {"store", &Loader::Store},   {"accounts", &Loader::Accounts}, {"history", &Loader::History},
      {"control", &Loader::ControlSection}, {"http", &Loader::Http},
      {"files", &Loader::Files},
  };
  bool have_listen = false;
  for (auto&& [key, node] : root) {
    const std::string_view k = key.str();
    if (k == "listen") {
      const toml::array* a = node.as_array();
      if (a != nullptr && a->empty()) continue;  // reported below as missing
      if (a == nullptr || !a->is_array_of_tables()) {
        Fail(LineOf(key, node), "listen must be an array of tables: write each as [[listen]]");
        continue;
      }
      for (const toml::node& item : *a) Listen(*item.as_table(), cfg);
      have_listen = true;
      continue;
    }
    auto it = std::find_if(std::begin(kSections), std::end(kSections),
                           [&](const auto& s) { return s.first == k; });
    if (it == std::end(kSections)) {
      if (node.is_table()) {
        Fail(LineOf(key, node), "unknown table [" + std::string(k) + "]");
      } else {
        Fail(LineOf(key, node), "unknown key '" + std::string(k) + "' at top level");
      }
      continue;
    }
    if (!node.is_table()) {
      Fail(LineOf(key, node), std::string(k) + " must be a table: write it as [" +
                                  std::string(k) + "]");
      continue;
    }
    (this->*(it->second))(*node.as_table(), cfg);
  }

  if (!have_name_) Fail(0, "[server] name is required");
  if (!have_data_dir_) Fail(0, "[server] data_dir is required");
  if (!have_listen) Fail(0, "at least one [[listen]] is required");
  if (first_tls_listener_line_ != 0) {
    if (cfg->tls_certificate.empty()) {
      Fail(first_tls_listener_line_,
           "listen.tls is true but [tls] certificate is not set");
    } else if (cfg->tls_key.empty()) {
      Fail(first_tls_listener_line_, "listen.tls is true but [tls] key is not set");
    }
  }

  if (!errors_.empty()) {
    // Earliest line first; errors without a line (missing keys) last.
    auto rank = [](const Error& e) {
      return e.line == 0 ? std::numeric_limits<uint32_t>::max() : e.line;
    };
    const Error& first = *std::min_element(
        errors_.begin(), errors_.end(),
        [&](const Error& a, const Error& b) { return rank(a) < rank(b); });
    return chat::Status::InvalidArgument(Message(first.line, first.text));
  }

  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path_, ec);
  std::filesystem::path base = ec ? std::filesystem::path(path_).parent_path()
                                  : abs.lexically_normal().parent_path();
  cfg->data_dir = Resolve(base, cfg->data_dir);
  cfg->motd_file = Resolve(base, cfg->motd_file);
  cfg->pid_file = Resolve(base, cfg->pid_file);
  cfg->tls_certificate = Resolve(base, cfg->tls_certificate);
  cfg->tls_key = Resolve(base, cfg->tls_key);
  cfg->control_socket = Resolve(base, cfg->control_socket);
  DefaultBaseUrl(cfg);
  if (!cfg->http.websocket_origins_set && !cfg->http.public_base_url.empty()) {
    // The origin of public_base_url: scheme://host[:port], without a path.
    const std::string& url = cfg->http.public_base_url;
    std::size_t slash = url.find('/', url.find("://") + 3);
    cfg->http.websocket_origins = {url.substr(0, slash)};
  }
  return chat::Status::OK();
}

}  // namespace

bool Cidr::Contains(int fam, const unsigned char* a) const {
  // An IPv4 client on a dual-stack IPv6 socket appears as ::ffff:a.b.c.d;
  // compare it in the family this network was written in.
  static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  unsigned char mapped[16];
  if (fam == AF_INET6 && family == AF_INET) {
    if (memcmp(a, kMapped, sizeof kMapped) != 0) return false;
    a += sizeof kMapped;
  } else if (fam == AF_INET && family == AF_INET6) {
    memcpy(mapped, kMapped, sizeof kMapped);
    memcpy(mapped + sizeof kMapped, a, 4);
    a = mapped;
  } else if (fam != family || (fam != AF_INET && fam != AF_INET6)) {
    return false;
  }
  const int full = prefix / 8;
  if (memcmp(addr, a, static_cast<size_t>(full)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (addr[full] & mask) == (a[full] & mask);
}

chat::Result<Config> ParseConfig(const std::string& text, const std::string& path) {
  try {
    toml::table root = toml::parse(text, path);
    Config cfg;
    cfg.path = path;
    Loader loader(path);
    chat::Status s = loader.Load(root, &cfg);
    if (!s.ok()) return s;
    return cfg;
  } catch (const toml::parse_error& e) {
    uint32_t line = e.source().begin.line;
    std::string where = line != 0 ? path + ":" + std::to_string(line) : path;
    return chat::Status::InvalidArgument(where + ": " + std::string(e.description()));
  } catch (const std::exception& e) {
    return chat::Status::InvalidArgument(path + ": " + e.what());
  }
}

chat::Result<Config> LoadConfig(const std::string& path) {
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return chat::Status::IOError(path + ": cannot open: " + strerror(errno));
  std::string text;
  char buf[8192];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const int err = ferror(f) ? errno : 0;
  fclose(f);
  if (err != 0) return chat::Status::IOError(path + ": cannot read: " + strerror(err));
  chat::Result<Config> r = ParseConfig(text, path);
  if (r.ok()) {
    // Absolute, so that a reload still finds the file after daemon() has
    // changed to "/". Messages above keep the path as the operator wrote it.
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(path, ec);
    if (!ec) r.value().path = abs.lexically_normal().string();
  }
  return r;
}

}  // namespace chatd
