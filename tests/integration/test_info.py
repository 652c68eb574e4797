"""Information queries: WHO/WHOX, WHOIS, WHOWAS, USERHOST, ISON, AWAY,
MONITOR, SETNAME, VERSION, TIME, LUSERS, MOTD, INFO, user MODE.

Specs: RFC 2812 §3.4-3.6 and §4, Modern IRC (https://modern.ircdocs.horse/),
WHOX (https://ircv3.net/specs/extensions/whox), IRCv3 away-notify, monitor,
setname.
"""

import re
import time


def join(c, chan):
    c.send("JOIN %s" % chan)
    c.expect(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def test_who_channel(srv, client):
    """RFC 2812 §4.2.1 RPL_WHOREPLY (352):
    <me> <channel> <user> <host> <server> <nick> <H|G>[@|+] :<hopcount> <realname>; 315 ends."""
    a = client("alice", realname="Alice Liddell")
    b = client("bob", realname="Bob Builder")
    join(a, "#w")
    join(b, "#w")
    b.send("WHO #w")
    msgs = b.collect_until("315")
    rows = {m.params[5]: m for m in msgs if m.command == "352"}
    assert set(rows) == {"alice", "bob"}
    r = rows["alice"]
    assert r.params[0] == "bob" and r.params[1] == "#w"
    assert r.params[2].lstrip("~") == "alice" and r.params[3]
    assert r.params[4] == "irc.test"
    assert r.params[6].startswith("H") and "@" in r.params[6]
    hop, real = r.params[7].split(" ", 1)
    assert hop.isdigit() and real == "Alice Liddell"
    assert rows["bob"].params[6] == "H"
    end = msgs[-1]
    assert end.params[:2] == ["bob", "#w"]


def test_who_nick(srv, client):
    a = client("alice")
    client("bob")
    a.send("WHO bob")
    msgs = a.collect_until("315")
    rows = [m for m in msgs if m.command == "352"]
    assert len(rows) == 1 and rows[0].params[5] == "bob"


def test_whox(srv, client):
    """WHOX: `WHO #chan %tnuhra,42` -> 354 <me> 42 <user> <host> <nick> <account> :<realname>
    (fields in the fixed order t,c,u,i,h,s,n,f,d,l,a,o,r; account 0 when none)."""
    a = client("alice", realname="Alice Liddell")
    b = client("bob")
    assert "WHOX" in a.isupport
    join(a, "#w")
    join(b, "#w")
    b.send("WHO #w %tnuhra,42")
    msgs = b.collect_until("315")
    rows = [m for m in msgs if m.command == "354"]
    assert not [m for m in msgs if m.command == "352"]
    assert len(rows) == 2
    row = next(m for m in rows if m.params[4] == "alice")
    assert row.params[0] == "bob" and row.params[1] == "42"
    assert row.params[2].lstrip("~") == "alice"
    assert row.params[3]
    assert row.params[5] == "0"
    assert row.params[6] == "Alice Liddell"
    assert len(row.params) == 7


def test_whox_field_subset(srv, client):
    """WHOX with fields only (no token): `%cnf` -> <me> <channel> <nick> <flags>."""
    a = client("alice")
    join(a, "#w")
    a.send("WHO #w %cnf")
    msgs = a.collect_until("315")
    rows = [m for m in msgs if m.command == "354"]
    assert len(rows) == 1
    assert rows[0].params[1:] == ["#w", "alice", "H@"]


def test_whois(srv, client):
    """RFC 2812 §3.6.2: 311 <me> <nick> <user> <host> * :<real>, 312 <server>,
    319 channels (with prefixes), 318 end."""
    a = client("alice", realname="Alice Liddell")
    b = client("bob")
    join(a, "#wi")
    b.send("WHOIS alice")
    msgs = b.collect_until("318")
    by = {m.command: m for m in msgs}
    u = by["311"]
    assert u.params[:2] == ["bob", "alice"]
    assert u.params[2].lstrip("~") == "alice" and u.params[4] == "*" and u.params[5] == "Alice Liddell"
    s = by["312"]
    assert s.params[:3] == ["bob", "alice", "irc.test"]
    chans = by["319"].params[-1].split()
    assert "@#wi" in chans
    assert "#general" in [c.lstrip("@+") for c in chans]
    assert by["318"].params[:2] == ["bob", "alice"]


def test_whois_unknown(srv, client):
    """WHOIS ghost -> 401 (and 318)."""
    a = client("alice")
    a.send("WHOIS ghost")
    m = a.expect("401")
    assert m.params[:2] == ["alice", "ghost"]
    m = a.expect("318")
    assert m.params[1] == "ghost"


def test_whois_hides_secret_channels(srv, client):
    a = client("alice")
    b = client("bob")
    join(a, "#hidden")
    a.send("MODE #hidden +s")
    a.sync()
    b.send("WHOIS alice")
    msgs = b.collect_until("318")
    chans = " ".join(m.params[-1] for m in msgs if m.command == "319")
    assert "#hidden" not in chans
    a.send("WHOIS alice")
    msgs = a.collect_until("318")
    chans = " ".join(m.params[-1] for m in msgs if m.command == "319")
    assert "#hidden" in chans


def test_whowas(srv, client):
    """RFC 2812 §3.6.3: after a QUIT, WHOWAS gives 314 <nick> <user> <host> * :<real>, 369."""
    a = client("alice")
    b = client("bob", realname="Bob Gone")
    b.quit("leaving")
    a.expect("QUIT", source_nick="bob")
    a.send("WHOWAS bob")
    m = a.expect(["314", "406"])
    assert m.command == "314"
    assert m.params[:2] == ["alice", "bob"]
    assert m.params[2].lstrip("~") == "bob" and m.params[4] == "*" and m.params[5] == "Bob Gone"
    assert a.expect("369").params[1] == "bob"


def test_whowas_after_nick_change(srv, client):
    a = client("alice")
    b = client("bob")
    b.send("NICK robert")
    b.expect("NICK")
    a.send("WHOWAS bob")
    assert a.expect(["314", "406"]).command == "314"
    a.expect("369")


def test_whowas_unknown(srv, client):
    """WHOWAS of a nick never seen -> 406 ERR_WASNOSUCHNICK then 369."""
    a = client("alice")
    a.send("WHOWAS neverseen")
    m = a.expect(["406", "314"])
    assert m.command == "406" and m.params[1] == "neverseen"
    assert a.expect("369").params[1] == "neverseen"


def test_userhost(srv, client):
    """RFC 2812 §4.8: 302 :nick=+user@host (- when away)."""
    a = client("alice")
    b = client("bob")
    b.send("AWAY :out")
    b.expect("306")
    a.send("USERHOST alice bob ghost")
    m = a.expect("302")
    entries = m.params[-1].split()
    assert len(entries) == 2
    assert re.match(r"^alice=\+~?alice@\S+$", entries[0]), entries
    assert re.match(r"^bob=-~?bob@\S+$", entries[1]), entries


def test_ison(srv, client):
    """RFC 2812 §4.9: 303 lists the nicks that are online."""
    a = client("alice")
    client("bob")
    a.send("ISON bob ghost ALICE")
    m = a.expect("303")
    got = [n.lower() for n in m.params[-1].split()]
    assert sorted(got) == ["alice", "bob"]


def test_away(srv, client):
    """RFC 2812 §4.1: AWAY :msg -> 306; PRIVMSG to an away user -> 301 to
    the sender; WHOIS shows 301; AWAY -> 305."""
    a = client("alice")
    b = client("bob")
    b.send("AWAY :gone to lunch")
    assert b.expect("306").params[0] == "bob"
    a.send("PRIVMSG bob :are you there")
    m = a.expect("301")
    assert m.params == ["alice", "bob", "gone to lunch"]
    b.expect("PRIVMSG")
    a.send("WHOIS bob")
    msgs = a.collect_until("318")
    assert [x for x in msgs if x.command == "301" and x.params[-1] == "gone to lunch"]
    b.send("AWAY")
    assert b.expect("305").params[0] == "bob"
    a.send("PRIVMSG bob :back?")
    got = a.sync()
    assert not [x for x in got if x.command == "301"]


def test_away_who_flag(srv, client):
    a = client("alice")
    b = client("bob")
    b.send("AWAY :zzz")
    b.expect("306")
    a.send("WHO bob")
    rows = [m for m in a.collect_until("315") if m.command == "352"]
    assert rows and rows[0].params[6].startswith("G")


def test_away_notify(srv, client):
    """IRCv3 away-notify: members sharing a channel with the cap get
    `:nick AWAY :msg` and `:nick AWAY`; others don't."""
    w = client("watcher", caps=["away-notify"])
    p = client("plain")
    b = client("bob")
    b.send("AWAY :brb")
    b.expect("306")
    m = w.expect("AWAY")
    assert m.nick == "bob" and m.params == ["brb"]
    b.send("AWAY")
    b.expect("305")
    m = w.expect("AWAY")
    assert m.nick == "bob" and m.params == []
    p.sync()
    assert not [x for x in p.inbox if x.command == "AWAY"]


def test_away_notify_on_join(srv, client):
    """away-notify: when an away user joins, cap holders learn it is away."""
    w = client("watcher", caps=["away-notify"])
    join(w, "#aw")
    b = client("bob")
    b.send("AWAY :away already")
    b.expect("306")
    w.sync()
    b.send("JOIN #aw")
    w.expect("JOIN", source_nick="bob", params=["#aw"])
    m = w.expect("AWAY", source_nick="bob")
    assert m.params == ["away already"]


def test_monitor(srv, client):
    """IRCv3 monitor: + nick -> 731 when offline / 730 when online; sign-on
    and sign-off are reported; L lists (732/733); - removes."""
    a = client("alice")
    assert "MONITOR" in a.isupport
    a.send("MONITOR + carol,alice")
    seen = {}
    while len(seen) < 2:
        m = a.expect(["730", "731"])
        for t in m.params[-1].split(","):
            seen[t.split("!")[0].lower()] = m.command
    assert seen == {"carol": "731", "alice": "730"}
    c = client("carol")
    m = a.expect("730")
    assert m.params[0] == "alice" and m.params[-1].split("!")[0] == "carol"
    assert "@" in m.params[-1]
    a.send("MONITOR L")
    msgs = a.collect_until("733")
    listed = ",".join(x.params[-1] for x in msgs if x.command == "732").lower().split(",")
    assert sorted(listed) == ["alice", "carol"]
    c.quit("bye")
    m = a.expect("731")
    assert m.params[-1].split(",") == ["carol"]
    a.send("MONITOR - carol")
    a.send("MONITOR L")
    msgs = a.collect_until("733")
    listed = ",".join(x.params[-1] for x in msgs if x.command == "732").lower().split(",")
    assert listed == ["alice"]
    client("carol")
    a.sync()
    assert not [x for x in a.inbox if x.command == "730"]


def test_monitor_nick_change(srv, client):
    """monitor: a nick change to/from a monitored nick is reported."""
    a = client("alice")
    b = client("bob")
    a.send("MONITOR + dan")
    a.expect("731")
    b.send("NICK dan")
    m = a.expect("730")
    assert m.params[-1].split("!")[0] == "dan"
    b.send("NICK bob")
    m = a.expect("731")
    assert m.params[-1] == "dan"


def test_setname(srv, client):
    """IRCv3 setname: SETNAME :new -> `:nick SETNAME :new` to self and to
    channel peers with the cap; WHOIS reflects it."""
    a = client("alice", caps=["setname"])
    w = client("watcher", caps=["setname"])
    p = client("plain")
    a.send("SETNAME :Alice In Wonderland")
    m = a.expect("SETNAME")
    assert m.nick == "alice" and m.params == ["Alice In Wonderland"]
    m = w.expect("SETNAME")
    assert m.nick == "alice" and m.params == ["Alice In Wonderland"]
    p.send("WHOIS alice")
    u = p.expect("311")
    assert u.params[-1] == "Alice In Wonderland"
    p.sync()
    assert not [x for x in p.inbox if x.command == "SETNAME"]


def test_setname_needs_param(srv, client):
    a = client("alice", caps=["setname"])
    a.send("SETNAME")
    m = a.expect(["461", "FAIL"])
    assert m.command == "461" or (m.command == "FAIL" and m.params[0] == "SETNAME")


def test_version(srv, client):
    """RFC 2812 §3.4.3: 351 <me> <version> <server> :<comments>."""
    a = client("alice")
    a.send("VERSION")
    m = a.expect("351")
    assert m.params[0] == "alice" and m.params[1] and m.params[2] == "irc.test"


def test_time(srv, client):
    """RFC 2812 §3.4.6: 391 <me> <server> ... :<time string>."""
    a = client("alice")
    a.send("TIME")
    m = a.expect("391")
    assert m.params[0] == "alice" and m.params[1] == "irc.test"
    assert re.search(r"\d", m.params[-1])


def test_lusers(srv, client):
    """RFC 2812 §3.4.2: 251 and 255 at least; the counts include us."""
    a = client("alice")
    client("bob")
    a.send("LUSERS")
    msgs = a.collect_until("255")
    m251 = [m for m in msgs if m.command == "251"]
    assert m251 and re.search(r"\b2\b", m251[0].params[-1]), m251
    assert re.search(r"\b2\b", msgs[-1].params[-1])


def test_lusers_counts_follow_mode_i_unknown_and_quit(srv, client):
    """The server keeps LUSERS counts as clients register, set +i and leave
    (RFC 2812 §3.4.2: 251 users/invisible, 253 unknown, 255 clients)."""
    a = client("alice")
    b = client("bob")
    u = client()  # connected, never registers
    u.send("LUSERS")
    u.expect("451")  # the server has accepted it
    b.send("MODE bob +i")
    b.expect("MODE")
    a.send("LUSERS")
    msgs = a.collect_until("255")
    by = {m.command: m for m in msgs}
    assert "1 users and 1 invisible" in by["251"].params[-1], by["251"]
    assert by["253"].params[1] == "1", by["253"]
    assert "I have 2 clients" in by["255"].params[-1], by["255"]
    b.send("QUIT :bye")
    b.expect("ERROR")
    a.send("LUSERS")
    msgs = a.collect_until("255")
    by = {m.command: m for m in msgs}
    assert "1 users and 0 invisible" in by["251"].params[-1], by["251"]
    assert "I have 1 clients" in by["255"].params[-1], by["255"]


def test_motd(srv, client):
    """RFC 2812 §3.4.1: 375, 372 per line of the file, 376."""
    a = client("alice")
    a.send("MOTD")
    start = a.expect("375")
    assert start.params[0] == "alice"
    msgs = a.collect_until("376")
    text = [m.params[-1] for m in msgs if m.command == "372"]
    assert any("Welcome to the chatd test network." in t for t in text)
    assert any("Second line of the MOTD." in t for t in text)


def test_motd_in_welcome_burst(srv, client):
    c = client()
    burst = c.register("alice")
    assert [m for m in burst if m.command == "372" and "Welcome to the chatd" in m.params[-1]]


def test_no_motd(server, client):
    """RFC 2812: without a MOTD file -> 422 ERR_NOMOTD (also in the burst)."""
    server(motd=None)
    c = client()
    burst = c.register("alice")
    assert [m for m in burst if m.command == "422"]
    c.send("MOTD")
    assert c.expect(["422", "375"]).command == "422"


def test_info(srv, client):
    """RFC 2812 §3.4.10: 371 lines then 374."""
    a = client("alice")
    a.send("INFO")
    msgs = a.collect_until("374")
    assert [m for m in msgs if m.command == "371"]


def test_user_mode(srv, client):
    """RFC 2812 §3.1.5: MODE <self> -> 221; MODE <other> -> 502;
    unknown flag -> 501; +i is echoed."""
    a = client("alice")
    client("bob")
    a.send("MODE alice")
    m = a.expect("221")
    assert m.params[0] == "alice" and m.params[1].startswith("+")
    a.send("MODE bob")
    assert a.expect(["502", "221"]).command == "502"
    a.send("MODE alice +i")
    got = a.sync()
    a.send("MODE alice")
    assert "i" in a.expect("221").params[1]
    assert not [m for m in got if m.command.startswith("5")]
    a.send("MODE alice +Z")
    assert a.expect(["501", "MODE"]).command == "501"


def test_idle_in_whois(srv, client):
    """Modern IRC 317 RPL_WHOISIDLE: <nick> <secs idle> <signon>."""
    a = client("alice")
    b = client("bob")
    a.send("WHOIS bob")
    msgs = a.collect_until("318")
    idle = [m for m in msgs if m.command == "317"]
    if idle:
        assert idle[0].params[2].isdigit() and idle[0].params[3].isdigit()
        assert abs(int(idle[0].params[3]) - time.time()) < 60
    assert b


def test_setname_invalid(srv, client):
    """IRCv3 setname: an unacceptable realname -> FAIL SETNAME INVALID_REALNAME."""
    a = client("alice", caps=["setname"])
    a.send("SETNAME :" + "r" * 600)
    m = a.expect(["FAIL", "SETNAME", "417"])
    assert m.command in ("FAIL", "417")
    if m.command == "FAIL":
        assert m.params[:2] == ["SETNAME", "INVALID_REALNAME"]
