"""Chat history: every PRIVMSG/NOTICE/TAGMSG to a channel or a user is stored
and can be read back with CHATHISTORY.

Specs:
  draft/chathistory  https://ircv3.net/specs/extensions/chathistory
                     (LATEST/BEFORE/AFTER/AROUND/BETWEEN/TARGETS, ISUPPORT
                     CHATHISTORY and MSGREFTYPES, batch types `chathistory`
                     and `draft/chathistory-targets`, FAIL codes)
  batch              https://ircv3.net/specs/extensions/batch
  message-ids        https://ircv3.net/specs/extensions/message-ids
  server-time        https://ircv3.net/specs/extensions/server-time
  standard replies   https://ircv3.net/specs/extensions/standard-replies
"""

import datetime
import re
import time

import pytest

from conftest import IMPL, create_account

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
HCAPS = ["draft/chathistory", "batch", "server-time", "message-tags", "echo-message", "account-tag"]
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


# ---------------------------------------------------------------- helpers

def join(c, chan):
    c.send("JOIN %s" % chan)
    c.expect(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def say(c, target, text, command="PRIVMSG", tags=None):
    """Sends one message and waits for its echo (echo-message); returns the echo."""
    prefix = "@" + ";".join("%s=%s" % kv for kv in tags.items()) + " " if tags else ""
    c.send("%s%s %s :%s" % (prefix, command, target, text))
    return c.expect(lambda m: m.command == command and m.nick == c.nick and m.params[-1] == text,
                    desc="echo of %r" % text)


def say_many(c, target, texts, gap=0.0):
    """Sends each text (waiting for the echo, `gap` seconds apart); returns the echoes."""
    out = []
    for t in texts:
        out.append(say(c, target, t))
        if gap:
            time.sleep(gap)
    return out


def chathistory(c, args, timeout=5.0):
    """Sends CHATHISTORY <args>; returns (batch-start, [messages]) or the FAIL."""
    c.send("CHATHISTORY " + args)
    start = c.expect(lambda m: (m.command == "BATCH" and m.params and m.params[0].startswith("+"))
                     or (m.command == "FAIL" and m.params[0] == "CHATHISTORY"),
                     timeout=timeout, desc="CHATHISTORY batch or FAIL")
    if start.command == "FAIL":
        return start, None
    ref = start.params[0][1:]
    got = c.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref, timeout=timeout)
    body = got[:-1]
    for m in body:
        assert m.tags.get("batch") == ref, m
    return start, body


def history(c, args, target=None):
    """The messages of a successful `chathistory` batch (asserting its type)."""
    start, body = chathistory(c, args)
    assert body is not None, "CHATHISTORY %s failed: %s" % (args, start)
    assert start.params[1] == "chathistory", start
    if target is not None:
        assert start.params[2] == target, start
    return body


def texts(msgs):
    return [m.params[-1] for m in msgs]


def fail_of(c, args):
    start, body = chathistory(c, args)
    assert body is None, "expected FAIL for CHATHISTORY %s, got %d messages" % (args, len(body))
    return start


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def ts_of(m):
    return m.tags["time"]


def shift(stamp, ms):
    dt = datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ") + datetime.timedelta(milliseconds=ms)
    return ts(dt)


@pytest.fixture
def seeded(srv, client):
    """alice (guest) in #h with ten messages m0..m9 sent ~15 ms apart; returns
    (alice, echoes)."""
    a = client("alice", caps=HCAPS)
    join(a, "#h")
    echoes = say_many(a, "#h", ["m%d" % i for i in range(10)], gap=0.015)
    return a, echoes


# ---------------------------------------------------------------- basics

def test_isupport(srv, client):
    """ISUPPORT CHATHISTORY=<max> (MUST) and MSGREFTYPES (SHOULD)."""
    a = client("alice", caps=HCAPS)
    assert a.isupport.get("CHATHISTORY") == "100", a.isupport
    assert set(a.isupport.get("MSGREFTYPES", "").split(",")) == {"msgid", "timestamp"}, a.isupport


