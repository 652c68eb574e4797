"""Accounts: registration, SASL login, nick ownership, account-notify,
account-tag, extended-join.

Specs:
  draft/account-registration  https://ircv3.net/specs/extensions/account-registration
  SASL 3.2                    https://ircv3.net/specs/extensions/sasl-3.2
  SASL numerics 900-908       https://modern.ircdocs.horse/#rplloggedin-900
  PLAIN                       RFC 4616
  SCRAM-SHA-256               RFC 5802, RFC 7677
  account-notify              https://ircv3.net/specs/extensions/account-notify
  account-tag                 https://ircv3.net/specs/extensions/account-tag
  extended-join               https://ircv3.net/specs/extensions/extended-join
  standard replies            https://ircv3.net/specs/extensions/standard-replies
"""

import base64
import time

import pytest

from conftest import IMPL, create_account
from ircclient import ScramClient, plain_payload, sasl_chunks

pytestmark = pytest.mark.skipif(IMPL != "chatd", reason="chatd-specific")

PW = "correct-horse-battery"
SASL_NUMERICS = ("900", "903", "904", "905", "906", "907", "908")


def fail_reply(c, command):
    """The next FAIL <command> (or a success line) as a Message."""
    return c.expect(lambda m: m.command in ("FAIL", command), desc="FAIL/%s reply" % command)


def sasl_result(c):
    return c.expect(lambda m: m.command in SASL_NUMERICS, desc="SASL numeric")


def start_sasl(c, mech="PLAIN"):
    c.send("AUTHENTICATE " + mech)
    m = c.expect("AUTHENTICATE")
    assert m.params == ["+"], m


def pre_registration(server, nick, caps=("sasl",), name=None, **kw):
    """A connection that negotiated `caps` and sent NICK/USER but not CAP END."""
    c = server.connect(name=name or nick, **kw)
    c.cap_ls()
    c.send("CAP REQ :%s" % " ".join(caps))
    m = c.expect("CAP")
    assert m.params[1] == "ACK", m
    c.send("NICK %s" % nick)
    c.send("USER %s 0 * :Real %s" % (nick, nick))
    return c


# ---------------------------------------------------------------- caps

def test_caps_advertised(srv, client):
    """CAP LS 302 advertises sasl with its mechanism list (SASL 3.2 "the
    value is a comma-separated list of mechanisms"), account-notify,
    account-tag, extended-join, draft/account-registration with its flags,
    draft/chathistory and the roster cap."""
    c = client()
    caps, _ = c.cap_ls("302")
    assert set((caps.get("sasl") or "").split(",")) == {"PLAIN", "SCRAM-SHA-256"}, caps
    for name in ("account-notify", "account-tag", "extended-join", "draft/chathistory",
                 "chatd.dev/roster", "batch", "echo-message"):
        assert name in caps, (name, caps)
    flags = set((caps.get("draft/account-registration") or "").split(","))
    assert {"before-connect", "custom-account-name"} <= flags, caps


# ---------------------------------------------------------------- REGISTER

def test_register_after_connect(srv, client):
    """REGISTER * * <password> after 001 registers the current nick:
    `REGISTER SUCCESS <account> <message>`, then RPL_LOGGEDIN (900)
    `<nick> <nick>!<user>@<host> <account> :...`."""
    a = client("alice")
    a.send("REGISTER * * %s" % PW)
    m = a.expect("REGISTER")
    assert m.params[:2] == ["SUCCESS", "alice"], m
    assert m.source == "irc.test"
    m = a.expect("900")
    assert m.params[0] == "alice" and m.params[1].startswith("alice!") and m.params[2] == "alice", m
    # the new account is usable right away with SASL
    b = client("alice2", caps=["sasl"])
    assert b.authenticate("alice", PW).command == "903"


def test_register_with_email(srv, client):
    """An e-mail with '@' is accepted (e-mail is optional: [accounts]
    email_required = false by default)."""
    a = client("alice")
    a.send("REGISTER * alice@example.org %s" % PW)
    assert a.expect("REGISTER").params[:2] == ["SUCCESS", "alice"]


