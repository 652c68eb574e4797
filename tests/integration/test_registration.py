"""Connection registration, capability negotiation, PING/PONG, QUIT.

Specs: RFC 2812 §3.1, Modern IRC "Connection Registration"
(https://modern.ircdocs.horse/#connection-registration), IRCv3
capability-negotiation (https://ircv3.net/specs/extensions/capability-negotiation).
"""

import time

import pytest

# Capabilities the brief requires chatd to offer.
REQUIRED_CAPS = {"message-tags", "server-time", "echo-message", "labeled-response",
                 "batch", "away-notify", "invite-notify", "setname"}


def test_register_without_cap(srv, client):
    """RFC 2812 §5.1: NICK + USER gives 001..004; 001's first param is the nick."""
    c = client()
    c.send("NICK alice")
    c.send("USER alice 0 * :Alice Liddell")
    burst = c.collect_until("004")
    cmds = [m.command for m in burst]
    for num in ("001", "002", "003", "004"):
        assert num in cmds
    welcome = next(m for m in burst if m.command == "001")
    assert welcome.params[0] == "alice"
    assert welcome.source == "irc.test"
    assert "alice" in welcome.params[-1]
    myinfo = burst[-1]
    assert myinfo.params[0] == "alice" and myinfo.params[1] == "irc.test"
    c.expect(["376", "422"])


def test_cap_ls_suspends_registration(srv, client):
    """capability-negotiation: after CAP LS, registration waits for CAP END."""
    c = client()
    c.send("CAP LS 302")
    c.send("NICK bob")
    c.send("USER bob 0 * :Bob")
    got = c.drain(0.7)
    assert not [m for m in got if m.command == "001"], got
    assert [m for m in got if m.command == "CAP" and m.params[1] == "LS"], got
    c.send("CAP END")
    m = c.expect("001")
    assert m.params[0] == "bob"


def test_cap_ls_302_lists_caps(srv, client):
    """CAP LS 302 before registration: `CAP * LS [*] :caps`, values allowed
    as key=value; the required capabilities are offered, and sasl with its
    mechanisms (IRCv3 SASL 3.2: `sasl=PLAIN,SCRAM-SHA-256`)."""
    c = client()
    caps, lines = c.cap_ls("302")
    for m in lines:
        assert m.params[0] == "*", m
        assert m.source == "irc.test"
    missing = REQUIRED_CAPS - set(caps)
    assert not missing, "missing caps %s in %s" % (missing, caps)
    assert set(caps.get("sasl", "").split(",")) == {"PLAIN", "SCRAM-SHA-256"}, caps
    for k, v in caps.items():
        assert k and " " not in k
        if v is not None:
            assert v != "", "empty value syntax for %s" % k


def test_cap_ls_without_302_has_no_values(srv, client):
    """capability-negotiation: a client that did not ask for 302 MUST NOT get
    capability values (no '=')."""
    c = client()
    c.send("CAP LS")
    lines = []
    while True:
        m = c.expect(lambda m: m.command == "CAP" and m.params[1] == "LS")
        lines.append(m)
        if not (len(m.params) >= 4 and m.params[2] == "*"):
            break
    tokens = " ".join(m.params[-1] for m in lines).split()
    assert tokens
    assert not [t for t in tokens if "=" in t], tokens


def test_cap_ls_lines_fit_and_continue(srv, client):
    """Multi-line LS (302): every line but the last has `*` before the list,
    each line fits in 512 bytes; the last line has no `*`."""
    c = client()
    caps, lines = c.cap_ls("302")
    for m in lines[:-1]:
        assert m.params[2] == "*"
    assert len(lines[-1].params) == 3
    for m in lines:
        assert len(m.raw.encode()) + 2 <= 512