def test_latest_star(seeded):
    """LATEST <target> * <limit>: the most recent messages, in a `chathistory`
    batch naming the target, ascending, each with the msgid and time it was
    first relayed with ("MUST be the msgid tag as originally sent")."""
    a, echoes = seeded
    got = history(a, "LATEST #h * 4", target="#h")
    assert texts(got) == ["m6", "m7", "m8", "m9"]
    for m, e in zip(got, echoes[6:]):
        assert m.command == "PRIVMSG" and m.params[0] == "#h" and m.nick == "alice", m
        assert m.tags["msgid"] == e.tags["msgid"] and m.tags["time"] == e.tags["time"], (m, e)
        assert TIME_RE.match(m.tags["time"]), m
        assert m.source == e.source, (m, e)
    assert texts(history(a, "LATEST #h * 100")) == ["m%d" % i for i in range(10)]


def test_latest_after_ref(seeded):
    """LATEST with a msgid/timestamp: only messages after (excluding) it, the
    most recent `limit` of them."""
    a, e = seeded
    assert texts(history(a, "LATEST #h msgid=%s 100" % e[6].tags["msgid"])) == ["m7", "m8", "m9"]
    assert texts(history(a, "LATEST #h msgid=%s 2" % e[3].tags["msgid"])) == ["m8", "m9"]
    assert texts(history(a, "LATEST #h timestamp=%s 100" % ts_of(e[7]))) == ["m8", "m9"]


def test_before(seeded):
    """BEFORE: up to `limit` messages before and excluding the reference,
    the closest ones, ascending."""
    a, e = seeded
    assert texts(history(a, "BEFORE #h msgid=%s 3" % e[5].tags["msgid"])) == ["m2", "m3", "m4"]
    assert texts(history(a, "BEFORE #h msgid=%s 100" % e[2].tags["msgid"])) == ["m0", "m1"]
    assert texts(history(a, "BEFORE #h timestamp=%s 2" % ts_of(e[4]))) == ["m2", "m3"]
    assert history(a, "BEFORE #h msgid=%s 10" % e[0].tags["msgid"]) == []


def test_after(seeded):
    """AFTER: up to `limit` messages after and excluding the reference, the
    closest ones, ascending."""
    a, e = seeded
    assert texts(history(a, "AFTER #h msgid=%s 3" % e[2].tags["msgid"])) == ["m3", "m4", "m5"]
    assert texts(history(a, "AFTER #h timestamp=%s 2" % ts_of(e[6]))) == ["m7", "m8"]
    assert history(a, "AFTER #h msgid=%s 10" % e[9].tags["msgid"]) == []


def test_around(seeded):
    """AROUND: messages before and after the reference, at most `limit`,
    a contiguous ascending window around it."""
    a, e = seeded
    got = texts(history(a, "AROUND #h msgid=%s 4" % e[5].tags["msgid"]))
    assert 1 <= len(got) <= 4, got
    idx = [int(t[1:]) for t in got]
    assert idx == list(range(idx[0], idx[0] + len(idx))), got
    assert idx[0] <= 5 and idx[-1] >= 4, got  # reaches the reference from both sides
    assert any(i < 5 for i in idx) and any(i > 5 for i in idx), got
    got = texts(history(a, "AROUND #h timestamp=%s 3" % ts_of(e[0])))
    assert got and got[0] in ("m0", "m1") and len(got) <= 3, got


def test_between(seeded):
    """BETWEEN: messages strictly between the two references; the limit
    counts from the first reference, forwards or backwards in time; the batch
    is ascending either way."""
    a, e = seeded
    lo, hi = e[1].tags["msgid"], e[8].tags["msgid"]
    assert texts(history(a, "BETWEEN #h msgid=%s msgid=%s 100" % (lo, hi))) == ["m%d" % i for i in range(2, 8)]
    assert texts(history(a, "BETWEEN #h msgid=%s msgid=%s 3" % (lo, hi))) == ["m2", "m3", "m4"]
    assert texts(history(a, "BETWEEN #h msgid=%s msgid=%s 3" % (hi, lo))) == ["m5", "m6", "m7"]
    got = texts(history(a, "BETWEEN #h timestamp=%s timestamp=%s 100" % (ts_of(e[2]), ts_of(e[5]))))
    assert got == ["m3", "m4"], got
    got = texts(history(a, "BETWEEN #h timestamp=%s msgid=%s 100" % (shift(ts_of(e[0]), -1000), hi)))
    assert got == ["m%d" % i for i in range(8)], got