def test_register_before_connect(srv, client):
    """before-connect: REGISTER before CAP END works; the client is logged in
    (900) and completes registration afterwards with its nick."""
    c = pre_registration(srv, "bob", caps=("draft/account-registration",))
    c.send("REGISTER * * %s" % PW)
    assert c.expect("REGISTER").params[:2] == ["SUCCESS", "bob"]
    m = c.expect("900")
    assert m.params[2] == "bob", m
    c.send("CAP END")
    assert c.expect("001").params[0] == "bob"


def test_register_custom_account_name(srv, client):
    """custom-account-name: REGISTER <account> names an account other than
    the nick; the client is logged in as that account."""
    a = client("bob", caps=["account-notify"])
    a.send("REGISTER carol * %s" % PW)
    assert a.expect("REGISTER").params[:2] == ["SUCCESS", "carol"]
    assert a.expect("900").params[2] == "carol"
    c = client("carol2", caps=["sasl"])
    assert c.authenticate("carol", PW).command == "903"
    assert c.sasl_loggedin.params[2] == "carol"


def test_register_errors(srv, client):
    """Standard replies `FAIL REGISTER <code> <account> :text` for a name
    that isn't a valid nick, a password under 8 bytes, an e-mail without
    '@'; nothing is created. Exactly 8 bytes is enough."""
    a = client("alice")
    for args, code in [
        ("#chan * " + PW, "BAD_ACCOUNT_NAME"),
        ("1abc * " + PW, "BAD_ACCOUNT_NAME"),
        ("dave * short", "WEAK_PASSWORD"),
        ("dave * 1234567", "WEAK_PASSWORD"),
        ("dave no-at-sign " + PW, "INVALID_EMAIL"),
    ]:
        a.send("REGISTER " + args)
        m = fail_reply(a, "REGISTER")
        assert m.command == "FAIL" and m.params[:3] == ["REGISTER", code, args.split()[0]], (args, m)
    # dave wasn't created by any of those, and the client is not logged in
    a.send("REGISTER dave * 12345678")
    assert fail_reply(a, "REGISTER").params[:2] == ["SUCCESS", "dave"]


def test_register_account_exists(srv, client):
    """A taken account name gets FAIL REGISTER ACCOUNT_EXISTS, also in
    another case (names compare case-insensitively, like nicks)."""
    create_account(srv, "alice", PW)
    b = client("bob")
    for name in ("alice", "ALICE"):
        b.send("REGISTER %s * %s" % (name, PW))
        m = fail_reply(b, "REGISTER")
        assert m.command == "FAIL" and m.params[:3] == ["REGISTER", "ACCOUNT_EXISTS", name], m


def test_register_name_of_connected_client(srv, client):
    """An account named like another connected client's nick is refused
    (ACCOUNT_EXISTS): the nick is in use."""
    client("erin")
    b = client("bob")
    b.send("REGISTER erin * %s" % PW)
    m = fail_reply(b, "REGISTER")
    assert m.command == "FAIL" and m.params[:3] == ["REGISTER", "ACCOUNT_EXISTS", "erin"], m


def test_register_need_nick(srv, client):
    """REGISTER * before NICK: FAIL REGISTER NEED_NICK."""
    c = srv.connect(name="nonick")
    c.cap_ls()
    c.send("REGISTER * * %s" % PW)
    m = fail_reply(c, "REGISTER")
    assert m.command == "FAIL" and m.params[:2] == ["REGISTER", "NEED_NICK"], m
    c.close()


def test_register_already_authenticated(srv, client):
    """A logged-in client can't register another account: ALREADY_AUTHENTICATED."""
    a = client("alice")
    a.send("REGISTER * * %s" % PW)
    a.expect("REGISTER")
    a.send("REGISTER other * %s" % PW)
    m = fail_reply(a, "REGISTER")
    assert m.command == "FAIL" and m.params[:2] == ["REGISTER", "ALREADY_AUTHENTICATED"], m


def test_register_disabled(server, client):
    """[accounts] registration = false: FAIL REGISTER TEMPORARILY_UNAVAILABLE."""
    server(accounts={"registration": False})
    a = client("alice")
    a.send("REGISTER * * %s" % PW)
    m = fail_reply(a, "REGISTER")
    assert m.command == "FAIL" and m.params[:2] == ["REGISTER", "TEMPORARILY_UNAVAILABLE"], m