def test_cap_req_ack_and_list(srv, client):
    """CAP REQ of offered caps gets `CAP * ACK :caps`; CAP LIST shows them."""
    c = client()
    c.cap_ls("302")
    c.send("CAP REQ :server-time echo-message")
    m = c.expect("CAP")
    assert m.params[1] == "ACK"
    assert set(m.params[-1].split()) == {"server-time", "echo-message"}
    c.send("CAP LIST")
    m = c.expect(lambda m: m.command == "CAP" and m.params[1] == "LIST")
    # cap-notify is implicitly enabled by CAP LS 302 and may be listed
    assert set(m.params[-1].split()) - {"cap-notify"} == {"server-time", "echo-message"}
    c.send("CAP REQ :-echo-message")
    m = c.expect("CAP")
    assert m.params[1] == "ACK" and m.params[-1].strip() == "-echo-message"
    c.send("CAP LIST")
    m = c.expect(lambda m: m.command == "CAP" and m.params[1] == "LIST")
    assert set(m.params[-1].split()) - {"cap-notify"} == {"server-time"}
    c.send("CAP END")
    c.send("NICK carol")
    c.send("USER carol 0 * :Carol")
    c.expect("001")
    m = c.expect("JOIN")  # the auto-join, relayed with server-time
    assert "time" in m.tags


def test_cap_req_nak_is_atomic(srv, client):
    """capability-negotiation: a REQ naming an unknown cap is NAKed as a whole
    and changes nothing."""
    c = client()
    c.cap_ls("302")
    c.send("CAP REQ :server-time bogus-cap-xyz")
    m = c.expect("CAP")
    assert m.params[1] == "NAK"
    assert set(m.params[-1].split()) == {"server-time", "bogus-cap-xyz"}
    c.send("CAP LIST")
    m = c.expect(lambda m: m.command == "CAP" and m.params[1] == "LIST")
    assert set(m.params[-1].split()) - {"cap-notify"} == set()


def test_cap_invalid_subcommand(srv, client):
    """capability-negotiation: unknown CAP subcommand -> 410 ERR_INVALIDCAPCMD."""
    c = client()
    c.send("CAP FROB")
    m = c.expect("410")
    assert m.params[1].upper() == "FROB"


def test_cap_after_registration(srv, client):
    """CAP REQ works after registration too; replies carry the nick."""
    c = client("dave")
    c.send("CAP REQ :echo-message")
    m = c.expect("CAP")
    assert m.params[0] == "dave" and m.params[1] == "ACK"
    c.send("PRIVMSG dave :to myself")
    m = c.expect("PRIVMSG")
    assert m.params == ["dave", "to myself"]


def test_nick_in_use(srv, client):
    """RFC 2812 §3.1.2: 433 ERR_NICKNAMEINUSE, case-insensitively (CASEMAPPING=ascii)."""
    client("alice")
    c = client()
    c.send("NICK alice")
    m = c.expect("433")
    assert m.params[:2] == ["*", "alice"]
    c.send("NICK ALICE")
    m = c.expect("433")
    assert m.params[1] == "ALICE"
    c.send("NICK alice2")
    c.send("USER a 0 * :A")
    assert c.expect("001").params[0] == "alice2"


def test_nick_in_use_after_registration(srv, client):
    client("alice")
    b = client("bob")
    b.send("NICK Alice")
    m = b.expect("433")
    assert m.params[0] == "bob" and m.params[1] == "Alice"


@pytest.mark.parametrize("bad", ["1abc", "#chan", "$dollar", "bad*star", "bad,comma",
                                 "a!b", "a@b", "que?ry", ":colon"])
def test_erroneous_nick(srv, client, bad):
    """RFC 2812 §2.3.1 nickname grammar / Modern IRC nick rules -> 432."""
    c = client()
    c.send("NICK :%s" % bad)  # trailing form, so ":colon" really starts with ':'
    m = c.expect(["432", "001", "433"])
    assert m.command == "432", m
    assert m.params[0] == "*"


def test_no_nickname_given(srv, client):
    """RFC 2812 §3.1.2: NICK without a nickname -> 431."""
    c = client()
    c.send("NICK")
    m = c.expect(["431", "461"])
    assert m.command == "431"


def test_user_needs_more_params(srv, client):
    """RFC 2812 §3.1.3: USER with too few params -> 461 with the command name."""
    c = client()
    c.send("USER onlyone")
    m = c.expect("461")
    assert m.params[0] == "*" and m.params[1] == "USER"


