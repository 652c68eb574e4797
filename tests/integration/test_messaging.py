"""PRIVMSG / NOTICE / TAGMSG and the IRCv3 message extensions.

Specs: RFC 2812 §3.3, Modern IRC (https://modern.ircdocs.horse/#privmsg-message),
IRCv3 echo-message, server-time, message-tags, message-ids, labeled-response,
batch (https://ircv3.net/irc/).
"""

import datetime
import re

TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
MT = ["message-tags"]


def join(c, chan):
    c.send("JOIN %s" % chan)
    c.expect(lambda m: m.command == "366" and m.params[1].lower() == chan.lower())


def pair(client, acaps=None, bcaps=None, chan="#m"):
    a = client("alice", caps=acaps)
    b = client("bob", caps=bcaps)
    join(a, chan)
    join(b, chan)
    a.expect("JOIN", source_nick="bob")
    return a, b


def test_privmsg_channel(srv, client):
    """RFC 2812 §3.3.1: channel PRIVMSG reaches the other members with the
    sender's full source, and is not echoed without echo-message."""
    a, b = pair(client)
    a.send("PRIVMSG #m :hello channel")
    m = b.expect("PRIVMSG")
    assert m.params == ["#m", "hello channel"]
    assert re.match(r"^alice!~?alice@\S+$", m.source), m.source
    a.sync()
    assert not [x for x in a.inbox if x.command == "PRIVMSG"]


def test_privmsg_user(srv, client):
    a, b = pair(client)
    a.send("PRIVMSG bob :just for you")
    m = b.expect("PRIVMSG")
    assert m.params == ["bob", "just for you"] and m.nick == "alice"
    a.send("PRIVMSG BOB :case-insensitive")
    m = b.expect("PRIVMSG")
    assert m.params[-1] == "case-insensitive"


def test_notice_channel_and_user(srv, client):
    """RFC 2812 §3.3.2: NOTICE is delivered like PRIVMSG."""
    a, b = pair(client)
    a.send("NOTICE #m :channel notice")
    m = b.expect("NOTICE")
    assert m.params == ["#m", "channel notice"] and m.nick == "alice"
    a.send("NOTICE bob :private notice")
    m = b.expect("NOTICE")
    assert m.params == ["bob", "private notice"]


def test_multiple_targets(srv, client):
    a, b = pair(client)
    c = client("carol")
    a.send("PRIVMSG bob,carol :to both")
    assert b.expect("PRIVMSG").params == ["bob", "to both"]
    assert c.expect("PRIVMSG").params == ["carol", "to both"]


def test_no_such_nick(srv, client):
    """401 ERR_NOSUCHNICK for an unknown target nick."""
    a = client("alice")
    a.send("PRIVMSG ghost :hello?")
    m = a.expect("401")
    assert m.params[:2] == ["alice", "ghost"]


def test_no_such_channel(srv, client):
    a = client("alice")
    a.send("PRIVMSG #ghosttown :hello?")
    m = a.expect(["401", "403", "404"])
    assert m.command in ("401", "403") and m.params[1] == "#ghosttown"


def test_notice_never_gets_errors(srv, client):
    """RFC 1459 §4.4.2 / Modern IRC NOTICE: "This rule applies to servers
    too - they must not send any error reply back to the client on receipt
    of a notice." So NOTICE to an unknown nick gets no 401."""
    a = client("alice")
    a.send("NOTICE ghost :hello?")
    got = a.sync()
    assert not [m for m in got if m.command in ("401", "403", "404")], got


def test_cannot_send_no_external(srv, client):
    """+n: a non-member gets 404 ERR_CANNOTSENDTOCHAN."""
    a = client("alice")
    b = client("bob")
    join(a, "#n")
    a.send("MODE #n +n")
    a.sync()
    b.send("PRIVMSG #n :knock knock")
    m = b.expect(["404", "PRIVMSG"])
    assert m.command == "404" and m.params[1] == "#n"
    a.sync()
    assert not [x for x in a.inbox if x.command == "PRIVMSG"]


def test_cannot_send_moderated(srv, client):
    """+m: unvoiced members get 404; ops can still speak."""
    a, b = pair(client)
    a.send("MODE #m +m")
    b.expect("MODE")
    b.send("PRIVMSG #m :may I?")
    assert b.expect(["404", "PRIVMSG"]).command == "404"
    a.send("PRIVMSG #m :ops may")
    assert b.expect("PRIVMSG").params == ["#m", "ops may"]


def test_no_recipient(srv, client):
    """411 ERR_NORECIPIENT for PRIVMSG without any parameter."""
    a = client("alice")
    a.send("PRIVMSG")
    m = a.expect(["411", "461"])
    assert m.command == "411"


