"""pytest fixtures for chatd's integration tests.

Environment:
  CHATD        path of the chatd binary under test (required unless CHATD_TEST_IMPL=ngircd)
  CHAT_SRCDIR  the source tree (informational)
  CHATD_TEST_IMPL=ngircd   run against Debian's ngircd instead (harness development and
               interop sanity runs only: most behaviour tests are chatd-specific)

Fixtures:
  tls_cert  session: (cert.pem, key.pem) self-signed for localhost / 127.0.0.1
  server    factory: server(**overrides) -> Server, started and listening;
            server(http_listeners=True) adds a plaintext and a TLS HTTP
            listener (Server.http_port, Server.https_port)
  srv       a default server
  client    factory: client(nick=None, server=None, caps=None, tls=False, register=True, ...)
"""

import copy
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ircclient import IRCClient  # noqa: E402

IMPL = os.environ.get("CHATD_TEST_IMPL", "chatd")
HOST = "127.0.0.1"


def chatd_binary():
    path = os.environ.get("CHATD")
    if path and os.path.isfile(path) and os.access(path, os.X_OK):
        return path
    return None


def pytest_collection_modifyitems(config, items):
    if IMPL == "ngircd":
        return
    if chatd_binary() is None:
        skip = pytest.mark.skip(reason="CHATD unset or not executable")
        for item in items:
            item.add_marker(skip)


def pytest_configure(config):
    config.addinivalue_line("markers", "chatd_only: test uses chatd-specific configuration")


# ---------------------------------------------------------------- certificates

def make_cert(directory, name="cert", cn="localhost"):
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + "-key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=%s" % cn,
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
         "-keyout", key, "-out", cert],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return cert, key


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    return make_cert(str(d))