@pytest.mark.parametrize("line", ["JOIN #x", "PRIVMSG foo :hi", "WHOIS foo", "MODE foo"])
def test_commands_before_registration(srv, client, line):
    """RFC 2812 §5.2: commands needing registration -> 451 ERR_NOTREGISTERED;
    registration still works afterwards."""
    c = client()
    c.send(line)
    m = c.expect("451")
    assert m.params[0] == "*"
    c.send("NICK late")
    c.send("USER late 0 * :Late")
    assert c.expect("001").params[0] == "late"


def test_already_registered(srv, client):
    """RFC 2812 §3.1.3: USER after registration -> 462."""
    c = client("erin")
    c.send("USER erin 0 * :Erin")
    assert c.expect("462").params[0] == "erin"


def test_password_wrong(server, client):
    """RFC 2812 §3.1.1 / Modern IRC PASS: wrong password -> 464, then the
    connection is closed (ERROR)."""
    server(server={"password": "secret"})
    c = client()
    c.send("PASS wrong")
    c.send("NICK frank")
    c.send("USER frank 0 * :Frank")
    m = c.expect(["464", "001"])
    assert m.command == "464"
    rest = c.wait_closed(timeout=5)
    assert not [x for x in rest if x.command == "001"]
    assert [x for x in rest if x.command == "ERROR"], rest


def test_password_missing(server, client):
    """With a server password, registering without PASS must not succeed."""
    server(server={"password": "secret"})
    c = client()
    c.send("NICK gina")
    c.send("USER gina 0 * :Gina")
    got = []
    try:
        got = c.wait_closed(timeout=5)
    except AssertionError:
        got = c.drain(0.1)
    assert not [x for x in got + c.inbox if x.command == "001"]


def test_password_right(server, client):
    """PASS with the right password before NICK/USER -> welcome."""
    server(server={"password": "secret"})
    c = client()
    c.send("PASS secret")
    c.send("NICK hank")
    c.send("USER hank 0 * :Hank")
    assert c.expect("001").params[0] == "hank"


def test_password_right_with_cap(server, client):
    """PASS then CAP LS/REQ/END then NICK/USER."""
    srv = server(server={"password": "s3cr3t"})
    c = client()
    c.register("ivy", caps=["server-time"], password="s3cr3t", wait_channels=srv.auto_join)
    assert c.nick == "ivy"


def test_isupport(srv, client):
    """Modern IRC RPL_ISUPPORT (005) tokens required of chatd."""
    c = client("jack")
    isu = c.isupport
    assert isu.get("CASEMAPPING") == "ascii"
    assert isu.get("CHANTYPES") == "#"
    assert isu.get("PREFIX") == "(ov)@+"
    assert isu.get("NETWORK") == "TestNet"
    assert "UTF8ONLY" in isu
    assert "MONITOR" in isu


def test_isupport_line_format(srv, client):
    """Each 005 line: `<nick> tokens... :are supported...` within 512 bytes,
    at most 13 tokens (Modern IRC)."""
    c = client()
    c.send("NICK kim")
    c.send("USER kim 0 * :Kim")
    burst = c.collect_until(["376", "422"])
    lines = [m for m in burst if m.command == "005"]
    assert lines
    for m in lines:
        assert m.params[0] == "kim"
        assert 2 <= len(m.params) - 1 <= 14
        assert " " in m.params[-1]  # the human-readable trailing text
        assert len(m.raw.encode()) + 2 <= 512


def test_registration_timeout(server, client):
    """A connection that never registers is dropped after registration_timeout
    (Modern IRC: servers may close unregistered connections); ERROR is sent."""
    server(limits={"registration_timeout": 1})
    c = client()
    t0 = time.monotonic()
    got = c.wait_closed(timeout=6)
    assert time.monotonic() - t0 >= 0.8
    assert [m for m in got if m.command == "ERROR"], got


def test_registration_timeout_half_registered(server, client):
    server(limits={"registration_timeout": 1})
    c = client()
    c.send("NICK lazy")
    got = c.wait_closed(timeout=6)
    assert [m for m in got if m.command == "ERROR"], got
    assert not [m for m in got if m.command == "001"]