def test_no_text(srv, client):
    """412 ERR_NOTEXTTOSEND for a missing or empty text."""
    a, b = pair(client)
    a.send("PRIVMSG bob")
    assert a.expect(["412", "461"]).command == "412"
    a.send("PRIVMSG bob :")
    assert a.expect(["412", "461"]).command == "412"
    b.sync()
    assert not [x for x in b.inbox if x.command == "PRIVMSG"]


def test_too_many_targets(srv, client):
    """Modern IRC TARGMAX / RFC 2812 407: past the per-command target limit."""
    a = client("alice")
    targmax = a.isupport.get("TARGMAX", "")
    limits = dict(x.split(":", 1) for x in targmax.split(",") if ":" in x)
    n = int(limits.get("PRIVMSG") or a.isupport.get("MAXTARGETS") or 4)
    others = [client("t%d" % i) for i in range(n + 1)]
    a.send("PRIVMSG %s :spam" % ",".join("t%d" % i for i in range(n + 1)))
    m = a.expect(["407", "PRIVMSG"])
    assert m.command == "407"
    assert others


def test_echo_message(srv, client):
    """IRCv3 echo-message: the sender gets its own PRIVMSG/NOTICE back, with
    its own source, for channel and user targets."""
    a, b = pair(client, acaps=["echo-message"])
    a.send("PRIVMSG #m :echo me")
    m = a.expect("PRIVMSG")
    assert m.nick == "alice" and m.params == ["#m", "echo me"]
    a.send("NOTICE bob :echo notice")
    m = a.expect("NOTICE")
    assert m.nick == "alice" and m.params == ["bob", "echo notice"]
    assert b.expect("PRIVMSG").params == ["#m", "echo me"]


def _check_time(value):
    assert TIME_RE.match(value), value
    t = datetime.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - t).total_seconds()) < 10, (value, now)


def test_server_time(srv, client):
    """IRCv3 server-time: `time` tag in ISO 8601 UTC with milliseconds,
    YYYY-MM-DDThh:mm:ss.sssZ, close to now; absent without the cap."""
    a, b = pair(client, bcaps=["server-time"])
    a.send("PRIVMSG #m :what time is it")
    m = b.expect("PRIVMSG")
    _check_time(m.tags.get("time", ""))
    b.send("PRIVMSG #m :no tags for you")
    m = a.expect("PRIVMSG")
    assert "time" not in m.tags


def test_msgid(srv, client):
    """IRCv3 message-ids: PRIVMSG, NOTICE and TAGMSG carry a `msgid` for
    message-tags clients; the echo carries the same msgid; ids differ."""
    a, b = pair(client, acaps=["message-tags", "echo-message"], bcaps=MT)
    ids = []
    for cmd in ("PRIVMSG #m :one", "NOTICE #m :two", "@+typing=active TAGMSG #m"):
        a.send(cmd)
        verb = cmd.split()[0] if not cmd.startswith("@") else "TAGMSG"
        echo = a.expect(verb)
        got = b.expect(verb)
        assert got.tags.get("msgid"), got
        assert echo.tags.get("msgid") == got.tags["msgid"]
        ids.append(got.tags["msgid"])
    a.send("PRIVMSG bob :direct")
    got = b.expect("PRIVMSG")
    assert got.tags.get("msgid")
    ids.append(got.tags["msgid"])
    assert len(set(ids)) == len(ids)


def test_client_tags_relayed_only_to_message_tags_clients(srv, client):
    """IRCv3 message-tags: client-only tags (+...) are relayed with values
    unescaped correctly to message-tags clients; others get the message
    without them."""
    a = client("alice", caps=MT)
    b = client("bob", caps=MT)
    c = client("carol")
    for x in (a, b, c):
        join(x, "#t")
    a.send(r"@+example.com/data=semi\:colon\sspace\\back;+draft/reply=abc PRIVMSG #t :tagged")
    m = b.expect("PRIVMSG")
    assert m.tags.get("+example.com/data") == "semi;colon space\\back"
    assert m.tags.get("+draft/reply") == "abc"
    m = c.expect("PRIVMSG")
    assert m.params == ["#t", "tagged"]
    assert not [k for k in m.tags if k.startswith("+")], m.tags


def test_client_cannot_forge_server_tags(srv, client):
    """message-tags: servers drop unknown non-client tags from clients; a
    client-supplied `msgid`/`time` must not be relayed as-is."""
    a = client("alice", caps=MT)
    b = client("bob", caps=["message-tags", "server-time"])
    join(a, "#t")
    join(b, "#t")
    a.send("@msgid=forged;time=2000-01-01T00:00:00.000Z;vendor/x=1 PRIVMSG #t :hi")
    m = b.expect("PRIVMSG")
    assert m.tags.get("msgid") != "forged"
    assert m.tags.get("time") != "2000-01-01T00:00:00.000Z"
    assert "vendor/x" not in m.tags


