"""Durable state: what survives a restart (SIGTERM) and a crash (SIGKILL),
start-up errors for a missing or damaged data_dir, retention settings.

The durability contract (issue "Accounts and durable state", item 5; README
and doc/storage.md): the echo-message acknowledgement of a message is sent
only after its transaction committed, so a crash of the process loses
nothing acknowledged, with [store] sync = "commit" and with "interval".

Specs: IRCv3 echo-message (https://ircv3.net/specs/extensions/echo-message),
draft/chathistory (https://ircv3.net/specs/extensions/chathistory),
SASL 3.2 (https://ircv3.net/specs/extensions/sasl-3.2), RFC 2812 §3.2.
"""

import os
import subprocess
import time

import pytest

from conftest import IMPL, chatd_binary, create_account
from ircclient import ConnectionClosed

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
HCAPS = ["draft/chathistory", "batch", "server-time", "message-tags", "echo-message"]


def join(c, chan, key=None):
    c.send("JOIN %s%s" % (chan, " " + key if key else ""))
    return c.collect_until(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def joined(c, chan, timeout=3.0):
    """Waits for the client's own JOIN to chan and its NAMES; returns the lines."""
    c.expect(lambda m: m.command == "JOIN" and m.nick == c.nick and m.params[0].lower() == chan.lower(),
             timeout=timeout, desc="auto-join to %s" % chan)
    return c.collect_until(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def say(c, target, text):
    c.send("PRIVMSG %s :%s" % (target, text))
    return c.expect(lambda m: m.command == "PRIVMSG" and m.nick == c.nick and m.params[-1] == text)


def history(c, args, timeout=5.0):
    """The messages of the `chathistory` batch answering CHATHISTORY <args>."""
    c.send("CHATHISTORY " + args)
    start = c.expect(lambda m: (m.command == "BATCH" and m.params[0].startswith("+"))
                     or m.command == "FAIL", timeout=timeout, desc="CHATHISTORY reply")
    assert start.command == "BATCH" and start.params[1] == "chathistory", start
    ref = start.params[0][1:]
    return c.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref, timeout=timeout)[:-1]


def all_history(c, target, since="2000-01-01T00:00:00.000Z"):
    """Every message of target, paging forwards with AFTER (limit 100)."""
    out = []
    ref = "timestamp=" + since
    while True:
        page = history(c, "AFTER %s %s 100" % (target, ref))
        if not page:
            return out
        out += page
        ref = "msgid=" + page[-1].tags["msgid"]


def names_of(c, chan):
    c.send("NAMES %s" % chan)
    got = c.collect_until(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())
    return {n.lstrip("@+"): n[0] if n[0] in "@+" else "" for m in got if m.command == "353"
            for n in m.params[-1].split()}


def login(client, name, **kw):
    return client(name, sasl=(name, PW), **kw)


def run_chatd(conf_path, timeout=10):
    """Runs chatd expecting it to exit; returns (returncode, output) after
    checking the output has no sanitizer report."""
    r = subprocess.run([chatd_binary(), "--config", conf_path, "--foreground"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=timeout)
    out = r.stdout.decode("utf-8", "replace")
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in out, out
    return r.returncode, out


# ---------------------------------------------------------------- restart (SIGTERM)

def test_restart_keeps_account_channel_topic_modes_history(server, client):
    """Register, create a channel, set topic/+k/+b, talk, SIGTERM, restart:
    SASL login auto-joins the channel with op, the topic, key and ban are
    there, history has the messages (same msgids) and the roster the
    offline member."""
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    a = login(client, "alice", caps=HCAPS + ["chatd.dev/roster"])
    join(a, "#proj")
    a.send("TOPIC #proj :Project X")
    a.expect("TOPIC")
    a.send("MODE #proj +k sesame")
    a.expect("MODE")
    a.send("MODE #proj +b evil!*@*")
    a.expect("MODE")
    b = login(client, "bob", caps=HCAPS)
    join(b, "#proj", key="sesame")
    e1 = say(a, "#proj", "before the restart")
    e2 = say(b, "#proj", "me too")
    s.restart()

    a2 = login(client, "alice", caps=HCAPS + ["chatd.dev/roster"])
    burst = joined(a2, "#proj")
    assert [m.params[-1] for m in burst if m.command == "332"] == ["Project X"], burst
    assert names_of(a2, "#proj") == {"alice": "@"}
    a2.send("MODE #proj")
    m = a2.expect("324")
    words = " ".join(m.params[2:]).split()  # (the daemon sends modes and args as one trailing param)
    assert "k" in words[0] and "sesame" in words[1:], m
    a2.send("MODE #proj b")
    got = a2.collect_until("368")
    assert [m.params[2] for m in got if m.command == "367"] == ["evil!*@*"], got
    got = history(a2, "LATEST #proj * 10")
    assert [(m.params[-1], m.tags["msgid"], m.tags["time"]) for m in got] == [
        (e.params[-1], e.tags["msgid"], e.tags["time"]) for e in (e1, e2)], got
    a2.send("ROSTER #proj")
    a2.expect("BATCH")
    lines = a2.collect_until("BATCH")[:-1]
    assert {tuple(m.params[1:4]) for m in lines} == {("alice", "online", "alice"), ("bob", "offline", "*")}
    # bob comes back: auto-joined past +k, not op
    b2 = login(client, "bob")
    joined(b2, "#proj")
    assert names_of(b2, "#proj") == {"alice": "@", "bob": ""}
    # new messages after the restart get fresh msgids
    e3 = say(a2, "#proj", "after the restart")
    assert e3.tags["msgid"] not in (e1.tags["msgid"], e2.tags["msgid"])
    assert [m.params[-1] for m in history(a2, "LATEST #proj * 10")] == [
        "before the restart", "me too", "after the restart"]


def test_restart_drops_guest_channels(server, client):
    """Guest channels are not stored: gone after a restart. #general stays."""
    s = server()
    g = client("guest")
    join(g, "#eph")
    s.restart()
    h = client("other")
    h.send("LIST")
    got = h.collect_until("323")
    listed = [m.params[1] for m in got if m.command == "322"]
    assert "#eph" not in listed and "#general" in listed, listed


def test_restart_keeps_invites_ops_and_dms(server, client):
    """Invites to accounts and +o grants on registered channels, and direct
    message history, survive a restart."""
    s = server()
    for n in ("alice", "bob", "carol"):
        create_account(s, n, PW)
    a = login(client, "alice", caps=HCAPS)
    join(a, "#priv")
    b = login(client, "bob")
    join(b, "#priv")
    a.send("MODE #priv +i")
    a.expect("MODE")
    a.send("MODE #priv +o bob")
    a.expect("MODE")
    c = login(client, "carol")
    a.send("INVITE carol #priv")
    a.expect("341")
    c.expect("INVITE")
    dm = say(a, "carol", "a private word")
    s.restart()
    c2 = login(client, "carol", caps=HCAPS)
    join(c2, "#priv")
    assert "carol" in names_of(c2, "#priv")
    got = history(c2, "LATEST alice * 10")
    assert [(m.params[-1], m.tags["msgid"]) for m in got] == [("a private word", dm.tags["msgid"])]
    b2 = login(client, "bob")
    joined(b2, "#priv")
    assert names_of(b2, "#priv")["bob"] == "@"
    g = client("gus")
    g.send("JOIN #priv")
    assert g.expect(lambda m: m.command in ("473", "JOIN")).command == "473"


def test_reserved_nick_after_restart(server, client):
    """Accounts are stored: after a restart the nick is still reserved and
    SASL (both mechanisms) works."""
    s = server()
    create_account(s, "alice", PW)
    s.restart()
    c = s.connect(name="impostor")
    c.send("NICK alice")
    c.send("USER x 0 * :x")
    assert c.expect("433").params[1] == "alice"
    c.close()
    for mech in ("PLAIN", "SCRAM-SHA-256"):
        x = client("guest" + mech[:1], caps=["sasl"])
        assert x.authenticate("alice", PW, mech=mech).command == "903"


# ---------------------------------------------------------------- crash (SIGKILL)

def _flood_then_kill(s, w, target, seconds=1.2, max_acked=3000, window=300):
    """w (echo-message) pipelines PRIVMSGs to target as fast as the server
    takes them; SIGKILLs the daemon mid-stream. Returns ({msgid: text} of
    every echoed = acknowledged message, number sent)."""
    acked = {}
    sent = 0

    def take():
        for m in w.inbox:
            if m.command == "PRIVMSG" and m.nick == w.nick:
                acked[m.tags["msgid"]] = m.params[-1]
        w.inbox = []

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(acked) < max_acked:
        if sent - len(acked) < window:
            w.send_raw(b"".join(b"PRIVMSG %s :crash %d\r\n" % (target.encode(), i)
                                for i in range(sent, sent + 50)))
            sent += 50
        w._read_some(time.monotonic() + 0.005)
        take()
    # one more burst in flight, then the crash
    w.send_raw(b"".join(b"PRIVMSG %s :crash %d\r\n" % (target.encode(), i) for i in range(sent, sent + 50)))
    sent += 50
    s.kill()
    # what the daemon wrote before it died was acknowledged too
    try:
        end = time.monotonic() + 5
        while time.monotonic() < end:
            w._read_some(end)
    except ConnectionClosed:
        pass
    take()
    return acked, sent


@pytest.mark.parametrize("sync", ["interval", "commit"])
def test_kill9_loses_nothing_acknowledged(server, client, sync):
    """The crash test: a client floods a channel with echo-message, chatd is
    SIGKILLed mid-stream and restarted on the same data_dir; CHATHISTORY
    (paging with AFTER, limit 100) returns every acknowledged message exactly
    once, in order; accounts and a channel registered just before the crash
    are there; new msgids don't collide with old ones."""
    s = server(store={"sync": sync}, flood={"exempt": ["127.0.0.1", "::1"]})
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=HCAPS)
    join(a, "#crash")
    w = client("writer", caps=HCAPS)
    join(w, "#crash")
    a.close()  # keep the flood's fan-out to the writer alone
    acked, sent = _flood_then_kill(s, w, "#crash")
    print("sync=%s: %d sent, %d acknowledged before SIGKILL" % (sync, sent, len(acked)))
    assert len(acked) >= 100, "only %d messages acknowledged in the flood" % len(acked)
    s.restart()

    r = login(client, "alice", caps=HCAPS)
    joined(r, "#crash")
    got = all_history(r, "#crash")
    print("history after restart: %d messages" % len(got))
    ids = [m.tags["msgid"] for m in got]
    txt = [m.params[-1] for m in got]
    assert len(ids) == len(set(ids)), "duplicate msgids in history"
    assert len(txt) == len(set(txt)), "a message is in history twice"
    missing = [(i, t) for i, t in acked.items() if i not in set(ids)]
    assert not missing, "%d of %d acknowledged messages lost, e.g. %s" % (len(missing), len(acked), missing[:3])
    by_id = {m.tags["msgid"]: m.params[-1] for m in got}
    assert all(by_id[i] == t for i, t in acked.items())
    nums = [int(t.split()[1]) for t in txt]
    assert nums == sorted(nums) and nums[-1] < sent, "history out of order or unknown messages"
    # one client's messages are processed in order: everything up to the last
    # acknowledged one is there (none dropped silently in between)
    top = max(int(t.split()[1]) for t in acked.values())
    assert [n for n in nums if n <= top] == list(range(top + 1)), "a gap below the last acknowledged message"
    e = say(r, "#crash", "after the crash")
    assert e.tags["msgid"] not in by_id


def test_kill9_keeps_fresh_account_and_channel(server, client):
    """A REGISTER and a channel registration acknowledged just before a
    SIGKILL survive it."""
    s = server()
    c = client("fresh")
    c.send("REGISTER * * %s" % PW)
    c.expect("900")
    join(c, "#fresh")
    c.send("TOPIC #fresh :still here")
    c.expect("TOPIC")
    s.kill()
    s.restart()
    c2 = client("fresh", sasl=("fresh", PW))
    burst = joined(c2, "#fresh")
    assert [m.params[-1] for m in burst if m.command == "332"] == ["still here"], burst
    assert names_of(c2, "#fresh") == {"fresh": "@"}


# ---------------------------------------------------------------- start-up errors

def test_missing_data_dir(tmp_path):
    """A missing data_dir is a start-up error naming the directory (not
    silently created: an unmounted volume must not look like an empty
    server)."""
    missing = tmp_path / "no-such-dir"
    conf = tmp_path / "chatd.conf"
    conf.write_text('[server]\nname = "irc.test"\ndata_dir = "%s"\n'
                    '[[listen]]\naddress = "127.0.0.1:1"\ntls = false\n' % missing)
    rc, out = run_chatd(str(conf))
    assert rc != 0, out
    assert str(missing) in out, out
    assert not missing.exists()


def test_data_dir_is_a_file(tmp_path):
    f = tmp_path / "a-file"
    f.write_text("x")
    conf = tmp_path / "chatd.conf"
    conf.write_text('[server]\nname = "irc.test"\ndata_dir = "%s"\n'
                    '[[listen]]\naddress = "127.0.0.1:1"\ntls = false\n' % f)
    rc, out = run_chatd(str(conf))
    assert rc != 0 and str(f) in out, out
    assert "not a directory" in out, out


@pytest.mark.parametrize("victim", ["accounts.db", "channels.db", "history.db", "meta.db", "log.0000000001"])
def test_corrupt_data_dir(server, client, victim):
    """A database or log file overwritten with garbage after a clean stop:
    chatd exits non-zero with a message naming the file (or, for the log,
    the environment directory) and the way out."""
    s = server()
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=HCAPS)
    join(a, "#x")
    say(a, "#x", "something to store")
    assert s.terminate() == 0
    path = os.path.join(s.data_dir, victim)
    assert os.path.exists(path), sorted(os.listdir(s.data_dir))
    size = os.path.getsize(path)
    with open(path, "wb") as f:
        f.write((b"this is not a Berkeley DB file\n" * 1000)[:max(size, 8192)])
    try:
        rc, out = run_chatd(s.config_path, timeout=10)
    except subprocess.TimeoutExpired:
        pytest.fail("chatd started on a corrupt %s" % victim)
    assert rc > 0, "rc=%s (a crash?)\n%s" % (rc, out)
    named = path if victim.endswith(".db") else s.data_dir
    assert named in out, out
    assert "move the directory away" in out or "restore" in out, out


