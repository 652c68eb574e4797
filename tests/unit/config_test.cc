// Tests for config.h: defaults, the sample etc/chatd.conf, every class of
// error message, path resolution and Cidr::Contains.
#include "chatd/core/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "CppUTest/TestHarness.h"

namespace {

const char kMinimal[] =
    "[server]\n"
    "name = \"irc.test\"\n"
    "data_dir = \"/srv/chatd\"\n"
    "\n"
    "[[listen]]\n"
    "address = \"127.0.0.1:6667\"\n";

// The error message ParseConfig gives for `text`, or "OK".
std::string ErrorOf(const std::string& text) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(text, "test.conf");
  if (r.ok()) return "OK";
  return r.status().message();
}

// kMinimal with `extra` appended.
std::string Minimal(const std::string& extra) { return std::string(kMinimal) + extra; }

std::string SampleConfigPath() {
  const char* srcdir = getenv("CHAT_SRCDIR");
  if (srcdir != nullptr && *srcdir != '\0') return std::string(srcdir) + "/etc/chatd.conf";
  for (const char* p : {"../etc/chatd.conf", "etc/chatd.conf", "../../etc/chatd.conf"}) {
    if (access(p, R_OK) == 0) return p;
  }
  return "../etc/chatd.conf";
}

chatd::Cidr MakeCidr(const std::string& text) {
  chat::Result<chatd::Config> r =
      chatd::ParseConfig(Minimal("[flood]\nexempt = [\"" + text + "\"]\n"), "test.conf");
  if (!r.ok()) FAIL(r.status().message().c_str());
  CHECK_EQUAL(1u, r.value().flood_exempt.size());
  return r.value().flood_exempt[0];
}

bool Contains(const chatd::Cidr& c, const char* address) {
  unsigned char buf[16] = {};
  if (inet_pton(AF_INET, address, buf) == 1) return c.Contains(AF_INET, buf);
  if (inet_pton(AF_INET6, address, buf) == 1) return c.Contains(AF_INET6, buf);
  FAIL("bad address in test");
  return false;
}

}  // namespace

TEST_GROUP(Config){};

TEST(Config, MinimalConfigLoadsWithDefaults) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(kMinimal, "/etc/chatd/chatd.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  const chatd::Config& c = r.value();
  const chatd::Config d;
  STRCMP_EQUAL("/etc/chatd/chatd.conf", c.path.c_str());
  STRCMP_EQUAL("irc.test", c.server_name.c_str());
  STRCMP_EQUAL("/srv/chatd", c.data_dir.c_str());
  STRCMP_EQUAL("chatd", c.network.c_str());
  STRCMP_EQUAL("", c.motd_file.c_str());
  STRCMP_EQUAL("", c.password.c_str());
  STRCMP_EQUAL("chatd", c.description.c_str());
  CHECK_EQUAL(1u, c.auto_join.size());
  STRCMP_EQUAL("#general", c.auto_join[0].c_str());
  CHECK_TRUE(c.register_on_create);
  CHECK_EQUAL(1u, c.listen.size());
  STRCMP_EQUAL("127.0.0.1:6667", c.listen[0].address.c_str());
  STRCMP_EQUAL("127.0.0.1", c.listen[0].host.c_str());
  CHECK_EQUAL(6667, c.listen[0].port);
  CHECK_FALSE(c.listen[0].tls);
  STRCMP_EQUAL("", c.tls_certificate.c_str());
  STRCMP_EQUAL("", c.tls_key.c_str());
  CHECK_EQUAL(d.max_clients, c.max_clients);
  CHECK_EQUAL(1024u, c.max_clients);
  CHECK_EQUAL(1048576u, c.sendq_bytes);
  CHECK_EQUAL(32768u, c.recvq_bytes);
  CHECK_EQUAL(30u, c.nicklen);
  CHECK_EQUAL(1000, c.penalty_ms);
  CHECK_EQUAL(10000, c.burst_ms);
  CHECK_TRUE(c.flood_exempt.empty());
  STRCMP_EQUAL("info", c.log_level.c_str());
  STRCMP_EQUAL("stderr", c.log_target.c_str());
  STRCMP_EQUAL("daemon", c.log_facility.c_str());
}

