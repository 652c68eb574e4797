"""Server support for the desktop client (issue 5), over real sockets:

- chatd.dev/outbox: with the cap, the label of a PRIVMSG/NOTICE
  (labeled-response) is an idempotency key; a resend is answered as the
  first send was and neither stored nor delivered again, also after a
  reconnect, a restart and a kill -9.
- chatd.dev/presence: PRESENCE invisible makes ROSTER and MONITOR report
  the client offline; WHOIS/NAMES stay classic IRC.
- typing notifications (TAGMSG with only +typing) are relayed, not stored.

Specs: doc/protocol.md; IRCv3 labeled-response
(https://ircv3.net/specs/extensions/labeled-response), echo-message,
monitor (https://ircv3.net/specs/extensions/monitor), typing
(https://ircv3.net/specs/client-tags/typing), draft/chathistory.
"""

import time

import pytest

from conftest import IMPL, create_account

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
OCAPS = ["labeled-response", "batch", "echo-message", "message-tags", "server-time",
         "draft/chathistory", "chatd.dev/outbox"]


def login(client, name, **kw):
    return client(name, sasl=(name, PW), **kw)


def send_labeled(c, label, line):
    """Sends `line` with `label`; returns the labeled reply (echo or ACK)."""
    c.send("@label=%s %s" % (label, line))
    return c.expect(lambda m: m.tags.get("label") == label, desc="reply labeled %s" % label)


def history(c, target):
    """The texts and msgids of target's latest messages (CHATHISTORY LATEST)."""
    c.send("CHATHISTORY LATEST %s * 100" % target)
    start = c.expect(lambda m: m.command == "BATCH" and m.params[0].startswith("+"))
    ref = start.params[0][1:]
    got = c.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)[:-1]
    return [(m.params[-1], m.tags["msgid"]) for m in got]


def privmsgs_until_marker(c, marker):
    """The PRIVMSG texts c receives up to and including `marker`: what was
    delivered before a later message, without waiting on a clock."""
    got = c.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == marker)
    return [m.params[-1] for m in got if m.command == "PRIVMSG"]


# ---------------------------------------------------------------- chatd.dev/outbox

def test_caps_are_advertised(srv, client):
    c = client()
    caps = c.cap_ls("302")[0]
    assert "chatd.dev/outbox" in caps and "chatd.dev/presence" in caps, caps


def test_outbox_resend_after_reconnect_is_stored_and_delivered_once(server, client):
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    a = login(client, "alice", caps=OCAPS)
    b = login(client, "bob", caps=["message-tags"])
    first = send_labeled(a, "out-1", "PRIVMSG #general :hello once")
    assert first.command == "PRIVMSG" and first.params == ["#general", "hello once"], first
    delivered = b.expect("PRIVMSG")
    assert delivered.tags["msgid"] == first.tags["msgid"]
    a.close()  # the connection drops before the client saw its echo, say

    a2 = login(client, "alice", caps=OCAPS)
    again = send_labeled(a2, "out-1", "PRIVMSG #general :hello once")
    assert again.command == "PRIVMSG" and again.params == ["#general", "hello once"], again
    assert again.tags["msgid"] == first.tags["msgid"]
    assert again.tags["time"] == first.tags["time"]
    assert again.nick == "alice"
    send_labeled(a2, "out-2", "PRIVMSG #general :marker")
    assert privmsgs_until_marker(b, "marker") == ["marker"]
    texts = [t for t, _ in history(a2, "#general")]
    assert texts == ["hello once", "marker"], texts


def test_outbox_resend_of_a_direct_message_to_someone_gone(server, client):
    """The key is the target as written, so a resend after the receiver left
    still gets the original echo, not 401."""
    s = server()
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=OCAPS)
    b = client("bob")
    first = send_labeled(a, "dm-1", "PRIVMSG bob :are you there")
    assert b.expect("PRIVMSG").params[-1] == "are you there"
    b.send("QUIT :gone")
    b.wait_closed()
    again = send_labeled(a, "dm-1", "PRIVMSG bob :are you there")
    assert again.command == "PRIVMSG" and again.tags["msgid"] == first.tags["msgid"], again
    m = send_labeled(a, "dm-2", "PRIVMSG bob :new one")
    assert m.command == "401", m