def test_limit_capped(srv, client):
    """A limit above CHATHISTORY=100 returns at most 100 messages (the newest)."""
    a = client("alice", caps=HCAPS)
    join(a, "#big")
    n = 120
    a.send_raw(b"".join(b"PRIVMSG #big :n%d\r\n" % i for i in range(n)))
    a.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == "n%d" % (n - 1), timeout=15)
    got = history(a, "LATEST #big * 1000")
    assert texts(got) == ["n%d" % i for i in range(n - 100, n)]
    got = history(a, "BEFORE #big msgid=%s 500" % got[0].tags["msgid"])
    assert texts(got) == ["n%d" % i for i in range(n - 100)]


def test_limit_config(server, client):
    """[history] chathistory_limit sets both the ISUPPORT value and the cap."""
    server(history={"chathistory_limit": 3})
    a = client("alice", caps=HCAPS)
    assert a.isupport.get("CHATHISTORY") == "3"
    join(a, "#c")
    say_many(a, "#c", ["a", "b", "c", "d", "e"])
    assert texts(history(a, "LATEST #c * 50")) == ["c", "d", "e"]


def test_paging_covers_everything_once(seeded):
    """Paging backwards with BEFORE <oldest msgid> (the spec's client
    pseudocode) and forwards with AFTER <newest msgid> yields every message
    exactly once."""
    a, e = seeded
    seen = []
    page = history(a, "LATEST #h * 3")
    while page:
        seen = page + seen
        page = history(a, "BEFORE #h msgid=%s 3" % page[0].tags["msgid"])
    assert texts(seen) == ["m%d" % i for i in range(10)]
    seen = []
    ref = "timestamp=%s" % shift(ts_of(e[0]), -1000)
    while True:
        page = history(a, "AFTER #h %s 4" % ref)
        if not page:
            break
        seen += page
        ref = "msgid=%s" % page[-1].tags["msgid"]
    assert texts(seen) == ["m%d" % i for i in range(10)]


def test_unknown_msgid_empty_batch(seeded):
    """A msgid that doesn't exist gives an empty batch (the spec: "If no
    content exists to return, the server SHOULD return an empty batch")."""
    a, _ = seeded
    assert history(a, "BEFORE #h msgid=nosuchid 10") == []
    assert history(a, "AFTER #h msgid=nosuchid 10") == []


def test_empty_target_history(srv, client):
    a = client("alice", caps=HCAPS)
    join(a, "#quiet")
    assert history(a, "LATEST #quiet * 10", target="#quiet") == []


def test_stored_before_echo(srv, client):
    """A message is stored before it is echoed: the echoed msgid is at once
    in CHATHISTORY."""
    a = client("alice", caps=HCAPS)
    join(a, "#e")
    e = say(a, "#e", "instant")
    got = history(a, "LATEST #e * 1")
    assert [m.tags["msgid"] for m in got] == [e.tags["msgid"]]