TEST(Config, SampleConfigLoadsAndStatesTheDefaults) {
  const std::string path = SampleConfigPath();
  chat::Result<chatd::Config> r = chatd::LoadConfig(path);
  CHECK_TRUE_TEXT(r.ok(), (path + ": " + r.status().ToString()).c_str());
  const chatd::Config& c = r.value();
  const chatd::Config d;
  STRCMP_EQUAL("/var/lib/chatd", c.data_dir.c_str());
  STRCMP_EQUAL("/etc/chatd/motd", c.motd_file.c_str());
  STRCMP_EQUAL("/etc/chatd/tls/fullchain.pem", c.tls_certificate.c_str());
  STRCMP_EQUAL("/etc/chatd/tls/privkey.pem", c.tls_key.c_str());
  CHECK_EQUAL(2u, c.listen.size());
  STRCMP_EQUAL("::", c.listen[0].host.c_str());
  CHECK_EQUAL(6697, c.listen[0].port);
  CHECK_TRUE(c.listen[0].tls);
  STRCMP_EQUAL("127.0.0.1", c.listen[1].host.c_str());
  CHECK_EQUAL(6667, c.listen[1].port);
  CHECK_FALSE(c.listen[1].tls);

  // The sample documents the defaults: every value it sets must equal the
  // built-in one, so the two cannot drift apart.
  STRCMP_EQUAL(d.network.c_str(), c.network.c_str());
  STRCMP_EQUAL(d.password.c_str(), c.password.c_str());
  STRCMP_EQUAL(d.description.c_str(), c.description.c_str());
  CHECK_TRUE(d.auto_join == c.auto_join);
  CHECK_EQUAL(d.register_on_create, c.register_on_create);
  CHECK_EQUAL(d.multiclient, c.multiclient);
  CHECK_EQUAL(d.max_clients, c.max_clients);
  CHECK_EQUAL(d.max_per_ip, c.max_per_ip);
  CHECK_EQUAL(d.sendq_bytes, c.sendq_bytes);
  CHECK_EQUAL(d.recvq_bytes, c.recvq_bytes);
  CHECK_EQUAL(d.registration_timeout_s, c.registration_timeout_s);
  CHECK_EQUAL(d.ping_interval_s, c.ping_interval_s);
  CHECK_EQUAL(d.ping_timeout_s, c.ping_timeout_s);
  CHECK_EQUAL(d.nicklen, c.nicklen);
  CHECK_EQUAL(d.channellen, c.channellen);
  CHECK_EQUAL(d.topiclen, c.topiclen);
  CHECK_EQUAL(d.kicklen, c.kicklen);
  CHECK_EQUAL(d.awaylen, c.awaylen);
  CHECK_EQUAL(d.maxtargets, c.maxtargets);
  CHECK_EQUAL(d.max_channels, c.max_channels);
  CHECK_EQUAL(d.monitor_max, c.monitor_max);
  CHECK_EQUAL(d.whowas_max, c.whowas_max);
  CHECK_EQUAL(d.list_max_bans, c.list_max_bans);
  CHECK_EQUAL(d.penalty_ms, c.penalty_ms);
  CHECK_EQUAL(d.burst_ms, c.burst_ms);
  CHECK_EQUAL(d.flood_exempt.size(), c.flood_exempt.size());
  STRCMP_EQUAL(d.log_level.c_str(), c.log_level.c_str());
  STRCMP_EQUAL(d.log_target.c_str(), c.log_target.c_str());
  STRCMP_EQUAL(d.log_facility.c_str(), c.log_facility.c_str());
  CHECK_EQUAL(d.http.header_timeout_s, c.http.header_timeout_s);
  CHECK_EQUAL(d.http.body_idle_timeout_s, c.http.body_idle_timeout_s);
  CHECK_EQUAL(d.http.keepalive_timeout_s, c.http.keepalive_timeout_s);
  CHECK_EQUAL(d.http.max_requests_per_connection, c.http.max_requests_per_connection);
  CHECK_EQUAL(d.http.max_header_bytes, c.http.max_header_bytes);
  CHECK_EQUAL(d.http.max_connections, c.http.max_connections);
  CHECK_EQUAL(d.http.max_per_ip, c.http.max_per_ip);
  STRCMP_EQUAL("", c.http.public_base_url.c_str());  // no http listener in the sample
  CHECK_EQUAL(d.files_enabled, c.files_enabled);
  CHECK_EQUAL(d.files_max_size, c.files_max_size);
  CHECK_EQUAL(d.files_quota, c.files_quota);
  CHECK_EQUAL(d.files_guests_may_upload, c.files_guests_may_upload);
  CHECK_EQUAL(d.files_retention_days, c.files_retention_days);
  CHECK_EQUAL(d.files_token_lifetime_s, c.files_token_lifetime_s);
  CHECK_EQUAL(d.files_link_lifetime_s, c.files_link_lifetime_s);
  CHECK_EQUAL(d.files_upload_expiry_s, c.files_upload_expiry_s);
  CHECK_TRUE(d.files_isupport == c.files_isupport);
}

TEST(Config, EveryKeyCanBeSet) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      "[server]\nname = \"irc.test\"\nnetwork = \"TestNet\"\ndata_dir = \"/d\"\n"
      "motd_file = \"/m\"\npassword = \"s3cret\"\ndescription = \"A test server\"\n"
      "[channels]\nauto_join = [\"#a\", \"#b\"]\nregister_on_create = false\n"
      "[[listen]]\naddress = \"[::1]:7000\"\ntls = true\n"
      "[tls]\ncertificate = \"/c.pem\"\nkey = \"/k.pem\"\n"
      "[limits]\nmax_clients = 10\nmax_per_ip = 2\nsendq = 4096\nrecvq = 8703\n"
      "registration_timeout = 5\nping_interval = 6\nping_timeout = 7\nnicklen = 9\n"
      "channellen = 20\ntopiclen = 100\nkicklen = 101\nawaylen = 102\nmaxtargets = 3\n"
      "max_channels = 11\nmonitor = 12\nwhowas = 0\nmax_list = 13\n"
      "[flood]\npenalty_ms = 0\nburst_ms = 500\nexempt = [\"10.0.0.0/8\", \"::1\"]\n"
      "[log]\nlevel = \"debug\"\ntarget = \"syslog\"\nfacility = \"local3\"\n",
      "/x/test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  const chatd::Config& c = r.value();
  STRCMP_EQUAL("TestNet", c.network.c_str());
  STRCMP_EQUAL("s3cret", c.password.c_str());
  STRCMP_EQUAL("A test server", c.description.c_str());
  CHECK_EQUAL(2u, c.auto_join.size());
  STRCMP_EQUAL("#b", c.auto_join[1].c_str());
  CHECK_FALSE(c.register_on_create);
  STRCMP_EQUAL("::1", c.listen[0].host.c_str());
  CHECK_EQUAL(7000, c.listen[0].port);
  CHECK_TRUE(c.listen[0].tls);
  STRCMP_EQUAL("/c.pem", c.tls_certificate.c_str());
  STRCMP_EQUAL("/k.pem", c.tls_key.c_str());
  CHECK_EQUAL(10u, c.max_clients);
  CHECK_EQUAL(2u, c.max_per_ip);
  CHECK_EQUAL(4096u, c.sendq_bytes);
  CHECK_EQUAL(8703u, c.recvq_bytes);
  CHECK_EQUAL(5, c.registration_timeout_s);
  CHECK_EQUAL(6, c.ping_interval_s);
  CHECK_EQUAL(7, c.ping_timeout_s);
  CHECK_EQUAL(9u, c.nicklen);
  CHECK_EQUAL(20u, c.channellen);
  CHECK_EQUAL(100u, c.topiclen);
  CHECK_EQUAL(101u, c.kicklen);
  CHECK_EQUAL(102u, c.awaylen);
  CHECK_EQUAL(3u, c.maxtargets);
  CHECK_EQUAL(11u, c.max_channels);
  CHECK_EQUAL(12u, c.monitor_max);
  CHECK_EQUAL(0u, c.whowas_max);
  CHECK_EQUAL(13u, c.list_max_bans);
  CHECK_EQUAL(0, c.penalty_ms);
  CHECK_EQUAL(500, c.burst_ms);
  CHECK_EQUAL(2u, c.flood_exempt.size());
  CHECK_EQUAL(AF_INET, c.flood_exempt[0].family);
  CHECK_EQUAL(8, c.flood_exempt[0].prefix);
  CHECK_EQUAL(AF_INET6, c.flood_exempt[1].family);
  CHECK_EQUAL(128, c.flood_exempt[1].prefix);
  STRCMP_EQUAL("::1", c.flood_exempt[1].text.c_str());
  STRCMP_EQUAL("debug", c.log_level.c_str());
  STRCMP_EQUAL("syslog", c.log_target.c_str());
  STRCMP_EQUAL("local3", c.log_facility.c_str());
}