def test_outbox_without_echo_message_resend_gets_the_ack(server, client):
    s = server()
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=["labeled-response", "chatd.dev/outbox"])
    b = client("bob")
    assert send_labeled(a, "n-1", "NOTICE #general :heads up").command == "ACK"
    assert send_labeled(a, "n-1", "NOTICE #general :heads up").command == "ACK"
    a.send("NOTICE #general :marker")
    got = b.collect_until(lambda m: m.command == "NOTICE" and m.params[-1] == "marker")
    assert [m.params[-1] for m in got if m.command == "NOTICE"] == ["heads up", "marker"]


def test_same_label_without_the_cap_is_two_messages(srv, client):
    """Without chatd.dev/outbox a label is only a labeled-response label:
    clients reuse them, so nothing is deduplicated."""
    a = client("alice", caps=["labeled-response", "echo-message", "message-tags", "draft/chathistory", "batch"])
    b = client("bob")
    e1 = send_labeled(a, "1", "PRIVMSG #general :same words")
    e2 = send_labeled(a, "1", "PRIVMSG #general :same words")
    assert e1.command == e2.command == "PRIVMSG"
    assert e1.tags["msgid"] != e2.tags["msgid"]
    a.send("PRIVMSG #general :marker")
    assert privmsgs_until_marker(b, "marker") == ["same words", "same words", "marker"]
    assert [t for t, _ in history(a, "#general")] == ["same words", "same words", "marker"]


def test_guest_outbox_key_is_the_connection(srv, client):
    """Guests have no account: their keys last as long as the connection."""
    a = client("guest", caps=OCAPS)
    e1 = send_labeled(a, "g", "PRIVMSG #general :from a guest")
    assert send_labeled(a, "g", "PRIVMSG #general :from a guest").tags["msgid"] == e1.tags["msgid"]
    a.close()
    a2 = client("guest2", caps=OCAPS)
    e2 = send_labeled(a2, "g", "PRIVMSG #general :from a guest")
    assert e2.command == "PRIVMSG" and e2.tags["msgid"] != e1.tags["msgid"]


@pytest.mark.parametrize("how", ["restart", "kill9"])
def test_outbox_keys_survive_restart_and_crash(server, client, how):
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    a = login(client, "alice", caps=OCAPS)
    first = send_labeled(a, "persist-1", "PRIVMSG #general :durable")
    if how == "restart":
        s.restart()
    else:
        s.kill()
        s.start(append=True)
    b = login(client, "bob", caps=["message-tags"])
    a2 = login(client, "alice", caps=OCAPS)
    again = send_labeled(a2, "persist-1", "PRIVMSG #general :durable")
    assert again.command == "PRIVMSG", again
    assert again.tags["msgid"] == first.tags["msgid"] and again.tags["time"] == first.tags["time"]
    send_labeled(a2, "persist-2", "PRIVMSG #general :marker")
    assert privmsgs_until_marker(b, "marker") == ["marker"]
    assert [t for t, _ in history(a2, "#general")] == ["durable", "marker"]


