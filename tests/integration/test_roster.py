"""Registered channels and their rosters.

A channel created by a logged-in user is registered to them and persists
when empty; a guest's channel is ephemeral (RFC 2811 §4.1: a channel ceases
to exist when the last member leaves). The roster: every account that joined
a registered channel is a member until PART, KICK or a ban; on login the
client is auto-joined to its roster channels (past +i/+k/+l) and the owner
and accounts given +o get op back. ROSTER (cap chatd.dev/roster, this
project's doc/protocol.md) lists members with presence; NAMES stays the
present members (RFC 2812 §3.2.5).

Specs: RFC 2811, RFC 2812 §3.2, IRCv3 batch (https://ircv3.net/specs/extensions/batch),
standard replies (https://ircv3.net/specs/extensions/standard-replies),
SASL 3.2 (https://ircv3.net/specs/extensions/sasl-3.2).
"""

import pytest

from conftest import IMPL, create_account

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
RCAPS = ["chatd.dev/roster", "batch"]


def join(c, chan, key=None):
    c.send("JOIN %s%s" % (chan, " " + key if key else ""))
    return c.expect(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def names_of(c, chan):
    """Present members as {nick: prefix} from NAMES."""
    c.send("NAMES %s" % chan)
    got = c.collect_until(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())
    out = {}
    for m in got:
        if m.command == "353":
            for n in m.params[-1].split():
                prefix = n[0] if n[0] in "@+" else ""
                out[n.lstrip("@+")] = prefix
    return out


def roster(c, chan):
    """ROSTER <chan> -> (set of (account, presence, nick), batched?) or the FAIL."""
    c.send("ROSTER %s" % chan)
    first = c.expect(lambda m: m.command in ("ROSTER", "BATCH", "FAIL"), desc="ROSTER reply")
    if first.command == "FAIL":
        return first, None
    lines = []
    if first.command == "BATCH":
        assert first.params[1:] == ["chatd.dev/roster", chan], first
        ref = first.params[0][1:]
        got = c.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)[:-1]
        for m in got:
            assert m.tags.get("batch") == ref, m
        lines = got
        batched = True
    else:
        lines = [first] + [m for m in c.sync() if m.command == "ROSTER"]
        batched = False
    out = set()
    for m in lines:
        assert m.command == "ROSTER" and m.source == "irc.test" and m.params[0] == chan, m
        out.add(tuple(m.params[1:4]))
    return out, batched


def login(client, name, **kw):
    """A client logged in as `name` (SASL at connect, nick = account)."""
    return client(name, sasl=(name, PW), **kw)


def leave(c):
    """QUIT and wait until the server has closed the connection."""
    c.send("QUIT :bye")
    c.wait_closed()


def joined(c, chan, timeout=3.0):
    """Waits for the client's own JOIN to chan (roster auto-join)."""
    return c.expect(lambda m: m.command == "JOIN" and m.nick == c.nick
                    and m.params[0].lower() == chan.lower(), timeout=timeout,
                    desc="auto-join to %s" % chan)


@pytest.fixture
def team(srv, client):
    """Accounts alice (owner of #team) and bob, both members of #team;
    returns (srv, alice, bob)."""
    for name in ("alice", "bob", "carol"):
        create_account(srv, name, PW)
    a = login(client, "alice", caps=RCAPS)
    join(a, "#team")
    b = login(client, "bob", caps=RCAPS)
    join(b, "#team")
    a.expect("JOIN", source_nick="bob")
    return srv, a, b


# ---------------------------------------------------------------- registration of channels

def test_general_exists_server_owned(srv, client):
    """#general exists from the first start, owned by the server: whoever
    joins it first isn't made operator; it appears in LIST even when empty."""
    g = client("guest", wait_autojoin=True)
    assert names_of(g, "#general") == {"guest": ""}
    g.send("PART #general")
    g.expect("PART")
    g.send("LIST")
    got = g.collect_until("323")
    assert any(m.command == "322" and m.params[1] == "#general" for m in got), got


