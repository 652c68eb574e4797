"""Account sessions (multiclient) and offline delivery (doc/protocol.md
"Account sessions and offline delivery"): several connections logged in to
one account are one user; direct messages to an offline account are stored
and delivered exactly once at its next login.

Specs: IRCv3 echo-message (https://ircv3.net/specs/extensions/echo-message),
away-notify (https://ircv3.net/specs/extensions/away-notify), MONITOR
(https://ircv3.net/specs/extensions/monitor), standard replies
(https://ircv3.net/specs/extensions/standard-replies), labeled-response
(https://ircv3.net/specs/extensions/labeled-response); RFC 2812 §3.3
(PRIVMSG), RPL_AWAY 301.
"""

import os
import re
import shutil
import uuid

import pytest

from conftest import IMPL, create_account
from test_interop import TMUX, _base_env, _shq, tmux_session  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
TCAPS = ["message-tags", "server-time"]


def login(client, account, nick=None, **kw):
    return client(nick or account, sasl=(account, PW), **kw)


def join(c, chan):
    c.send("JOIN %s" % chan)
    return c.expect(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def names(c, chan):
    """NAMES as a list of nicks without prefixes (duplicates kept)."""
    c.send("NAMES %s" % chan)
    got = c.collect_until(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())
    out = []
    for m in got:
        if m.command == "353":
            out += [n.lstrip("@+") for n in m.params[-1].split()]
    return out


def privmsgs(c, marker_text):
    """Texts of PRIVMSGs received up to the one whose text is marker_text."""
    got = c.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == marker_text)
    return [m.params[-1] for m in got if m.command == "PRIVMSG"]


def offline_note(nick):
    return ["PRIVMSG", "RECIPIENT_OFFLINE", nick,
            "%s is offline; the message will be delivered when they log in" % nick]


@pytest.fixture
def accounts(server):
    s = server()
    for name in ("alice", "bob"):
        create_account(s, name, PW)
    return s


# ---------------------------------------------------------------- attaching

def test_second_device_gets_the_account_nick_and_channels(accounts, client):
    """The second connection of alice attaches: 001 names it alice (whatever
    it asked for), it is shown #general and #proj (JOIN, NAMES), and bob sees
    neither a join nor a second alice."""
    s = accounts
    bob = login(client, "bob", server=s)
    a1 = login(client, "alice", server=s)
    join(a1, "#proj")
    join(bob, "#proj")
    a1.send("TOPIC #proj :the plan")
    a1.expect("TOPIC")
    bob.expect("TOPIC")

    a2 = client("alice_phone", server=s, sasl=("alice", PW), wait_autojoin=False)
    assert a2.nick == "alice"
    burst = a2.collect_until(lambda m: m.command == "366" and m.params[1] == "#proj")
    joins = [m.params[0] for m in burst if m.command == "JOIN"]
    assert "#proj" in joins and "#general" in joins, burst
    assert [m.params[-1] for m in burst if m.command == "332"][-1] == "the plan", burst
    proj = [m for m in burst if m.command == "353" and m.params[2] == "#proj"]
    assert sorted(n.lstrip("@+") for n in proj[0].params[-1].split()) == ["alice", "bob"], proj

    bob.assert_none(lambda m: m.command in ("JOIN", "ACCOUNT", "QUIT"), timeout=0.5)
    assert sorted(names(bob, "#proj")) == ["alice", "bob"]
    assert names(bob, "#general").count("alice") == 1
    a1.assert_none("JOIN", timeout=0.3)


def test_nick_of_a_logged_in_user_still_refused_to_others(accounts, client):
    """The 433 for a nick held by a logged-in user comes at registration when
    the connection turns out not to be one of its account's devices."""
    s = accounts
    login(client, "alice", server=s)
    c = s.connect(name="impostor")
    c.send("NICK alice")
    c.send("USER x 0 * :x")
    m = c.expect("433")
    assert m.params[:2] == ["*", "alice"], m
    c.assert_none("001", timeout=0.3)
    c.send("NICK someone")
    assert c.expect("001").params[0] == "someone"


