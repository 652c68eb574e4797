"""Regression tests for the red-team findings of issue 19 (doc/security.md):
each test reproduces one attack against a real chatd and checks the limit
that now stops it.
"""

import os
import socket
import ssl
import time

import pytest

from ircclient import ConnectionClosed  # noqa: F401  (used by later tests)


# ---------------------------------------------------------------- helpers

def client_hello():
    """The bytes of a real TLS ClientHello (what a slow-handshake attacker
    trickles in), made with an in-memory TLS client."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with pytest.raises(ssl.SSLWantReadError):
        obj.do_handshake()
    return outgoing.read()


class Trickler:
    """A TCP connection to the TLS port that sends one ClientHello byte per
    `step` seconds, as the attack did, so the handshake never finishes."""

    def __init__(self, srv, step=0.4):
        self.sock = socket.create_connection((srv.host, srv.tls_port), timeout=5)
        self.hello = client_hello()
        self.sent = 0
        self.step = step
        self.next = time.monotonic()
        self.closed_at = None

    def pump(self):
        """Sends the next byte when due; notes when the server closed us."""
        if self.closed_at is not None or time.monotonic() < self.next:
            return
        self.next = time.monotonic() + self.step
        try:
            self.sock.setblocking(False)
            try:
                if self.sock.recv(4096) == b"":
                    self.closed_at = time.monotonic()
                    return
            except BlockingIOError:
                pass
            self.sock.send(self.hello[self.sent % len(self.hello):][:1])
            self.sent += 1
        except OSError:
            self.closed_at = time.monotonic()

    def close(self):
        self.sock.close()


def pump_until(tricklers, predicate, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for t in tricklers:
            t.pump()
        if predicate():
            return True
        time.sleep(0.05)
    return False


def wait_log(srv, text, count=1, limit=10.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if srv.stderr().count(text) >= count:
            return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- item 1

def test_slow_tls_handshake_is_closed_at_a_fixed_deadline(server):
    """A ClientHello trickled one byte at a time is cut off after
    registration_timeout plus the fixed 5 s close deadline, however often
    bytes arrive (issue 19 item 1: each byte used to restart the timer)."""
    srv = server(limits={"registration_timeout": 2})
    t = Trickler(srv)
    start = time.monotonic()
    try:
        closed = pump_until([t], lambda: t.closed_at is not None, 14.0)
        assert closed, "slow handshake still connected after 14 s (%d bytes sent)" % t.sent
        # 2 s registration timeout (+1 s tick) + 5 s close deadline
        assert t.closed_at - start < 9.5
    finally:
        t.close()


def test_lingering_handshakes_count_toward_max_per_ip(server, client):
    """Sockets whose client timed out but that are still open (flushing the
    ERROR into an unfinished TLS handshake) still count toward max_per_ip:
    every socket counts from accept() to close()."""
    srv = server(limits={"registration_timeout": 2, "max_per_ip": 2})
    ts = [Trickler(srv), Trickler(srv)]
    try:
        assert pump_until(ts, lambda: srv.stderr().count("Registration timed out") >= 2, 6.0)
        assert all(t.closed_at is None for t in ts)
        c = srv.connect(name="third")
        try:
            c.send("NICK carol")
            c.send("USER carol 0 * :Carol")
        except OSError:
            pass
        got = c.wait_closed(timeout=5)
        assert not [m for m in got if m.command == "001"]
        assert "Too many connections from your address" in srv.stderr()
        # Once they are closed, the address has its slots back.
        assert pump_until(ts, lambda: all(t.closed_at is not None for t in ts), 8.0)
        time.sleep(0.2)
        d = client("dave")
        d.send("PING :in")
        assert d.expect("PONG").params[-1] == "in"
    finally:
        for t in ts:
            t.close()


# ---------------------------------------------------------------- item 2

def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# The false "invalid vptr" reports of a UBSan build at the descriptor limit
# (low_nofile): the report line and the note after it.
FALSE_VPTR = [r"runtime error: member call on address 0x[0-9a-f]+ which does not point to an "
              r"object of type '\w+'$", r"^0x[0-9a-f]+: note: object has invalid vptr$"]


@pytest.fixture
def low_nofile(tmp_path, monkeypatch):
    """Runs the test's chatd under `prlimit --nofile=N:N` (soft and hard, so
    chatd cannot raise it) through a wrapper script set as CHATD."""
    real = os.environ["CHATD"]
    # A sanitizer build: UBSan's vptr check asks pipe(2) whether a vtable is
    # readable (sanitizer_common's IsAccessibleMemoryRange). With no
    # descriptor left, pipe fails and the check reports a virtual call as
    # "invalid vptr" (ASan, which needs no descriptor, reports nothing). That
    # check is blind at the limit this test sets: configure makes vptr, and
    # only vptr, a report that does not stop the daemon, and this test does
    # not count exactly that report (FALSE_VPTR); every other one still fails it.
    wrapper = tmp_path / "chatd-lowfd"
    wrapper.write_text("#!/bin/sh\nexec prlimit --nofile=%d:%d -- %s \"$@\"\n" % (64, 64, real))
    wrapper.chmod(0o755)
    monkeypatch.setenv("CHATD", str(wrapper))
    return 64


def test_fd_exhaustion_backs_off_and_recovers(server, client, low_nofile):
    """At the descriptor limit chatd neither spins nor floods its log: one
    warning per episode, little CPU, connections that cannot be served are
    closed, and once descriptors are free it accepts again (item 2)."""
    srv = server(limits={"max_clients": 1000, "max_per_ip": 1000})
    srv.known_false_reports = FALSE_VPTR
    held = []
    try:
        # Fill the table: plain sockets the daemon accepts and keeps.
        for _ in range(low_nofile):
            held.append(socket.create_connection((srv.host, srv.port), timeout=5))
        time.sleep(0.5)
        assert wait_log(srv, "Too many open files", limit=5.0), srv.stderr()
        cpu0 = cpu_seconds(srv.proc.pid)
        # More connections arrive while the table is full.
        extra = [socket.create_connection((srv.host, srv.port), timeout=5) for _ in range(20)]
        time.sleep(2.0)
        cpu = cpu_seconds(srv.proc.pid) - cpu0
        assert cpu < 0.5, "%.2f s of CPU in 2 s at the fd limit" % cpu
        log = srv.stderr(limit=10 ** 7)
        assert log.count("Too many open files") == 1, log[-3000:]
        assert len(log) < 64 * 1024
        # The ones that could not be served were closed, not left hanging.
        for s in extra:
            s.settimeout(3)
            try:
                assert s.recv(100) == b""
            except ConnectionResetError:
                pass
            s.close()
        assert srv.alive()
    finally:
        for s in held:
            s.close()
    time.sleep(0.5)
    c = client("after")
    c.send("PING :back")
    assert c.expect("PONG").params[-1] == "back"
    assert "accepting on" in srv.stderr()


# ---------------------------------------------------------------- items 4 and 5

PW = "correct-horse-battery"


def _throttled(m):
    return m.command == "904" and "Too many failed logins" in m.params[-1]


def test_own_login_does_not_reset_the_address_throttle(server, client):
    """Item 4: wrong guesses against many accounts, each followed by a
    successful login to the guesser's own account, are still throttled per
    address after max_failures_per_ip; the success used to reset the count
    (120 guesses in 0.5 s, none throttled)."""
    from conftest import create_account
    s = server(accounts={"max_failures": 3, "max_failures_per_ip": 6, "throttle": 30})
    create_account(s, "mallory", PW)
    throttled_at = None
    for i in range(20):
        c = client("g%d" % i, caps=["sasl"])
        m = c.authenticate("victim%d" % i, "guess %d" % i)
        c.close()
        if _throttled(m):
            throttled_at = i
            break
        assert m.command == "904", m
        if i < 5:  # the sixth failure throttles the address, own account included
            own = client("own%d" % i, caps=["sasl"])
            assert own.authenticate("mallory", PW).command == "903"
            own.close()
    assert throttled_at == 6, "wrong guesses not throttled per address (stopped at %s)" % throttled_at


def test_guesses_never_lock_the_owner_out(server, client):
    """Item 5: failures for an account from one address throttle only that
    address for that account; the owner, from a fresh address, logs in at
    once (the whole account used to be locked for everybody)."""
    from conftest import create_account
    s = server(accounts={"max_failures": 3, "throttle": 30},
               flood={"exempt": ["127.0.0.0/8", "::1"]})
    create_account(s, "alice", PW)
    attacker = client("attacker", caps=["sasl"], source_address="127.0.0.7")
    for i in range(3):
        assert attacker.authenticate("alice", "guess %d" % i).command == "904"
    assert _throttled(attacker.authenticate("alice", PW))
    owner = client("owner", caps=["sasl"], source_address="127.0.0.8")
    m = owner.authenticate("alice", PW)
    assert m.command == "903", m


# ---------------------------------------------------------------- item 6

def _register(c, name):
    c.send("REGISTER %s * %s" % (name, PW))
    return c.expect(lambda m: m.command in ("REGISTER", "FAIL"), desc="REGISTER reply")


def test_register_is_limited_per_address(server, client):
    """Item 6: [accounts] max_registrations_per_ip accounts per address per
    registration_window; the next REGISTER gets FAIL REGISTER
    TEMPORARILY_UNAVAILABLE and no account; another address may still
    register."""
    s = server(accounts={"max_registrations_per_ip": 3, "registration_window": 600},
               flood={"exempt": ["127.0.0.0/8", "::1"]})
    for i in range(3):
        c = client("r%d" % i)
        assert _register(c, "acct%d" % i).command == "REGISTER"
        c.close()
    c = client("r3")
    m = _register(c, "acct3")
    assert m.command == "FAIL" and m.params[:2] == ["REGISTER", "TEMPORARILY_UNAVAILABLE"], m
    assert "try again in" in m.params[-1]
    other = client("r4", source_address="127.0.0.9")
    assert _register(other, "acct4").command == "REGISTER"
    # acct3 was not created: the name is free for SASL to fail on.
    probe = client("probe", caps=["sasl"], source_address="127.0.0.10")
    assert probe.authenticate("acct3", PW).command == "904"



# ---------------------------------------------------------------- item 7

def s_client(srv, groups):
    """Runs `openssl s_client -groups GROUPS` against the TLS port; returns
    (handshake completed, output)."""
    import subprocess
    p = subprocess.run(
        ["openssl", "s_client", "-connect", "%s:%d" % (srv.host, srv.tls_port),
         "-groups", groups, "-brief"],
        input=b"QUIT\n", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=20)
    out = p.stdout.decode("utf-8", "replace")
    return "CONNECTION ESTABLISHED" in out or "Protocol version" in out, out


def test_tls_refuses_finite_field_groups_by_default(srv):
    """Item 7: a client that only offers ffdhe8192 (139 ms of server CPU per
    handshake) gets a handshake failure; X25519, P-256 and P-384 work."""
    ok, out = s_client(srv, "ffdhe8192")
    assert not ok, out
    for group in ("X25519", "P-256", "P-384"):
        ok, out = s_client(srv, group)
        assert ok, out


def test_tls_groups_are_configurable(server):
    """[tls] groups replaces the list: with only P-384, X25519 is refused."""
    srv = server(tls={"groups": "P-384"})
    assert s_client(srv, "P-384")[0]
    assert not s_client(srv, "X25519")[0]


def test_tls_unknown_group_refuses_to_start(server):
    """A group OpenSSL does not know stops chatd at start, naming the key."""
    with pytest.raises(AssertionError) as e:
        server(tls={"groups": "X25519:no-such-group"})
    assert "[tls] groups" in str(e.value)


# ---------------------------------------------------------------- item 10

@pytest.mark.parametrize("lost", ["accounts.db", "channels.db"])
def test_missing_database_refuses_to_start(server, client, lost):
    """Item 10: with the environment there but accounts.db or channels.db
    gone, chatd refuses to start and names the file and the ways out; with
    --recreate-missing-db it starts with that file empty."""
    from conftest import create_account
    s = server()
    create_account(s, "alice", PW)
    assert s.terminate() == 0
    s.stderr_file.close()
    os.remove(os.path.join(s.data_dir, lost))
    s.stopping = False
    with pytest.raises(AssertionError) as e:
        s.start(append=True)
    text = str(e.value)
    assert lost + " is missing" in text, text
    assert "restore" in text and "--recreate-missing-db" in text, text
    assert not os.path.exists(os.path.join(s.data_dir, lost))
    s.stderr_file.close()
    plain = s.command
    s.command = lambda: plain() + ["--recreate-missing-db"]
    s.startup_failed = False
    s.start(append=True)
    c = client("probe", server=s, caps=["sasl"])
    m = c.authenticate("alice", PW)
    assert m.command == ("904" if lost == "accounts.db" else "903"), m


# ---------------------------------------------------------------- item 8

def _chathistory(c, args):
    c.send("CHATHISTORY " + args)
    start = c.expect(lambda m: (m.command == "BATCH" and m.params and m.params[0].startswith("+"))
                     or (m.command == "FAIL" and m.params[0] == "CHATHISTORY"),
                     desc="CHATHISTORY batch or FAIL")
    if start.command == "FAIL":
        return start, None
    ref = start.params[0][1:]
    return start, c.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)[:-1]


def test_ban_on_offline_roster_member(server, client):
    """Item 8: a roster member banned by host mask while offline is not
    rejoined on reconnect (474 ERR_BANNEDFROMCHAN) and cannot read the
    channel's history, including what was said after the ban."""
    from conftest import create_account
    s = server(flood={"exempt": ["127.0.0.0/8", "::1"]})
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    caps = ["batch", "server-time", "message-tags", "draft/chathistory"]
    a = client("alice", sasl=("alice", PW), caps=caps)
    a.send("JOIN #team")
    a.expect(lambda m: m.command == "366" and m.params[1] == "#team")
    b = client("bob", sasl=("bob", PW), caps=caps, source_address="127.0.0.5")
    b.send("JOIN #team")
    b.expect(lambda m: m.command == "366" and m.params[1] == "#team")
    b.send("QUIT :away")
    b.wait_closed()
    a.send("MODE #team +b *!*@127.0.0.5")
    a.expect("MODE")
    a.send("PRIVMSG #team :said after the ban")
    a.sync()
    b2 = client("bob", register=False, source_address="127.0.0.5")
    got = b2.register("bob", caps=caps, sasl=("bob", PW)) + b2.sync()
    assert not [m for m in got if m.command == "JOIN" and m.params[0] == "#team"], got
    assert [m for m in got if m.command == "474" and m.params[1] == "#team"], got
    start, body = _chathistory(b2, "LATEST #team * 50")
    assert body is None and start.params[1] == "INVALID_TARGET", (start, body)
    # A present member still reads it, and the channel did not lose others.
    start, body = _chathistory(a, "LATEST #team * 50")
    assert any(x.params[-1] == "said after the ban" for x in body)