// [accounts] multiclient: on by default (doc/protocol.md "Account sessions").
TEST(Config, MulticlientDefaultsOnAndCanBeTurnedOff) {
  CHECK_TRUE(chatd::Config().multiclient);
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      "[server]\nname = \"irc.test\"\ndata_dir = \"/d\"\n[[listen]]\naddress = \"127.0.0.1:6667\"\n"
      "[accounts]\nmulticlient = false\n",
      "/x/test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_FALSE(r.value().multiclient);
  r = chatd::ParseConfig(
      "[server]\nname = \"irc.test\"\ndata_dir = \"/d\"\n[[listen]]\naddress = \"127.0.0.1:6667\"\n"
      "[accounts]\nmulticlient = \"yes\"\n",
      "/x/test.conf");
  CHECK_FALSE(r.ok());
  STRCMP_CONTAINS("multiclient", r.status().message().c_str());
}

TEST(Config, ListenAddressForms) {
  struct Case {
    const char* address;
    const char* host;
    int port;
  };
  const Case cases[] = {
      {"127.0.0.1:6667", "127.0.0.1", 6667}, {"[::]:6697", "::", 6697},
      {"[::1]:6667", "::1", 6667},           {"*:6667", "", 6667},
      {"0.0.0.0:1", "0.0.0.0", 1},           {"[2001:db8::5]:65535", "2001:db8::5", 65535},
  };
  for (const Case& k : cases) {
    chat::Result<chatd::Config> r = chatd::ParseConfig(
        std::string("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n[[listen]]\naddress = \"") +
            k.address + "\"\n",
        "test.conf");
    CHECK_TRUE_TEXT(r.ok(), (std::string(k.address) + ": " + r.status().ToString()).c_str());
    STRCMP_EQUAL(k.host, r.value().listen[0].host.c_str());
    CHECK_EQUAL(k.port, r.value().listen[0].port);
    STRCMP_EQUAL(k.address, r.value().listen[0].address.c_str());
  }
}

TEST(Config, SeveralListenersKeepTheirOrder) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      Minimal("[[listen]]\naddress = \"[::]:6697\"\ntls = true\n"
              "[[listen]]\naddress = \"*:7000\"\n"
              "[tls]\ncertificate = \"c.pem\"\nkey = \"k.pem\"\n"),
      "/etc/chatd/chatd.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_EQUAL(3u, r.value().listen.size());
  CHECK_EQUAL(6667, r.value().listen[0].port);
  CHECK_EQUAL(6697, r.value().listen[1].port);
  CHECK_TRUE(r.value().listen[1].tls);
  CHECK_EQUAL(7000, r.value().listen[2].port);
}

TEST(Config, UnknownKeyNamesLineAndSection) {
  STRCMP_EQUAL("test.conf:3: unknown key 'nmae' in [server]",
               ErrorOf("[server]\nname = \"a.b\"\nnmae = \"x\"\ndata_dir = \"/d\"\n"
                       "[[listen]]\naddress = \"*:6667\"\n")
                   .c_str());
  STRCMP_EQUAL("test.conf:9: unknown key 'port' in [[listen]]",
               ErrorOf(Minimal("\n[[listen]]\nport = 6667\naddress = \"*:1\"\n")).c_str());
  STRCMP_EQUAL("test.conf:8: unknown key 'maxclients' in [limits]",
               ErrorOf(Minimal("[limits]\nmaxclients = 5\n")).c_str());
  STRCMP_EQUAL("test.conf:1: unknown key 'name' at top level",
               ErrorOf("name = \"x\"\n" + std::string(kMinimal)).c_str());
}

TEST(Config, UnknownTable) {
  STRCMP_EQUAL("test.conf:8: unknown table [servre]",
               ErrorOf(Minimal("\n[servre]\nname = \"x\"\n")).c_str());
  STRCMP_EQUAL("test.conf:7: unknown key 'extra' in [log]",
               ErrorOf(Minimal("[log.extra]\nx = 1\n")).c_str());
}

