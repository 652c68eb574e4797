"""Interop: real IRC clients from Debian (irssi, WeeChat) driven through tmux,
talking over TLS (certificate verified against the test CA file) to the
daemon under test, with a Python test client in the same channel.

Each client gets a throwaway HOME/config dir and its own tmux server socket
(-L), so nothing leaks between tests or from the user's setup.
"""

import os
import re
import shutil
import subprocess
import time
import uuid

import pytest


TMUX = shutil.which("tmux")


class Tmux:
    """One detached tmux session on a private server socket."""

    def __init__(self, command, env):
        self.socket = "chatd-it-%d-%s" % (os.getpid(), uuid.uuid4().hex[:8])
        self.base = [TMUX, "-L", self.socket, "-f", "/dev/null"]
        envs = " ".join("%s=%s" % (k, _shq(v)) for k, v in env.items())
        subprocess.run(self.base + ["new-session", "-d", "-s", "main", "-x", "200", "-y", "50",
                                    "env %s %s" % (envs, command)],
                       check=True, timeout=10)

    def keys(self, text, enter=True):
        subprocess.run(self.base + ["send-keys", "-t", "main", "-l", text], check=True, timeout=10)
        if enter:
            subprocess.run(self.base + ["send-keys", "-t", "main", "Enter"], check=True, timeout=10)

    def capture(self):
        r = subprocess.run(self.base + ["capture-pane", "-p", "-J", "-t", "main", "-S", "-1000"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=10)
        return r.stdout.decode("utf-8", "replace")

    def wait_for(self, pattern, timeout=15.0):
        """Polls the pane until `pattern` (a substring or compiled regex) shows."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.capture()
            if (pattern.search(text) if isinstance(pattern, re.Pattern) else pattern in text):
                return text
            time.sleep(0.1)
        raise AssertionError("pane never showed %r within %.0fs; pane:\n%s" % (
            pattern, timeout, _nonblank(text)))

    def kill(self):
        subprocess.run(self.base + ["kill-server"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10)


def _shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def _nonblank(text):
    return "\n".join(l.rstrip() for l in text.splitlines() if l.strip(" │|"))


@pytest.fixture
def tmux_session(request):
    sessions = []

    def factory(command, env):
        t = Tmux(command, env)
        sessions.append(t)
        return t

    yield factory
    for t in sessions:
        t.kill()
    # Give the clients a moment to exit so the daemon sees clean disconnects.
    time.sleep(0.2)


def wait_online(py, nick, timeout=20.0):
    """Polls ISON until `nick` is registered on the server (RFC 2812 §4.9)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        py.send("ISON %s" % nick)
        m = py.expect("303", timeout=5)
        if nick.lower() in m.params[-1].lower().split():
            return
        time.sleep(0.2)
    raise AssertionError("%s never registered" % nick)


def _base_env(home):
    return {"HOME": home, "TERM": "screen-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


def _exchange(py, pane, nick, send_in_client):
    """The common two-way check in #interop."""
    token = uuid.uuid4().hex[:8]
    # client -> python
    send_in_client("hello from %s %s" % (nick, token))
    m = py.expect(lambda m: m.command == "PRIVMSG" and m.nick == nick, timeout=15)
    assert m.params == ["#interop", "hello from %s %s" % (nick, token)]
    # python -> client
    py.send("PRIVMSG #interop :reply from python %s" % token)
    pane.wait_for("reply from python %s" % token)


@pytest.mark.skipif(shutil.which("irssi") is None or TMUX is None, reason="irssi or tmux not installed")
def test_irssi_over_tls(server, client, tmux_session, tmp_path):
    """irssi 1.4 connects with -tls -tls_cafile (verified, hostname localhost
    matches the certificate's DNS SAN), is auto-joined to #general, joins
    #interop and exchanges PRIVMSGs with a Python client both ways."""
    srv = server()
    py = client("pybot")
    py.send("JOIN #interop")
    py.expect("366")
    home = str(tmp_path / "irssi")
    os.makedirs(home)
    pane = tmux_session("irssi --home=%s -n irssinick" % _shq(home), _base_env(home))
    pane.wait_for("Irssi v")
    pane.keys("/connect -4 -tls -tls_cafile %s localhost %d" % (srv.cert, srv.tls_port))
    if srv.auto_join:
        # Python is in #general too (auto-join): it sees the client arrive.
        py.expect("JOIN", source_nick="irssinick", params=["#general"], timeout=20)
    else:
        wait_online(py, "irssinick")
    pane.keys("/join #interop")
    py.expect("JOIN", source_nick="irssinick", params=["#interop"], timeout=15)
    pane.keys("/window goto #interop")
    pane.wait_for(re.compile(r"\[#interop\]\s*$", re.M))
    _exchange(py, pane, "irssinick", lambda text: pane.keys(text))
    if srv.auto_join:
        token = uuid.uuid4().hex[:8]
        py.send("PRIVMSG #general :general news %s" % token)
        py.sync()
        pane.keys("/window goto #general")
        text = pane.wait_for("general news %s" % token)
        assert re.search(r"\[#general\]\s*$", text, re.M), _nonblank(text)
    py.send("NAMES #interop")
    names = py.expect("353")
    assert "irssinick" in names.params[-1].replace("@", "").replace("+", "").split()


@pytest.mark.skipif(shutil.which("weechat") is None or TMUX is None, reason="weechat or tmux not installed")
def test_weechat_over_tls(server, client, tmux_session, tmp_path):
    """WeeChat 3.8 connects with -ssl (3.8 still names it ssl) verifying the
    server against weechat.network.gnutls_ca_user (IP SAN 127.0.0.1), is
    auto-joined to #general, joins #interop and exchanges PRIVMSGs with a
    Python client both ways."""
    srv = server()
    py = client("pybot")
    py.send("JOIN #interop")
    py.expect("366")
    wdir = str(tmp_path / "weechat")
    os.makedirs(wdir)
    setup = ";".join([
        "/set weechat.look.paste_max_lines -1",
        "/set weechat.network.gnutls_ca_user %s" % srv.cert,
        "/server add t 127.0.0.1/%d -ssl" % srv.tls_port,
        "/set irc.server.t.ssl_verify on",
        "/set irc.server.t.nicks weenick",
        "/set irc.server.t.autoreconnect off",
        "/connect t",
    ])
    pane = tmux_session("weechat --dir %s -r %s" % (_shq(wdir), _shq(setup)), _base_env(wdir))
    if srv.auto_join:
        # Python is in #general too (auto-join): it sees the client arrive.
        py.expect("JOIN", source_nick="weenick", params=["#general"], timeout=20)
    else:
        wait_online(py, "weenick")
    pane.keys("/join #interop")
    py.expect("JOIN", source_nick="weenick", params=["#interop"], timeout=15)
    pane.keys("/buffer #interop")
    pane.wait_for(re.compile(r"\d:#interop"))
    _exchange(py, pane, "weenick", lambda text: pane.keys(text))
    if srv.auto_join:
        token = uuid.uuid4().hex[:8]
        py.send("PRIVMSG #general :general news %s" % token)
        py.sync()
        pane.keys("/buffer #general")
        text = pane.wait_for("general news %s" % token)
        assert "#general" in text
    py.send("NAMES #interop")
    names = py.expect("353")
    assert "weenick" in names.params[-1].replace("@", "").replace("+", "").split()