def test_verify_without_pending(srv, client):
    """No verification is pending (accounts are active at once):
    FAIL VERIFY INVALID_CODE."""
    a = client("alice")
    a.send("VERIFY alice 123456")
    m = a.expect("FAIL")
    assert m.params[:3] == ["VERIFY", "INVALID_CODE", "alice"], m


# ---------------------------------------------------------------- SASL

@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256"])
def test_sasl_at_connect(srv, client, mech):
    """SASL during registration: AUTHENTICATE <mech>, `AUTHENTICATE +`,
    the exchange, 900 RPL_LOGGEDIN + 903 RPL_SASLSUCCESS, then CAP END and 001."""
    create_account(srv, "alice", PW)
    c = client("alice", sasl=("alice", PW, mech))
    assert c.nick == "alice"
    assert c.sasl_loggedin is not None and c.sasl_loggedin.params[2] == "alice"


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256"])
def test_sasl_after_registration(srv, client, mech):
    """AUTHENTICATE after 001 (sasl negotiated) logs in too."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    m = c.authenticate("alice", PW, mech=mech)
    assert m.command == "903", m
    assert c.sasl_loggedin.params[:3] == ["guest", c.sasl_loggedin.params[1], "alice"]


def test_sasl_case_insensitive_account(srv, client):
    """Account names are matched case-insensitively; RPL_LOGGEDIN carries the
    registered spelling."""
    create_account(srv, "Alice", PW)
    c = client("guest", caps=["sasl"])
    assert c.authenticate("aLICE", PW).command == "903"
    assert c.sasl_loggedin.params[2] == "Alice"


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256"])
def test_sasl_wrong_password(srv, client, mech):
    """A wrong password gets 904 ERR_SASLFAIL; a retry with the right one works."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    m = c.authenticate("alice", "wrong password", mech=mech)
    assert m.command == "904", m
    assert c.authenticate("alice", PW, mech=mech).command == "903"


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-256"])
def test_sasl_unknown_account(srv, client, mech):
    """An unknown account gets 904 (for SCRAM after a plausible challenge)."""
    c = client("guest", caps=["sasl"])
    assert c.authenticate("nobody", PW, mech=mech).command == "904"


def test_scram_server_signature_and_ack(srv, client):
    """SCRAM-SHA-256 (RFC 5802 §5): the server-first nonce extends ours, the
    server-final `v=` verifies, and 900/903 come only after the client's
    final empty response (IRCv3 SASL: `AUTHENTICATE +`)."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    start_sasl(c, "SCRAM-SHA-256")
    s = ScramClient("alice", PW)
    c.send("AUTHENTICATE " + base64.b64encode(s.first()).decode())
    first = base64.b64decode(c.expect("AUTHENTICATE").params[0])
    attrs = dict(kv.split("=", 1) for kv in first.decode().split(","))
    assert attrs["r"].startswith(s.cnonce) and len(attrs["r"]) > len(s.cnonce), first
    assert int(attrs["i"]) >= 4096, first
    c.send("AUTHENTICATE " + base64.b64encode(s.final(first)).decode())
    final = base64.b64decode(c.expect("AUTHENTICATE").params[0])
    assert s.verify(final), final
    c.assert_none(lambda m: m.command in SASL_NUMERICS, timeout=0.3)
    c.send("AUTHENTICATE +")
    assert c.expect(lambda m: m.command in SASL_NUMERICS).command == "900"
    assert sasl_result(c).command == "903"


def test_scram_nonce_tampered(srv, client):
    """A client-final whose nonce isn't the server's gets 904."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    start_sasl(c, "SCRAM-SHA-256")
    s = ScramClient("alice", PW)
    c.send("AUTHENTICATE " + base64.b64encode(s.first()).decode())
    first = base64.b64decode(c.expect("AUTHENTICATE").params[0])
    final = s.final(first).replace(b",r=" + s.cnonce.encode(), b",r=X" + s.cnonce.encode())
    c.send("AUTHENTICATE " + base64.b64encode(final).decode())
    assert sasl_result(c).command == "904"


def _plain_chunks_for(name, pw):
    # authzid = authcid (allowed: RFC 4616 §2) to make the payload longer
    return sasl_chunks(plain_payload(name, pw, authzid=name))