# ---------------------------------------------------------------- item 12

def control(srv, line):
    """One request on the control socket (doc/control.md); returns the reply."""
    deadline = time.monotonic() + 5
    while True:  # the daemon opens the control socket just after its listeners
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(srv.config["control"]["socket"])
            break
        except (ConnectionRefusedError, FileNotFoundError):
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    s.sendall(line.encode() + b"\n")
    s.shutdown(socket.SHUT_WR)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out.decode("utf-8", "replace")


def test_disabled_account_costs_the_same_pbkdf2_time(server, client):
    """SASL PLAIN for a disabled account runs the same PBKDF2 as for an
    enabled one, so the reply time doesn't reveal that it is disabled."""
    from conftest import create_account
    s = server(accounts={"scram_iterations": 400000, "max_failures": 100, "max_failures_per_ip": 100})
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    assert control(s, "users disable alice").startswith("OK"), "disable failed"
    c = client("prober", caps=["sasl"])

    def timed(account):
        best = None
        for _ in range(3):
            t0 = time.monotonic()
            assert c.authenticate(account, "wrong guess").command == "904"
            dt = time.monotonic() - t0
            best = dt if best is None else min(best, dt)
        return best

    enabled, disabled = timed("bob"), timed("alice")
    assert enabled > 0.02, "PBKDF2 too fast to compare (%.4f s)" % enabled
    assert disabled > 0.5 * enabled, "disabled %.4f s vs enabled %.4f s" % (disabled, enabled)


