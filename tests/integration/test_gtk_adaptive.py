"""chat-gtk in small windows, its context menus, preferences and quiet lines
(issue 18, chat-gtk items 11 and 12), under Xvfb against a real chatd.

Reuses test_gtkclient.py's harness (one Xvfb, profile and session bus per
chat-gtk). Widget geometry comes from chat-gtk's own test output
(G_MESSAGES_DEBUG=chat-gtk): AdaptiveLayout logs "layout: width=W ...
send_button=x,y,WxH ..." in window coordinates after each resize. The
screenshots go to $RESULTS_DIR/screenshots (adaptive-*.png).
"""

import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import create_account
from test_gtkclient import (CHAT_GTK, TOOLS, gtk, guest_login, join_of,  # noqa: F401 (gtk: fixture)
                            wait_title)

pytestmark = [
    pytest.mark.skipif(not (CHAT_GTK and os.access(CHAT_GTK, os.X_OK)),
                       reason="CHAT_GTK unset: chat-gtk was not built"),
    pytest.mark.skipif(any(shutil.which(t) is None for t in TOOLS + ("xclip", "convert")),
                       reason="needs %s, xclip and convert" % ", ".join(TOOLS)),
]

LAYOUT = re.compile(r"layout: width=(\d+) height=(\d+) folded=(\d),(\d)(.*)")