def test_tagmsg(srv, client):
    """IRCv3 message-tags TAGMSG: delivered only to message-tags clients,
    with the client tags, to channels and users."""
    a = client("alice", caps=MT)
    b = client("bob", caps=MT)
    c = client("carol")
    for x in (a, b, c):
        join(x, "#t")
    a.send("@+typing=active TAGMSG #t")
    m = b.expect("TAGMSG")
    assert m.params == ["#t"] and m.nick == "alice" and m.tags.get("+typing") == "active"
    a.send("@+typing=paused TAGMSG bob")
    m = b.expect("TAGMSG")
    assert m.params == ["bob"] and m.tags.get("+typing") == "paused"
    a.send("@+typing=done TAGMSG carol")
    c.sync()
    assert not [x for x in c.inbox if x.command == "TAGMSG"]


def test_labeled_response_single(srv, client):
    """IRCv3 labeled-response: a command with exactly one reply gets the
    label on that reply."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags"])
    a.send("@label=abc123 PING :labelled")
    m = a.expect("PONG")
    assert m.tags.get("label") == "abc123"
    a.send("@label=err1 PRIVMSG ghost :hi")
    m = a.expect("401")
    assert m.tags.get("label") == "err1"


def test_labeled_response_ack(srv, client):
    """labeled-response: no reply at all -> `ACK` carrying the label."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags"])
    client("bob")
    a.send("@label=nothing PRIVMSG bob :no echo here")
    m = a.expect(["ACK", "PRIVMSG"])
    assert m.command == "ACK" and m.tags.get("label") == "nothing"
    assert m.source == "irc.test"


def test_labeled_response_echo(srv, client):
    """labeled-response + echo-message: the echo is the labelled response."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags", "echo-message"])
    join(a, "#e")
    a.send("@label=echo1 PRIVMSG #e :hello")
    m = a.expect("PRIVMSG")
    assert m.tags.get("label") == "echo1"


def test_labeled_response_batch(srv, client):
    """labeled-response: several replies -> `BATCH +ref labeled-response`
    (label on the BATCH start), each reply tagged batch=ref, then BATCH -ref."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags"])
    client("bob")
    a.send("@label=multi WHOIS bob")
    start = a.expect("BATCH")
    assert start.tags.get("label") == "multi"
    assert start.params[0].startswith("+") and start.params[1] == "labeled-response"
    ref = start.params[0][1:]
    body = a.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)
    inner = body[:-1]
    assert inner and all(m.tags.get("batch") == ref for m in inner), inner
    assert "label" not in body[-1].tags or body[-1].tags.get("label") == "multi"
    cmds = [m.command for m in inner]
    assert "311" in cmds and cmds[-1] == "318"


def test_no_labels_without_cap(srv, client):
    """Without labeled-response the label tag is ignored (no ACK, no BATCH)."""
    a = client("alice", caps=["batch", "message-tags"])
    a.send("@label=x PING :y")
    m = a.expect("PONG")
    assert "label" not in m.tags
    a.send("@label=z WHOIS alice")
    msgs = a.collect_until("318")
    assert not [m for m in msgs if m.command in ("BATCH", "ACK")]


def test_invalid_utf8_not_relayed(srv, client):
    """UTF8ONLY (IRCv3 utf8only): invalid UTF-8 must not reach other clients;
    the server may answer FAIL ... INVALID_UTF8; the connection survives."""
    a, b = pair(client)
    a.send_raw(b"PRIVMSG #m :bad \xff\xfe bytes\r\n")
    a.send("PRIVMSG #m :good bytes")
    msgs = b.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == "good bytes")
    raw_bad = [m for m in msgs if m.command == "PRIVMSG" and "\ufffd" in m.raw]
    assert not raw_bad, raw_bad
    a.send("PING :ok")
    assert a.expect("PONG").params[-1] == "ok"


def test_utf8_text_roundtrip(srv, client):
    a, b = pair(client)
    text = "héllo wörld ✓ 日本語 🎉"
    a.send("PRIVMSG #m :%s" % text)
    assert b.expect("PRIVMSG").params[-1] == text


def test_message_length_limit(srv, client):
    """RFC 2812 §2.3.1: messages "SHALL NOT exceed 512 characters in length,
    counting all characters including the trailing CR-LF". A client line of
    exactly 512 bytes becomes longer once the server prepends the sender's
    nick!user@host; the server must truncate (or refuse) rather than send an
    overlong line (receivers with 512-byte buffers would cut it anywhere)."""
    a, b = pair(client)
    body = "x" * (510 - len("PRIVMSG #m :"))
    a.send("PRIVMSG #m :%s" % body)
    a.send("PRIVMSG #m :after")
    msgs = b.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == "after")
    for m in msgs:
        tagless = m.raw.split(" ", 1)[1] if m.raw.startswith("@") else m.raw
        assert len(tagless.encode()) + 2 <= 512, len(tagless)