def test_logged_in_creator_registers_channel(srv, client):
    """A channel created by a logged-in user is registered to them: it
    persists with its topic when everyone has QUIT; a later joiner isn't op."""
    create_account(srv, "alice", PW)
    a = login(client, "alice")
    join(a, "#proj")
    assert names_of(a, "#proj") == {"alice": "@"}
    a.send("TOPIC #proj :The project")
    a.expect("TOPIC")
    leave(a)
    g = client("guest")
    g.send("JOIN #proj")
    got = g.collect_until(lambda m: m.command == "366")
    assert [m.params[-1] for m in got if m.command == "332"] == ["The project"], got
    assert names_of(g, "#proj") == {"guest": ""}


def test_guest_channel_is_ephemeral(srv, client):
    """A guest's channel vanishes when empty: joined again it is new (the
    joiner is op again, no topic)."""
    g = client("guest")
    join(g, "#tmp")
    g.send("TOPIC #tmp :temporary")
    g.expect("TOPIC")
    g.send("PART #tmp")
    g.expect("PART")
    g.send("JOIN #tmp")
    got = g.collect_until(lambda m: m.command == "366")
    assert not [m for m in got if m.command == "332"], got
    assert names_of(g, "#tmp") == {"guest": "@"}


def test_guest_channel_gone_after_quit(srv, client):
    g = client("guest")
    join(g, "#tmp")
    leave(g)
    h = client("other")
    h.send("LIST #tmp")
    got = h.collect_until("323")
    assert not [m for m in got if m.command == "322"], got


# ---------------------------------------------------------------- ROSTER

def test_roster_presence(team, client):
    """ROSTER lists every roster account with online/away/offline and its
    nick (or *), plus guests present as `* online <nick>`, in a
    `chatd.dev/roster` batch; NAMES lists only the present members."""
    srv, a, b = team
    g = client("gus")
    join(g, "#team")
    leave(b)
    got, batched = roster(a, "#team")
    assert batched
    assert got == {("alice", "online", "alice"), ("bob", "offline", "*"), ("*", "online", "gus")}, got
    assert names_of(a, "#team") == {"alice": "@", "gus": ""}
    a.send("AWAY :lunch")
    a.expect("306")
    g.send("AWAY :brb")
    g.expect("306")
    got, _ = roster(a, "#team")
    assert got == {("alice", "away", "alice"), ("bob", "offline", "*"), ("*", "away", "gus")}, got


def test_roster_nick_differs_from_account(team, client):
    """An account online under another nick is listed with that nick."""
    srv, a, b = team
    leave(b)
    b2 = client("bobby", sasl=("bob", PW))
    joined(b2, "#team")
    got, _ = roster(a, "#team")
    assert ("bob", "online", "bobby") in got, got


def test_roster_without_batch(team, client):
    """Without the batch cap the same lines come unbatched."""
    srv, a, b = team
    c = client("carol", sasl=("carol", PW), caps=["chatd.dev/roster"])
    got, batched = roster(c, "#team")
    assert not batched
    assert got == {("alice", "online", "alice"), ("bob", "online", "bob")}, got


def test_roster_invalid_target(team, client):
    """FAIL ROSTER INVALID_TARGET for an unknown channel, and for a private
    (+s or +i) channel the client is not in; a public channel can be listed
    from outside."""
    srv, a, b = team
    g = client("gus", caps=RCAPS)
    got, _ = roster(g, "#team")
    assert ("alice", "online", "alice") in got
    m, _ = roster(g, "#nope")
    assert m.command == "FAIL" and m.params[:3] == ["ROSTER", "INVALID_TARGET", "#nope"], m
    for mode in ("+s", "-s+i"):
        a.send("MODE #team %s" % mode)
        a.expect("MODE")
        m, _ = roster(g, "#team")
        assert m.command == "FAIL" and m.params[:3] == ["ROSTER", "INVALID_TARGET", "#team"], (mode, m)
    # being logged in doesn't help an account that isn't on the roster
    c = client("carol", caps=RCAPS, sasl=("carol", PW))
    m, _ = roster(c, "#team")
    assert m.command == "FAIL", m


# ---------------------------------------------------------------- auto-join on login

def test_autojoin_on_sasl_at_connect(team, client):
    """A roster member logging in at connect is joined to the channel after
    001; present members see the JOIN."""
    srv, a, b = team
    leave(b)
    a.expect("QUIT", source_nick="bob")
    b2 = login(client, "bob")
    joined(b2, "#team")
    a.expect("JOIN", source_nick="bob")
    assert "bob" in names_of(b2, "#team")