def test_multiclient_off_keeps_separate_users(server, client):
    s = server(accounts={"multiclient": False})
    create_account(s, "alice", PW)
    login(client, "alice", server=s)
    c = s.connect(name="second")
    c.cap_ls()
    c.send("CAP REQ :sasl")
    c.expect("CAP")
    c.send("NICK alice")
    assert c.expect("433").params[1] == "alice"


# ---------------------------------------------------------------- sending and receiving

def test_messages_reach_and_echo_to_every_session(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s, caps=TCAPS)
    a1 = login(client, "alice", server=s, caps=TCAPS + ["echo-message"])
    a2 = login(client, "alice", server=s, caps=TCAPS)  # no echo-message

    # A channel message from bob reaches both sessions once.
    bob.send("PRIVMSG #general :morning all")
    assert privmsgs(a1, "morning all") == ["morning all"]
    assert privmsgs(a2, "morning all") == ["morning all"]

    # A channel message from a1: its echo, a2's copy (without echo-message), bob once.
    a1.send("PRIVMSG #general :from the laptop")
    echo = a1.expect("PRIVMSG")
    other = a2.expect("PRIVMSG")
    seen = bob.expect("PRIVMSG")
    assert echo.params == other.params == seen.params == ["#general", "from the laptop"]
    assert echo.tags["msgid"] == other.tags["msgid"] == seen.tags["msgid"]
    assert other.nick == "alice"

    # A DM to alice reaches both sessions; a DM from a2 echoes to a1.
    bob.send("PRIVMSG alice :psst")
    assert a1.expect("PRIVMSG").params == ["alice", "psst"]
    assert a2.expect("PRIVMSG").params == ["alice", "psst"]
    a2.send("PRIVMSG bob :hi from the phone")
    got = bob.expect("PRIVMSG")
    mirror = a1.expect("PRIVMSG")
    assert got.params == mirror.params == ["bob", "hi from the phone"]
    assert mirror.nick == "alice" and mirror.tags["msgid"] == got.tags["msgid"]
    a2.assert_none("PRIVMSG", timeout=0.3)  # no echo-message: no own copy
    bob.assert_none("PRIVMSG", timeout=0.3)  # exactly once


def test_join_part_nick_apply_to_the_account(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s)
    join(bob, "#side")
    a1 = login(client, "alice", server=s)
    a2 = login(client, "alice", server=s)
    a2.send("JOIN #side")
    a1.expect(lambda m: m.command == "366" and m.params[1] == "#side")
    a2.expect(lambda m: m.command == "366" and m.params[1] == "#side")
    bob.expect("JOIN", source_nick="alice", params=["#side"])
    bob.assert_none("JOIN", timeout=0.3)
    assert sorted(names(bob, "#side")) == ["alice", "bob"]
    a1.send("PART #side :later")
    assert a2.expect("PART").params[0] == "#side"
    assert bob.expect("PART").nick == "alice"
    assert sorted(names(bob, "#side")) == ["bob"]
    a2.send("NICK alicia")
    assert a1.expect("NICK").params == ["alicia"]
    assert a2.expect("NICK").params == ["alicia"]
    assert bob.expect("NICK").params == ["alicia"]


# ---------------------------------------------------------------- quitting

def test_quit_of_one_session_is_silent_and_the_last_quits(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s, caps=["away-notify"])
    bob.send("MONITOR + alice")
    bob.expect("731")
    a1 = login(client, "alice", server=s)
    bob.expect("730")
    a2 = login(client, "alice", server=s)
    a3 = login(client, "alice", server=s)
    bob.drain()  # alice's JOIN #general, once, from a1

    a2.quit()  # an attached session
    a1.quit()  # the session that stood for the user: another takes its place
    bob.assert_none(lambda m: m.command in ("QUIT", "PART", "731", "JOIN"), timeout=0.7)
    assert names(bob, "#general").count("alice") == 1
    bob.send("PRIVMSG #general :still there?")
    assert privmsgs(a3, "still there?") == ["still there?"]
    bob.send("WHOIS alice")
    assert bob.expect(["311", "401"]).command == "311"
    bob.send("PRIVMSG alice :dm")
    assert a3.expect("PRIVMSG").params == ["alice", "dm"]

    a3.quit("last one")
    m = bob.expect("QUIT")
    assert m.nick == "alice" and "last one" in m.params[-1], m
    bob.expect("731")


