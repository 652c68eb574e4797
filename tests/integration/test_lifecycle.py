"""Daemon lifecycle: startup errors, graceful shutdown on SIGTERM/SIGINT,
SIGHUP reloading the configuration and the MOTD (README: "SIGHUP re-reads
the configuration, the MOTD and the TLS certificate without dropping
clients; SIGTERM or SIGINT shut down gracefully")."""

import os
import signal
import subprocess
import time

import pytest

from conftest import IMPL, chatd_binary

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_graceful_shutdown(srv, client, sig):
    """On SIGTERM/SIGINT connected clients get ERROR, then EOF; exit status 0."""
    a = client("alice")
    b = client("bob", tls=True)
    rc = srv.terminate(sig)
    assert rc == 0, "exit status %s\n%s" % (rc, srv.stderr())
    for c in (a, b):
        got = c.wait_closed(timeout=3)
        assert [m for m in got if m.command == "ERROR"], got


def test_sighup_reloads_motd(srv, client):
    a = client("alice")
    with open(srv.motd_path, "w") as f:
        f.write("A brand new message of the day.\n")
    srv.reload()
    deadline = time.monotonic() + 5
    text = []
    while time.monotonic() < deadline:
        a.send("MOTD")
        msgs = a.collect_until(["376", "422"])
        text = [m.params[-1] for m in msgs if m.command == "372"]
        if any("brand new" in t for t in text):
            break
        time.sleep(0.1)
    assert any("brand new" in t for t in text), text
    assert not any("Second line" in t for t in text)


def test_sighup_reloads_config(srv, client):
    """A changed [server] password applies to new connections after SIGHUP;
    connected clients stay."""
    a = client("alice")
    with open(srv.config_path) as f:
        cfg = f.read()
    cfg = cfg.replace('network = "TestNet"', 'network = "TestNet"\npassword = "newpw"')
    with open(srv.config_path, "w") as f:
        f.write(cfg)
    srv.reload()
    time.sleep(0.5)
    c = srv.connect(name="nopass")
    c.send("NICK np")
    c.send("USER np 0 * :np")
    got = c.wait_closed(timeout=5)
    assert [m for m in got if m.command == "464"], got
    d = srv.connect(name="withpass")
    d.send("PASS newpw")
    d.send("NICK wp")
    d.send("USER wp 0 * :wp")
    assert d.expect("001").params[0] == "wp"
    a.send("PING :still")
    assert a.expect("PONG").params[-1] == "still"
    d.close()


def test_sighup_with_broken_config_keeps_running(srv, client):
    """A config that no longer parses is rejected on reload; the daemon keeps
    running with the old one."""
    a = client("alice")
    with open(srv.config_path, "a") as f:
        f.write("\n[this is not toml\n")
    srv.reload()
    time.sleep(0.5)
    assert srv.alive(), srv.stderr()
    a.send("PING :alive")
    assert a.expect("PONG").params[-1] == "alive"
    b = client("bob")
    assert b.nick == "bob"


def _run_chatd(conf_path, timeout=10):
    return subprocess.run([chatd_binary(), "--config", conf_path, "--foreground"],
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=timeout)


def test_bad_config_fails_at_startup(tmp_path):
    """Config errors are reported as path:line and the daemon exits non-zero."""
    conf = tmp_path / "bad.conf"
    conf.write_text('[server]\nname = "irc.test"\ndata_dir = "%s"\nbogus_key = 1\n'
                    '[[listen]]\naddress = "127.0.0.1:1"\n' % tmp_path)
    r = _run_chatd(str(conf))
    assert r.returncode != 0
    out = r.stdout.decode("utf-8", "replace")
    assert str(conf) in out and "bogus_key" in out, out


def test_missing_config_fails(tmp_path):
    r = _run_chatd(str(tmp_path / "does-not-exist.conf"))
    assert r.returncode != 0
    assert r.stdout.strip(), "no error message"


def test_port_in_use_fails(tmp_path, srv):
    """Binding a port that is taken fails startup with a message."""
    conf = tmp_path / "dup.conf"
    os.makedirs(tmp_path / "data", exist_ok=True)
    conf.write_text('[server]\nname = "irc.test"\ndata_dir = "%s"\n'
                    '[[listen]]\naddress = "127.0.0.1:%d"\ntls = false\n' % (tmp_path / "data", srv.port))
    r = _run_chatd(str(conf))
    assert r.returncode != 0
    assert str(srv.port) in r.stdout.decode("utf-8", "replace")