def test_notice_and_client_tags(srv, client):
    """NOTICE is history too; client-only tags (+...) are kept; a logged-in
    sender's messages carry account= (to clients with account-tag); msgid
    needs message-tags, time server-time."""
    create_account(srv, "alice", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    join(a, "#t")
    say(a, "#t", "a notice", command="NOTICE")
    a.send("@+draft/react=:) TAGMSG #t")
    a.expect("TAGMSG")
    say(a, "#t", "tagged", tags={"+example.com/x": "y"})
    got = [m for m in history(a, "LATEST #t * 10") if m.command != "TAGMSG"]
    assert [m.command for m in got] == ["NOTICE", "PRIVMSG"], got
    assert all(m.tags.get("account") == "alice" for m in got), got
    assert got[1].tags.get("+example.com/x") == "y", got[1]
    b = client("bob", caps=["draft/chathistory", "batch", "server-time"])
    join(b, "#t")
    got = history(b, "LATEST #t * 10")
    assert [m.command for m in got] == ["NOTICE", "PRIVMSG"], got
    assert all("msgid" not in m.tags and "account" not in m.tags for m in got), got
    assert all("time" in m.tags for m in got), got


def test_tagmsg_not_played_back_without_event_playback(srv, client):
    """draft/chathistory: "If the client has not negotiated the
    draft/event-playback capability, the server MUST NOT send any lines other
    than PRIVMSG and NOTICE in the reply batch" (TAGMSG is named among the
    event-playback lines)."""
    a = client("alice", caps=HCAPS)
    join(a, "#t")
    a.send("@+draft/react=:) TAGMSG #t")
    a.expect("TAGMSG")
    say(a, "#t", "text")
    got = history(a, "LATEST #t * 10")
    assert [m.command for m in got] == ["PRIVMSG"], got


def test_without_batch_cap(srv, client):
    """Without batch the messages still come (no BATCH lines)."""
    a = client("alice", caps=["draft/chathistory", "echo-message"])
    join(a, "#nb")
    say_many(a, "#nb", ["x1", "x2"])
    a.send("CHATHISTORY LATEST #nb * 10")
    got = a.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == "x2")
    assert texts([m for m in got if m.command == "PRIVMSG"]) == ["x1", "x2"]
    assert not [m for m in got if m.command == "BATCH"]


# ---------------------------------------------------------------- who may read

def test_not_member_invalid_target(srv, client):
    """A channel you're not in (nor on its roster), or one that doesn't
    exist: `FAIL CHATHISTORY INVALID_TARGET <subcommand> <target>`."""
    a = client("alice", caps=HCAPS)
    join(a, "#secret")
    say(a, "#secret", "private talk")
    b = client("bob", caps=HCAPS)
    for target in ("#secret", "#nonexistent"):
        m = fail_of(b, "LATEST %s * 10" % target)
        assert m.params[:4] == ["CHATHISTORY", "INVALID_TARGET", "LATEST", target], m


def test_guest_channel_history_vanishes(srv, client):
    """A guest-created channel vanishes when empty, with its history: the same
    name created again has none."""
    a = client("alice", caps=HCAPS)
    join(a, "#tmp")
    say(a, "#tmp", "ephemeral")
    a.send("PART #tmp")
    a.expect("PART")
    join(a, "#tmp")
    assert history(a, "LATEST #tmp * 10") == []


