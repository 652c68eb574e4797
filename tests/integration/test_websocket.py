"""WebSocket (RFC 6455) on chatd's HTTPS listener and IRC over it at /irc
(https://ircv3.net/specs/extensions/websocket; doc/http.md "WebSocket"):
the opening handshake and its refusals, text and binary subprotocols, chat
with a TCP IRC client both ways (same msgid), the Origin allow-list, close
codes for oversized messages (1009), invalid UTF-8 (1007) and protocol
errors (1002), fragmented messages, ping/pong, the closing handshake, a
peer that never reads, and permessage-deflate (RFC 7692).

Two clients: python3-websocket (websocket-client) where it suffices, and
RawWs (wsclient.py), a minimal client written from RFC 6455 §5 for what
that library refuses to do (reserved bits, compression, broken frames)."""

import json
import socket
import ssl
import struct
import time
import zlib

import pytest

websocket = pytest.importorskip("websocket")

from wsclient import OP_BINARY, OP_CLOSE, OP_CONT, OP_PING, OP_PONG, OP_TEXT, RawWs as _RawWs, WsIrc  # noqa: E402

HOST = "127.0.0.1"


def RawWs(srv, **kw):
    """A RawWs (wsclient.py) to srv's TLS HTTP listener."""
    return _RawWs(HOST, srv.https_port, srv.cert, **kw)


@pytest.fixture
def wsrv(server):
    return server(http_listeners=True, http={"websocket_origins": ["https://allowed.example"]})


def ws_url(srv):
    return "wss://localhost:%d/irc" % srv.https_port


def lib_connect(srv, **kw):
    # suppress_origin: the library would send "Origin: http://localhost:<port>".
    return websocket.create_connection(ws_url(srv), sslopt={"ca_certs": srv.cert}, timeout=5,
                                       suppress_origin=True, **kw)


# ---------------------------------------------------------------- handshake

def test_handshake_refusals(wsrv):
    ws = RawWs(wsrv, version="8", expect_status=426)
    assert ws.headers["sec-websocket-version"] == "13"
    assert json.loads(ws.body)["code"] == "websocket-version"
    ws = RawWs(wsrv, version=None, expect_status=426)
    ws = RawWs(wsrv, extra_headers=["Sec-WebSocket-Key: second"], expect_status=400)
    assert json.loads(ws.body)["code"] == "websocket-bad-key"
    # A plain GET of /irc is told to upgrade.
    s = socket.create_connection((HOST, wsrv.https_port), timeout=5)
    s = ssl.create_default_context(cafile=wsrv.cert).wrap_socket(s, server_hostname="localhost")
    s.sendall(b"GET /irc HTTP/1.1\r\nHost: x\r\n\r\n")
    resp = s.recv(65536)
    assert resp.startswith(b"HTTP/1.1 426 "), resp
    assert b"\r\nUpgrade: websocket\r\n" in resp


def test_text_subprotocol_registers(wsrv):
    ws = lib_connect(wsrv, subprotocols=["text.ircv3.net"])
    assert ws.getsubprotocol() == "text.ircv3.net"
    ws.send("NICK wstext")
    ws.send("USER u 0 * :r")
    lines = []
    while not any(" 001 " in l for l in lines):
        opcode, data = ws.recv_data()
        assert opcode == websocket.ABNF.OPCODE_TEXT
        assert not data.endswith(b"\n")
        lines.append(data.decode())
    assert lines[-1].startswith(":irc.test 001 wstext ")
    ws.close()


def test_binary_subprotocol_and_default(wsrv):
    ws = lib_connect(wsrv, subprotocols=["binary.ircv3.net", "text.ircv3.net"])
    assert ws.getsubprotocol() == "binary.ircv3.net"
    ws.send_binary(b"NICK wsbin")
    ws.send("USER u 0 * :r")  # a text message is fine in binary mode too
    opcode, data = ws.recv_data()
    assert opcode == websocket.ABNF.OPCODE_BINARY
    ws.close()
    # No subprotocol offered: text, and none named in the response.
    raw = RawWs(wsrv)
    assert "sec-websocket-protocol" not in raw.headers
    irc = WsIrc(raw)
    irc.register("wsnone")
    assert irc.opcodes == {OP_TEXT}
    raw.close()


# ---------------------------------------------------------------- IRC both ways

