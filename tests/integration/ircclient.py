"""A small synchronous IRC client for chatd's integration tests.

Plain TCP or TLS (stdlib ssl), IRCv3 message-tags parsing with value
unescaping (https://ircv3.net/specs/extensions/message-tags#escaping-values),
CAP LS 302 negotiation (https://ircv3.net/specs/extensions/capability-negotiation),
SASL PLAIN and SCRAM-SHA-256 (https://ircv3.net/specs/extensions/sasl-3.2,
RFC 4616, RFC 5802, RFC 7677) and bounded waits everywhere: every read has a
deadline, nothing blocks forever.
"""

import base64
import hashlib
import hmac
import os
import re
import socket
import ssl
import time

DEFAULT_TIMEOUT = 5.0

_TAG_ESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}


def unescape_tag_value(value):
    """Decodes a tag value: \\: \\s \\\\ \\r \\n; unknown "\\x" -> "x"; lone trailing "\\" dropped."""
    out = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            if i + 1 >= len(value):
                break
            nxt = value[i + 1]
            out.append(_TAG_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def escape_tag_value(value):
    return (value.replace("\\", "\\\\").replace(";", "\\:").replace(" ", "\\s")
            .replace("\r", "\\r").replace("\n", "\\n"))


class Message:
    """One parsed IRC line: tags (dict, unescaped), source, command, params."""

    __slots__ = ("raw", "tags", "source", "command", "params")

    def __init__(self, raw, tags, source, command, params):
        self.raw = raw
        self.tags = tags
        self.source = source
        self.command = command
        self.params = params

    @property
    def nick(self):
        """The nick part of the source ("nick!user@host" -> "nick"), or the whole source."""
        if self.source is None:
            return None
        return self.source.split("!", 1)[0]

    @property
    def trailing(self):
        return self.params[-1] if self.params else None

    def __repr__(self):
        return "<%s>" % self.raw

    def __str__(self):
        return self.raw


def parse_line(line):
    """Parses one line (no CRLF) per RFC 1459 §2.3.1 + IRCv3 message-tags."""
    raw = line
    tags = {}
    if line.startswith("@"):
        tagpart, _, line = line[1:].partition(" ")
        for item in tagpart.split(";"):
            if not item:
                continue
            key, eq, val = item.partition("=")
            tags[key] = unescape_tag_value(val) if eq else ""
        line = line.lstrip(" ")
    source = None
    if line.startswith(":"):
        source, _, line = line[1:].partition(" ")
        line = line.lstrip(" ")
    trailing = None
    if " :" in line:
        line, _, trailing = line.partition(" :")
    elif line.startswith(":"):
        trailing = line[1:]
        line = ""
    parts = [p for p in line.split(" ") if p]
    command = parts[0].upper() if parts else ""
    params = parts[1:]
    if trailing is not None:
        if not parts:
            command = ""
        params.append(trailing)
    return Message(raw, tags, source, command, params)


def _normalize(x):
    if isinstance(x, int):
        return "%03d" % x
    return str(x).upper()


def make_matcher(match=None, params=None, source_nick=None, tags=None):
    """Builds a predicate. match: a callable, a command/numeric ("PRIVMSG",
    "001", 366), or a list of those. params: list of expected params where
    None means "any" (prefix match on the params list, a compiled regex
    matches with .search)."""
    if callable(match) and not isinstance(match, (str, int)):
        base = match
    elif match is None:
        base = lambda m: True  # noqa: E731
    else:
        wanted = {_normalize(x) for x in (match if isinstance(match, (list, tuple, set)) else [match])}
        base = lambda m: m.command in wanted  # noqa: E731

    def pred(m):
        if not base(m):
            return False
        if params is not None:
            if len(m.params) < len(params):
                return False
            for want, got in zip(params, m.params):
                if want is None:
                    continue
                if isinstance(want, re.Pattern):
                    if not want.search(got):
                        return False
                elif want != got:
                    return False
        if source_nick is not None and (m.nick or "").lower() != source_nick.lower():
            return False
        if tags is not None:
            for k, v in tags.items():
                if k not in m.tags:
                    return False
                if v is not None and m.tags[k] != v:
                    return False
        return True

    return pred


# ------------------------------------------------------------------ SASL

SASL_CHUNK = 400  # IRCv3 SASL: AUTHENTICATE payloads are sent in 400-byte chunks


def sasl_chunks(raw):
    """The AUTHENTICATE arguments carrying `raw` (bytes): base64 in 400-byte
    chunks, "+" for an empty payload or after an exact multiple of 400."""
    b64 = base64.b64encode(raw).decode("ascii")
    if not b64:
        return ["+"]
    out = [b64[i:i + SASL_CHUNK] for i in range(0, len(b64), SASL_CHUNK)]
    if len(b64) % SASL_CHUNK == 0:
        out.append("+")
    return out


def plain_payload(account, password, authzid=""):
    """RFC 4616: authzid NUL authcid NUL passwd."""
    return ("%s\0%s\0%s" % (authzid, account, password)).encode("utf-8")


def _scram_name(name):
    return name.replace("=", "=3D").replace(",", "=2C")


class ScramClient:
    """Client side of SCRAM-SHA-256 (RFC 5802 §3/§5, RFC 7677), no channel binding."""

    def __init__(self, user, password, nonce=None):
        self.user = user
        self.password = password.encode("utf-8")
        self.cnonce = nonce or base64.b64encode(os.urandom(18)).decode("ascii")
        self.bare = "n=%s,r=%s" % (_scram_name(user), self.cnonce)
        self.server_signature = None

    def first(self):
        return ("n,," + self.bare).encode("utf-8")

    def final(self, server_first):
        """client-final-message for server-first-message (bytes)."""
        text = server_first.decode("utf-8")
        attrs = dict(kv.split("=", 1) for kv in text.split(","))
        nonce, salt, iters = attrs["r"], base64.b64decode(attrs["s"]), int(attrs["i"])
        if not nonce.startswith(self.cnonce):
            raise ValueError("server nonce %r does not extend ours %r" % (nonce, self.cnonce))
        salted = hashlib.pbkdf2_hmac("sha256", self.password, salt, iters)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        without_proof = "c=biws,r=" + nonce
        auth_message = ("%s,%s,%s" % (self.bare, text, without_proof)).encode("utf-8")
        signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        self.server_signature = hmac.new(server_key, auth_message, hashlib.sha256).digest()
        return ("%s,p=%s" % (without_proof, base64.b64encode(proof).decode("ascii"))).encode("utf-8")

    def verify(self, server_final):
        """Checks server-final-message "v=<ServerSignature>" (bytes)."""
        text = server_final.decode("utf-8")
        return text.startswith("v=") and base64.b64decode(text[2:]) == self.server_signature


class ConnectionClosed(Exception):
    pass


class IRCClient:
    """A line-oriented synchronous IRC client with bounded waits.

    Received messages go to an inbox; expect() pops the first matching one
    and discards (but records) those before it, so expectations are ordered.
    """

    def __init__(self, host, port, tls=False, cafile=None, name=None,
                 tls_min=None, tls_max=None, server_hostname="localhost",
                 rcvbuf=None, connect_timeout=5.0, auto_pong=True, source_address=None):
        self.name = name or "client"
        self.host = host
        self.port = port
        self.inbox = []       # parsed, not yet consumed
        self.log = []         # (direction, line) for failure reports
        self.closed = False
        self.auto_pong = auto_pong
        self.nick = None
        self.isupport = {}
        self.caps_available = {}
        self.caps_enabled = set()
        self._buf = b""
        raw = socket.create_connection((host, port), timeout=connect_timeout,
                                       source_address=(source_address, 0) if source_address else None)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            if cafile:
                ctx.load_verify_locations(cafile)
            else:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            if tls_min is not None:
                ctx.minimum_version = tls_min
            if tls_max is not None:
                ctx.maximum_version = tls_max
            raw.settimeout(connect_timeout)
            self.sock = ctx.wrap_socket(raw, server_hostname=server_hostname)
        else:
            self.sock = raw
        self.sock.settimeout(None)

    # ------------------------------------------------------------ sending
    def send(self, line):
        """Sends one line; CRLF is appended."""
        if isinstance(line, str):
            data = line.encode("utf-8")
        else:
            data = line
        self.log.append((">>", data.decode("utf-8", "replace")))
        self.sock.sendall(data + b"\r\n")

    def send_raw(self, data):
        """Sends bytes as-is (no CRLF added)."""
        self.log.append((">>raw", repr(data[:200])))
        self.sock.sendall(data)

    # ------------------------------------------------------------ receiving
    def _read_some(self, deadline):
        """Reads available data until deadline; returns False on timeout."""
        if self.closed:
            raise ConnectionClosed("%s: connection closed" % self.name)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except (socket.timeout, TimeoutError):
            return False
        except ssl.SSLWantReadError:
            return False
        except (ConnectionResetError, ssl.SSLError, BrokenPipeError, OSError) as e:
            self.closed = True
            self.log.append(("!!", "recv error: %r" % e))
            raise ConnectionClosed("%s: %r" % (self.name, e))
        finally:
            try:
                self.sock.settimeout(None)
            except OSError:
                pass
        if not data:
            self.closed = True
            self.log.append(("!!", "EOF"))
            raise ConnectionClosed("%s: EOF" % self.name)
        self._buf += data
        while b"\n" in self._buf:
            line, self._buf = self._buf.split(b"\n", 1)
            line = line.rstrip(b"\r")
            text = line.decode("utf-8", "replace")
            self.log.append(("<<", text))
            if not text:
                continue
            msg = parse_line(text)
            if self.auto_pong and msg.command == "PING":
                try:
                    self.send("PONG :%s" % (msg.params[-1] if msg.params else ""))
                except OSError:
                    pass
            self.inbox.append(msg)
        return True

    def _history(self, n=40):
        def cut(line):
            return line if len(line) <= 200 else line[:200] + "...(%d bytes)" % len(line)
        return "\n".join("  %s %s" % (d, cut(l)) for d, l in self.log[-n:])

    def expect(self, match=None, timeout=DEFAULT_TIMEOUT, params=None,
               source_nick=None, tags=None, desc=None):
        """Returns the first message matching; earlier messages are discarded.
        Fails (AssertionError) after `timeout` seconds or on connection close."""
        pred = make_matcher(match, params, source_nick, tags)
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.inbox):
                if pred(m):
                    del self.inbox[:i + 1]
                    return m
            try:
                self._read_some(deadline)
            except ConnectionClosed as e:
                raise AssertionError("%s while waiting for %s\nrecent traffic:\n%s" % (
                    e, desc or _describe(match, params), self._history()))
            if time.monotonic() >= deadline:
                for i, m in enumerate(self.inbox):
                    if pred(m):
                        del self.inbox[:i + 1]
                        return m
                raise AssertionError("%s: timed out (%.1fs) waiting for %s\nrecent traffic:\n%s" % (
                    self.name, timeout, desc or _describe(match, params), self._history()))

    def collect_until(self, match, timeout=DEFAULT_TIMEOUT, params=None, include_end=True):
        """Returns all messages up to (and by default including) the first match."""
        pred = make_matcher(match, params)
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.inbox):
                if pred(m):
                    out = self.inbox[:i + 1] if include_end else self.inbox[:i]
                    del self.inbox[:i + 1]
                    return out
            try:
                self._read_some(deadline)
            except ConnectionClosed as e:
                raise AssertionError("%s while collecting until %s\nrecent traffic:\n%s" % (
                    e, _describe(match, params), self._history()))
            if time.monotonic() >= deadline:
                raise AssertionError("%s: timed out (%.1fs) collecting until %s\nrecent traffic:\n%s" % (
                    self.name, timeout, _describe(match, params), self._history()))

    def drain(self, timeout=0.3):
        """Reads for up to `timeout` seconds and returns everything pending."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._read_some(deadline)
        except ConnectionClosed:
            pass
        out, self.inbox = self.inbox, []
        return out

    def assert_none(self, match=None, timeout=0.5, params=None, source_nick=None, tags=None):
        """Asserts no matching message arrives within `timeout`; returns the drained list."""
        pred = make_matcher(match, params, source_nick, tags)
        got = self.drain(timeout)
        bad = [m for m in got if pred(m)]
        assert not bad, "%s: unexpected %s" % (self.name, bad)
        return got

    def sync(self, timeout=DEFAULT_TIMEOUT):
        """Round-trips a PING so everything the server sent before is in the inbox."""
        token = "sync%d" % int(time.monotonic() * 1e6)
        self.send("PING :%s" % token)
        msgs = self.collect_until(lambda m: m.command == "PONG" and m.params and m.params[-1] == token,
                                  timeout=timeout, include_end=False)
        return msgs

    def wait_closed(self, timeout=DEFAULT_TIMEOUT):
        """Waits until the server closes the connection; returns the messages received meanwhile.
        Fails if the connection is still open after `timeout`."""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                self._read_some(deadline)
        except ConnectionClosed:
            out, self.inbox = self.inbox, []
            return out
        raise AssertionError("%s: connection still open after %.1fs\nrecent traffic:\n%s" % (
            self.name, timeout, self._history()))

    # ------------------------------------------------------------ registration
    def cap_ls(self, version="302", timeout=DEFAULT_TIMEOUT):
        """Sends CAP LS [version]; returns ({cap: value}, [the LS messages])."""
        self.send("CAP LS %s" % version if version else "CAP LS")
        lines = []
        caps = {}
        while True:
            m = self.expect(lambda m: m.command == "CAP" and len(m.params) >= 3 and m.params[1] == "LS",
                            timeout=timeout, desc="CAP LS reply")
            lines.append(m)
            for tok in m.params[-1].split():
                k, eq, v = tok.partition("=")
                caps[k] = v if eq else None
            if not (len(m.params) >= 4 and m.params[2] == "*"):
                break
        self.caps_available = caps
        return caps, lines

    def _read_authenticate(self, timeout):
        """Collects a server challenge (AUTHENTICATE chunks) as bytes, or
        returns the first SASL numeric (900-908) instead."""
        data = ""
        while True:
            m = self._take(lambda m: m.command == "AUTHENTICATE" or m.command in (
                "900", "901", "902", "903", "904", "905", "906", "907", "908"), timeout)
            if m.command != "AUTHENTICATE":
                return m
            arg = m.params[0]
            if arg != "+":
                data += arg
            if len(arg) < SASL_CHUNK:
                return base64.b64decode(data)

    def _take(self, pred, timeout):
        """Like expect(), but leaves the messages before the match in the inbox."""
        got = self.collect_until(pred, timeout=timeout)
        self.inbox[:0] = got[:-1]
        return got[-1]

    def _send_payload(self, raw):
        for chunk in sasl_chunks(raw):
            self.send("AUTHENTICATE " + chunk)

    def authenticate(self, account, password, mech="PLAIN", timeout=DEFAULT_TIMEOUT):
        """Runs one SASL exchange (IRCv3 SASL 3.2) and returns the final
        numeric: 903 on success (the 900 RPL_LOGGEDIN before it is kept in
        self.sasl_loggedin), 904-908 otherwise. For SCRAM-SHA-256 the server
        signature is verified and the empty final response sent."""
        self.sasl_loggedin = None
        self.send("AUTHENTICATE " + mech)
        got = self._read_authenticate(timeout)
        if not isinstance(got, bytes):
            return got
        if mech.upper() == "PLAIN":
            self._send_payload(plain_payload(account, password))
        elif mech.upper() == "SCRAM-SHA-256":
            scram = ScramClient(account, password)
            self._send_payload(scram.first())
            got = self._read_authenticate(timeout)
            if not isinstance(got, bytes):
                return got
            self._send_payload(scram.final(got))
            got = self._read_authenticate(timeout)
            if not isinstance(got, bytes):
                return got
            assert scram.verify(got), "bad SCRAM server signature %r" % got
            self.send("AUTHENTICATE +")
        else:
            raise ValueError(mech)
        # Other messages that arrive meanwhile (e.g. JOINs of channels the
        # login brings) stay in the inbox.
        while True:
            m = self._take(lambda m: m.command in ("900", "903", "904", "905", "906", "907"), timeout)
            if m.command != "900":
                return m
            self.sasl_loggedin = m

    def register(self, nick, user=None, realname=None, caps=None, password=None,
                 wait_channels=(), timeout=DEFAULT_TIMEOUT, sasl=None):
        """Registers: [CAP LS 302, CAP REQ, [AUTHENTICATE...], CAP END], [PASS],
        NICK, USER; waits for 001 and drains the burst to 376/422 and, for each
        channel in wait_channels (auto-join), its 366. sasl=(account, password
        [, mechanism]) requests the sasl cap and logs in before CAP END (903
        required). Returns the messages received."""
        user = user or nick.lower()[:9].strip("_") or "u"
        realname = realname or ("Real %s" % nick)
        if sasl is not None:
            caps = list(caps or [])
            if "sasl" not in caps:
                caps.append("sasl")
        if password is not None:
            self.send("PASS %s" % password)
        if caps is not None:
            self.cap_ls("302", timeout=timeout)
            if caps:
                missing = [c for c in caps if c not in self.caps_available]
                assert not missing, "server does not offer %s (offers %s)" % (missing, self.caps_available)
                self.send("CAP REQ :%s" % " ".join(caps))
                m = self.expect(lambda m: m.command == "CAP" and len(m.params) >= 3 and m.params[1] in ("ACK", "NAK"),
                                timeout=timeout, desc="CAP ACK")
                assert m.params[1] == "ACK", "CAP REQ %s refused: %s" % (caps, m)
                self.caps_enabled |= set(m.params[-1].split())
        self.send("NICK %s" % nick)
        self.send("USER %s 0 * :%s" % (user, realname))
        if sasl is not None:
            res = self.authenticate(*sasl, timeout=timeout)
            assert res.command == "903", "SASL login as %s failed: %s" % (sasl[0], res)
        if caps is not None:
            self.send("CAP END")
        burst = self.collect_until("001", timeout=timeout)
        self.nick = burst[-1].params[0]
        burst += self.collect_until(["376", "422"], timeout=timeout)
        for m in burst:
            if m.command == "005":
                for tok in m.params[1:-1]:
                    k, eq, v = tok.partition("=")
                    self.isupport[k.upper()] = v if eq else ""
        for ch in wait_channels:
            burst += self.collect_until(
                lambda m, ch=ch: m.command == "366" and len(m.params) > 1 and m.params[1].lower() == ch.lower(),
                timeout=timeout)
        return burst

    def close(self):
        if self.closed:
            try:
                self.sock.close()
            except OSError:
                pass
            return
        self.closed = True
        try:
            self.sock.close()
        except OSError:
            pass

    def quit(self, reason="bye"):
        try:
            self.send("QUIT :%s" % reason)
        except OSError:
            pass
        self.close()


def _describe(match, params):
    if match is None:
        d = "any message"
    elif callable(match) and not isinstance(match, (str, int)):
        d = getattr(match, "__name__", "predicate")
    else:
        d = repr(match)
    if params is not None:
        d += " params=%r" % (params,)
    return d