TEST(Config, WrongType) {
  STRCMP_EQUAL("test.conf:2: server.name must be a string",
               ErrorOf("[server]\nname = 42\ndata_dir = \"/d\"\n[[listen]]\naddress = \"*:1\"\n")
                   .c_str());
  STRCMP_EQUAL("test.conf:8: limits.max_clients must be an integer",
               ErrorOf(Minimal("[limits]\nmax_clients = \"many\"\n")).c_str());
  STRCMP_EQUAL("test.conf:8: limits.max_clients must be an integer",
               ErrorOf(Minimal("[limits]\nmax_clients = 1.5\n")).c_str());
  STRCMP_EQUAL("test.conf:8: channels.register_on_create must be true or false",
               ErrorOf(Minimal("[channels]\nregister_on_create = \"yes\"\n")).c_str());
  STRCMP_EQUAL("test.conf:8: channels.auto_join must be an array of strings",
               ErrorOf(Minimal("[channels]\nauto_join = \"#general\"\n")).c_str());
  STRCMP_EQUAL("test.conf:8: channels.auto_join must be an array of strings",
               ErrorOf(Minimal("[channels]\nauto_join = [\"#a\", 5]\n")).c_str());
  STRCMP_EQUAL("test.conf:1: server must be a table: write it as [server]",
               ErrorOf("server = \"x\"\n[[listen]]\naddress = \"*:1\"\n").c_str());
  STRCMP_EQUAL("test.conf:7: listen must be an array of tables: write each as [[listen]]",
               ErrorOf("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n\n\n\n[listen]\n"
                       "address = \"*:1\"\n")
                   .c_str());
}

TEST(Config, BadListenAddress) {
  struct Case {
    const char* address;
    const char* error;
  };
  const Case cases[] = {
      {"localhost:6667", "'localhost' is not an IPv4 address"},
      {"6667", "expected \"host:port\""},
      {"::1:6667", "IPv6 addresses must be in brackets"},
      {"[::1]6667", "expected \"[IPv6]:port\""},
      {"[::1:6667", "expected \"[IPv6]:port\""},
      {"[127.0.0.1]:6667", "'127.0.0.1' is not an IPv6 address"},
      {"1.2.3:6667", "'1.2.3' is not an IPv4 address"},
      {"", "expected \"host:port\""},
  };
  for (const Case& k : cases) {
    std::string err = ErrorOf(std::string("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n"
                                          "[[listen]]\naddress = \"") +
                              k.address + "\"\n");
    std::string want = std::string("test.conf:5: listen.address \"") + k.address + "\": ";
    STRCMP_CONTAINS(want.c_str(), err.c_str());
    STRCMP_CONTAINS(k.error, err.c_str());
  }
}

TEST(Config, BadListenPort) {
  const char* ports[] = {"0", "65536", "99999999", "http", "", "-1", "+80", "66 "};
  for (const char* p : ports) {
    std::string address = std::string("127.0.0.1:") + p;
    std::string err = ErrorOf("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n"
                              "[[listen]]\naddress = \"" + address + "\"\n");
    STRCMP_CONTAINS(("test.conf:5: listen.address \"" + address + "\": port").c_str(),
                    err.c_str());
  }
  STRCMP_CONTAINS("must be a number from 1 to 65535",
                  ErrorOf("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n[[listen]]\n"
                          "address = \"[::]:\"\n")
                      .c_str());
}

TEST(Config, ListenNeedsAddressAndNoDuplicates) {
  STRCMP_EQUAL("test.conf:7: [[listen]] address is required",
               ErrorOf(Minimal("[[listen]]\ntls = false\n")).c_str());
  STRCMP_EQUAL("test.conf:8: listen.address \"127.0.0.1:6667\" is listed twice",
               ErrorOf(Minimal("[[listen]]\naddress = \"127.0.0.1:6667\"\n")).c_str());
}

TEST(Config, MissingRequiredKeys) {
  STRCMP_EQUAL("test.conf: [server] name is required",
               ErrorOf("[server]\ndata_dir = \"/d\"\n[[listen]]\naddress = \"*:1\"\n").c_str());
  STRCMP_EQUAL("test.conf: [server] name is required",
               ErrorOf("[[listen]]\naddress = \"*:1\"\n").c_str());
  STRCMP_EQUAL("test.conf: [server] data_dir is required",
               ErrorOf("[server]\nname = \"a.b\"\n[[listen]]\naddress = \"*:1\"\n").c_str());
  STRCMP_EQUAL("test.conf: at least one [[listen]] is required",
               ErrorOf("[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n").c_str());
  STRCMP_EQUAL("test.conf: at least one [[listen]] is required",
               ErrorOf("listen = []\n[server]\nname = \"a.b\"\ndata_dir = \"/d\"\n").c_str());
  STRCMP_EQUAL("test.conf: [server] name is required", ErrorOf("").c_str());
}

TEST(Config, TlsListenerNeedsCertificateAndKey) {
  const std::string tls_listener = "[[listen]]\naddress = \"[::]:6697\"\ntls = true\n";
  STRCMP_EQUAL("test.conf:9: listen.tls is true but [tls] certificate is not set",
               ErrorOf(Minimal(tls_listener)).c_str());
  STRCMP_EQUAL("test.conf:9: listen.tls is true but [tls] key is not set",
               ErrorOf(Minimal(tls_listener + "[tls]\ncertificate = \"/c\"\n")).c_str());
  STRCMP_EQUAL("OK",
               ErrorOf(Minimal(tls_listener + "[tls]\ncertificate = \"/c\"\nkey = \"/k\"\n"))
                   .c_str());
  // [tls] without a TLS listener is allowed (and still type-checked).
  STRCMP_EQUAL("test.conf:8: tls.key must be a string",
               ErrorOf(Minimal("[tls]\nkey = 1\n")).c_str());
}

TEST(Config, SyntaxErrorGivesLine) {
  std::string err = ErrorOf("[server]\nname = \"a.b\"\ndata_dir = /d\n");
  STRCMP_CONTAINS("test.conf:3: ", err.c_str());
  CHECK_TRUE(err.size() > std::string("test.conf:3: ").size());
  STRCMP_CONTAINS("test.conf:2: ", ErrorOf("[server]\nname = \"unterminated\n").c_str());
  // A key given twice is a TOML error, not a silent override.
  STRCMP_CONTAINS("test.conf:3: ", ErrorOf("[server]\nname = \"a.b\"\nname = \"c.d\"\n").c_str());
}