# ---------------------------------------------------------------- retention / config

def test_retention_max_messages(server, client):
    """[history] max_messages keeps the newest N per target; pruning runs at
    start-up and hourly, so a restart with the setting applies it."""
    s = server()
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=HCAPS)
    join(a, "#r")
    for i in range(8):
        say(a, "#r", "r%d" % i)
    s.rewrite_config(history={"max_messages": 5, "max_age_days": 30})
    s.restart()
    a2 = login(client, "alice", caps=HCAPS)
    joined(a2, "#r")
    deadline = time.monotonic() + 3
    while True:
        got = [m.params[-1] for m in history(a2, "LATEST #r * 100")]
        if len(got) <= 5 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert got == ["r3", "r4", "r5", "r6", "r7"], got


@pytest.mark.parametrize("section,key,value", [
    ("store", "sync", "sometimes"),
    ("store", "sync_interval_ms", 0),
    ("history", "max_age_days", -1),
    ("accounts", "scram_iterations", 1000),
    ("accounts", "max_failures", 0),
])
def test_bad_store_settings_rejected(tmp_path, section, key, value):
    """Out-of-range [store]/[history]/[accounts] settings fail at start-up
    with path:line and the key."""
    data = tmp_path / "data"
    data.mkdir()
    conf = tmp_path / "chatd.conf"
    v = '"%s"' % value if isinstance(value, str) else str(value)
    conf.write_text('[server]\nname = "irc.test"\ndata_dir = "%s"\n[%s]\n%s = %s\n'
                    '[[listen]]\naddress = "127.0.0.1:1"\ntls = false\n' % (data, section, key, v))
    rc, out = run_chatd(str(conf))
    assert rc != 0, out
    assert str(conf) in out and key in out, out