def test_statusmsg(srv, client):
    """Modern IRC STATUSMSG: PRIVMSG @#chan reaches only channel ops."""
    a = client("alice")
    b = client("bob")
    c = client("carol")
    for x in (a, b, c):
        join(x, "#s")
    assert "@" in a.isupport.get("STATUSMSG", "")
    a.send("MODE #s +o bob")
    c.sync()
    c.send("PRIVMSG @#s :ops only")
    m = b.expect("PRIVMSG")
    assert m.params == ["@#s", "ops only"] and m.nick == "carol"
    a.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == "ops only")
    c.sync()
    c.send("PRIVMSG #s :everyone")
    assert b.expect("PRIVMSG").params == ["#s", "everyone"]
    # a non-op member never saw the ops-only one
    d = client("dave")
    join(d, "#s")
    c.send("PRIVMSG @#s :ops again")
    c.send("PRIVMSG #s :all again")
    got = d.collect_until(lambda m: m.command == "PRIVMSG" and m.params[-1] == "all again")
    assert not [m for m in got if m.command == "PRIVMSG" and m.params[-1] == "ops again"]


def test_privmsg_to_self(srv, client):
    a = client("alice")
    a.send("PRIVMSG alice :note to self")
    m = a.expect("PRIVMSG")
    assert m.params == ["alice", "note to self"]


def test_bot_mode(srv, client):
    """IRCv3 bot-mode (BOT=B): WHO shows the B flag and WHOIS has 335
    RPL_WHOISBOT; the `bot` tag on its messages is optional ("servers may")."""
    a = client("alice", caps=MT)
    b = client("robot")
    bot = a.isupport.get("BOT")
    if not bot:
        return
    b.send("MODE robot +%s" % bot)
    b.sync()
    b.send("PRIVMSG #general :beep")
    m = a.expect("PRIVMSG")
    assert m.tags.get("bot", "") == ""  # if present, the tag has no value
    a.send("WHO robot")
    rows = [x for x in a.collect_until("315") if x.command == "352"]
    assert bot in rows[0].params[6]
    a.send("WHOIS robot")
    assert [x for x in a.collect_until("318") if x.command == "335"]


def test_ctcp_action_relayed_intact(srv, client):
    """CTCP (\\x01ACTION ...\\x01) and formatting bytes pass through untouched."""
    a, b = pair(client)
    a.send("PRIVMSG #m :\x01ACTION waves\x01")
    assert b.expect("PRIVMSG").params[-1] == "\x01ACTION waves\x01"
    a.send("PRIVMSG #m :\x02bold\x02 \x0304red\x03")
    assert b.expect("PRIVMSG").params[-1] == "\x02bold\x02 \x0304red\x03"


def test_labeled_response_join_batch(srv, client):
    """labeled-response: JOIN's several replies (JOIN, 353, 366) come in one
    labeled-response batch."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags"])
    a.send("@label=j1 JOIN #lbl")
    start = a.expect("BATCH")
    assert start.tags.get("label") == "j1" and start.params[1] == "labeled-response"
    ref = start.params[0][1:]
    body = a.collect_until(lambda m: m.command == "BATCH" and m.params[0] == "-" + ref)
    cmds = [m.command for m in body[:-1]]
    assert cmds[0] == "JOIN" and "353" in cmds and cmds[-1] == "366"
    assert all(m.tags.get("batch") == ref for m in body[:-1])


def test_labeled_response_other_clients_untouched(srv, client):
    """The label only goes back to the sender, never to other recipients."""
    a = client("alice", caps=["labeled-response", "batch", "message-tags", "echo-message"])
    b = client("bob", caps=["labeled-response", "batch", "message-tags"])
    a.send("@label=mine PRIVMSG bob :hi")
    assert a.expect("PRIVMSG").tags.get("label") == "mine"
    m = b.expect("PRIVMSG")
    assert "label" not in m.tags and "batch" not in m.tags


def test_invalid_utf8_fail_reply(srv, client):
    """IRCv3 utf8-only + chatd doc: invalid UTF-8 -> `FAIL <command> INVALID_UTF8`."""
    a = client("alice")
    a.send_raw(b"PRIVMSG alice :\xc3\x28 broken\r\n")
    m = a.expect(["FAIL", "PRIVMSG"])
    assert m.command == "FAIL" and m.params[:2] == ["PRIVMSG", "INVALID_UTF8"]
