"""chat-gtk under Xvfb, driven with xdotool against a real chatd.

Each chat-gtk instance runs on its own Xvfb display (no window manager, so
keyboard focus follows the pointer) with its own XDG profile directories and
its own D-Bus session bus. What the instance sent is asserted from the
server's side by a test IRC client. Screenshots go to
$RESULTS_DIR/screenshots (the CI artifacts) or the test's temp dir.

Environment: CHAT_GTK, the chat-gtk binary (tests skip when it is unset,
i.e. the client was not built); Xvfb, xdotool and ImageMagick's `import`
(scripts/deps.sh test installs them).
"""

import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import create_account

CHAT_GTK = os.environ.get("CHAT_GTK", "")
TOOLS = ("Xvfb", "xdotool", "import", "dbus-run-session")

pytestmark = [
    pytest.mark.skipif(not (CHAT_GTK and os.access(CHAT_GTK, os.X_OK)),
                       reason="CHAT_GTK unset: chat-gtk was not built"),
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS),
                       reason="needs %s" % ", ".join(TOOLS)),
]


def screenshot_dir(tmp_path):
    base = os.environ.get("RESULTS_DIR")
    d = os.path.join(base, "screenshots") if base else str(tmp_path / "screenshots")
    os.makedirs(d, exist_ok=True)
    return d


