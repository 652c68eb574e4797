"""chat-gtk file sharing under Xvfb against a real chatd with an HTTPS
listener (doc/files.md): alice attaches a picture with the composer's attach
button, the upload goes over tus with a FILEHOST TOKEN bearer token, the
link goes out with the +chatd.dev/file tag; bob's chat-gtk shows the file
card with a thumbnail decoded in the client, and Save As writes the same
bytes (SHA-256). Both clients trust the self-signed test certificate once
("Trust once"), and that decision covers the HTTPS file host too.

The other paths a person uses: a picture pasted into the composer, a file
dropped from another application, Cancel in a transfer row (the tus upload
is terminated), and Save As next to an interrupted download's .part (only
the missing bytes are asked for).

The file chooser and the Save As dialog are replaced by the test hooks
CHAT_GTK_TEST_OPEN_FILE and CHAT_GTK_TEST_SAVE_FILE (chat-gtk(1)); the
buttons themselves are clicked with xdotool.
"""

import hashlib
import os
import shutil
import sys
import struct
import time
import zlib

import pytest

from conftest import create_account
from test_gtkclient import ChatGtk, CHAT_GTK, TOOLS, gtk, screenshot_dir, pytestmark  # noqa: F401

PW = "correct-horse-battery"


def make_png(path, w=640, h=400):
    """A real PNG (a colour gradient with a dark diagonal band) so the
    thumbnail shows something a person recognises."""
    rows = []
    for y in range(h):
        row = bytearray([0])
        for x in range(w):
            band = abs((x * h // w) - y) < 18
            r, g, b = (30, 30, 60) if band else (40 + 200 * x // w, 90 + 120 * y // h, 220 - 150 * x // w)
            row += bytes((r, g, b))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", raw) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)
    return png


def log_in(inst, account):
    inst.type(account)
    inst.key("Tab")
    inst.type(PW)
    inst.key("Return")
    # The self-signed test certificate: "Trust _once" in the dialog.
    deadline = time.monotonic() + 20
    while True:
        title = inst.display.xdotool("getwindowfocus", "getwindowname", check=False)
        if "ertificate" in title or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    inst.display.xdotool("key", "alt+o")


def wait_joined(watcher, nick, timeout=40):
    deadline = time.monotonic() + timeout
    while True:
        watcher.send("NAMES #general")
        names = watcher.expect("353", timeout=5)
        if nick in names.params[-1].replace("@", "").split():
            return
        assert time.monotonic() < deadline, "%s never joined #general: %s" % (nick, names)
        time.sleep(0.5)


# Where the buttons are on the 1280x800 Xvfb screen (no window manager: the
# window sits at the top left in its default size), in screen pixels.
ATTACH_XY = (285, 686)
SAVE_XY = (519, 369)
SAVE_BELOW_JOIN_XY = (485, 387)  # the card's save button below a "joined" line
CANCEL_XY = (1058, 609)  # the transfer row above the composer


def test_attach_card_thumbnail_and_save_as(server, client, gtk, tmp_path, monkeypatch):
    srv = server(http_listeners=True)
    create_account(srv, "alice", PW)
    create_account(srv, "bob", PW)
    picture = str(tmp_path / "sunset gradient.png")
    data = make_png(picture)
    saved = str(tmp_path / "saved" / "copy of sunset.png")
    os.makedirs(os.path.dirname(saved))
    watcher = client("watcher", server=srv, caps=["message-tags"])

    monkeypatch.setenv("CHAT_GTK_TEST_OPEN_FILE", picture)
    a = gtk("alice", srv, tls=True)
    monkeypatch.delenv("CHAT_GTK_TEST_OPEN_FILE")
    monkeypatch.setenv("CHAT_GTK_TEST_SAVE_FILE", saved)
    b = gtk("bob", srv, tls=True)
    monkeypatch.delenv("CHAT_GTK_TEST_SAVE_FILE")
    log_in(a, "alice")
    log_in(b, "bob")
    wait_joined(watcher, "alice")
    wait_joined(watcher, "bob")
    time.sleep(1.5)
    a.screenshot("files-01-alice-before-attach")

    # alice: the attach button (left of the message field), then the upload.
    a.display.xdotool("mousemove", *ATTACH_XY, "click", 1)
    msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=60,
                         desc="the file link from chat-gtk")
    url = msg.params[1]
    assert url.startswith("https://") and "/f/" in url and url.endswith("/sunset%20gradient.png"), url
    tag = msg.tags.get("+chatd.dev/file")
    assert tag == "name=sunset%%20gradient.png,size=%d,type=image/png" % len(data), msg.raw
    a.wait_output("file shared: " + url, timeout=10)

    # bob: the card with its thumbnail (decoded in the client, 320x200 for 640x400).
    b.wait_output("thumbnail: sunset gradient.png 320x200", timeout=30)
    time.sleep(1.0)
    a.screenshot("files-02-alice-after-upload")
    b.screenshot("files-03-bob-card-and-thumbnail")

    # bob: Save As (the card's save button) writes the same bytes.
    b.display.xdotool("mousemove", *SAVE_XY, "click", 1)
    b.wait_output("file saved: " + saved, timeout=30)
    with open(saved, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert not os.path.exists(saved + ".part")
    b.screenshot("files-04-bob-after-save")
    # The transfers row says where the file went.
    b.wait_output("file saved: " + saved, timeout=1)


def test_refused_upload_is_explained_in_the_window(server, client, gtk, tmp_path, monkeypatch):
    srv = server(http_listeners=True, files={"max_size": 20000})
    create_account(srv, "alice", PW)
    picture = str(tmp_path / "too big.png")
    data = make_png(picture)
    assert len(data) > 20000
    watcher = client("watcher", server=srv, caps=["message-tags"])
    monkeypatch.setenv("CHAT_GTK_TEST_OPEN_FILE", picture)
    a = gtk("alice", srv, tls=True)
    log_in(a, "alice")
    wait_joined(watcher, "alice")
    time.sleep(1.5)
    a.display.xdotool("mousemove", *ATTACH_XY, "click", 1)
    a.wait_output("transfer problem: too big.png was not sent. The file is too large for this server.",
                  timeout=30)
    a.display.xdotool("mousemove", 700, 300)  # no tooltip over the row
    a.screenshot("files-05-alice-upload-refused")
    # Nothing was posted.
    watcher.assert_none(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=1.0)


def test_upload_left_half_done_resumes_after_restart(server, client, gtk, tmp_path):
    """An upload chat-gtk had not finished when it quit (its line in the
    pending-uploads file, half the bytes on the server) continues from the
    server's offset at the next login and ends with identical bytes."""
    from test_files import basic, path_of, request
    srv = server(http_listeners=True)
    create_account(srv, "alice", PW)
    data = os.urandom(3 * 1024 * 1024 + 123)
    local = str(tmp_path / "resumed.bin")
    with open(local, "wb") as f:
        f.write(data)
    import base64
    meta = "filename %s,filetype %s,target %s" % tuple(
        base64.b64encode(v.encode()).decode() for v in ("resumed.bin", "application/octet-stream", "#general"))
    auth = basic("alice", PW)
    status, headers, body = request(srv, "POST", "/files/tus", headers={
        "Authorization": auth, "Tus-Resumable": "1.0.0", "Upload-Length": str(len(data)),
        "Upload-Metadata": meta})
    assert status == 201, body
    tus_url = headers["location"]
    half = len(data) // 2
    status, headers, body = request(srv, "PATCH", path_of(tus_url), body=data[:half], headers={
        "Authorization": auth, "Tus-Resumable": "1.0.0", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream"})
    assert status == 204 and headers["upload-offset"] == str(half), body
    # What chat-gtk keeps in <data dir>/chat-gtk/uploads-<host>-<port>.
    profile = tmp_path / "alice" / "data" / "chat-gtk"
    os.makedirs(profile)
    with open(profile / ("uploads-%s-%d" % (srv.host, srv.tls_port)), "w") as f:
        f.write("%s %d %s resumed.bin application/octet-stream #general\n" % (tus_url, len(data), local))

    watcher = client("watcher", server=srv, caps=["message-tags"])
    a = gtk("alice", srv, tls=True)
    log_in(a, "alice")
    msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=60,
                         desc="the resumed upload's link")
    assert msg.tags.get("+chatd.dev/file") == "name=resumed.bin,size=%d,type=application/octet-stream" % len(data)
    # The same upload went on (a finished tus upload keeps its id), not a new one.
    assert msg.params[1].split("/f/")[1].split("/")[0] == tus_url.rstrip("/").split("/")[-1], msg.params[1]
    status, _, got = request(srv, "GET", path_of(msg.params[1]))
    assert status == 200
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(data).hexdigest()
    time.sleep(1.0)
    a.screenshot("files-06-alice-resumed-upload")


def post_file_link(srv, client, data, name, ctype):
    """Uploads data as alice over FILEHOST (shared in #general) and posts
    the link with its +chatd.dev/file tag from a raw IRC client, the way
    chat-gtk does; returns the file URL."""
    from test_files import basic, upload
    status, headers, body = upload(srv, data, basic("alice", PW), name=name, ctype=ctype,
                                   query="?target=%23general")
    assert status == 201, body
    url = headers["location"]
    poster = client("poster", server=srv, caps=["message-tags"])
    wait_joined(poster, "poster")  # the test server's auto_join
    poster.send("@+chatd.dev/file=name=%s,size=%d,type=%s PRIVMSG #general :%s" % (name, len(data), ctype, url))
    return url


def test_save_continues_a_part_file_with_range(server, client, gtk, tmp_path, monkeypatch):
    """Save As next to a .part left by an interrupted download asks only
    for the missing bytes (Range) and appends them. The .part holds zeros
    where the real first half would be, so the saved file shows which bytes
    came from the server: zeros then the second half means Range was used;
    the whole file again would mean it was not."""
    srv = server(http_listeners=True)
    create_account(srv, "alice", PW)
    create_account(srv, "bob", PW)
    data = make_png(str(tmp_path / "resume source.png"))
    half = len(data) // 2
    saved = str(tmp_path / "saved" / "resumed.png")
    os.makedirs(os.path.dirname(saved))
    with open(saved + ".part", "wb") as f:
        f.write(b"\0" * half)
    watcher = client("watcher", server=srv, caps=["message-tags"])
    monkeypatch.setenv("CHAT_GTK_TEST_SAVE_FILE", saved)
    b = gtk("bob", srv, tls=True)
    log_in(b, "bob")
    wait_joined(watcher, "bob")
    time.sleep(1.0)
    post_file_link(srv, client, data, "picture.png", "image/png")
    b.wait_output("thumbnail: picture.png 320x200", timeout=30)
    time.sleep(1.0)
    b.screenshot("files-07-bob-card-before-resumed-save")
    b.display.xdotool("mousemove", *SAVE_BELOW_JOIN_XY, "click", 1)
    b.wait_output("file saved: " + saved, timeout=30)
    with open(saved, "rb") as f:
        got = f.read()
    assert len(got) == len(data)
    assert got[:half] == b"\0" * half, "the .part's bytes were replaced: no Range request"
    assert got[half:] == data[half:]
    assert not os.path.exists(saved + ".part")
    b.screenshot("files-08-bob-after-resumed-save")


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return struct.unpack(">II", data[16:24])


def test_pasted_image_is_uploaded_to_the_conversation(server, client, gtk, tmp_path):
    """An image on the clipboard pasted into the composer (Ctrl+V) is sent
    as "Pasted image <time>.png" to the open conversation."""
    from test_files import path_of, request
    if not shutil.which("xclip"):
        pytest.skip("xclip is not installed")
    srv = server(http_listeners=True)
    create_account(srv, "alice", PW)
    picture = str(tmp_path / "clip.png")
    make_png(picture)
    watcher = client("watcher", server=srv, caps=["message-tags"])
    a = gtk("alice", srv, tls=True)
    log_in(a, "alice")
    wait_joined(watcher, "alice")
    time.sleep(1.5)
    # xclip stays in the background as the clipboard's owner until it is killed.
    import subprocess
    owner = subprocess.Popen(["xclip", "-selection", "clipboard", "-t", "image/png", "-i", picture],
                             env=a.display.env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        a.key("ctrl+v")
        msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=60,
                             desc="the pasted image's link")
    finally:
        owner.kill()
        owner.wait()
    tag = msg.tags.get("+chatd.dev/file")
    assert tag.startswith("name=Pasted%20image%20") and tag.endswith(".png," + tag.split(",")[1] + ",type=image/png"), tag
    assert msg.params[0] == "#general"
    status, _, got = request(srv, "GET", path_of(msg.params[1]))
    assert status == 200
    assert png_size(got) == (640, 400)  # the same picture, re-encoded by the client
    a.display.xdotool("mousemove", 700, 550)  # no tooltip over the card
    time.sleep(1.0)
    a.screenshot("files-09-alice-after-paste")


def test_cancelled_upload_posts_nothing_and_frees_the_server(server, client, gtk, tmp_path, monkeypatch):
    """Cancel in a transfer row stops the upload: no link is posted and the
    tus upload is terminated on the server (its URL answers 404)."""
    from test_files import basic, path_of, request
    size = 1536 * 1024 * 1024
    srv = server(http_listeners=True, files={"max_size": 2 * size, "quota_per_account": 4 * size})
    create_account(srv, "alice", PW)
    big = str(tmp_path / "big video.bin")
    with open(big, "wb") as f:
        f.truncate(size)  # sparse: fast to read, slow enough to send to cancel it midway
    watcher = client("watcher", server=srv, caps=["message-tags"])
    monkeypatch.setenv("CHAT_GTK_TEST_OPEN_FILE", big)
    a = gtk("alice", srv, tls=True)
    log_in(a, "alice")
    wait_joined(watcher, "alice")
    time.sleep(1.5)
    a.display.xdotool("mousemove", *ATTACH_XY, "click", 1)
    # The client notes the tus URL in its pending-uploads file once created.
    pending = tmp_path / "alice" / "data" / "chat-gtk" / ("uploads-%s-%d" % (srv.host, srv.tls_port))
    deadline = time.monotonic() + 30
    while not (pending.exists() and pending.read_text().strip()):
        assert time.monotonic() < deadline, "no pending upload recorded\n" + a.output()
        time.sleep(0.2)
    tus_url = pending.read_text().split()[0]
    time.sleep(0.5)
    a.screenshot("files-10-alice-upload-in-progress")
    a.display.xdotool("mousemove", *CANCEL_XY, "click", 1)
    a.screenshot("files-11-alice-cancel-clicked")
    auth = basic("alice", PW)
    deadline = time.monotonic() + 30
    while True:
        status, _, _ = request(srv, "HEAD", path_of(tus_url), headers={"Authorization": auth, "Tus-Resumable": "1.0.0"})
        if status == 404:
            break
        assert time.monotonic() < deadline, "the tus upload is still there (HEAD %d)\n%s" % (status, a.output())
        time.sleep(0.3)
    watcher.assert_none(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=1.0)
    assert not pending.read_text().strip(), "the cancelled upload is still pending: " + pending.read_text()
    a.screenshot("files-12-alice-after-cancel")


def test_file_dropped_on_the_conversation_is_sent(server, client, gtk, tmp_path):
    """A file dragged from another application (tests/integration/
    dnd_source.py, a GTK 4 drag source offering a file list as a file
    manager does) and dropped on the conversation is uploaded there."""
    import subprocess
    srv = server(http_listeners=True)
    create_account(srv, "alice", PW)
    picture = str(tmp_path / "dragged picture.png")
    data = make_png(picture)
    watcher = client("watcher", server=srv, caps=["message-tags"])
    a = gtk("alice", srv, tls=True)
    log_in(a, "alice")
    wait_joined(watcher, "alice")
    time.sleep(1.0)
    env = a.display.env()
    env.update({"GDK_BACKEND": "x11", "GSK_RENDERER": "cairo", "NO_AT_BRIDGE": "1"})
    source = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "dnd_source.py"), picture],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            wid = a.display.xdotool("search", "--onlyvisible", "--name", "^dnd-source$", check=False).split()
            if wid:
                break
            assert time.monotonic() < deadline, "the drag source window did not appear"
            time.sleep(0.2)
        # Beside chat-gtk's 1100 px wide window (no window manager places it).
        a.display.xdotool("windowmove", wid[0], 1110, 300)
        time.sleep(0.5)
        a.display.xdotool("mousemove", 1190, 360, "mousedown", 1)
        for x, y in ((1170, 360), (1100, 350), (900, 330), (700, 300), (650, 300)):
            a.display.xdotool("mousemove", x, y)
            time.sleep(0.15)
        a.screenshot("files-13-alice-dragging")
        a.display.xdotool("mouseup", 1)
        msg = watcher.expect(lambda m: m.command == "PRIVMSG" and m.nick == "alice", timeout=60,
                             desc="the dropped file's link")
    finally:
        source.kill()
        source.wait()
    assert msg.tags.get("+chatd.dev/file") == "name=dragged%%20picture.png,size=%d,type=image/png" % len(data), msg.raw
    assert msg.params[0] == "#general"
    a.display.xdotool("mousemove", 700, 550)
    time.sleep(1.0)
    a.screenshot("files-14-alice-after-drop")