def test_scram_unknown_account_shows_the_configured_iterations(server, client):
    """SCRAM-SHA-256 server-first for an account that does not exist carries
    [accounts] scram_iterations, like a real account's."""
    import base64
    s = server(accounts={"scram_iterations": 5000})
    c = client("prober", caps=["sasl"])
    c.send("AUTHENTICATE SCRAM-SHA-256")
    c.expect("AUTHENTICATE")
    c.send("AUTHENTICATE " + base64.b64encode(b"n,,n=nobody,r=abcdefghijklmnop").decode())
    m = c.expect("AUTHENTICATE")
    first = base64.b64decode(m.params[0]).decode()
    assert dict(kv.split("=", 1) for kv in first.split(","))["i"] == "5000", first


def test_mistyped_control_commands_never_log_a_password(srv):
    """An unknown control command, or a secret one with the wrong number of
    arguments, is logged without its arguments."""
    replies = [control(srv, "usres add mallory hunter2-secret-one"),
               control(srv, "users add mallory hunter2-secret-two surplus-three"),
               control(srv, "users passwd mallory")]
    assert all(r.startswith("ERR") for r in replies), replies
    assert wait_log(srv, "users passwd")
    log = srv.stderr()
    for secret in ("hunter2-secret-one", "hunter2-secret-two", "surplus-three"):
        assert secret not in log, log[-2000:]
    assert "unknown command: usres [3 hidden]" in log