def test_autojoin_on_later_sasl(team, client):
    """Logging in after 001 (AUTHENTICATE) joins the roster channels too."""
    srv, a, b = team
    leave(b)
    g = client("bguest", caps=["sasl"])
    assert g.authenticate("bob", PW).command == "903"
    joined(g, "#team")


def test_autojoin_bypasses_ikl(team, client):
    """Roster members pass +i, +k and +l; others don't."""
    srv, a, b = team
    leave(b)
    a.send("MODE #team +ikl sesame 1")
    a.expect("MODE")
    b2 = login(client, "bob")
    joined(b2, "#team")
    # carol isn't on the roster: the modes apply to her
    c = login(client, "carol")
    c.send("JOIN #team")
    assert c.expect(lambda m: m.command in ("471", "473", "475")).command in ("471", "473", "475")


def test_ops_restored_on_rejoin(team, client):
    """The owner and accounts given +o get op back when they come back."""
    srv, a, b = team
    a.send("MODE #team +o bob")
    a.expect("MODE")
    leave(a)
    leave(b)
    b2 = login(client, "bob")
    joined(b2, "#team")
    a2 = login(client, "alice")
    joined(a2, "#team")
    assert names_of(a2, "#team") == {"alice": "@", "bob": "@"}
    # -o is remembered too
    a2.send("MODE #team -o bob")
    a2.expect("MODE")
    leave(b2)
    b3 = login(client, "bob")
    joined(b3, "#team")
    assert names_of(b3, "#team")["bob"] == ""


# ---------------------------------------------------------------- leaving for good

def test_part_leaves_roster(team, client):
    """PART is leaving for good: off the roster, no auto-join later."""
    srv, a, b = team
    b.send("PART #team :done here")
    b.expect("PART")
    got, _ = roster(a, "#team")
    assert got == {("alice", "online", "alice")}, got
    leave(b)
    b2 = login(client, "bob")
    b2.assert_none(lambda m: m.command == "JOIN" and m.params[0] == "#team", timeout=0.5)


def test_quit_keeps_roster(team, client):
    """QUIT (or a dropped connection) keeps the membership."""
    srv, a, b = team
    b.close()  # no QUIT at all
    a.expect("QUIT", source_nick="bob")
    got, _ = roster(a, "#team")
    assert ("bob", "offline", "*") in got, got


def test_kick_leaves_roster(team, client):
    srv, a, b = team
    a.send("KICK #team bob :out")
    b.expect("KICK")
    got, _ = roster(a, "#team")
    assert got == {("alice", "online", "alice")}, got
    leave(b)
    b2 = login(client, "bob")
    b2.assert_none(lambda m: m.command == "JOIN" and m.params[0] == "#team", timeout=0.5)


def test_ban_leaves_roster(team, client):
    """A ban matching an account takes it off the roster: an offline member
    by `account!*@*`, a present one by its nick!user@host."""
    srv, a, b = team
    c = login(client, "carol")
    join(c, "#team")
    leave(c)
    a.send("MODE #team +b carol!*@*")
    a.expect("MODE")
    a.send("MODE #team +b bob!*@*")
    a.expect("MODE")
    got, _ = roster(a, "#team")
    assert got == {("alice", "online", "alice")}, got
    leave(b)
    c2 = login(client, "carol")
    c2.assert_none(lambda m: m.command == "JOIN" and m.params[0] == "#team", timeout=0.5)


def test_account_invite_remembered(team, client):
    """An invite to a logged-in user on a registered channel is kept for the
    account: it works after reconnecting."""
    srv, a, b = team
    c = login(client, "carol")
    a.send("MODE #team +i")
    a.expect("MODE")
    a.send("INVITE carol #team")
    a.expect("341")
    c.expect("INVITE")
    leave(c)
    c2 = login(client, "carol")
    join(c2, "#team")
    g = client("gus")
    g.send("JOIN #team")
    assert g.expect(lambda m: m.command in ("473", "JOIN")).command == "473"