def test_registered_channel_history_persists_empty(srv, client):
    """A channel created by a logged-in user persists when everyone has left
    (QUIT), with its history: a newcomer sees it."""
    create_account(srv, "alice", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    join(a, "#keep")
    e = say(a, "#keep", "kept for later")
    a.send("QUIT :bye")
    a.wait_closed()
    b = client("bob", caps=HCAPS)
    join(b, "#keep")
    got = history(b, "LATEST #keep * 10")
    assert texts(got) == ["kept for later"]
    assert got[0].tags["msgid"] == e.tags["msgid"] and got[0].tags.get("account") == "alice"


def test_missed_messages_after_reconnect(srv, client):
    """A client that reconnects gets what it missed with CHATHISTORY AFTER its
    last msgid (issue: "A client that reconnects gets what it missed")."""
    create_account(srv, "alice", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    join(a, "#team")
    b = client("bob", caps=HCAPS)
    join(b, "#team")
    last = say(a, "#team", "see you")
    a.send("QUIT :later")
    a.wait_closed()
    say_many(b, "#team", ["missed 1", "missed 2", "missed 3"])
    a2 = client("alice", caps=HCAPS, sasl=("alice", PW))
    a2.expect("366", params=[None, "#team"])  # roster auto-join
    got = history(a2, "AFTER #team msgid=%s 100" % last.tags["msgid"])
    assert texts(got) == ["missed 1", "missed 2", "missed 3"]
    assert all(m.nick == "bob" for m in got)


# ---------------------------------------------------------------- direct messages

def test_direct_messages_both_parties(srv, client):
    """Direct messages are history for both parties, both directions
    ("self messages" included), keyed by account: it survives a nick change
    and reconnecting."""
    create_account(srv, "alice", PW)
    create_account(srv, "bob", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    b = client("bob", caps=HCAPS, sasl=("bob", PW))
    say(a, "bob", "hi bob")
    say(b, "alice", "hi alice")
    say(a, "bob", "bye", command="NOTICE")
    want = ["hi bob", "hi alice", "bye"]
    got = history(a, "LATEST bob * 10", target="bob")
    assert texts(got) == want
    assert [m.nick for m in got] == ["alice", "bob", "alice"]
    assert texts(history(b, "LATEST alice * 10", target="alice")) == want
    # alice comes back under another nick: the conversation is keyed by account
    a.send("QUIT :x")
    a.wait_closed()
    a2 = client("alice_away", caps=HCAPS, sasl=("alice", PW))
    assert texts(history(a2, "LATEST bob * 10")) == want
    # and bob (now offline) is still a valid target for her
    b.send("QUIT :x")
    b.wait_closed()
    assert texts(history(a2, "LATEST bob * 10")) == want


def test_direct_messages_private(srv, client):
    """A third party asking for the conversation sees only its own (empty)
    conversation with that nick."""
    a = client("alice", caps=HCAPS)
    client("bob", caps=HCAPS)
    say(a, "bob", "between us")
    c = client("carol", caps=HCAPS)
    assert history(c, "LATEST bob * 10") == []
    assert history(c, "LATEST alice * 10") == []


def test_guest_direct_messages(srv, client):
    """Guests have DM history too, for as long as they are connected."""
    a = client("alice", caps=HCAPS)
    b = client("bob", caps=HCAPS)
    say(a, "bob", "guest to guest")
    assert texts(history(b, "LATEST alice * 10")) == ["guest to guest"]


def test_guest_dm_history_not_inherited_by_nick(srv, client):
    """draft/chathistory Security Considerations: servers MUST ensure users
    cannot obtain history they are not authorised to view. A guest who later
    takes a departed guest's nick must not read that guest's DMs."""
    create_account(srv, "alice", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    g = client("gus", caps=HCAPS)
    say(g, "alice", "my secret")
    say(a, "gus", "your secret is safe")
    g.send("QUIT :gone")
    g.wait_closed()
    other = client("gus", caps=HCAPS)
    assert history(other, "LATEST alice * 10") == []


# ---------------------------------------------------------------- TARGETS

def test_targets(srv, client):
    """TARGETS <ts> <ts> <limit>: a `draft/chathistory-targets` batch of
    `CHATHISTORY TARGETS <name> <timestamp of latest message>`, for the
    channels and DM partners with messages in the window, ordered by that
    time; the limit applies."""
    create_account(srv, "alice", PW)
    create_account(srv, "bob", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    b = client("bob", caps=HCAPS, sasl=("bob", PW))
    join(a, "#one")
    join(a, "#two")
    before = ts(datetime.datetime.utcnow() - datetime.timedelta(seconds=5))
    e1 = say(a, "#one", "first")
    time.sleep(0.02)
    e2 = say(a, "bob", "dm")
    time.sleep(0.02)
    e3 = say(a, "#two", "last")
    after = ts(datetime.datetime.utcnow() + datetime.timedelta(seconds=5))
    a.send("CHATHISTORY TARGETS timestamp=%s timestamp=%s 10" % (before, after))
    start = a.expect("BATCH")
    assert start.params[1] == "draft/chathistory-targets", start
    ref = start.params[0][1:]
    got = a.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)[:-1]
    assert all(m.command == "CHATHISTORY" and m.params[0] == "TARGETS" for m in got), got
    lines = [(m.params[1], m.params[2]) for m in got]
    latest = {"#one": ts_of(e1), "bob": ts_of(e2), "#two": ts_of(e3)}
    assert dict(lines) == latest, lines
    stamps = [t for _, t in lines]
    assert stamps == sorted(stamps) or stamps == sorted(stamps, reverse=True), lines
    # bob sees alice as a DM target
    b.send("CHATHISTORY TARGETS timestamp=%s timestamp=%s 10" % (before, after))
    b.expect("BATCH")
    got = b.collect_until("BATCH")[:-1]
    assert [(m.params[1], m.params[2]) for m in got] == [("alice", ts_of(e2))], got
    # limit 1
    a.send("CHATHISTORY TARGETS timestamp=%s timestamp=%s 1" % (before, after))
    a.expect("BATCH")
    got = a.collect_until("BATCH")[:-1]
    assert len(got) == 1, got
    # a window with nothing in it
    a.send("CHATHISTORY TARGETS timestamp=%s timestamp=%s 10" % (shift(before, -60000), before))
    a.expect("BATCH")
    assert a.collect_until("BATCH")[:-1] == []


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("args,code,context", [
    ("LATEST #h foo 10", "INVALID_PARAMS", ["LATEST"]),
    ("LATEST #h * abc", "INVALID_PARAMS", ["LATEST"]),
    ("LATEST #h * 0", "INVALID_PARAMS", ["LATEST"]),
    ("LATEST #h * -5", "INVALID_PARAMS", ["LATEST"]),
    ("BEFORE #h * 10", "INVALID_PARAMS", ["BEFORE"]),
    ("AFTER #h timestamp=yesterday 10", "INVALID_PARAMS", ["AFTER"]),
    ("BETWEEN #h * * 10", "INVALID_PARAMS", ["BETWEEN"]),
    ("TARGETS * * 10", "INVALID_PARAMS", ["TARGETS"]),
    ("FROBNICATE #h * 10", "UNKNOWN_COMMAND", ["FROBNICATE"]),
    ("BETWEEN #h msgid=x 10", "NEED_MORE_PARAMS", ["BETWEEN"]),
    ("AROUND #h 10", None, None),
])
def test_errors(seeded, args, code, context):
    """Standard replies `FAIL CHATHISTORY <code> <subcommand> ...`:
    INVALID_PARAMS for unparsable references or limits, UNKNOWN_COMMAND,
    NEED_MORE_PARAMS (or ERR_NEEDMOREPARAMS 461, which the spec allows) for
    missing parameters."""
    a, _ = seeded
    a.send("CHATHISTORY " + args)
    m = a.expect(lambda m: m.command in ("FAIL", "461", "BATCH"))
    if code is None:  # too few parameters for any form
        assert m.command == "461" or (m.command == "FAIL" and m.params[1] in
                                      ("NEED_MORE_PARAMS", "INVALID_PARAMS")), m
        return
    assert m.command == "FAIL" and m.params[:2] == ["CHATHISTORY", code], m
    assert m.params[2:2 + len(context)] == context, m


def test_targets_guest_partner_by_nick(srv, client):
    """TARGETS names a DM partner who is a guest by nickname (`CHATHISTORY
    TARGETS <nickname | channel name> <timestamp>`), on both sides."""
    create_account(srv, "alice", PW)
    a = client("alice", caps=HCAPS, sasl=("alice", PW))
    g = client("gus", caps=HCAPS)
    before = ts(datetime.datetime.utcnow() - datetime.timedelta(seconds=5))
    e = say(a, "gus", "hello guest")
    after = ts(datetime.datetime.utcnow() + datetime.timedelta(seconds=5))
    for c, other in ((a, "gus"), (g, "alice")):
        c.send("CHATHISTORY TARGETS timestamp=%s timestamp=%s 10" % (before, after))
        c.expect("BATCH")
        got = c.collect_until("BATCH")[:-1]
        assert [(m.params[1], m.params[2]) for m in got] == [(other, ts_of(e))], got


def test_statusmsg_not_stored(srv, client):
    """STATUSMSG (`PRIVMSG @#chan`) reaches only part of the channel, so it
    isn't history (doc/protocol.md)."""
    a = client("alice", caps=HCAPS)
    join(a, "#s")
    a.send("PRIVMSG @#s :ops only")
    say(a, "#s", "everyone")
    assert texts(history(a, "LATEST #s * 10")) == ["everyone"]