def test_chat_with_tcp_client_same_msgid(wsrv, client):
    tcp = client("tcpuser", server=wsrv, caps=["message-tags", "echo-message", "server-time"])
    irc = WsIrc(RawWs(wsrv, protocols=["text.ircv3.net"]))
    irc.register("webuser", caps=["message-tags", "echo-message", "server-time"])
    tcp.expect("JOIN", source_nick="webuser")

    irc.send("PRIVMSG #general :hello from the web")
    echo = irc.expect("PRIVMSG")
    got = tcp.expect("PRIVMSG", params=["#general", "hello from the web"])
    assert echo.tags["msgid"] and echo.tags["msgid"] == got.tags["msgid"]

    tcp.send("PRIVMSG #general :hello from irssi")
    tcp_echo = tcp.expect("PRIVMSG", params=["#general", "hello from irssi"])
    web_got = irc.expect("PRIVMSG", pred=lambda m: m.params[-1] == "hello from irssi")
    assert web_got.tags["msgid"] == tcp_echo.tags["msgid"]
    assert web_got.nick == "tcpuser"

    # Direct messages both ways.
    tcp.send("PRIVMSG webuser :psst")
    assert irc.expect("PRIVMSG", pred=lambda m: m.params == ["webuser", "psst"])
    irc.send("PRIVMSG tcpuser :psst back")
    tcp.expect("PRIVMSG", params=["tcpuser", "psst back"])

    # Leaving is a QUIT others see.
    irc.send("QUIT :bye")
    tcp.expect("QUIT", source_nick="webuser")


def test_irc_limits_apply(wsrv, client):
    irc = WsIrc(RawWs(wsrv))
    irc.register("limits")
    # Over the IRC line limit but under the WebSocket message limit:
    # ERR_INPUTTOOLONG, as on TCP, and the session goes on.
    irc.send("PRIVMSG #general :" + "x" * 10000)
    irc.expect("417")
    # A line with CR LF inside is malformed (never two lines).
    irc.send("PRIVMSG #general :a\r\nQUIT :injected")
    irc.expect("400")
    irc.send("PING :still-here")
    irc.expect("PONG")


# ---------------------------------------------------------------- Origin

def test_origin_allowed_refused_absent(wsrv):
    ws = RawWs(wsrv, origin="https://allowed.example")
    ws.close()
    ws = RawWs(wsrv, origin="HTTPS://ALLOWED.example")
    ws.close()
    ws = RawWs(wsrv, origin="https://evil.example", expect_status=403)
    assert json.loads(ws.body)["code"] == "websocket-origin"
    ws = RawWs(wsrv, origin="null", expect_status=403)
    # Two Origin fields: refused.
    RawWs(wsrv, origin="https://allowed.example", extra_headers=["Origin: https://evil.example"],
          expect_status=403)
    # No Origin (a non-browser client): allowed.
    ws = RawWs(wsrv)
    irc = WsIrc(ws)
    irc.register("noorigin")


# ---------------------------------------------------------------- bad frames

def test_oversized_message_is_1009(wsrv):
    ws = RawWs(wsrv)
    ws.send_frame(OP_TEXT, b"x" * 20000)
    assert ws.recv_close() == 1009
    assert ws.eof()
    # Fragments that only add up to too much: also 1009.
    ws = RawWs(wsrv)
    for _ in range(3):
        ws.send_frame(OP_TEXT if _ == 0 else OP_CONT, b"y" * 7000, fin=False)
    assert ws.recv_close() == 1009


def test_invalid_utf8_text_is_1007(wsrv):
    ws = RawWs(wsrv)
    ws.send_frame(OP_TEXT, b"PRIVMSG #general :\xff\xfe")
    assert ws.recv_close() == 1007
    assert ws.eof()
    # Binary frames may carry anything; chatd's UTF8ONLY answers on the IRC level.
    ws = RawWs(wsrv, protocols=["binary.ircv3.net"])
    irc = WsIrc(ws)
    irc.register("binutf")
    ws.send_frame(OP_BINARY, b"PRIVMSG #general :\xff\xfe")
    irc.expect("FAIL", pred=lambda m: "INVALID_UTF8" in m.params)


def test_protocol_errors_are_1002(wsrv):
    ws = RawWs(wsrv)
    ws.send_frame(OP_TEXT, b"NICK x", mask=False)  # clients must mask (§5.1)
    assert ws.recv_close() == 1002
    ws = RawWs(wsrv)
    ws.send_frame(OP_TEXT, b"NICK x", rsv1=True)  # no extension negotiated
    assert ws.recv_close() == 1002
    ws = RawWs(wsrv)
    ws.send_frame(OP_PING, b"p", fin=False)  # fragmented control frame
    # wslay's frame parser refuses this one outright: a close frame without
    # a code (doc/http.md), then the end.
    assert ws.recv_close() in (1002, None)
    assert ws.eof()
    ws = RawWs(wsrv)
    ws.send_frame(OP_CONT, b"nothing to continue")
    assert ws.recv_close() == 1002