def test_join_0_leaves_roster(team, client):
    """`JOIN 0` parts every channel (RFC 2812 §3.2.1): leaving for good too."""
    srv, a, b = team
    b.send("JOIN 0")
    b.expect("PART", params=["#team"])
    got, _ = roster(a, "#team")
    assert got == {("alice", "online", "alice")}, got


def test_login_while_present_joins_roster(team, client):
    """A guest in a registered channel who then registers is an account that
    is in the channel: it should be on the roster and come back to it."""
    srv, a, b = team
    g = client("newbie", caps=RCAPS)
    join(g, "#team")
    g.send("REGISTER * * %s" % PW)
    g.expect("REGISTER")
    got, _ = roster(a, "#team")
    assert ("newbie", "online", "newbie") in got, got


# ---------------------------------------------------------------- configuration, roles, dropping

def test_guests_register_channels(server, client):
    """[accounts] guests_register_channels = true: a guest's channel is
    registered (persists when empty; no owner account)."""
    server(accounts={"guests_register_channels": True})
    g = client("guest")
    join(g, "#gchan")
    g.send("TOPIC #gchan :kept")
    g.expect("TOPIC")
    leave(g)
    h = client("other")
    h.send("JOIN #gchan")
    got = h.collect_until("366")
    assert [m.params[-1] for m in got if m.command == "332"] == ["kept"], got
    assert names_of(h, "#gchan") == {"other": ""}


def test_register_on_create_off(server, client):
    """[channels] register_on_create = false: classic IRC for everyone; a
    logged-in user's channel vanishes when empty."""
    s = server(channels={"auto_join": ["#general"], "register_on_create": False})
    create_account(s, "alice", PW)
    a = login(client, "alice")
    join(a, "#classic")
    leave(a)
    h = client("other")
    join(h, "#classic")
    assert names_of(h, "#classic") == {"other": "@"}


def test_channel_drop(team, client):
    """CHANNEL DROP <#chan> [:<reason>] (doc/protocol.md): only the owner (or
    an admin); present members are parted with the reason; the channel, its
    roster and history are gone."""
    srv, a, b = team
    a.send("PRIVMSG #team :soon gone")
    b.send("CHANNEL DROP #team")
    m = b.expect("FAIL")
    assert m.params[:4] == ["CHANNEL", "NO_PRIVILEGES", "DROP", "#team"], m
    for name in ("#nope", "#general"):
        a.send("CHANNEL DROP %s" % name)
        m = a.expect(lambda m: m.command in ("FAIL", "CHANNEL"))
        assert m.command == "FAIL" and m.params[1] in ("INVALID_TARGET", "NO_PRIVILEGES"), m
    a.send("CHANNEL DROP #team :project over")
    m = b.expect("PART")
    assert m.params == ["#team", "project over"], m
    m = a.expect("CHANNEL")
    assert m.params[:2] == ["DROP", "#team"], m
    m, _ = roster(a, "#team")
    assert m.command == "FAIL", m
    # a new #team is a new channel with no history
    b.send("CAP REQ :draft/chathistory")
    b.expect("CAP")
    join(b, "#team")
    assert names_of(b, "#team") == {"bob": "@"}
    b.send("CHATHISTORY LATEST #team * 10")
    start = b.expect("BATCH")
    assert b.expect("BATCH").params[0] == "-" + start.params[0][1:]


def test_admin_role(server, client):
    """An account listed in [accounts] admins moderates every channel
    (KICK, TOPIC under +t, MODE) and may drop any registered channel."""
    s = server(accounts={"admins": ["root"]})
    for n in ("alice", "bob", "root"):
        create_account(s, n, PW)
    a = login(client, "alice")
    join(a, "#team")
    b = login(client, "bob")
    join(b, "#team")
    r = login(client, "root")
    join(r, "#team")
    assert names_of(r, "#team")["root"] == ""
    r.send("TOPIC #team :set by an admin")
    assert r.expect(lambda m: m.command in ("TOPIC", "482")).command == "TOPIC"
    r.send("KICK #team bob :admin says so")
    assert b.expect("KICK").params[:2] == ["#team", "bob"]
    r.send("MODE #team +m")
    assert r.expect(lambda m: m.command in ("MODE", "482")).command == "MODE"
    r.send("CHANNEL DROP #team")
    assert a.expect("PART").params[0] == "#team"
