"""chatctl against a real chatd over the control socket (doc/control.md).

The chatctl under test is the one built next to CHATD
(<build>/src/chatctl/chatctl). Each daemon's control socket lives in its
test's temp dir (conftest.py sets [control] socket).

Covers: status (table and --json); users add/passwd/disable/enable/delete/
set-role/list/show with their effects on SASL logins and live sessions;
channels create/list/show/topic/set-mode/delete; kick, ban, kill; announce
(live NOTICE and at connect, kept across restarts, --clear); reload and
motd reload; backup (a fresh chatd starts from it) and offline restore;
stop; log-level; exit codes and messages for usage errors, a daemon that
is not running and permission denied; and garbage on the socket.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import IMPL, chatd_binary

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"


def chatctl_binary():
    chatd = chatd_binary()
    if chatd is None:
        return None
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(chatd))), "chatctl", "chatctl")
    return path if os.access(path, os.X_OK) else None


@pytest.fixture(autouse=True)
def need_chatctl():
    if chatctl_binary() is None:
        pytest.skip("chatctl not built next to CHATD")


def ctl_socket(srv):
    return srv.config["control"]["socket"]


def run_ctl(*args, srv=None, input=None, config=None, user=None, timeout=60):
    """Runs chatctl [--config srv's config] ARGS; returns CompletedProcess
    (text). Runs in a new session, so there is no terminal to prompt on."""
    cmd = [chatctl_binary()]
    if config is not None:
        cmd += ["--config", config]
    elif srv is not None:
        cmd += ["--config", srv.config_path]
    cmd += list(args)
    if user is not None:
        cmd = user + cmd
    return subprocess.run(cmd, input=input if input is not None else "", capture_output=True, text=True,
                          timeout=timeout, start_new_session=True)


def ok(srv, *args, **kw):
    r = run_ctl(*args, srv=srv, **kw)
    assert r.returncode == 0, "chatctl %s: rc=%d\nstdout: %s\nstderr: %s" % (args, r.returncode, r.stdout, r.stderr)
    return r


def fails(srv, rc, *args, **kw):
    r = run_ctl(*args, srv=srv, **kw)
    assert r.returncode == rc, "chatctl %s: rc=%d, wanted %d\nstdout: %s\nstderr: %s" % (
        args, r.returncode, rc, r.stdout, r.stderr)
    return r


def add_user(srv, name, password=PW):
    return ok(srv, "users", "add", name, "--password-stdin", input=password + "\n")


def as_json(srv, *args):
    return json.loads(ok(srv, "--json", *args).stdout)


def raw_exchange(path, data, timeout=5.0):
    """Sends raw bytes on the control socket; returns all bytes received
    until the daemon closes or `timeout` passes without data."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
    except socket.timeout:
        pass
    s.close()
    return out


def sasl_login(srv, client, nick, account, password=PW):
    """A client that tries to log in with SASL PLAIN; returns (client, numeric)."""
    c = client(nick, register=False)
    c.cap_ls()
    c.send("CAP REQ :sasl")
    c.expect("CAP")
    c.send("NICK %s" % nick)
    c.send("USER %s 0 * :x" % nick)
    res = c.authenticate(account, password)
    return c, res


# ---------------------------------------------------------------- status

def test_status_table_and_json(srv, client):
    """status shows version, uptime, clients, registered, channels,
    accounts, messages/s and RSS; --json gives one object of strings."""
    a = client("alice")
    client("bob")
    for i in range(5):
        a.send("PRIVMSG #general :hello %d" % i)
    a.sync()
    r = ok(srv, "status")
    lines = dict(l.split(":", 1) for l in r.stdout.splitlines())
    assert lines["version"].strip() and lines["name"].strip() == "irc.test", r.stdout
    st = as_json(srv, "status")
    assert set(st) >= {"version", "uptime_s", "clients", "registered", "channels", "accounts",
                       "messages_per_s", "rss_kb"}, st
    assert st["clients"] == "2" and st["registered"] == "2", st
    assert int(st["channels"]) >= 1 and st["accounts"] == "0", st
    assert float(st["messages_per_s"]) > 0, st
    assert int(st["rss_kb"]) > 1000, st
    assert int(st["uptime_s"]) >= 0


def test_socket_is_0660(srv):
    mode = os.stat(ctl_socket(srv)).st_mode & 0o777
    assert mode == 0o660, oct(mode)


# ---------------------------------------------------------------- users

def test_users_add_then_sasl_login_at_once(srv, client):
    """users add NAME --password-stdin: the account logs in with SASL PLAIN
    and SCRAM-SHA-256 right away; it is listed and shown."""
    r = add_user(srv, "alice")
    assert "alice" in r.stdout
    c, res = sasl_login(srv, client, "alice", "alice")
    assert res.command == "903", res
    c2 = client("alice2", register=False)
    c2.cap_ls()
    c2.send("CAP REQ :sasl")
    c2.expect("CAP")
    c2.send("NICK alice2")
    c2.send("USER a 0 * :x")
    assert c2.authenticate("alice", PW, mech="SCRAM-SHA-256").command == "903"
    users = as_json(srv, "users", "list")
    assert [u["name"] for u in users] == ["alice"], users
    assert users[0]["role"] == "user" and users[0]["status"] == "enabled", users
    assert users[0]["sessions"] == "2", users
    shown = as_json(srv, "users", "show", "alice")
    assert shown["name"] == "alice" and set(shown["nicks"].split(",")) == {"alice", "alice2"}, shown
    table = ok(srv, "users", "list").stdout.splitlines()
    assert table[0].split()[:3] == ["NAME", "ROLE", "STATUS"], table
    assert table[1].split()[:3] == ["alice", "user", "enabled"], table


def test_users_add_errors(srv):
    add_user(srv, "alice")
    r = fails(srv, 1, "users", "add", "alice", "--password-stdin", input=PW + "\n")
    assert "already exists" in r.stderr
    r = fails(srv, 1, "users", "add", "bob", "--password-stdin", input="short\n")
    assert "at least 8" in r.stderr
    r = fails(srv, 1, "users", "add", "1bob", "--password-stdin", input=PW + "\n")
    assert "not a valid user name" in r.stderr
    # No --password-stdin and no terminal: say how to pass it.
    r = fails(srv, 2, "users", "add", "bob")
    assert "--password-stdin" in r.stderr
    fails(srv, 2, "users", "add", "bob", "--password-stdin", input="")
    assert [u["name"] for u in as_json(srv, "users", "list")] == ["alice"]


def test_users_passwd(srv, client):
    add_user(srv, "alice")
    ok(srv, "users", "passwd", "alice", "--password-stdin", input="new-password-42\n")
    _, res = sasl_login(srv, client, "alice", "alice", PW)
    assert res.command == "904", res
    _, res = sasl_login(srv, client, "alice2", "alice", "new-password-42")
    assert res.command == "903", res
    r = fails(srv, 1, "users", "passwd", "nobody", "--password-stdin", input=PW + "\n")
    assert r.stderr.strip() == "chatctl: no such user: nobody", r.stderr


def test_users_disable_kicks_and_blocks_then_enable(srv, client):
    add_user(srv, "alice")
    a = client("alice", sasl=("alice", PW))
    watcher = client("watcher")
    r = ok(srv, "users", "disable", "alice")
    assert "1 sessions disconnected" in r.stdout, r.stdout
    m = a.expect("ERROR")
    assert "Account disabled" in m.params[-1], m
    a.wait_closed()
    m = watcher.expect("QUIT", source_nick="alice")
    assert as_json(srv, "users", "show", "alice")["status"] == "disabled"
    _, res = sasl_login(srv, client, "alice2", "alice")
    assert res.command == "904", res
    ok(srv, "users", "enable", "alice")
    _, res = sasl_login(srv, client, "alice3", "alice")
    assert res.command == "903", res


def test_set_role_admin_can_drop_channels(srv, client):
    """set-role admin applies to the live session too: the account may then
    CHANNEL DROP a channel it does not own."""
    add_user(srv, "alice")
    add_user(srv, "bob")
    ok(srv, "channels", "create", "#team", "--owner", "bob")
    a = client("alice", sasl=("alice", PW))
    a.send("CHANNEL DROP #team")
    m = a.expect("FAIL")
    assert m.params[1] == "NO_PRIVILEGES", m
    r = ok(srv, "users", "set-role", "alice", "admin")
    assert "admin" in r.stdout
    assert as_json(srv, "users", "show", "alice")["role"] == "admin"
    a.send("CHANNEL DROP #team")
    m = a.expect(lambda m: m.command in ("CHANNEL", "FAIL"))
    assert m.command == "CHANNEL" and m.params[:2] == ["DROP", "#team"], m
    # and a new login as alice is an admin as well
    b = client("alice2", sasl=("alice", PW))
    ok(srv, "channels", "create", "#team2", "--owner", "bob")
    b.send("CHANNEL DROP #team2")
    m = b.expect(lambda m: m.command in ("CHANNEL", "FAIL"))
    assert m.command == "CHANNEL", m
    fails(srv, 2, "users", "set-role", "alice", "king")
    ok(srv, "users", "set-role", "alice", "user")
    assert as_json(srv, "users", "show", "alice")["role"] == "user"


def test_users_delete(srv, client):
    add_user(srv, "alice")
    ok(srv, "channels", "create", "#mine", "--owner", "alice")
    a = client("alice", sasl=("alice", PW))
    r = ok(srv, "users", "delete", "alice")
    assert "deleted" in r.stdout
    a.expect("ERROR")
    r = fails(srv, 1, "users", "show", "alice")
    assert "no such user: alice" in r.stderr
    assert as_json(srv, "users", "list") == []
    # the channel it owned now belongs to the server, not to a future "alice"
    assert as_json(srv, "channels", "show", "#mine")["owner"] == "(server)"
    _, res = sasl_login(srv, client, "alice2", "alice")
    assert res.command == "904", res


# ---------------------------------------------------------------- channels

def test_channels_create_list_show_topic_mode_delete(srv, client):
    add_user(srv, "alice")
    r = ok(srv, "channels", "create", "#ops", "--owner", "alice")
    assert "#ops" in r.stdout
    fails(srv, 1, "channels", "create", "#ops")
    fails(srv, 1, "channels", "create", "#bad,name")
    fails(srv, 1, "channels", "create", "#x", "--owner", "ghost")
    chans = {c["name"]: c for c in as_json(srv, "channels", "list")}
    assert chans["#ops"]["registered"] == "yes" and chans["#ops"]["owner"] == "alice", chans
    assert "#general" in chans
    b = client("bob")
    b.send("JOIN #ops")
    b.expect("366")
    # a name without '#' works too (the shell eats unquoted #words)
    ok(srv, "channels", "topic", "ops", "Operations: tabs\tand ünïcödé")
    m = b.expect("TOPIC")
    assert m.source == "irc.test" and m.params == ["#ops", "Operations: tabs\tand ünïcödé"], m
    fails(srv, 1, "channels", "topic", "#ops", "two\nlines")
    r = ok(srv, "channels", "set-mode", "#ops", "+mkl", "sekrit", "5")
    m = b.expect("MODE")
    assert m.source == "irc.test" and m.params == ["#ops", "+mkl", "sekrit", "5"], m
    assert "+" in r.stdout
    ok(srv, "channels", "set-mode", "#ops", "+v", "bob")
    assert b.expect("MODE").params == ["#ops", "+v", "bob"]
    r = fails(srv, 1, "channels", "set-mode", "#ops", "+q")
    assert "unknown channel mode" in r.stderr
    fails(srv, 1, "channels", "set-mode", "#ops", "+k")
    fails(srv, 1, "channels", "set-mode", "#ops", "+o", "nobody")
    shown = as_json(srv, "channels", "show", "#ops")
    assert shown["topic"] == "Operations: tabs\tand ünïcödé", shown
    assert shown["modes"].startswith("+") and "m" in shown["modes"] and "sekrit" in shown["modes"], shown
    assert shown["members"] == "+bob", shown
    text = ok(srv, "channels", "show", "#ops").stdout
    assert "topic:" in text and "\\t" in text  # control characters shown escaped to people
    r = ok(srv, "channels", "delete", "#ops", "--reason", "moving to #ops2")
    m = b.expect("PART")
    assert m.params == ["#ops", "moving to #ops2"], m
    r = fails(srv, 1, "channels", "show", "#ops")
    assert "no such channel: #ops" in r.stderr
    assert "#ops" not in {c["name"] for c in as_json(srv, "channels", "list")}


def test_kick_ban_kill(srv, client):
    a = client("alice")
    b = client("bob")
    ok(srv, "kick", "#general", "bob", "behave")
    m = a.expect("KICK")
    assert m.source == "irc.test" and m.params == ["#general", "bob", "behave"], m
    r = fails(srv, 1, "kick", "#general", "bob")
    assert "not in #general" in r.stderr
    ok(srv, "ban", "#general", "bob!*@*")
    assert a.expect("MODE").params == ["#general", "+b", "bob!*@*"]
    b.send("JOIN #general")
    b.expect("474")
    assert "bob!*@*" in as_json(srv, "channels", "show", "#general")["bans"]
    ok(srv, "kill", "bob", "spamming")
    m = b.expect("ERROR")
    assert "spamming" in m.params[-1], m
    b.wait_closed()
    r = fails(srv, 1, "kill", "bob")
    assert "no such nick: bob" in r.stderr


# ---------------------------------------------------------------- announce, motd, reload

def test_announce_live_and_at_connect(srv, client):
    a = client("alice")
    r = ok(srv, "announce", "Maintenance at 22:00 UTC")
    assert "1 clients" in r.stdout
    m = a.expect("NOTICE")
    assert m.source == "irc.test" and m.params == ["alice", "Maintenance at 22:00 UTC"], m
    assert as_json(srv, "announce") == {"announcement": "Maintenance at 22:00 UTC"}
    # a client connecting later sees it after the MOTD
    c = srv.connect(name="late")
    burst = c.register("late", wait_channels=("#general",))
    notices = [m for m in burst if m.command == "NOTICE" and m.params[-1] == "Maintenance at 22:00 UTC"]
    assert notices, burst
    c.close()
    # kept across a restart
    srv.restart()
    c = srv.connect(name="later")
    burst = c.register("later", wait_channels=("#general",))
    assert [m for m in burst if m.command == "NOTICE" and "Maintenance" in m.params[-1]], burst
    c.close()
    ok(srv, "announce", "--clear")
    c = srv.connect(name="latest")
    burst = c.register("latest", wait_channels=("#general",))
    assert not [m for m in burst if m.command == "NOTICE" and "Maintenance" in m.params[-1]], burst
    c.close()
    fails(srv, 2, "announce", "x", "--clear")
    fails(srv, 1, "announce", "x" * 401)


def test_motd_reload(srv, client):
    with open(srv.motd_path, "w") as f:
        f.write("A brand new MOTD line.\n")
    r = ok(srv, "motd", "reload")
    assert "1 lines" in r.stdout
    c = srv.connect(name="m")
    burst = c.register("m", wait_channels=())
    assert "- A brand new MOTD line." in [m.params[-1] for m in burst if m.command == "372"], burst
    c.close()


def test_reload(srv, client):
    """reload re-reads the configuration like SIGHUP; a broken file is
    reported and the running configuration stays."""
    srv.rewrite_config(server={"description": "reloaded description"})
    r = ok(srv, "reload")
    assert "reloaded" in r.stdout
    a = client("alice")
    a.send("WHOIS alice")
    m = a.expect("312")
    assert m.params[-1] == "reloaded description", m
    with open(srv.config_path, "a") as f:
        f.write("\n[nonsense]\nkey = 1\n")
    # chatctl itself reads only what it needs, so it still reaches the daemon
    r = fails(srv, 1, "reload")
    assert "unknown table [nonsense]" in r.stderr and "running configuration stays" in r.stderr, r.stderr
    ok(srv, "status")


# ---------------------------------------------------------------- backup, restore, stop

def test_backup_starts_a_fresh_chatd(srv, server, client, tmp_path):
    """backup DIR while serving; a new chatd with data_dir = DIR has the
    accounts, channels and history."""
    add_user(srv, "alice")
    ok(srv, "channels", "create", "#kept", "--owner", "alice")
    a = client("alice", sasl=("alice", PW), caps=["sasl", "draft/chathistory", "batch", "server-time"])
    a.send("JOIN #kept")
    a.expect("366")
    a.send("PRIVMSG #kept :remember me")
    a.sync()
    target = str(tmp_path / "backup1")
    r = ok(srv, "backup", target)
    assert target in r.stdout
    assert os.path.isfile(os.path.join(target, "accounts.db"))
    assert not [f for f in os.listdir(target) if f.startswith("__db.")]
    r = fails(srv, 1, "backup", target)
    assert "not empty" in r.stderr
    # relative paths are taken from chatctl's working directory
    cwd = os.getcwd()
    os.chdir(str(tmp_path))
    try:
        ok(srv, "backup", "backup2")
    finally:
        os.chdir(cwd)
    assert os.path.isfile(str(tmp_path / "backup2" / "meta.db"))
    a.send("PRIVMSG #kept :still serving")
    a.sync()

    fresh = server(server={"data_dir": target})
    assert [u["name"] for u in as_json(fresh, "users", "list")] == ["alice"]
    assert as_json(fresh, "channels", "show", "#kept")["owner"] == "alice"
    b = client("alice", server=fresh, sasl=("alice", PW), caps=["sasl", "draft/chathistory", "batch", "server-time"])
    b.expect("JOIN", params=["#kept"])
    b.send("CHATHISTORY LATEST #kept * 10")
    msgs = b.collect_until(lambda m: m.command == "BATCH" and m.params[0].startswith("-"))
    texts = [m.params[-1] for m in msgs if m.command == "PRIVMSG"]
    assert texts == ["remember me"], texts


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to run chatd as another user")
def test_backup_is_written_by_the_admin_not_by_chatd(server, client, tmp_path, tls_cert):
    """Issue 19 item 11: with chatd running as an unprivileged user (nobody
    here, chatd under the Debian package), `chatctl backup DIR` into a
    directory only the admin may write works: chatd streams its hot backup
    over the control socket and chatctl writes it (the daemon used to write
    it itself and failed with "Permission denied"). The copy, owned by the
    admin, starts a fresh chatd; chatd's temporary copy is gone."""
    import pwd
    nobody = pwd.getpwnam("nobody")
    base = tempfile.mkdtemp(prefix="chatd-nobody-")
    try:
        os.chmod(base, 0o755)
        data, ctl = os.path.join(base, "data"), os.path.join(base, "ctl")
        for d in (data, ctl):
            os.mkdir(d, 0o700)
            os.chown(d, nobody.pw_uid, nobody.pw_gid)
        cert, key = os.path.join(base, "cert.pem"), os.path.join(base, "key.pem")
        shutil.copy(tls_cert[0], cert)
        shutil.copy(tls_cert[1], key)
        for f in (cert, key):
            os.chown(f, nobody.pw_uid, nobody.pw_gid)
        srv = server(server={"data_dir": data, "user": "nobody"}, tls={"certificate": cert, "key": key},
                     control={"socket": os.path.join(ctl, "control.sock")}, motd=None)
        add_user(srv, "alice")
        target = str(tmp_path / "admin-only" / "chatd-backup")
        os.mkdir(str(tmp_path / "admin-only"), 0o700)  # chatd's user cannot write here
        r = ok(srv, "backup", target)
        assert "backup written to " + target in r.stdout, r.stdout
        assert os.stat(target).st_uid == 0
        assert os.path.isfile(os.path.join(target, "accounts.db"))
        assert os.stat(os.path.join(target, "accounts.db")).st_uid == 0
        assert not [f for f in os.listdir(data) if f.startswith("backup-stream-")]
        assert "control" not in [f for f in os.listdir(target)]
        fresh = server(server={"data_dir": target})
        assert [u["name"] for u in as_json(fresh, "users", "list")] == ["alice"]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_restore_is_offline(srv, tmp_path, client):
    add_user(srv, "alice")
    target = str(tmp_path / "bk")
    ok(srv, "backup", target)
    add_user(srv, "bob")  # after the backup: gone once restored
    r = fails(srv, 1, "restore", target)
    assert "chatd is running" in r.stderr
    srv.stopping = True
    ok(srv, "stop")
    assert srv.proc.wait(timeout=10) == 0
    r = fails(srv, 1, "restore", str(tmp_path / "not-a-backup"))
    assert "not a chatd backup" in r.stderr
    r = ok(srv, "restore", target)
    assert "restored" in r.stdout
    srv.restart()
    assert [u["name"] for u in as_json(srv, "users", "list")] == ["alice"]
    _, res = sasl_login(srv, client, "alice", "alice")
    assert res.command == "903"


def test_stop_exits_zero_then_not_running(srv, client):
    a = client("alice")
    srv.stopping = True
    r = ok(srv, "stop")
    assert "stopped" in r.stdout
    assert srv.proc.wait(timeout=10) == 0
    m = a.expect("ERROR")
    assert not os.path.exists(ctl_socket(srv))
    r = fails(srv, 3, "status")
    assert r.stderr.strip() == ("chatctl: chatd is not running (no socket at %s): start it with "
                                "systemctl start chatd" % ctl_socket(srv)), r.stderr


def test_stale_socket_is_replaced(srv):
    """After a crash the socket file stays behind: the next start removes it
    (nothing answers on it), and chatctl says chatd is not running meanwhile."""
    srv.kill()
    assert os.path.exists(ctl_socket(srv))
    r = fails(srv, 3, "status")
    assert "nothing answers on" in r.stderr
    srv.restart()
    ok(srv, "status")


def test_second_chatd_on_the_same_socket_refuses_to_start(srv, server):
    """chatd exits 1 at start when another chatd answers on its control
    socket (it opens the socket after the listeners, so the fixture may see
    it listening for a moment)."""
    try:
        second = server(control={"socket": ctl_socket(srv)})
    except AssertionError as e:
        text = str(e)
    else:
        second.stopping = True
        assert second.proc.wait(timeout=10) == 1
        text = second.stderr()
    assert "another chatd is running with control socket " + ctl_socket(srv) in text, text
    ok(srv, "status")


def test_log_level(srv):
    r = ok(srv, "log-level", "debug")
    assert "debug" in r.stdout
    r = fails(srv, 1, "log-level", "chatty")
    assert "debug, info, notice, warning, error" in r.stderr
    ok(srv, "log-level", "info")
    assert "log level set to debug" in srv.stderr()


# ---------------------------------------------------------------- errors

def test_usage_errors_exit_2(srv):
    r = fails(srv, 2, "frobnicate")
    assert "unknown command 'frobnicate'" in r.stderr and "users add" in r.stderr
    r = fails(srv, 2, "users")
    assert "usage: chatctl" in r.stderr and "users add" in r.stderr
    r = fails(srv, 2, "users", "show")
    assert "needs more arguments" in r.stderr
    r = fails(srv, 2, "users", "show", "a", "b")
    assert "too many arguments" in r.stderr
    r = fails(srv, 2, "channels", "create", "#x", "--color", "red")
    assert "no option --color" in r.stderr
    r = run_ctl()
    assert r.returncode == 2 and "Commands:" in r.stderr
    r = run_ctl("--help")
    assert r.returncode == 0 and "users set-role" in r.stdout and "Exit status" in r.stdout
    r = run_ctl("users", "add", "--help")
    assert r.returncode == 0 and "usage: chatctl" in r.stdout
    r = run_ctl("--config", "/nonexistent/chatd.conf", "status")
    assert r.returncode == 2 and "/nonexistent/chatd.conf" in r.stderr


def test_not_running_exit_3(tmp_path):
    path = str(tmp_path / "none.sock")
    r = run_ctl("--socket", path, "status")
    assert r.returncode == 3
    assert r.stderr.strip() == ("chatctl: chatd is not running (no socket at %s): start it with "
                                "systemctl start chatd" % path)
    conf = tmp_path / "c.conf"
    conf.write_text('[control]\nsocket = "rel.sock"\n')
    r = run_ctl("--config", str(conf), "status")
    assert r.returncode == 3 and str(tmp_path / "rel.sock") in r.stderr, r.stderr


def _nobody_prefix():
    if os.geteuid() != 0:
        pytest.skip("needs root to run chatctl as nobody")
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    pytest.skip("neither setpriv nor runuser is available")


def _world_reachable(path):
    """True when `nobody` can execute every directory up to `path`."""
    p = os.path.dirname(path)
    while p not in ("/", ""):
        if not os.stat(p).st_mode & 0o001:
            return False
        p = os.path.dirname(p)
    return True


def test_permission_denied_for_other_users(server):
    """Not root, not chatd's user, not in admin_group: refused with exit 4
    and a message saying what to do: by the socket's mode (0660) first and,
    when the socket is reachable, by the daemon's SO_PEERCRED check."""
    nobody = _nobody_prefix()
    if not _world_reachable(chatctl_binary()):
        pytest.skip("chatctl's directory is not reachable by nobody")
    d = tempfile.mkdtemp(prefix="chatd-perm-")
    try:
        os.chmod(d, 0o755)
        path = os.path.join(d, "control.sock")
        srv = server(control={"socket": path, "admin_group": "nogroup-chatd-test"})
        r = run_ctl("--socket", path, "status", user=nobody)
        assert r.returncode == 4, (r.returncode, r.stderr)
        assert r.stderr.strip() == "chatctl: permission denied: run as root or join group chatd", r.stderr
        os.chmod(path, 0o666)  # past the file mode: now the daemon decides
        r = run_ctl("--socket", path, "status", user=nobody)
        assert r.returncode == 4, (r.returncode, r.stderr)
        assert ("permission denied: chatctl needs root or membership in group nogroup-chatd-test"
                in r.stderr), r.stderr
        assert "permission denied" in srv.stderr()
        ok(srv, "--socket", path, "status")  # root still may
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_garbage_on_the_socket_gets_err_and_service_continues(srv):
    path = ctl_socket(srv)
    out = raw_exchange(path, b"\x00\x01\x02\xff\xfe garbage\n")
    assert out.startswith(b"ERR\t"), out
    out = raw_exchange(path, b"users\tshow\\q\t\n")
    assert out.startswith(b"ERR\tmalformed\t"), out
    out = raw_exchange(path, b"announce 'unterminated\n")
    assert out.startswith(b"ERR\tmalformed\t"), out
    out = raw_exchange(path, b"frobnicate\n")
    assert out.startswith(b"ERR\tunknown-command\t"), out
    out = raw_exchange(path, b"users show\n")
    assert out.startswith(b"ERR\tusage\t"), out
    # an overlong line is answered, and the same connection keeps working
    out = raw_exchange(path, b"x" * 70000 + b"\nstatus\n")
    lines = out.split(b"\n")
    assert lines[0].startswith(b"ERR\ttoo-long\t"), out[:200]
    assert lines[1].startswith(b"ROW\tversion="), out[:300]
    assert lines[2] == b"OK", out[:300]
    # a request typed by a person: shell-like words
    out = raw_exchange(path, b"announce\r\nstatus\n\n")
    assert out.startswith(b"ROW\tannouncement=\nOK\nROW\tversion="), out
    # an unfinished line at EOF is dropped; the daemon is fine
    raw_exchange(path, b"status")
    ok(srv, "status")