def test_secret_channel_is_not_revealed_by_mode_or_topic(srv, client):
    """MODE and TOPIC on a +s channel answer an outsider exactly as for a
    channel that does not exist (403), while members see it."""
    a = client("alice")
    a.send("JOIN #hidden")
    a.expect(lambda m: m.command == "366")
    a.send("MODE #hidden +s")
    a.expect("MODE")
    a.send("TOPIC #hidden :secret plans")
    a.expect("TOPIC")
    b = client("bob")
    for cmd in ("MODE %s", "TOPIC %s", "TOPIC %s :overwritten", "MODE %s +b x!*@*"):
        b.send(cmd % "#hidden")
        got = b.expect(lambda m: m.command.isdigit() and m.command not in ("329",))
        b.send(cmd % "#nosuch")
        ref = b.expect(lambda m: m.command.isdigit() and m.command not in ("329",))
        assert (got.command, got.params[-1]) == (ref.command, ref.params[-1]) == ("403", "No such channel"), (cmd, got, ref)
        assert got.params[1] == "#hidden"
    a.send("MODE #hidden")
    assert a.expect("324").params[1] == "#hidden"


@pytest.mark.parametrize("name", ["#a\u202eb", "#pay\u200bpal", "#x\u2066y", "#ctl\x01x", "#bom\ufeff"])
def test_channel_names_with_controls_bidi_or_invisibles_are_refused(srv, client, name):
    """JOIN of a name with a control, bidi override or zero-width character
    gets 476 ERR_BADCHANMASK and creates nothing."""
    a = client("alice")
    a.send("JOIN " + name)
    m = a.expect(lambda m: m.command in ("476", "JOIN", "403"))
    assert m.command == "476", m
    a.send("LIST")
    assert not [x for x in a.collect_until("323") if x.command == "322" and x.params[1] == name]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root")