def test_registered_client_not_timed_out(server, client):
    server(limits={"registration_timeout": 1})
    c = client("eager")
    time.sleep(1.6)
    c.send("PING :still")
    assert c.expect("PONG").params[-1] == "still"


def test_ping_pong(srv, client):
    """RFC 2812 §3.7.2 / Modern IRC: PING token -> PONG <server> :token."""
    c = client("lee")
    c.send("PING :abc 123")
    m = c.expect("PONG")
    assert m.params[-1] == "abc 123"
    assert m.source == "irc.test"
    assert m.params[0] == "irc.test"


def test_ping_without_token(srv, client):
    """RFC 2812: 409 ERR_NOORIGIN; Modern IRC: 461. Either is fine."""
    c = client("moe")
    c.send("PING")
    m = c.expect(["409", "461"])
    assert m.params[0] == "moe"


def test_ping_before_registration(srv, client):
    """Modern IRC: PING may be sent before registration (used by clients to
    check liveness); the server answers PONG."""
    c = client()
    c.send("PING :early")
    m = c.expect(["PONG", "451"])
    assert m.command == "PONG" and m.params[-1] == "early"


def test_server_pings_idle_client_and_times_out(server, client):
    """Modern IRC PING/PONG keepalive: an idle client gets PING after
    ping_interval; one that doesn't answer is dropped after ping_timeout and
    channel peers see a QUIT."""
    server(limits={"ping_interval": 1, "ping_timeout": 2})
    watcher = client("watcher")
    mute = client("mute", auto_pong=False)
    m = mute.expect("PING", timeout=5)
    assert m.params
    watcher.expect("PING", timeout=5)  # answered automatically
    got = mute.wait_closed(timeout=6)
    assert [x for x in got if x.command == "ERROR"], got
    q = watcher.expect("QUIT", source_nick="mute", timeout=5)
    assert "ping" in q.params[-1].lower()
    # the watcher answered its PINGs automatically and is still here
    watcher.send("PING :alive")
    assert watcher.expect("PONG").params[-1] == "alive"


def test_quit(srv, client):
    """RFC 2812 §3.1.7: QUIT -> ERROR, the connection closes, channel peers
    get QUIT with the reason."""
    a = client("nina")
    b = client("otto")
    b.send("QUIT :gone fishing")
    got = b.wait_closed()
    assert [m for m in got if m.command == "ERROR"], got
    m = a.expect("QUIT", source_nick="otto")
    assert "gone fishing" in m.params[-1]


def test_nick_change_visible(srv, client):
    """RFC 2812 §3.1.2: NICK change echoed to the user and channel peers."""
    a = client("pam")
    b = client("quinn")
    b.send("NICK quinn2")
    m = b.expect("NICK")
    assert m.nick == "quinn" and m.params == ["quinn2"]
    m = a.expect("NICK")
    assert m.nick == "quinn" and m.params == ["quinn2"]
    b.send("NICK Quinn2")  # case-only change is allowed
    m = b.expect(["NICK", "433"])
    assert m.command == "NICK" and m.params == ["Quinn2"]


def test_registration_over_tls(srv, client):
    """Everything works the same over the TLS listener."""
    c = client("tina", tls=True, caps=["server-time", "message-tags"])
    c.send("PING :tls")
    assert c.expect("PONG").params[-1] == "tls"
    c.send("PRIVMSG #general :over tls")
    other = client("uma")
    c.send("PRIVMSG uma :secret")
    m = other.expect("PRIVMSG")
    assert m.params == ["uma", "secret"] and m.nick == "tina"


def test_nick_changed_before_user(srv, client):
    """The last NICK before USER is the one registered."""
    c = client()
    c.send("NICK first")
    c.send("NICK second")
    c.send("USER s 0 * :S")
    assert c.expect("001").params[0] == "second"
    other = client("first")
    assert other.nick == "first"


def test_nick_too_long(srv, client):
    """NICKLEN: a longer nick is refused (432) or truncated to NICKLEN."""
    a = client("alice")
    n = int(a.isupport.get("NICKLEN", "30"))
    a.send("NICK " + "n" * (n + 5))
    m = a.expect(["432", "NICK"])
    if m.command == "NICK":
        assert len(m.params[0]) <= n