@pytest.mark.parametrize("name_len,pw_len,shape", [
    (40, 255, [400, 52]),        # 337 raw bytes -> 452 base64: 400 + 52
    (30, 238, [400, 1]),         # exactly 300 raw -> 400 base64: 400 + "+"
])
def test_sasl_plain_chunked(server, client, name_len, pw_len, shape):
    """Payloads over 400 bytes of base64 go in 400-byte chunks, and the
    server answers only after the last one; a payload of exactly 400 bytes
    ends with `AUTHENTICATE +` (SASL 3.2). RFC 4616 fields up to 255 bytes."""
    s = server(limits={"nicklen": 64})
    name = "u" + "x" * (name_len - 1)
    pw = "p" * pw_len
    create_account(s, name, pw)
    chunks = _plain_chunks_for(name, pw)
    assert [len(x) for x in chunks] == shape, chunks
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    for x in chunks[:-1]:
        c.send("AUTHENTICATE " + x)
    c.assert_none(lambda m: m.command in SASL_NUMERICS, timeout=0.3)
    c.send("AUTHENTICATE " + chunks[-1])
    m = c.expect(lambda m: m.command in SASL_NUMERICS)
    assert m.command == "900" and m.params[2] == name, m
    assert sasl_result(c).command == "903"


def test_sasl_exchange_over_8k(srv, client):
    """An exchange step over 8 KiB of base64 (21 full chunks) gets 905."""
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    for _ in range(21):
        c.send("AUTHENTICATE " + "A" * 400)
    assert sasl_result(c).command == "905"


def test_scram_unknown_account_plausible(srv, client):
    """An unknown account gets a SCRAM challenge like a real one, with a
    stable salt (derived from a server secret), so probing can't tell
    (doc/protocol.md); it fails at the proof."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])

    def first_for(user):
        start_sasl(c, "SCRAM-SHA-256")
        s = ScramClient(user, PW)
        c.send("AUTHENTICATE " + base64.b64encode(s.first()).decode())
        first = base64.b64decode(c.expect("AUTHENTICATE").params[0]).decode()
        attrs = dict(kv.split("=", 1) for kv in first.split(","))
        c.send("AUTHENTICATE *")
        assert sasl_result(c).command == "906"
        return attrs

    real, ghost, ghost2 = first_for("alice"), first_for("nobody"), first_for("nobody")
    assert set(real) == set(ghost) == {"r", "s", "i"}, (real, ghost)
    assert real["i"] == ghost["i"]
    assert len(base64.b64decode(ghost["s"])) == len(base64.b64decode(real["s"]))
    assert ghost["s"] == ghost2["s"] and ghost["s"] != real["s"]


def test_sasl_malformed_base64(srv, client):
    """Malformed base64 gets 904."""
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    c.send("AUTHENTICATE !!!notbase64***")
    assert sasl_result(c).command == "904"


def test_sasl_malformed_plain(srv, client):
    """A PLAIN message without the NUL separators (RFC 4616 §2) gets 904."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    c.send("AUTHENTICATE " + base64.b64encode(b"alice " + PW.encode()).decode())
    assert sasl_result(c).command == "904"


def test_sasl_too_long(srv, client):
    """An AUTHENTICATE chunk over 400 bytes gets 905 ERR_SASLTOOLONG."""
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    c.send("AUTHENTICATE " + "A" * 404)
    assert sasl_result(c).command == "905"