# ---------------------------------------------------------------- presence

def test_away_only_when_every_session_is_away(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s, caps=["away-notify"])
    a1 = login(client, "alice", server=s)
    a2 = login(client, "alice", server=s)

    a1.send("AWAY :on the phone")
    assert a1.expect("306")
    bob.assert_none("AWAY", timeout=0.5)
    bob.send("WHOIS alice")
    got = bob.collect_until("318")
    assert not [m for m in got if m.command == "301"], got
    bob.send("PRIVMSG alice :there?")
    bob.assert_none("301", timeout=0.3)

    a2.send("AWAY :lunch")
    a2.expect("306")
    m = bob.expect("AWAY")
    assert m.nick == "alice" and m.params == ["lunch"], m
    bob.send("PRIVMSG alice :hello?")
    assert bob.expect("301").params[1:] == ["alice", "lunch"]
    bob.send("WHOIS alice")
    got = bob.collect_until("318")
    assert [m.params[-1] for m in got if m.command == "301"] == ["lunch"], got

    a1.send("AWAY")
    a1.expect("305")
    m = bob.expect("AWAY")
    assert m.nick == "alice" and m.params == [], m
    # Both away again; one leaving changes nothing, the user stays away.
    a1.send("AWAY :gone")
    assert bob.expect("AWAY").params == ["gone"]
    a2.quit()
    bob.assert_none("AWAY", timeout=0.5)
    bob.send("PRIVMSG alice :still away?")
    assert bob.expect("301").params[1:] == ["alice", "gone"]


def test_roster_presence_is_the_accounts(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s, caps=["chatd.dev/roster", "batch"])
    a1 = login(client, "alice", server=s)
    join(a1, "#team")
    join(bob, "#team")
    a2 = login(client, "alice", server=s)

    def presence():
        bob.send("ROSTER #team")
        got = bob.collect_until(lambda m: m.command == "BATCH" and m.params[0].startswith("-"))
        return {m.params[1]: m.params[2] for m in got if m.command == "ROSTER"}

    assert presence()["alice"] == "online"
    a1.send("AWAY :brb")
    a1.expect("306")
    assert presence()["alice"] == "online"
    a2.send("AWAY :brb too")
    a2.expect("306")
    assert presence()["alice"] == "away"
    a1.quit()
    a2.quit()
    bob.expect("QUIT")
    assert presence()["alice"] == "offline"


# ---------------------------------------------------------------- offline delivery

def test_dm_to_offline_account_is_noted_and_delivered_once(accounts, client):
    s = accounts
    bob = login(client, "bob", server=s, caps=TCAPS + ["echo-message", "labeled-response", "batch"])
    bob.send("@label=off1 PRIVMSG alice :see you tomorrow")
    start = bob.expect("BATCH")
    assert start.tags.get("label") == "off1" and start.params[1] == "labeled-response", start
    ref = start.params[0][1:]
    got = bob.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)
    echo = [m for m in got if m.command == "PRIVMSG"]
    note = [m for m in got if m.command == "NOTE"]
    assert len(echo) == 1 and echo[0].params == ["alice", "see you tomorrow"], got
    assert [n.params for n in note] == [offline_note("alice")], got
    assert not [m for m in got if m.command == "401"], got
    bob.send("NOTICE alice :a notice too")
    bob.expect("NOTICE")
    bob.assert_none("NOTE", timeout=0.3)

    a1 = login(client, "alice", server=s, caps=TCAPS)
    m = a1.expect("PRIVMSG")
    assert m.params == ["alice", "see you tomorrow"] and m.nick == "bob", m
    assert m.tags["msgid"] == echo[0].tags["msgid"] and m.tags["time"] == echo[0].tags["time"], m
    assert a1.expect("NOTICE").params == ["alice", "a notice too"]
    # Exactly once: a second session attaching gets nothing of it.
    a2 = login(client, "alice", server=s, caps=TCAPS)
    a2.assert_none(lambda m: m.command in ("PRIVMSG", "NOTICE") and m.nick == "bob", timeout=0.5)
    a1.quit()
    a2.quit()

    # Logging in again: nothing replayed; after a restart: still nothing.
    a3 = login(client, "alice", server=s, caps=TCAPS)
    a3.assert_none("PRIVMSG", timeout=0.5)
    a3.quit()
    a3.wait_closed()
    s.restart()
    a4 = login(client, "alice", server=s, caps=TCAPS)
    a4.assert_none("PRIVMSG", timeout=0.7)