def test_outbox_key_is_pruned_with_its_message(server, client):
    """Retention removes the key with the message: after that the label is
    new again. max_messages = 1 prunes at start."""
    s = server()
    create_account(s, "alice", PW)
    a = login(client, "alice", caps=OCAPS)
    first = send_labeled(a, "old", "PRIVMSG #general :will be pruned")
    send_labeled(a, "newer", "PRIVMSG #general :keeps the slot")
    s.rewrite_config(history={"max_messages": 1})
    s.restart()
    a2 = login(client, "alice", caps=OCAPS)
    # Retention runs on the first upkeep tick after the start, not before it.
    deadline = time.monotonic() + 10
    while True:
        texts = [t for t, _ in history(a2, "#general")]
        if texts == ["keeps the slot"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert texts == ["keeps the slot"]
    again = send_labeled(a2, "old", "PRIVMSG #general :will be pruned")
    assert again.command == "PRIVMSG" and again.tags["msgid"] != first.tags["msgid"]


# ---------------------------------------------------------------- chatd.dev/presence

PCAPS = ["chatd.dev/presence", "chatd.dev/roster", "labeled-response", "batch"]


def roster(c, chan):
    c.send("ROSTER %s" % chan)
    c.expect("BATCH")
    return {tuple(m.params[1:4]) for m in c.collect_until("BATCH")[:-1]}


def test_presence_errors(srv, client):
    p = client("plain")
    p.send("PRESENCE invisible")
    m = p.expect(["FAIL", "PRESENCE"])
    assert m.command == "FAIL" and m.params[:2] == ["PRESENCE", "NEED_CAPABILITY"], m
    a = client("alice", caps=PCAPS)
    a.send("PRESENCE")
    assert a.expect("461").params[1] == "PRESENCE"
    a.send("PRESENCE busy")
    m = a.expect("FAIL")
    assert m.params[:3] == ["PRESENCE", "INVALID_PARAMS", "busy"], m


def test_invisible_is_offline_in_roster_and_monitor(server, client):
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    a = login(client, "alice", caps=PCAPS)
    b = login(client, "bob", caps=PCAPS)
    b.send("MONITOR + alice")
    assert b.expect(["730", "731"]).command == "730"
    assert roster(b, "#general") == {("alice", "online", "alice"), ("bob", "online", "bob")}

    ack = send_labeled(a, "p1", "PRESENCE invisible")
    assert ack.command == "PRESENCE" and ack.params == ["invisible"], ack
    m = b.expect(["730", "731"])
    assert m.command == "731" and m.params[1] == "alice", m
    assert roster(b, "#general") == {("alice", "offline", "*"), ("bob", "online", "bob")}
    b.send("MONITOR S")
    assert b.expect(["730", "731"]).command == "731"
    # WHOIS and NAMES stay classic IRC (doc/protocol.md).
    b.send("WHOIS alice")
    got = b.collect_until("318")
    assert any(m.command == "311" and m.params[1] == "alice" for m in got), got

    ack = send_labeled(a, "p2", "PRESENCE online")
    assert ack.command == "PRESENCE" and ack.params == ["online"], ack
    m = b.expect(["730", "731"])
    assert m.command == "730" and m.params[1].startswith("alice!"), m
    assert roster(b, "#general") == {("alice", "online", "alice"), ("bob", "online", "bob")}


def test_invisible_lasts_for_the_connection(server, client):
    s = server()
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    a = login(client, "alice", caps=PCAPS)
    b = login(client, "bob", caps=PCAPS)
    a.send("PRESENCE invisible")
    a.expect("PRESENCE")
    assert ("alice", "offline", "*") in roster(b, "#general")
    a.send("QUIT :bye")
    a.wait_closed()
    a2 = login(client, "alice", caps=PCAPS)
    assert ("alice", "online", "alice") in roster(b, "#general")
    assert a2.nick == "alice"


# ---------------------------------------------------------------- typing

def targets(c):
    """The conversations CHATHISTORY TARGETS lists over all time (TAGMSG
    counts there though CHATHISTORY doesn't replay it)."""
    c.send("CHATHISTORY TARGETS timestamp=2000-01-01T00:00:00.000Z timestamp=2100-01-01T00:00:00.000Z 50")
    c.expect("BATCH")
    return {m.params[1] for m in c.collect_until("BATCH")[:-1]}


def test_typing_notifications_are_relayed_not_stored(srv, client):
    create_account(srv, "alice", PW)
    caps = ["message-tags", "server-time", "batch", "draft/chathistory"]
    a = login(client, "alice", caps=caps)
    b = client("bob", caps=["message-tags"])
    c = client("carol", caps=["message-tags"])
    a.send("@+typing=active TAGMSG bob")
    assert b.expect("TAGMSG").tags.get("+typing") == "active"
    a.send("@+typing=paused;+draft/typing=paused TAGMSG bob")
    assert b.expect("TAGMSG").tags.get("+typing") == "paused"
    a.send("@+typing=active;+draft/react=x TAGMSG carol")  # not only typing: stored
    assert c.expect("TAGMSG").tags.get("+draft/react") == "x"
    assert targets(a) == {"carol"}