def test_fragmented_message_reassembled(wsrv, client):
    tcp = client("fragwatch", server=wsrv)
    ws = RawWs(wsrv)
    irc = WsIrc(ws)
    irc.register("fragger")
    tcp.expect("JOIN", source_nick="fragger")
    ws.send_frame(OP_TEXT, b"PRIVMSG #general :hel", fin=False)
    ws.send_frame(OP_PING, b"between")  # control frames may come between fragments
    ws.send_frame(OP_CONT, b"lo wor", fin=False)
    ws.send_frame(OP_CONT, "ld \u00e9".encode())
    tcp.expect("PRIVMSG", params=["#general", "hello world \u00e9"])


def test_ping_answered(wsrv):
    ws = lib_connect(wsrv)
    ws.ping("are you there")
    frame = ws.recv_frame()
    assert frame.opcode == websocket.ABNF.OPCODE_PONG
    assert frame.data == b"are you there"
    ws.close()


def test_close_handshake(wsrv, client):
    tcp = client("closewatch", server=wsrv)
    ws = RawWs(wsrv)
    irc = WsIrc(ws)
    irc.register("closer")
    tcp.expect("JOIN", source_nick="closer")
    ws.send_frame(OP_CLOSE, struct.pack("!H", 1000) + b"done")
    assert ws.recv_close() == 1000  # echoed (§5.5.1)
    assert ws.eof()  # and the server closes the TCP connection first (§7.1.1)
    quit_msg = tcp.expect("QUIT", source_nick="closer")
    assert "1000" in quit_msg.params[-1]


def test_server_quit_sends_close_1000(wsrv):
    ws = RawWs(wsrv)
    irc = WsIrc(ws)
    irc.register("quitter")
    irc.send("QUIT :leaving")
    irc.expect("ERROR")
    assert ws.recv_close() == 1000
    assert ws.eof()


# ---------------------------------------------------------------- slow peer

def test_never_reading_peer_is_cut_others_served(server, client):
    """A WebSocket that stops reading while its channel is flooded is
    dropped ("SendQ exceeded") once more than [limits] sendq is queued for
    it, like a slow TCP client (test_protection.test_sendq_exceeded); an
    observer keeps receiving everything."""
    srv = server(http_listeners=True, limits={"sendq": 65536})
    obs = client("observer", server=srv)
    flooder = client("flooder", server=srv)
    ws = RawWs(srv, rcvbuf=4096)
    irc = WsIrc(ws)
    irc.register("sleeper")
    obs.expect("JOIN", source_nick="sleeper")
    # sleeper never reads again.
    payload = "z" * 400
    sent = 0
    quit_msg = None
    deadline = time.monotonic() + 40
    while quit_msg is None and time.monotonic() < deadline:
        for _ in range(50):
            flooder.send("PRIVMSG #general :%d %s" % (sent, payload))
            sent += 1
        # Paced by the server (PING/PONG), so that a slow build (ASan) is
        # not handed more than it fans out and the observer keeps up.
        flooder.sync(timeout=20)
        for m in obs.drain(0.02):
            if m.command == "QUIT" and m.nick == "sleeper":
                quit_msg = m
    assert quit_msg is not None, "never-reading WebSocket not dropped after %d messages" % sent
    assert "SendQ exceeded" in quit_msg.params[-1], quit_msg
    flooder.send("PRIVMSG #general :final")
    obs.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == "final", timeout=20)


# ---------------------------------------------------------------- permessage-deflate

def test_deflate_negotiated_and_working(wsrv, client):
    tcp = client("deflwatch", server=wsrv)
    ws = RawWs(wsrv, extensions="permessage-deflate; client_max_window_bits")
    assert ws.deflate
    ext = ws.headers["sec-websocket-extensions"]
    assert "server_max_window_bits=11" in ext and "client_max_window_bits=11" in ext
    ws.deflater = zlib.compressobj(wbits=-11)
    irc = WsIrc(ws, compress=True)
    irc.register("squeezed")
    tcp.expect("JOIN", source_nick="squeezed")
    irc.send("PRIVMSG #general :compressed hello")
    tcp.expect("PRIVMSG", params=["#general", "compressed hello"])
    tcp.send("PRIVMSG #general :" + "ha" * 200)
    # Received compressed (RSV1), inflated by RawWs.
    while True:
        fin, rsv1, op, payload = ws.recv_frame()
        if op == OP_TEXT and b"haha" in payload:
            break
    assert rsv1
    assert payload.split(b" ")[-1].lstrip(b":") == b"ha" * 200, payload
    # A client that offers nothing gets no compression.
    plain = RawWs(wsrv)
    assert "sec-websocket-extensions" not in plain.headers