def test_offline_message_survives_a_restart(accounts, client):
    s = accounts
    a = login(client, "alice", server=s)
    a.quit()
    a.wait_closed()
    bob = login(client, "bob", server=s)
    bob.send("PRIVMSG alice :before the restart")
    assert bob.expect("NOTE").params == offline_note("alice")
    s.restart()
    a2 = login(client, "alice", server=s, caps=TCAPS)
    assert a2.expect("PRIVMSG").params == ["alice", "before the restart"]
    a2.assert_none("PRIVMSG", timeout=0.3)


def test_guests_keep_classic_behaviour(accounts, client):
    s = accounts
    guest = client("visitor", server=s)
    guest.send("PRIVMSG alice :hello?")
    assert guest.expect(["401", "NOTE"]).command == "401"
    guest.send("PRIVMSG nobody :hello?")
    assert guest.expect("401").params[1] == "nobody"
    bob = login(client, "bob", server=s, caps=["message-tags"])
    bob.send("PRIVMSG nobody :hi")
    assert bob.expect(["401", "NOTE"]).command == "401"
    bob.send("@+typing=active TAGMSG alice")  # typing to an offline account: dropped quietly
    bob.send("PING :sync")
    got = bob.collect_until("PONG")
    assert not [m for m in got if m.command in ("401", "NOTE", "FAIL")], got
    # The offline account's nick stays reserved.
    c = s.connect(name="taker")
    c.send("NICK alice")
    c.send("USER x 0 * :x")
    assert c.expect("433").params[1] == "alice"


# ---------------------------------------------------------------- a plain IRC client as a second device

@pytest.mark.skipif(shutil.which("irssi") is None or TMUX is None, reason="irssi or tmux not installed")
def test_irssi_attaches_as_a_second_device(accounts, client, tmux_session, tmp_path):
    """irssi 1.4 logging in with SASL PLAIN as alice while alice is online
    elsewhere: it is alice, shows #general, shows what the other device
    sends and what others say, and what it sends reaches both."""
    s = accounts
    bob = login(client, "bob", server=s)
    a1 = login(client, "alice", server=s, caps=TCAPS)
    bob.drain()  # a1's JOIN #general
    home = str(tmp_path / "irssi")
    os.makedirs(home)
    pane = tmux_session("irssi --home=%s -n irssinick" % _shq(home), _base_env(home))
    pane.wait_for("Irssi v")
    pane.keys("/network add -sasl_mechanism PLAIN -sasl_username alice -sasl_password %s testnet" % PW)
    pane.keys("/server add -4 -network testnet -tls -tls_cafile %s localhost %d" % (s.cert, s.tls_port))
    pane.keys("/connect testnet")
    pane.wait_for(re.compile(r"You are now logged in as alice"), timeout=20)
    pane.keys("/window goto #general")
    pane.wait_for(re.compile(r"\[#general\]\s*$", re.M), timeout=20)
    bob.assert_none(lambda m: m.command in ("JOIN", "QUIT") and m.nick != "bob", timeout=0.5)

    token = uuid.uuid4().hex[:8]
    bob.send("PRIVMSG #general :from bob %s" % token)
    pane.wait_for("from bob %s" % token)
    a1.send("PRIVMSG #general :from the laptop %s" % token)
    pane.wait_for("from the laptop %s" % token)
    pane.keys("from irssi %s" % token)
    m = bob.expect(lambda m: m.command == "PRIVMSG" and "from irssi" in m.params[-1], timeout=15)
    assert m.nick == "alice" and m.params == ["#general", "from irssi %s" % token], m
    mirror = a1.expect(lambda m: m.command == "PRIVMSG" and "from irssi" in m.params[-1], timeout=15)
    assert mirror.nick == "alice" and mirror.params == m.params, mirror  # the laptop sees it too
    pane.keys("/quit")
    bob.assert_none("QUIT", timeout=1.0)  # alice is still there on the laptop
    assert names(bob, "#general").count("alice") == 1