class Display:
    """An Xvfb server on a display number it picks itself (-displayfd)."""

    def __init__(self):
        r, w = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp",
             "-noreset"], pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(w)
        buf = b""
        deadline = time.monotonic() + 10
        while not buf.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(r, 16)
            if not chunk:
                break
            buf += chunk
        os.close(r)
        assert buf.strip(), "Xvfb did not report a display number"
        self.name = ":" + buf.decode().strip()

    def env(self):
        e = dict(os.environ)
        e["DISPLAY"] = self.name
        return e

    def xdotool(self, *args, check=True, timeout=20):
        return subprocess.run(["xdotool"] + [str(a) for a in args], env=self.env(), check=check,
                              timeout=timeout, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True).stdout

    def screenshot(self, path):
        subprocess.run(["import", "-window", "root", path], env=self.env(), check=True, timeout=30,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert os.path.getsize(path) > 0
        return path

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class ChatGtk:
    """One chat-gtk instance with its own display, profile and session bus."""

    def __init__(self, home, server, shots, tls=False):
        self.display = Display()
        self.home = home
        self.shots = shots
        for sub in ("config", "data", "cache", "runtime"):
            os.makedirs(os.path.join(home, sub), mode=0o700, exist_ok=True)
        env = self.display.env()
        env.update({
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, "config"),
            "XDG_DATA_HOME": os.path.join(home, "data"),
            "XDG_CACHE_HOME": os.path.join(home, "cache"),
            "XDG_RUNTIME_DIR": os.path.join(home, "runtime"),
            "GDK_BACKEND": "x11",
            "GSK_RENDERER": "cairo",  # no GPU under Xvfb
            "GTK_A11Y": "none",
            "NO_AT_BRIDGE": "1",
            "LANG": "C.UTF-8",
            # GTK and fontconfig keep caches for the process lifetime: LSan
            # would report them; ASan/UBSan errors still abort the client.
            "ASAN_OPTIONS": "detect_leaks=0",
            # chat-gtk's own debug lines (e.g. "notification: ...").
            "G_MESSAGES_DEBUG": "chat-gtk",
        })
        self.quit_ok = False  # quit() ended it on purpose
        self.log_path = os.path.join(home, "chat-gtk.log")
        self.log = open(self.log_path, "wb")
        where = ["--port", str(server.tls_port)] if tls else ["--port", str(server.port), "--no-tls"]
        self.proc = subprocess.Popen(
            ["dbus-run-session", "--", CHAT_GTK, "--server", server.host] + where, env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self.window = self.wait_window()
        except BaseException:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.display.close()
            raise

    def wait_window(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, "chat-gtk exited (rc=%s)\n%s" % (
                self.proc.returncode, self.output())
            out = self.display.xdotool("search", "--onlyvisible", "--name", ".", check=False)
            ids = out.split()
            if ids:
                return ids[-1]
            time.sleep(0.2)
        raise AssertionError("no chat-gtk window after %ds\n%s" % (timeout, self.output()))

    def focus(self):
        """Puts the pointer in the top-level window: without a window manager
        X keyboard focus follows the pointer."""
        ids = self.display.xdotool("search", "--onlyvisible", "--name", ".", check=False).split()
        if ids:
            self.window = ids[-1]
        geo = self.display.xdotool("getwindowgeometry", "--shell", self.window, check=False)
        size = dict(l.split("=", 1) for l in geo.split() if "=" in l)
        # The middle of the window: inside it, and away from buttons whose
        # tooltips would cover the screenshots.
        self.display.xdotool("mousemove", "--window", self.window,
                             int(size.get("WIDTH", 80)) // 2, int(size.get("HEIGHT", 80)) // 2)
        time.sleep(0.2)

    def type(self, text):
        self.focus()
        self.display.xdotool("type", "--delay", 30, text)

    def key(self, *keys):
        self.focus()
        self.display.xdotool("key", "--delay", 60, *keys)

    def screenshot(self, name):
        time.sleep(0.5)  # let GTK finish the frame
        return self.display.screenshot(os.path.join(self.shots, name + ".png"))

    def quit(self):
        """Ctrl+Q: the application must exit by itself, with status 0."""
        self.key("ctrl+q")
        rc = self.proc.wait(timeout=15)
        assert rc == 0, "chat-gtk exited with %s\n%s" % (rc, self.output())
        self.quit_ok = True

    def wait_output(self, text, timeout=20):
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert time.monotonic() < deadline, "%r not in chat-gtk's output\n%s" % (
                text, self.output())
            time.sleep(0.2)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")[-6000:]

    def close(self):
        crashed = self.proc.poll()
        if crashed is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log.close()
        self.display.close()
        text = self.output()
        for marker in ("ERROR: AddressSanitizer", "runtime error:", "CRITICAL"):
            assert marker not in text, "chat-gtk reported %r\n%s" % (marker, text)
        assert crashed is None or self.quit_ok, "chat-gtk exited during the test (rc=%s)\n%s" % (
            crashed, text)


@pytest.fixture
def gtk(tmp_path):
    instances = []
    shots = screenshot_dir(tmp_path)

    def factory(name, server, tls=False):
        inst = ChatGtk(str(tmp_path / name), server, shots, tls=tls)
        instances.append(inst)
        return inst

    yield factory
    # Close every instance (and its Xvfb) even when an earlier one fails.
    errors = []
    for inst in instances:
        try:
            inst.close()
        except AssertionError as e:
            errors.append(str(e))
    assert not errors, "\n".join(errors)


def privmsg_from(nick, text):
    def pred(m):
        return (m.command == "PRIVMSG" and m.nick == nick and len(m.params) == 2
                and m.params[1] == text)
    return pred


def join_of(nick):
    return lambda m: m.command == "JOIN" and m.nick == nick


def test_guest_types_message_other_side_receives(server, client, gtk):
    srv = server()
    watcher = client("watcher", server=srv)
    a = gtk("alice", srv)
    a.screenshot("01-login-window")
    a.type("alicegtk")
    a.key("alt+g")  # "Continue as _guest"
    watcher.expect(join_of("alicegtk"), timeout=30, desc="chat-gtk joining #general")
    b = gtk("bob", srv)
    b.type("bobgtk")
    b.key("alt+g")
    watcher.expect(join_of("bobgtk"), timeout=30, desc="second chat-gtk joining #general")
    time.sleep(1.0)
    watcher.send("PRIVMSG #general :hello from the test client, see https://example.org/")
    time.sleep(1.0)
    a.type("hello from chat-gtk")
    a.key("Return")
    watcher.expect(privmsg_from("alicegtk", "hello from chat-gtk"), timeout=20,
                   desc="the message typed in chat-gtk")
    a.type("second line of the conversation")
    a.key("Return")
    watcher.expect(privmsg_from("alicegtk", "second line of the conversation"), timeout=20)
    time.sleep(1.5)
    a.screenshot("02-sender-main-window")
    b.screenshot("03-receiver-main-window")
    # Enter sent each message once: nothing else arrived from chat-gtk.
    watcher.assert_none(lambda m: m.command == "PRIVMSG" and m.nick == "alicegtk", timeout=1.0)


def test_message_typed_while_server_down_arrives_once(server, client, gtk):
    srv = server()
    create_account(srv, "carol", "correct-horse-battery")
    c = gtk("carol", srv)
    c.type("carol")
    c.key("Tab")
    c.type("correct-horse-battery")
    c.key("Return")  # Enter in the password field logs in
    watcher = client("watcher2", server=srv)
    deadline = time.monotonic() + 30
    while True:  # carol's JOIN may have come before the watcher joined
        watcher.send("NAMES #general")
        names = watcher.expect("353", timeout=5)
        if "carol" in names.params[-1].replace("@", "").split():
            break
        assert time.monotonic() < deadline, "carol never joined #general: %s" % names
        time.sleep(0.5)
    time.sleep(1.0)

    srv.kill()  # the server goes away without a goodbye
    time.sleep(2.0)
    c.screenshot("04-disconnected")
    c.type("written while the server was down")
    c.key("Return")
    time.sleep(1.0)
    c.screenshot("05-pending-in-outbox")

    srv.restart()
    watcher = client("watcher3", server=srv)
    watcher.expect(privmsg_from("carol", "written while the server was down"), timeout=90,
                   desc="the outbox message after reconnect")
    # Exactly once: nothing more live, and once in the stored history.
    watcher.assert_none(privmsg_from("carol", "written while the server was down"), timeout=5.0)
    watcher.send("CAP REQ :draft/chathistory batch server-time message-tags")
    watcher.expect("CAP")
    watcher.send("CHATHISTORY LATEST #general * 50")
    batch = watcher.collect_until(lambda m: m.command == "BATCH" and m.params[0].startswith("-"),
                                  timeout=10)
    stored = [m for m in batch if privmsg_from("carol", "written while the server was down")(m)]
    assert len(stored) == 1, batch
    time.sleep(1.0)
    c.screenshot("06-delivered-after-reconnect")


def test_wrong_password_is_explained_and_retry_works(server, client, gtk):
    srv = server()
    create_account(srv, "dave", "right-password-1")
    watcher = client("watcher4", server=srv)
    d = gtk("dave", srv)
    d.type("dave")
    d.key("Tab")
    d.type("wrong-password-1")
    d.key("Return")
    # Refused: no JOIN, chat-gtk still running, the window says why.
    watcher.assert_none(join_of("dave"), timeout=4.0)
    assert d.proc.poll() is None, d.output()
    d.screenshot("07-wrong-password")
    # The password field keeps focus: select it all and type the right one.
    d.key("ctrl+a")
    d.type("right-password-1")
    d.key("Return")
    watcher.expect(join_of("dave"), timeout=30, desc="dave joining after the corrected password")
    d.screenshot("08-logged-in-after-retry")


def test_mention_in_other_channel_notifies_and_quit_says_goodbye(server, client, gtk):
    srv = server()
    watcher = client("watcher5", server=srv)
    watcher.send("JOIN #second")
    watcher.expect("366")
    a = gtk("alice", srv)
    a.type("alicegtk")
    a.key("alt+g")
    watcher.expect(join_of("alicegtk"), timeout=30, desc="chat-gtk joining #general")
    # An invitation makes chat-gtk join; #general stays the open conversation.
    watcher.send("INVITE alicegtk #second")
    watcher.expect(lambda m: m.command == "JOIN" and m.nick == "alicegtk" and m.params[0] == "#second",
                   timeout=20, desc="chat-gtk joining #second after INVITE")
    time.sleep(1.0)
    watcher.send("PRIVMSG #second :alicegtk: ping")
    watcher.send("PRIVMSG #second :no mention in this one")
    # The core saw the mention and the window asked for a desktop notification.
    a.wait_output("notification: watcher5 in #second: alicegtk: ping")
    assert "no mention in this one" not in a.output()
    time.sleep(1.0)
    a.screenshot("09-mention-in-other-channel")
    # Open #second (the sidebar's second row; no window manager: the window
    # sits at 0,0) to show the highlighted line.
    a.display.xdotool("mousemove", 70, 149, "click", 1)
    a.focus()  # the pointer off the sidebar: no tooltip in the picture
    a.screenshot("10-mention-line")
    # Ctrl+Q says QUIT before the process ends (not just a dropped socket).
    a.quit()
    quit_msg = watcher.expect(lambda m: m.command == "QUIT" and m.nick == "alicegtk", timeout=10,
                              desc="QUIT from chat-gtk")
    assert "Connection closed" not in quit_msg.params[-1], quit_msg


def test_certificate_dialog_returns_focus_to_the_window_behind(server, client, gtk):
    srv = server()
    watcher = client("watcher6", server=srv)
    h = gtk("hank", srv, tls=True)  # the test certificate is self-signed
    h.type("hankgtk")
    h.key("alt+g")
    wait_title(h, "Untrusted Certificate")
    h.screenshot("11-certificate-dialog")
    h.key("Escape")
    # The pointer on the bare root window: without a window manager only an
    # explicit focus change (present()) lets the keys reach the login window.
    h.display.xdotool("mousemove", 1200, 780)
    time.sleep(0.5)
    assert "Log in" in h.display.xdotool("getwindowfocus", "getwindowname"), h.output()
    h.display.xdotool("key", "alt+g")
    wait_title(h, "Untrusted Certificate")
    h.display.xdotool("key", "alt+o")  # Trust _once
    watcher.expect(join_of("hankgtk"), timeout=30, desc="chat-gtk joining over TLS")
    wait_title(h, "#general")
    h.display.xdotool("mousemove", 1200, 780)
    h.display.xdotool("type", "--delay", 30, "typed with the pointer outside")
    h.display.xdotool("key", "Return")
    watcher.expect(privmsg_from("hankgtk", "typed with the pointer outside"), timeout=20)


def wait_title(inst, text, timeout=20):
    """Waits until the window with keyboard focus has `text` in its title."""
    deadline = time.monotonic() + timeout
    while True:
        title = inst.display.xdotool("getwindowfocus", "getwindowname", check=False)
        if text in title:
            return
        assert time.monotonic() < deadline, "focused window %r, wanted %r\n%s" % (
            title, text, inst.output())
        time.sleep(0.2)


def guest_login(inst, nick, watcher):
    inst.type(nick)
    inst.key("alt+g")
    watcher.expect(join_of(nick), timeout=30, desc="%s joining #general" % nick)
    time.sleep(1.0)


def test_slash_commands_are_executed_not_sent(server, client, gtk):
    srv = server()
    watcher = client("watcher7", server=srv)
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    # /join creates the channel: alicegtk is its first member, so its operator.
    a.type("/join #kicktest")
    a.key("Return")
    watcher.send("JOIN #kicktest")
    watcher.expect(join_of("watcher7"), timeout=10)
    time.sleep(1.5)
    a.type("/frobnicate now")
    a.key("Return")
    a.type("/kick watcher7 testing kicks")
    a.key("Return")
    kick = watcher.expect(lambda m: m.command == "KICK" and m.nick == "alicegtk", timeout=15,
                          desc="KICK from /kick")
    assert kick.params[:2] == ["#kicktest", "watcher7"], kick
    assert kick.params[-1] == "testing kicks", kick
    time.sleep(1.0)
    a.screenshot("12-slash-commands")
    # Neither command went out as a chat message.
    watcher.assert_none(lambda m: m.command == "PRIVMSG" and m.nick == "alicegtk", timeout=1.0)


def test_draft_survives_a_conversation_switch(server, client, gtk):
    srv = server()
    watcher = client("watcher8", server=srv)
    watcher.send("JOIN #second")
    watcher.expect("366")
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    a.type("/join #second")
    a.key("Return")
    watcher.expect(lambda m: m.command == "JOIN" and m.nick == "alicegtk" and m.params[0] == "#second",
                   timeout=15)
    time.sleep(1.0)
    a.type("half-written draft")
    # To #general (the sidebar's first row) and back to #second.
    a.display.xdotool("mousemove", 70, 115, "click", 1)
    time.sleep(0.8)
    a.focus()
    a.screenshot("13-draft-other-conversation")
    a.display.xdotool("mousemove", 70, 149, "click", 1)
    time.sleep(0.8)
    a.focus()
    a.screenshot("14-draft-restored")
    a.key("Return")
    msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alicegtk", timeout=15,
                         desc="the draft sent after switching back")
    assert msg.params == ["#second", "half-written draft"], msg


def test_renamed_guest_is_told_and_sees_own_nick(server, client, gtk):
    srv = server()
    watcher = client("watcher9", server=srv)
    watcher.send("NICK bobgtk")  # someone already has "bobgtk"
    time.sleep(0.5)
    b = gtk("bob", srv)
    b.type("bobgtk")
    b.key("alt+g")
    watcher.expect(join_of("bobgtk_"), timeout=30, desc="the guest joining as bobgtk_")
    wait_title(b, "#general")
    time.sleep(1.0)
    b.focus()
    b.screenshot("15-renamed-guest")
    # The main window's banner says it (the status button shows the nick:
    # see the screenshot).
    b.wait_output("problem: \u201cbobgtk\u201d is in use, so you are \u201cbobgtk_\u201d")


def test_alt_down_and_ctrl_page_up_switch_conversations(server, client, gtk):
    srv = server()
    watcher = client("watcher10", server=srv)
    watcher.send("JOIN #second")
    watcher.expect("366")
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    a.type("/join #second")
    a.key("Return")
    watcher.expect(lambda m: m.command == "JOIN" and m.nick == "alicegtk" and m.params[0] == "#second",
                   timeout=15)
    wait_title(a, "#second")
    a.key("alt+Up")  # to #general
    wait_title(a, "#general")
    a.key("ctrl+Next")  # Ctrl+PgDn: back to #second
    wait_title(a, "#second")
    a.type("sent after switching by keyboard")
    a.key("Return")
    msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alicegtk", timeout=15)
    assert msg.params == ["#second", "sent after switching by keyboard"], msg
    a.screenshot("16-keyboard-switch")