TEST(Config, NumbersOutOfRange) {
  STRCMP_EQUAL("test.conf:8: limits.max_clients must be between 1 and 1000000 (got 0)",
               ErrorOf(Minimal("[limits]\nmax_clients = 0\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: limits.sendq must be between 4096",
                  ErrorOf(Minimal("[limits]\nsendq = 100\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: limits.recvq must be between 8703",
                  ErrorOf(Minimal("[limits]\nrecvq = -5\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: limits.nicklen must be between 1 and 64",
                  ErrorOf(Minimal("[limits]\nnicklen = 65\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: limits.ping_timeout must be between 1",
                  ErrorOf(Minimal("[limits]\nping_timeout = -1\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: flood.penalty_ms must be between 0",
                  ErrorOf(Minimal("[flood]\npenalty_ms = -1\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: limits.max_per_ip must be between 1",
                  ErrorOf(Minimal("[limits]\nmax_per_ip = 9223372036854775807\n")).c_str());
}

TEST(Config, BadValues) {
  STRCMP_EQUAL("test.conf:8: channels.auto_join: 'general' is not a channel name "
               "(must start with '#'; no spaces or commas)",
               ErrorOf(Minimal("[channels]\nauto_join = [\"#ok\", \"general\"]\n")).c_str());
  STRCMP_EQUAL("test.conf:8: log.level must be one of debug, info, notice, warning, error",
               ErrorOf(Minimal("[log]\nlevel = \"verbose\"\n")).c_str());
  STRCMP_EQUAL("test.conf:8: log.target must be \"stderr\" or \"syslog\"",
               ErrorOf(Minimal("[log]\ntarget = \"file\"\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: log.facility 'local9' is not a syslog facility",
                  ErrorOf(Minimal("[log]\nfacility = \"local9\"\n")).c_str());
  STRCMP_CONTAINS("test.conf:2: server.name must be a hostname-like name",
                  ErrorOf("[server]\nname = \"my server\"\ndata_dir = \"/d\"\n"
                          "[[listen]]\naddress = \"*:1\"\n")
                      .c_str());
  STRCMP_CONTAINS("test.conf:3: server.password must not contain CR, LF or NUL",
                  ErrorOf("[server]\nname = \"a.b\"\npassword = \"a\\nb\"\ndata_dir = \"/d\"\n"
                          "[[listen]]\naddress = \"*:1\"\n")
                      .c_str());
}

TEST(Config, BadCidr) {
  STRCMP_EQUAL("test.conf:8: flood.exempt \"10.0.0.0/33\": prefix length 33 is larger than 32",
               ErrorOf(Minimal("[flood]\nexempt = [\"10.0.0.0/33\"]\n")).c_str());
  STRCMP_EQUAL("test.conf:8: flood.exempt \"localhost\": "
               "'localhost' is not an IPv4 or IPv6 address",
               ErrorOf(Minimal("[flood]\nexempt = [\"::1\", \"localhost\"]\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: flood.exempt \"::/abc\": prefix length 'abc' is not a number",
                  ErrorOf(Minimal("[flood]\nexempt = [\"::/abc\"]\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: flood.exempt \"::1/\": ",
                  ErrorOf(Minimal("[flood]\nexempt = [\"::1/\"]\n")).c_str());
  STRCMP_CONTAINS("prefix length 129 is larger than 128",
                  ErrorOf(Minimal("[flood]\nexempt = [\"::/129\"]\n")).c_str());
}

TEST(Config, EarliestErrorInTheFileIsReported) {
  // Keys are visited in sorted order; the message is still the first problem by line.
  STRCMP_EQUAL("test.conf:8: log.level must be one of debug, info, notice, warning, error",
               ErrorOf(Minimal("[log]\nlevel = \"loud\"\n[channels]\nauto_join = 5\n")).c_str());
}

TEST(Config, RelativePathsResolveAgainstTheConfigDirectory) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      "[server]\nname = \"a.b\"\ndata_dir = \"data\"\nmotd_file = \"../etc/motd\"\n"
      "[[listen]]\naddress = \"*:1\"\n"
      "[tls]\ncertificate = \"./tls/cert.pem\"\nkey = \"/abs/key.pem\"\n",
      "/srv/chat/var/chatd.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("/srv/chat/var/data", r.value().data_dir.c_str());
  STRCMP_EQUAL("/srv/chat/etc/motd", r.value().motd_file.c_str());
  STRCMP_EQUAL("/srv/chat/var/tls/cert.pem", r.value().tls_certificate.c_str());
  STRCMP_EQUAL("/abs/key.pem", r.value().tls_key.c_str());
}

TEST(Config, RelativeConfigPathGivesAbsolutePathsButMessagesKeepIt) {
  std::string err = chatd::LoadConfig("no/such/chatd.conf").status().message();
  STRCMP_EQUAL("no/such/chatd.conf: cannot open: No such file or directory", err.c_str());

  char tmpl[] = "/tmp/chatd_config_test.XXXXXX";
  char* dir = mkdtemp(tmpl);
  CHECK_TRUE(dir != nullptr);
  const std::filesystem::path sub = std::filesystem::path(dir) / "var";
  std::filesystem::create_directory(sub);
  FILE* f = fopen((sub / "chatd.conf").c_str(), "w");
  CHECK_TRUE(f != nullptr);
  fputs("[server]\nname = \"a.b\"\ndata_dir = \"data\"\n[[listen]]\naddress = \"*:1\"\n", f);
  fclose(f);

  const std::filesystem::path old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  chat::Result<chatd::Config> r = chatd::LoadConfig("var/chatd.conf");
  std::filesystem::current_path(old_cwd);
  const std::filesystem::path real_dir = std::filesystem::canonical(dir);
  std::filesystem::remove_all(dir);

  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  // Both absolute: chatd may chdir("/") before it reloads.
  STRCMP_EQUAL((real_dir / "var" / "chatd.conf").string().c_str(), r.value().path.c_str());
  STRCMP_EQUAL((real_dir / "var" / "data").string().c_str(), r.value().data_dir.c_str());
}

TEST(Config, MissingFileIsAnIOErrorNamingIt) {
  chat::Result<chatd::Config> r = chatd::LoadConfig("/nonexistent/chatd.conf");
  CHECK_FALSE(r.ok());
  CHECK_TRUE(r.status().code() == chat::Status::Code::kIOError);
  STRCMP_EQUAL("/nonexistent/chatd.conf: cannot open: No such file or directory",
               r.status().message().c_str());
}

TEST(Config, CidrContainsIPv4) {
  chatd::Cidr net8 = MakeCidr("10.0.0.0/8");
  CHECK_TRUE(Contains(net8, "10.0.0.1"));
  CHECK_TRUE(Contains(net8, "10.255.255.255"));
  CHECK_FALSE(Contains(net8, "11.0.0.0"));
  CHECK_FALSE(Contains(net8, "::1"));

  chatd::Cidr net20 = MakeCidr("192.168.16.0/20");
  CHECK_TRUE(Contains(net20, "192.168.16.0"));
  CHECK_TRUE(Contains(net20, "192.168.31.255"));
  CHECK_FALSE(Contains(net20, "192.168.32.0"));
  CHECK_FALSE(Contains(net20, "192.168.15.255"));

  chatd::Cidr host = MakeCidr("127.0.0.1");
  CHECK_EQUAL(32, host.prefix);
  CHECK_TRUE(Contains(host, "127.0.0.1"));
  CHECK_FALSE(Contains(host, "127.0.0.2"));

  chatd::Cidr all = MakeCidr("0.0.0.0/0");
  CHECK_TRUE(Contains(all, "203.0.113.9"));
  CHECK_FALSE(Contains(all, "2001:db8::1"));
}

TEST(Config, CidrContainsIPv6) {
  chatd::Cidr net = MakeCidr("2001:db8:1::/48");
  CHECK_TRUE(Contains(net, "2001:db8:1::1"));
  CHECK_TRUE(Contains(net, "2001:db8:1:ffff:ffff:ffff:ffff:ffff"));
  CHECK_FALSE(Contains(net, "2001:db8:2::1"));
  CHECK_FALSE(Contains(net, "10.0.0.1"));

  chatd::Cidr odd = MakeCidr("fe80::/10");
  CHECK_TRUE(Contains(odd, "febf::1"));
  CHECK_FALSE(Contains(odd, "fec0::1"));

  chatd::Cidr host = MakeCidr("::1");
  CHECK_EQUAL(128, host.prefix);
  CHECK_TRUE(Contains(host, "::1"));
  CHECK_FALSE(Contains(host, "::2"));
}

TEST(Config, CidrMatchesIPv4MappedAddresses) {
  // An IPv4 client accepted on a dual-stack [::] socket has a mapped address.
  chatd::Cidr v4 = MakeCidr("127.0.0.0/8");
  CHECK_TRUE(Contains(v4, "::ffff:127.0.0.1"));
  CHECK_FALSE(Contains(v4, "::ffff:128.0.0.1"));
  CHECK_FALSE(Contains(v4, "::127.0.0.1"));
  chatd::Cidr mapped = MakeCidr("::ffff:10.0.0.0/104");
  CHECK_TRUE(Contains(mapped, "10.1.2.3"));
  CHECK_FALSE(Contains(mapped, "11.1.2.3"));
}

TEST(Config, ServiceKeysDefaultToStayingAsStarted) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(kMinimal, "/etc/chatd/chatd.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("", r.value().user.c_str());
  STRCMP_EQUAL("", r.value().group.c_str());
  STRCMP_EQUAL("", r.value().pid_file.c_str());
}

TEST(Config, ServiceKeysParseAndPidFileResolvesAgainstTheConfigDir) {
  const std::string text =
      "[server]\nname = \"irc.test\"\ndata_dir = \"data\"\nuser = \"chatd\"\ngroup = \"chatd\"\n"
      "pid_file = \"run/chatd.pid\"\n[[listen]]\naddress = \"127.0.0.1:6667\"\n";
  chat::Result<chatd::Config> r = chatd::ParseConfig(text, "/srv/x/chatd.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("chatd", r.value().user.c_str());
  STRCMP_EQUAL("chatd", r.value().group.c_str());
  STRCMP_EQUAL("/srv/x/run/chatd.pid", r.value().pid_file.c_str());
}

TEST(Config, ServiceKeyErrors) {
  STRCMP_EQUAL("test.conf:4: server.user must be a string",
               ErrorOf("[server]\nname = \"irc.test\"\ndata_dir = \"/d\"\nuser = 0\n"
                       "[[listen]]\naddress = \"127.0.0.1:6667\"\n")
                   .c_str());
  STRCMP_CONTAINS("server.group is set but server.user is not",
                  ErrorOf("[server]\nname = \"irc.test\"\ndata_dir = \"/d\"\ngroup = \"chatd\"\n"
                          "[[listen]]\naddress = \"127.0.0.1:6667\"\n")
                      .c_str());
}

TEST(Config, SampleConfigNamesThePackagedServiceAccount) {
  chat::Result<chatd::Config> r = chatd::LoadConfig(SampleConfigPath());
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("chatd", r.value().user.c_str());
  STRCMP_EQUAL("chatd", r.value().group.c_str());
  STRCMP_EQUAL("/run/chatd/chatd.pid", r.value().pid_file.c_str());
}

// ---- [[listen]] protocol and [http] (doc/http.md)

TEST(Config, ListenProtocolDefaultsToIrcAndAcceptsHttp) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      Minimal("[[listen]]\naddress = \"127.0.0.1:8080\"\nprotocol = \"http\"\n"), "test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK(r.value().listen[0].protocol == chatd::ListenConfig::Protocol::kIrc);
  CHECK(r.value().listen[1].protocol == chatd::ListenConfig::Protocol::kHttp);
  STRCMP_EQUAL("test.conf:9: listen.protocol must be \"irc\" or \"http\" (got \"gopher\")",
               ErrorOf(Minimal("[[listen]]\naddress = \"127.0.0.1:8080\"\nprotocol = \"gopher\"\n")).c_str());
}

TEST(Config, HttpDefaults) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(kMinimal, "test.conf");
  CHECK_TRUE(r.ok());
  const chatd::HttpConfig& h = r.value().http;
  CHECK_EQUAL(10, h.header_timeout_s);
  CHECK_EQUAL(60, h.body_idle_timeout_s);
  CHECK_EQUAL(75, h.keepalive_timeout_s);
  CHECK_EQUAL(1000u, h.max_requests_per_connection);
  CHECK_EQUAL(8192u, h.max_header_bytes);
  CHECK_EQUAL(1024u, h.max_connections);
  CHECK_EQUAL(32u, h.max_per_ip);
  STRCMP_EQUAL("", h.public_base_url.c_str());
}

TEST(Config, HttpKeysCanBeSet) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      Minimal("[http]\npublic_base_url = \"https://files.example.org/\"\nheader_timeout = 5\n"
              "body_idle_timeout = 30\nkeepalive_timeout = 20\nmax_requests_per_connection = 50\n"
              "max_header_bytes = 16384\nmax_connections = 99\nmax_per_ip = 4\n"),
      "test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  const chatd::HttpConfig& h = r.value().http;
  STRCMP_EQUAL("https://files.example.org", h.public_base_url.c_str());  // trailing '/' dropped
  CHECK_EQUAL(5, h.header_timeout_s);
  CHECK_EQUAL(30, h.body_idle_timeout_s);
  CHECK_EQUAL(20, h.keepalive_timeout_s);
  CHECK_EQUAL(50u, h.max_requests_per_connection);
  CHECK_EQUAL(16384u, h.max_header_bytes);
  CHECK_EQUAL(99u, h.max_connections);
  CHECK_EQUAL(4u, h.max_per_ip);
}

TEST(Config, HttpErrors) {
  STRCMP_EQUAL("test.conf:8: unknown key 'nope' in [http]", ErrorOf(Minimal("[http]\nnope = 1\n")).c_str());
  CHECK(ErrorOf(Minimal("[http]\npublic_base_url = \"ftp://x\"\n")).find("absolute http(s) URL") !=
        std::string::npos);
  CHECK(ErrorOf(Minimal("[http]\npublic_base_url = \"https://x/?a=1\"\n")).find("absolute http(s) URL") !=
        std::string::npos);
  CHECK(ErrorOf(Minimal("[http]\npublic_base_url = \"https://\"\n")).find("absolute http(s) URL") !=
        std::string::npos);
  CHECK(ErrorOf(Minimal("[http]\nmax_header_bytes = 100\n")).find("between 1024 and 65536") != std::string::npos);
  CHECK(ErrorOf(Minimal("[http]\nheader_timeout = 0\n")).find("between 1 and 3600") != std::string::npos);
}

TEST(Config, PublicBaseUrlDefaultsToTheFirstTlsHttpListener) {
  const std::string tls = "[tls]\ncertificate = \"c.pem\"\nkey = \"k.pem\"\n";
  auto url = [&](const std::string& listeners) {
    chat::Result<chatd::Config> r = chatd::ParseConfig(Minimal(listeners + tls), "test.conf");
    if (!r.ok()) FAIL(r.status().ToString().c_str());
    return r.value().http.public_base_url;
  };
  STRCMP_EQUAL("http://127.0.0.1:8080",
               url("[[listen]]\naddress = \"127.0.0.1:8080\"\nprotocol = \"http\"\n").c_str());
  STRCMP_EQUAL("https://irc.test:8443",
               url("[[listen]]\naddress = \"127.0.0.1:8080\"\nprotocol = \"http\"\n"
                   "[[listen]]\naddress = \"*:8443\"\nprotocol = \"http\"\ntls = true\n").c_str());
  STRCMP_EQUAL("https://irc.test",
               url("[[listen]]\naddress = \"[::]:443\"\nprotocol = \"http\"\ntls = true\n").c_str());
  STRCMP_EQUAL("https://[2001:db8::1]:8443",
               url("[[listen]]\naddress = \"[2001:db8::1]:8443\"\nprotocol = \"http\"\ntls = true\n").c_str());
}

TEST(Config, WebSocketKeys) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(kMinimal, "test.conf");
  CHECK_TRUE(r.ok());
  CHECK_TRUE(r.value().http.websocket_deflate);
  CHECK_EQUAL(120, r.value().http.websocket_idle_timeout_s);
  CHECK_EQUAL(0u, r.value().http.websocket_origins.size());  // no http listener, no base URL
  // Default: the origin of public_base_url (its path dropped).
  r = chatd::ParseConfig(Minimal("[http]\npublic_base_url = \"https://chat.example.org:8443/x/\"\n"), "test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_EQUAL(1u, r.value().http.websocket_origins.size());
  STRCMP_EQUAL("https://chat.example.org:8443", r.value().http.websocket_origins[0].c_str());
  r = chatd::ParseConfig(Minimal("[http]\npublic_base_url = \"https://c.example\"\n"
                                 "websocket_origins = [\"*\", \"http://localhost:3000\"]\n"
                                 "websocket_deflate = false\nwebsocket_idle_timeout = 0\n"),
                         "test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_EQUAL(2u, r.value().http.websocket_origins.size());
  STRCMP_EQUAL("*", r.value().http.websocket_origins[0].c_str());
  CHECK_FALSE(r.value().http.websocket_deflate);
  CHECK_EQUAL(0, r.value().http.websocket_idle_timeout_s);
  // An empty list allows no browser page at all.
  r = chatd::ParseConfig(Minimal("[http]\npublic_base_url = \"https://c.example\"\nwebsocket_origins = []\n"),
                         "test.conf");
  CHECK_TRUE(r.ok());
  CHECK_EQUAL(0u, r.value().http.websocket_origins.size());
  CHECK(ErrorOf(Minimal("[http]\nwebsocket_origins = [\"chat.example.org\"]\n")).find("is not an origin") !=
        std::string::npos);
  CHECK(ErrorOf(Minimal("[http]\nwebsocket_idle_timeout = -1\n")).find("between 0 and 86400") != std::string::npos);
}

TEST(Config, FilesKeysParse) {
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      Minimal("[files]\nenabled = false\nmax_size = 1000\nquota_per_account = 0\nguests_may_upload = true\n"
              "retention_days = 30\ntoken_lifetime = 3600\nlink_lifetime = 60\nupload_expiry = 600\n"
              "isupport = [\"draft/FILEHOST\"]\n"),
      "test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  const chatd::Config& c = r.value();
  CHECK_FALSE(c.files_enabled);
  CHECK_EQUAL(1000u, c.files_max_size);
  CHECK_EQUAL(0u, c.files_quota);
  CHECK_TRUE(c.files_guests_may_upload);
  CHECK_EQUAL(30, c.files_retention_days);
  CHECK_EQUAL(3600, c.files_token_lifetime_s);
  CHECK_EQUAL(60, c.files_link_lifetime_s);
  CHECK_EQUAL(600, c.files_upload_expiry_s);
  CHECK_EQUAL(1u, c.files_isupport.size());
  STRCMP_EQUAL("draft/FILEHOST", c.files_isupport[0].c_str());
  // Defaults: on, 100 MiB, 1 GiB, no guests.
  const chatd::Config d;
  CHECK_TRUE(d.files_enabled);
  CHECK_EQUAL(100u << 20, d.files_max_size);
  CHECK_FALSE(d.files_guests_may_upload);
}

TEST(Config, FilesKeyErrors) {
  STRCMP_CONTAINS("test.conf:8: files.max_size must be between 1",
                  ErrorOf(Minimal("[files]\nmax_size = 0\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: files.quota_per_account must be between 0",
                  ErrorOf(Minimal("[files]\nquota_per_account = -1\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: files.isupport: unknown name \"FILEHOST\"",
                  ErrorOf(Minimal("[files]\nisupport = [\"FILEHOST\"]\n")).c_str());
  STRCMP_CONTAINS("test.conf:8: unknown key 'size' in [files]", ErrorOf(Minimal("[files]\nsize = 1\n")).c_str());
}

// Issue 19 (doc/security.md): the abuse limits' defaults, the sample's
// values and that each can be set.
TEST(Config, AbuseLimitsDefaultsSampleAndKeys) {
  const chatd::Config d;
  CHECK_EQUAL(3, d.auth_failures_before_throttle);
  CHECK_EQUAL(10, d.auth_failures_per_ip);
  CHECK_EQUAL(10, d.auth_throttle_s);
  CHECK_EQUAL(30, d.registrations_per_ip);  // like Ergo: 30 per 10 minutes
  CHECK_EQUAL(600, d.registration_window_s);
  chat::Result<chatd::Config> sample = chatd::LoadConfig(SampleConfigPath());
  CHECK_TRUE_TEXT(sample.ok(), sample.status().ToString().c_str());
  CHECK_EQUAL(d.auth_failures_before_throttle, sample.value().auth_failures_before_throttle);
  CHECK_EQUAL(d.auth_failures_per_ip, sample.value().auth_failures_per_ip);
  CHECK_EQUAL(d.auth_throttle_s, sample.value().auth_throttle_s);
  CHECK_EQUAL(d.registrations_per_ip, sample.value().registrations_per_ip);
  CHECK_EQUAL(d.registration_window_s, sample.value().registration_window_s);
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      std::string(kMinimal) +
          "[accounts]\nmax_failures = 4\nmax_failures_per_ip = 20\nthrottle = 60\n"
          "max_registrations_per_ip = 5\nregistration_window = 3600\n",
      "/x/test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_EQUAL(4, r.value().auth_failures_before_throttle);
  CHECK_EQUAL(20, r.value().auth_failures_per_ip);
  CHECK_EQUAL(60, r.value().auth_throttle_s);
  CHECK_EQUAL(5, r.value().registrations_per_ip);
  CHECK_EQUAL(3600, r.value().registration_window_s);
  CHECK_FALSE(chatd::ParseConfig(std::string(kMinimal) + "[accounts]\nmax_registrations_per_ip = 0\n", "/x").ok());
}

// [tls] groups (issue 19 item 7): the EC groups by default, in the sample too.
TEST(Config, TlsGroupsDefaultSampleAndKey) {
  const chatd::Config d;
  STRCMP_EQUAL("X25519:P-256:P-384", d.tls_groups.c_str());
  chat::Result<chatd::Config> sample = chatd::LoadConfig(SampleConfigPath());
  CHECK_TRUE_TEXT(sample.ok(), sample.status().ToString().c_str());
  STRCMP_EQUAL(d.tls_groups.c_str(), sample.value().tls_groups.c_str());
  chat::Result<chatd::Config> r =
      chatd::ParseConfig(std::string(kMinimal) + "[tls]\ngroups = \"P-384\"\n", "/x/test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  STRCMP_EQUAL("P-384", r.value().tls_groups.c_str());
}

// [history] guest_max_messages and guest_retention (issue 19 item 9).
TEST(Config, GuestHistoryLimits) {
  const chatd::Config d;
  CHECK_EQUAL(1000u, d.guest_max_messages);
  CHECK_EQUAL(600, d.guest_retention_s);
  chat::Result<chatd::Config> sample = chatd::LoadConfig(SampleConfigPath());
  CHECK_TRUE_TEXT(sample.ok(), sample.status().ToString().c_str());
  CHECK_EQUAL(d.guest_max_messages, sample.value().guest_max_messages);
  CHECK_EQUAL(d.guest_retention_s, sample.value().guest_retention_s);
  chat::Result<chatd::Config> r = chatd::ParseConfig(
      std::string(kMinimal) + "[history]\nguest_max_messages = 0\nguest_retention = 0\n", "/x/test.conf");
  CHECK_TRUE_TEXT(r.ok(), r.status().ToString().c_str());
  CHECK_EQUAL(0u, r.value().guest_max_messages);
  CHECK_EQUAL(0, r.value().guest_retention_s);
}