def test_sasl_abort(srv, client):
    """`AUTHENTICATE *` aborts: 906 ERR_SASLABORTED; a new exchange works."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    start_sasl(c)
    c.send("AUTHENTICATE *")
    assert sasl_result(c).command == "906"
    assert c.authenticate("alice", PW).command == "903"


def test_sasl_abort_before_registration(srv, client):
    """Aborting during connection registration leaves the client free to
    finish as a guest."""
    c = pre_registration(srv, "guest")
    start_sasl(c)
    c.send("AUTHENTICATE *")
    assert sasl_result(c).command == "906"
    c.send("CAP END")
    assert c.expect("001").params[0] == "guest"
    c.close()


def test_sasl_already_logged_in(srv, client):
    """Logged in already: 907 ERR_SASLALREADY."""
    create_account(srv, "alice", PW)
    c = client("alice", sasl=("alice", PW))
    c.send("AUTHENTICATE PLAIN")
    assert sasl_result(c).command == "907"


def test_sasl_unknown_mechanism(srv, client):
    """An unsupported mechanism: 908 RPL_SASLMECHS listing the mechanisms,
    then 904 (SASL 3.2)."""
    c = client("guest", caps=["sasl"])
    c.send("AUTHENTICATE EXTERNAL")
    m = sasl_result(c)
    assert m.command == "908", m
    assert set(m.params[1].split(",")) == {"PLAIN", "SCRAM-SHA-256"}, m
    assert sasl_result(c).command == "904"


def _throttled(m):
    return m.command == "904" and "Too many failed logins" in m.params[-1]


def _wait_unthrottled(c, account, password, timeout=6.0):
    deadline = time.monotonic() + timeout
    while True:
        m = c.authenticate(account, password)
        if not _throttled(m) or time.monotonic() > deadline:
            return m
        time.sleep(0.2)


def test_sasl_throttle_per_ip(server, client):
    """After max_failures_per_ip failures from one address, further attempts
    get 904 "Too many failed logins; try again in N seconds" even with the
    right password, for any account; after `throttle` seconds logins work
    again."""
    s = server(accounts={"max_failures": 2, "max_failures_per_ip": 2, "throttle": 2})
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    c = client("guest", caps=["sasl"])
    assert c.authenticate("alice", "wrong 1").command == "904"
    assert c.authenticate("nobody", "wrong 2").command == "904"
    m = c.authenticate("bob", PW)
    assert _throttled(m), m
    n = int(m.params[-1].split("try again in ")[1].split()[0])
    assert 1 <= n <= 2, m
    # another connection from the same address is throttled too
    d = client("guest2", caps=["sasl"])
    assert _throttled(d.authenticate("bob", PW))
    m = _wait_unthrottled(d, "bob", PW)
    assert m.command == "903", m


def test_sasl_throttle_per_address_and_account(server, client):
    """max_failures failures for one account from one address throttle that
    (address, account) pair only: the same address may still log in to
    another account, and other addresses to that one; after `throttle`
    seconds the pair may try again. (Clients bind other loopback addresses,
    127.0.0.x, to look like different hosts.)"""
    s = server(accounts={"max_failures": 2, "throttle": 2},
               flood={"exempt": ["127.0.0.0/8", "::1"]})
    create_account(s, "alice", PW)
    create_account(s, "bob", PW)
    x = client("gx", server=s, caps=["sasl"], source_address="127.0.0.2")
    assert x.authenticate("alice", "wrong 1").command == "904"
    assert x.authenticate("alice", "wrong 2").command == "904"
    m = x.authenticate("alice", PW)
    assert _throttled(m), m
    assert x.authenticate("bob", PW).command == "903"
    z = client("gz", server=s, caps=["sasl"], source_address="127.0.0.4")
    assert z.authenticate("alice", PW).command == "903"
    w = client("gw", server=s, caps=["sasl"], source_address="127.0.0.2")
    m = _wait_unthrottled(w, "alice", PW)
    assert m.command == "903", m


# ---------------------------------------------------------------- nick ownership

def test_reserved_nick_at_registration(srv, client):
    """A guest using a registered account's name as NICK gets 433
    ERR_NICKNAMEINUSE ("reserved") and stays unregistered until it picks
    another nick."""
    create_account(srv, "alice", PW)
    c = srv.connect(name="impostor")
    c.send("NICK alice")
    c.send("USER x 0 * :x")
    m = c.expect("433")
    assert m.params[1] == "alice" and "reserved" in m.params[-1].lower(), m
    c.assert_none("001", timeout=0.5)
    c.send("NICK alice_")
    assert c.expect("001").params[0] == "alice_"
    c.close()


def test_reserved_nick_433_client_param(srv, client):
    """The refused nick was never the client's: the <client> parameter of the
    433 is `*`, as for a nick in use before registration (Modern IRC <client>,
    RFC 2812 §3.1.2)."""
    create_account(srv, "alice", PW)
    c = srv.connect(name="impostor")
    c.send("NICK alice")
    c.send("USER x 0 * :x")
    m = c.expect("433")
    c.close()
    assert m.params[:2] == ["*", "alice"], m


def test_reserved_nick_case_insensitive(srv, client):
    create_account(srv, "alice", PW)
    c = srv.connect(name="impostor")
    c.send("NICK ALICE")
    c.send("USER x 0 * :x")
    assert c.expect("433").params[1] == "ALICE"
    c.close()


def test_reserved_nick_change(srv, client):
    """A registered guest's NICK to a reserved nick gets 433 and keeps its nick."""
    create_account(srv, "alice", PW)
    c = client("guest")
    c.send("NICK alice")
    m = c.expect("433")
    assert m.params[:2] == ["guest", "alice"], m
    c.send("WHOIS guest")
    assert c.expect("311").params[1] == "guest"