def test_root_without_user_warns_loudly(srv):
    """Started as root with [server] user = "" chatd warns that it keeps root."""
    assert wait_log(srv, "running as root")


# ---------------------------------------------------------------- item 3

def test_reregistered_name_cannot_read_the_deleted_accounts_dms(server, client):
    """Item 3: after `chatctl users delete bob`, whoever registers bob again
    sees none of the old alice<->bob messages (CHATHISTORY LATEST, TARGETS),
    only what the new bob exchanges; alice keeps her side."""
    from conftest import create_account
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    caps = ["batch", "server-time", "message-tags", "draft/chathistory", "echo-message"]
    a = client("alice", sasl=("alice", PW), caps=caps)
    b = client("bob", sasl=("bob", PW), caps=caps)
    a.send("PRIVMSG bob :the old secret")
    b.expect("PRIVMSG")
    b.send("PRIVMSG alice :old reply")
    a.expect(lambda m: m.command == "PRIVMSG" and m.nick == "bob")
    assert control(s, "users delete bob").startswith("OK")
    b.wait_closed()
    time.sleep(0.01)
    thief = client("bob", caps=caps)
    thief.send("REGISTER * * %s" % PW)
    assert thief.expect(lambda m: m.command in ("REGISTER", "FAIL")).command == "REGISTER"
    thief.expect("900")
    start, body = _chathistory(thief, "LATEST alice * 50")
    assert body == [], body
    start, body = _chathistory(thief, "TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 50")
    assert not [m for m in body if m.params[1].lower() == "alice"], body
    thief.send("PRIVMSG alice :hello, I am new")
    a.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == "hello, I am new")
    start, body = _chathistory(thief, "LATEST alice * 50")
    assert [m.params[-1] for m in body] == ["hello, I am new"], body
    start, body = _chathistory(a, "LATEST bob * 50")
    assert [m.params[-1] for m in body] == ["the old secret", "old reply", "hello, I am new"], body