def wait_layout(inst, width, timeout=15):
    """The last layout line chat-gtk logged for `width`: (window width,
    height, sidebar folded, members folded, {name: (x, y, w, h)})."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in LAYOUT.finditer(inst.output()) if int(m.group(1)) == width]
        if found:
            m = found[-1]
            boxes = {}
            for name, x, y, w, h in re.findall(r"(\w+)=(-?\d+),(-?\d+),(\d+)x(\d+)", m.group(5)):
                boxes[name] = tuple(int(v) for v in (x, y, w, h))
            return int(m.group(1)), int(m.group(2)), m.group(3) == "1", m.group(4) == "1", boxes
        assert time.monotonic() < deadline, "no layout for width %d\n%s" % (width, inst.output())
        time.sleep(0.2)


def resize(inst, width, height):
    """Resizes the X window; returns wait_layout's answer for it (the
    window widget is the X window less the resize border)."""
    inst.focus()  # also finds the main window (the login window is gone)
    inst.display.xdotool("windowsize", inst.window, width, height)
    deadline = time.monotonic() + 15
    while True:
        geo = inst.display.xdotool("getwindowgeometry", "--shell", inst.window)
        if "WIDTH=%d" % width in geo:
            break
        assert time.monotonic() < deadline, geo
        time.sleep(0.2)
    time.sleep(0.6)  # the layout line comes 0.4 s after the last size change
    for m in reversed(list(LAYOUT.finditer(inst.output()))):
        return wait_layout(inst, int(m.group(1)))
    raise AssertionError("no layout line\n" + inst.output())


def assert_inside(boxes, names, width, height):
    """Each named widget lies inside the window (the title bar overlaps the
    window's 1 px border by design: 1 px of slack)."""
    for name in names:
        assert name in boxes, "%s not shown: %s" % (name, boxes)
        x, y, w, h = boxes[name]
        assert x >= -1 and y >= -1 and w > 0 and h > 0, (name, boxes[name])
        assert x + w <= width + 1 and y + h <= height + 1, "%s clipped at %dx%d: %s" % (
            name, width, height, boxes[name])


def colors_in(png, box):
    """Distinct colors in the `box` (x, y, w, h) of a screenshot: a blank
    (unpainted) message pane has one or two."""
    x, y, w, h = box
    out = subprocess.run(["convert", png, "-crop", "%dx%d+%d+%d" % (w, h, x, y), "+repage",
                          "-format", "%k", "info:"], check=True, capture_output=True, text=True,
                         timeout=30).stdout
    return int(out.strip())


def clipboard(inst):
    return subprocess.run(["xclip", "-o", "-selection", "clipboard"], env=inst.display.env(),
                          capture_output=True, text=True, timeout=10).stdout


def test_360px_window_clips_nothing_and_folds_the_panels(server, client, gtk):
    srv = server()
    watcher = client("watcher20", server=srv)
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    watcher.send("PRIVMSG #general :a line to read in a narrow window, see https://example.org/")
    a.wait_output("layout: width=")
    a.key("ctrl+m")  # the member panel open while wide: it must not cover the messages later
    time.sleep(0.5)

    width, height, sidebar_folded, members_folded, boxes = resize(a, 360, 640)
    # The X window is 360 px: nothing forced it wider (GTK's client-side
    # decorations keep a few pixels of it for the resize border).
    geo = a.display.xdotool("getwindowgeometry", "--shell", a.window)
    assert "WIDTH=360" in geo, geo
    assert 340 <= width <= 360, width
    assert sidebar_folded and members_folded
    assert_inside(boxes, ("send_button", "composer", "header_bar", "message_list"), width, height)
    # The composer takes the width left of the Send button.
    assert boxes["composer"][0] + boxes["composer"][2] <= boxes["send_button"][0]
    shot = a.screenshot("adaptive-01-360px")
    assert colors_in(shot, boxes["message_list"]) > 4, "message pane blank at 360 px"

    a.key("F9")  # the conversation list slides over the messages
    time.sleep(0.8)
    a.screenshot("adaptive-02-360px-sidebar")
    a.key("Escape")
    time.sleep(0.5)

    width, height, sidebar_folded, members_folded, boxes = resize(a, 1100, 720)
    assert not sidebar_folded and not members_folded
    assert_inside(boxes, ("send_button", "composer", "header_bar", "message_list"), width, height)
    shot = a.screenshot("adaptive-03-wide-again")
    assert colors_in(shot, boxes["message_list"]) > 4, "message pane blank after widening"


def test_reconnect_now_reconnects_at_once(server, client, gtk):
    srv = server()
    create_account(srv, "carol", "correct-horse-battery")
    c = gtk("carol", srv)
    c.type("carol")
    c.key("Tab")
    c.type("correct-horse-battery")
    c.key("Return")
    wait_title(c, "#general", timeout=30)
    resize(c, 360, 640)

    srv.kill()
    # Wait for a long backoff (the 8 s step: 6.4-9.6 s; earlier ones show <= 5).
    deadline = time.monotonic() + 30
    while True:
        waits = [int(n) for n in re.findall(r"banner: .*Reconnecting in (\d+) s", c.output())]
        if waits and waits[-1] >= 6:
            break
        assert time.monotonic() < deadline, c.output()
        time.sleep(0.2)
    scheduled = waits[-1]
    shot = c.screenshot("adaptive-04-reconnect-banner-360px")
    assert os.path.getsize(shot) > 0
    srv.restart()
    clicked = time.monotonic()
    c.key("alt+r")  # "_Reconnect Now"
    watcher = client("watcher21", server=srv)
    while True:
        watcher.send("NAMES #general")
        names = watcher.expect("353", timeout=5)
        if "carol" in names.params[-1].replace("@", "").split():
            break
        assert time.monotonic() - clicked < scheduled - 1.5, (
            "not back before the automatic reconnect (%d s)\n%s" % (scheduled, c.output()))
        time.sleep(0.2)
    assert time.monotonic() - clicked < scheduled - 1.5
    c.screenshot("adaptive-05-reconnected")


def copy_from_menu(inst, x, y, key, what):
    """Right click at (x, y), the menu item with mnemonic `key`; returns what
    chat-gtk says it put on the clipboard ("clipboard <what>: ...")."""
    before = inst.output().count("clipboard %s: " % what)
    inst.display.xdotool("mousemove", x, y, "click", 3)
    time.sleep(0.8)
    inst.display.xdotool("key", key)
    deadline = time.monotonic() + 5
    while inst.output().count("clipboard %s: " % what) == before:
        if time.monotonic() > deadline:  # the menu did not open (rows still moving)
            inst.display.xdotool("key", "Escape")
            return None
        time.sleep(0.2)
    return re.findall(r"clipboard %s: (.*)" % what, inst.output())[-1]


def test_message_menu_copies_text_and_link(server, client, gtk):
    srv = server()
    watcher = client("watcher22", server=srv)
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    for i in range(25):  # enough lines to fill the view: it sticks to the bottom
        watcher.send("PRIVMSG #general :filler line %d" % i)
    text = "copy me please https://example.org/copied"
    watcher.send("PRIVMSG #general :" + text)
    a.wait_output("layout: width=")
    m = list(LAYOUT.finditer(a.output()))[-1]
    _, _, _, _, boxes = wait_layout(a, int(m.group(1)))
    x, y, w, h = boxes["message_list"]
    # The newest message is the last row, at the bottom of the list (on a
    # busy machine the last lines may still be arriving: try again).
    time.sleep(2.0)
    for _ in range(5):
        copied = copy_from_menu(a, x + 60, y + h - 5, "c", "text")  # _Copy Text
        if copied == text:
            break
        assert copied is None or copied.startswith("filler line "), copied
        time.sleep(1.0)
    a.screenshot("adaptive-06-message-menu-used")
    assert copied == text
    assert clipboard(a) == text
    assert copy_from_menu(a, x + 60, y + h - 5, "l", "link") == "https://example.org/copied"  # Copy _Link
    assert clipboard(a) == "https://example.org/copied"
    a.display.xdotool("mousemove", x + 60, y + h - 5, "click", 3)
    time.sleep(0.8)
    a.screenshot("adaptive-06-message-menu")
    a.display.xdotool("key", "Escape")


def test_muted_conversation_does_not_notify(server, client, gtk):
    srv = server()
    watcher = client("watcher23", server=srv)
    watcher.send("JOIN #second")
    watcher.expect("366")
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    a.type("/join #second")
    a.key("Return")
    wait_title(a, "#second")
    a.key("alt+Up")  # back to #general: #second is in the background
    wait_title(a, "#general")
    # Right click on #second, the sidebar's second row (no window manager:
    # the window sits at 0,0), then _Mute Conversation.
    a.display.xdotool("mousemove", 70, 149, "click", 3)
    time.sleep(0.8)
    a.screenshot("adaptive-07-conversation-menu")
    a.display.xdotool("key", "m")
    deadline = time.monotonic() + 10
    ini = os.path.join(a.home, "config", "chat-gtk", "settings.ini")
    while "#second" not in (open(ini).read() if os.path.exists(ini) else ""):
        assert time.monotonic() < deadline, "mute not stored\n" + a.output()
        time.sleep(0.2)
    watcher.send("PRIVMSG #second :alicegtk: a mention in a muted channel")
    a.wait_output("notification suppressed: #second")
    watcher.send("PRIVMSG alicegtk :a direct message still notifies")
    a.wait_output("notification: watcher23: a direct message still notifies")
    assert "notification: watcher23 in #second" not in a.output()
    a.focus()
    a.screenshot("adaptive-08-muted-sidebar")


def test_three_joins_show_as_one_quiet_line(server, client, gtk):
    srv = server()
    watcher = client("watcher24", server=srv)
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    watcher.send("PRIVMSG #general :before the joins")
    time.sleep(1.0)
    for nick in ("joiner1", "joiner2", "joiner3"):
        client(nick, server=srv)  # registers and auto-joins #general
    a.wait_output("quiet line: joiner1, joiner2 and joiner3 joined")
    time.sleep(1.0)
    a.focus()
    a.screenshot("adaptive-09-three-joins-one-line")


def wait_shown(inst, title, timeout=15):
    """Waits until a window titled `title` is mapped (without a window
    manager a new window need not get the keyboard focus)."""
    deadline = time.monotonic() + timeout
    while not inst.display.xdotool("search", "--onlyvisible", "--name", title, check=False).split():
        assert time.monotonic() < deadline, "no window %r\n%s" % (title, inst.output())
        time.sleep(0.2)


def test_preferences_and_shortcuts_windows_open_from_the_keyboard(server, client, gtk):
    srv = server()
    watcher = client("watcher25", server=srv)
    a = gtk("alice", srv)
    guest_login(a, "alicegtk", watcher)
    a.key("ctrl+question")
    wait_shown(a, "Keyboard Shortcuts")
    a.screenshot("adaptive-11-shortcuts")
    a.display.xdotool("key", "Escape")
    wait_title(a, "#general")
    a.key("ctrl+comma")
    wait_shown(a, "Preferences")
    a.screenshot("adaptive-10-preferences")