def test_reserved_nick_with_sasl(srv, client):
    """Logging in as the account during registration lets the client use the nick."""
    create_account(srv, "alice", PW)
    c = client("alice", sasl=("alice", PW, "SCRAM-SHA-256"))
    assert c.nick == "alice"


def test_reserved_nick_after_login(srv, client):
    """A guest that logs in after 001 may then take its account's nick."""
    create_account(srv, "alice", PW)
    c = client("guest", caps=["sasl"])
    assert c.authenticate("alice", PW).command == "903"
    c.send("NICK alice")
    m = c.expect(lambda m: m.command in ("NICK", "433"))
    assert m.command == "NICK" and m.params[0] == "alice", m


def test_reserved_nick_not_for_other_account(srv, client):
    """Another account's nick stays reserved for a logged-in user."""
    create_account(srv, "alice", PW)
    create_account(srv, "bob", PW)
    c = client("bob", sasl=("bob", PW))
    c.send("NICK alice")
    assert c.expect("433").params[1] == "alice"


# ---------------------------------------------------------------- account-notify / tag / extended-join

def test_account_notify_on_login(srv, client):
    """A client that logs in after 001 is announced as `:nick!u@h ACCOUNT
    <account>` to channel peers with account-notify; peers without the cap
    get nothing."""
    create_account(srv, "alice", PW)
    watcher = client("watcher", caps=["account-notify"])
    plain = client("plain", caps=[])
    g = client("guest", caps=["sasl"])
    assert g.authenticate("alice", PW).command == "903"
    m = watcher.expect("ACCOUNT")
    assert m.source.startswith("guest!") and m.params == ["alice"], m
    plain.assert_none("ACCOUNT", timeout=0.5)


def test_account_notify_on_register(srv, client):
    """REGISTER after 001 logs the client in: peers see ACCOUNT too."""
    watcher = client("watcher", caps=["account-notify"])
    g = client("newbie")
    g.send("REGISTER * * %s" % PW)
    g.expect("REGISTER")
    m = watcher.expect("ACCOUNT")
    assert m.nick == "newbie" and m.params == ["newbie"], m


def test_account_tag(srv, client):
    """PRIVMSG from a logged-in user carries `account=<name>` to receivers
    with account-tag; not to others; a guest's messages carry none."""
    create_account(srv, "alice", PW)
    tagged = client("tagged", caps=["account-tag"])
    untagged = client("untagged", caps=["message-tags"])
    a = client("alice", sasl=("alice", PW))
    g = client("guest")
    a.send("PRIVMSG #general :hello from alice")
    m = tagged.expect("PRIVMSG")
    assert m.tags.get("account") == "alice", m
    m = untagged.expect("PRIVMSG")
    assert "account" not in m.tags, m
    a.send("PRIVMSG tagged :direct")
    m = tagged.expect("PRIVMSG")
    assert m.params == ["tagged", "direct"] and m.tags.get("account") == "alice", m
    g.send("PRIVMSG #general :hello from a guest")
    m = tagged.expect("PRIVMSG")
    assert m.nick == "guest" and "account" not in m.tags, m


def test_extended_join_account(srv, client):
    """extended-join: `JOIN <channel> <account> :<realname>`, `*` for guests."""
    create_account(srv, "alice", PW)
    w = client("watcher", caps=["extended-join"])
    w.send("JOIN #x")
    w.expect("366")
    client("alice", sasl=("alice", PW), realname="Alice A").send("JOIN #x")
    m = w.expect("JOIN", params=["#x"])
    assert m.nick == "alice" and m.params == ["#x", "alice", "Alice A"], m
    client("guest", realname="Just Guest").send("JOIN #x")
    m = w.expect("JOIN", params=["#x"])
    assert m.nick == "guest" and m.params == ["#x", "*", "Just Guest"], m