def test_deflate_bomb_is_1009_and_corrupt_is_1007(wsrv):
    ws = RawWs(wsrv, extensions="permessage-deflate")
    c = zlib.compressobj(wbits=-15)
    data = c.compress(b"A" * 100000) + c.flush(zlib.Z_SYNC_FLUSH)
    assert len(data) < 16 * 1024
    ws.send_frame(OP_TEXT, data[:-4], rsv1=True)
    assert ws.recv_close() == 1009
    ws = RawWs(wsrv, extensions="permessage-deflate")
    ws.send_frame(OP_TEXT, b"\xff\xff\xff\xff", rsv1=True)
    assert ws.recv_close() == 1007
    # Compressed text that inflates to invalid UTF-8: 1007 too.
    ws = RawWs(wsrv, extensions="permessage-deflate")
    c = zlib.compressobj(wbits=-15)
    data = c.compress(b"PRIVMSG #general :\xff") + c.flush(zlib.Z_SYNC_FLUSH)
    ws.send_frame(OP_TEXT, data[:-4], rsv1=True)
    assert ws.recv_close() == 1007


def test_deflate_disabled_by_config(server):
    srv = server(http_listeners=True, http={"websocket_deflate": False})
    ws = RawWs(srv, extensions="permessage-deflate")
    assert "sec-websocket-extensions" not in ws.headers


# ---------------------------------------------------------------- event streams

def test_event_stream_delivers_json_in_order(wsrv):
    """EventStream (src/chatd/http/websocket_events.h) through the test-only
    route /_test/events: every event arrives, in order, one JSON text
    message each; a message from the consumer reaches the producer."""
    ws = RawWs(wsrv, path="/_test/events?n=200&size=100&batch=20")
    for i in range(200):
        fin, _, op, payload = ws.recv_frame()
        assert fin and op == OP_TEXT
        ev = json.loads(payload)
        assert ev["seq"] == i and len(ev["pad"]) == 100
    ws.send_text('{"hello":1}')
    _, _, op, payload = ws.recv_frame()
    assert json.loads(payload) == {"echo": '{"hello":1}'}
    ws.send_frame(OP_CLOSE, struct.pack("!H", 1000))
    assert ws.recv_close() == 1000


def test_event_stream_consumer_behind_is_closed(wsrv):
    """A consumer that does not read falls more than 64 KiB behind and is
    closed with 1008 and a reason that says how to resume; another stream
    meanwhile gets all its events."""
    slow = RawWs(wsrv, path="/_test/events?n=20000&size=1000&batch=200", rcvbuf=4096)
    fast = RawWs(wsrv, path="/_test/events?n=300&size=50&batch=10")
    for i in range(300):
        _, _, op, payload = fast.recv_frame()
        assert json.loads(payload)["seq"] == i
    time.sleep(1.0)
    slow.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    deadline = time.monotonic() + 30
    while True:
        _, _, op, payload = slow.recv_frame(10)
        if op == OP_CLOSE:
            break
        assert time.monotonic() < deadline
        last = json.loads(payload)["seq"]
    assert struct.unpack("!H", payload[:2])[0] == 1008
    assert b"resume with after=" in payload
    assert last < 19999
    assert slow.eof()


def test_idle_socket_is_pinged_then_closed(server):
    """[http] websocket_idle_timeout: no input for that long gets a ping;
    a pong counts as input; no input for as long again closes with 1001."""
    srv = server(http_listeners=True, http={"websocket_idle_timeout": 1})
    ws = RawWs(srv, path="/_test/events?n=0")
    _, _, op, payload = ws.recv_frame(timeout=4)
    assert op == OP_PING
    ws.send_frame(OP_PONG, payload)
    t0 = time.monotonic()
    _, _, op, _ = ws.recv_frame(timeout=4)
    assert op == OP_PING and time.monotonic() - t0 >= 0.9  # alive: pinged again, not closed
    assert ws.recv_close(timeout=4) == 1001
    assert ws.eof()