# ---------------------------------------------------------------- ports

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def listening_ports():
    """Ports in LISTEN state per /proc/net/tcp{,6} (probing by connecting would
    create real connections and disturb connection-limit tests)."""
    ports = set()
    for path in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(path) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == "0A":
                        ports.add(int(fields[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


# ---------------------------------------------------------------- TOML

def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    raise TypeError(v)


def to_toml(cfg):
    out = []
    for section, body in cfg.items():
        if isinstance(body, list):
            for table in body:
                out.append("[[%s]]" % section)
                for k, v in table.items():
                    out.append("%s = %s" % (k, _toml_value(v)))
                out.append("")
        else:
            out.append("[%s]" % section)
            for k, v in body.items():
                if v is None:
                    continue
                out.append("%s = %s" % (k, _toml_value(v)))
            out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- server

def control_socket_path(directory):
    """A control socket path in `directory`, or in a new short temp dir when
    that would pass the 107-byte limit of a UNIX socket path."""
    path = os.path.join(directory, "control.sock")
    if len(path) < 100:
        return path
    return os.path.join(tempfile.mkdtemp(prefix="chatd-ctl-"), "control.sock")


MOTD_TEXT = "Welcome to the chatd test network.\nSecond line of the MOTD.\n"


class Server:
    """One daemon under test, in its own temp dir, with a plain and a TLS listener."""

    def __init__(self, directory, cert, key, overrides):
        self.dir = directory
        self.cert = cert
        self.key = key
        self.host = HOST
        self.port = free_port()
        self.tls_port = free_port()
        # Regexes of sanitizer report lines a test has shown to be false
        # alarms (see test_hardening.low_nofile); matching lines are not
        # counted as reports.
        self.known_false_reports = []
        while self.tls_port == self.port:
            self.tls_port = free_port()
        os.makedirs(os.path.join(directory, "data"), exist_ok=True)
        overrides = copy.deepcopy(overrides)
        motd = overrides.pop("motd", MOTD_TEXT)
        with_http = overrides.pop("http_listeners", False)
        self.http_port = self.https_port = None
        if with_http:
            taken = {self.port, self.tls_port}
            self.http_port = free_port()
            while self.http_port in taken:
                self.http_port = free_port()
            taken.add(self.http_port)
            self.https_port = free_port()
            while self.https_port in taken:
                self.https_port = free_port()
        self.motd_path = os.path.join(directory, "motd")
        cfg = {
            "server": {
                "name": "irc.test",
                "network": "TestNet",
                "data_dir": os.path.join(directory, "data"),
                "motd_file": self.motd_path if motd is not None else None,
            },
            "channels": {"auto_join": ["#general"]},
            "listen": [
                {"address": "%s:%d" % (HOST, self.port), "tls": False},
                {"address": "%s:%d" % (HOST, self.tls_port), "tls": True},
            ],
            "tls": {"certificate": cert, "key": key},
            "limits": {},
            "flood": {"exempt": ["127.0.0.1", "::1"]},
            # Each daemon's control socket (chatctl) in its own directory,
            # never the system's /run/chatd/control.sock.
            "control": {"socket": control_socket_path(directory)},
        }
        if with_http:
            cfg["listen"] += [
                {"address": "%s:%d" % (HOST, self.http_port), "tls": False, "protocol": "http"},
                {"address": "%s:%d" % (HOST, self.https_port), "tls": True, "protocol": "http"},
            ]
        for section, body in overrides.items():
            if isinstance(body, dict) and isinstance(cfg.get(section), dict):
                cfg[section].update(body)
            else:
                cfg[section] = body
        if motd is not None:
            with open(self.motd_path, "w") as f:
                f.write(motd)
        self.config = cfg
        self.name = cfg["server"]["name"]
        self.network = cfg["server"].get("network")
        self.password = cfg["server"].get("password")
        self.auto_join = list(cfg["channels"].get("auto_join", []))
        self.config_path = os.path.join(directory, "chatd.conf")
        self.stderr_path = os.path.join(directory, "stderr.log")
        self.proc = None
        self.stopping = False
        self.startup_failed = False
        self.impl = IMPL
        if IMPL == "ngircd":
            self.auto_join = []
            self._write_ngircd_config()
        else:
            with open(self.config_path, "w") as f:
                f.write(to_toml(cfg))

    def _write_ngircd_config(self):
        c = self.config
        lines = [
            "[Global]",
            "Name = %s" % c["server"]["name"],
            "Info = chatd test via ngircd",
            "Listen = %s" % HOST,
            "Ports = %d" % self.port,
            "PidFile = %s" % os.path.join(self.dir, "ngircd.pid"),
            "ServerUID = 0", "ServerGID = 0",
        ]
        if c["server"].get("motd_file"):
            lines.append("MotdFile = %s" % c["server"]["motd_file"])
        if c["server"].get("password"):
            lines.append("Password = %s" % c["server"]["password"])
        lines += ["[Limits]", "MaxConnectionsIP = 0", "PingTimeout = 120",
                  "[Options]", "PAM = no", "Ident = no", "DNS = no",
                  "[SSL]", "CertFile = %s" % self.cert, "KeyFile = %s" % self.key,
                  "Ports = %d" % self.tls_port]
        with open(self.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def command(self):
        if IMPL == "ngircd":
            return ["ngircd", "-n", "-f", self.config_path]
        return [chatd_binary(), "--config", self.config_path, "--foreground"]

    @property
    def data_dir(self):
        return self.config["server"]["data_dir"]

    def start(self, timeout=10.0, append=False):
        """Starts the daemon. append=True keeps the earlier runs' output in
        stderr.log (restart())."""
        self.stderr_file = open(self.stderr_path, "ab" if append else "wb")
        env = dict(os.environ)
        if self.http_port:
            env["CHATD_HTTP_TEST_ROUTES"] = "1"  # src/chatd/http/test_routes.cc
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.DEVNULL,
                                     stdout=self.stderr_file, stderr=subprocess.STDOUT,
                                     cwd=self.dir, env=env)
        deadline = time.monotonic() + timeout
        want = {self.port, self.tls_port} | ({self.http_port, self.https_port} if self.http_port else set())
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.startup_failed = True
                raise AssertionError("daemon exited during startup (rc=%s)\n%s" % (
                    self.proc.returncode, self.stderr()))
            if want <= listening_ports():
                return self
            time.sleep(0.02)
        raise AssertionError("daemon not listening on %s after %.0fs\n%s" % (want, timeout, self.stderr()))

    def stderr(self, limit=20000):
        try:
            with open(self.stderr_path, "rb") as f:
                data = f.read()
        except OSError:
            return ""
        text = data.decode("utf-8", "replace")
        if len(text) > limit:
            text = "...\n" + text[-limit:]
        return text

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, sig):
        self.proc.send_signal(sig)

    def reload(self):
        self.proc.send_signal(signal.SIGHUP)

    def terminate(self, sig=signal.SIGTERM, timeout=5.0):
        """Stops the daemon with `sig` on purpose; returns its exit status."""
        self.stopping = True
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)

    def kill(self, timeout=5.0):
        """SIGKILLs the daemon on purpose (a crash; teardown won't count it
        as a failure); returns its exit status."""
        return self.terminate(signal.SIGKILL, timeout=timeout)

    def rewrite_config(self, **overrides):
        """Merges overrides (as for the server fixture) into the config file;
        the daemon sees them at its next start or SIGHUP."""
        for section, body in copy.deepcopy(overrides).items():
            if isinstance(body, dict) and isinstance(self.config.get(section), dict):
                self.config[section].update(body)
            else:
                self.config[section] = body
        with open(self.config_path, "w") as f:
            f.write(to_toml(self.config))

    def restart(self, timeout=10.0):
        """Stops the daemon if it runs (SIGTERM; it must exit 0) and starts it
        again on the same config, data_dir and ports."""
        if self.alive():
            rc = self.terminate(signal.SIGTERM)
            assert rc == 0, "exit status %s on SIGTERM before restart\n%s" % (rc, self.stderr())
        self.stderr_file.close()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
            assert marker not in self.stderr(), "sanitizer report before restart\n" + self.stderr()
        self.stopping = False
        self.startup_failed = False
        return self.start(timeout=timeout, append=True)

    def stop(self):
        """Stops the daemon; returns an error string if it had died or exited badly."""
        if self.proc is None:
            return None
        if self.startup_failed:
            self.stderr_file.close()
            return None  # already reported by start()
        problem = None
        rc = self.proc.poll()
        if rc is not None and self.stopping:
            pass  # the test stopped it on purpose (see terminate())
        elif rc is not None:
            problem = "daemon died unexpectedly during the test (rc=%s%s)" % (rc, _signame(rc))
        else:
            self.stopping = True
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                problem = "daemon did not exit within 5s of SIGTERM"
                rc = None
            if rc is not None and rc not in (0, -signal.SIGTERM, 128 + signal.SIGTERM):
                problem = "daemon exited badly after SIGTERM (rc=%s%s)" % (rc, _signame(rc))
        self.stderr_file.close()
        if IMPL == "chatd" and problem is None:
            text = self.stderr()
            if self.known_false_reports:
                text = "\n".join(line for line in text.splitlines()
                                  if not any(re.search(r, line) for r in self.known_false_reports))
            for marker in ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer"):
                if marker in text:
                    problem = "sanitizer report in daemon output (%s)" % marker
        return problem

    # convenience
    def connect(self, tls=False, **kw):
        if tls:
            return IRCClient(self.host, self.tls_port, tls=True, cafile=self.cert, **kw)
        return IRCClient(self.host, self.port, **kw)


def create_account(server, name, password, email="*"):
    """Registers account `name` (REGISTER, draft/account-registration) from a
    throw-away guest connection whose nick is `name`, then quits and waits
    until the server has closed it, so the nick is free again."""
    c = server.connect(name="mk-" + name)
    try:
        c.register(name, wait_channels=())
        c.send("REGISTER * %s %s" % (email, password))
        m = c.expect(lambda m: m.command in ("REGISTER", "FAIL"), desc="REGISTER reply")
        assert m.command == "REGISTER" and m.params[:2] == ["SUCCESS", name], m
        c.expect("900")
        c.send("QUIT :done")
        c.wait_closed()
    finally:
        c.close()


def _signame(rc):
    if rc is not None and rc < 0:
        try:
            return ", " + signal.Signals(-rc).name
        except ValueError:
            return ""
    return ""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for s in getattr(item, "_chatd_servers", []):
            report.sections.append(("daemon output (%s)" % s.config_path, s.stderr()))
        for c in getattr(item, "_chatd_clients", []):
            report.sections.append(("client %s traffic" % c.name, c._history(60)))


@pytest.fixture
def server(request, tmp_path, tls_cert):
    """Factory: server(**overrides) starts a daemon. Overrides are merged per
    TOML section: server(limits={"sendq": 65536}, flood={"exempt": []},
    server={"password": "pw"}, channels={"auto_join": []}, motd=None)."""
    servers = []
    request.node._chatd_servers = servers
    counter = [0]

    def factory(**overrides):
        counter[0] += 1
        d = tmp_path / ("srv%d" % counter[0])
        d.mkdir()
        s = Server(str(d), tls_cert[0], tls_cert[1], overrides)
        servers.append(s)
        s.start()
        return s

    yield factory
    problems = []
    for s in servers:
        p = s.stop()
        if p:
            problems.append("%s\n--- daemon output ---\n%s" % (p, s.stderr()))
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def srv(server):
    return server()


@pytest.fixture
def client(request, server):
    """Factory: client(nick=None, server=None, caps=None, tls=False,
    register=True, password=None, wait_autojoin=True, sasl=None, **IRCClient kwargs).
    sasl=(account, password[, mechanism]) logs in with SASL during registration.
    With register=True (and a nick) the client is registered and its burst
    drained. server defaults to the last server started in this test (or a
    default one)."""
    clients = []
    request.node._chatd_clients = clients

    def factory(nick=None, server=None, caps=None, tls=False, register=True,
                password=None, wait_autojoin=True, user=None, realname=None, sasl=None, **kw):
        if server is None:
            started = getattr(request.node, "_chatd_servers", [])
            server = started[-1] if started else request.getfixturevalue("server")()
        c = server.connect(tls=tls, name=nick or "client%d" % (len(clients) + 1), **kw)
        clients.append(c)
        if register and nick:
            if password is None and server.password:
                password = server.password
            c.register(nick, user=user, realname=realname, caps=caps, password=password,
                       wait_channels=server.auto_join if wait_autojoin else (), sasl=sasl)
        return c

    yield factory
    for c in clients:
        c.close()
