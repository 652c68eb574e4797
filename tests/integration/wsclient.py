"""A minimal WebSocket client (RFC 6455 §4.1, §5) over TLS, with full
control of frames: reserved bits, masking, fragments, permessage-deflate
(RFC 7692) with zlib. python3-websocket refuses to send or receive most of
what chatd's tests need to send (RSV1, broken frames). Used by
test_websocket.py and tests/bench/ws_latency.py."""

import base64
import hashlib
import os
import socket
import ssl
import struct
import time
import zlib

from ircclient import parse_line

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0, 1, 2, 8, 9, 10


class Closed(Exception):
    pass


class RawWs:
    """A WebSocket client over TLS with full control of frames."""

    def __init__(self, host, port, cafile, path="/irc", protocols=None, extensions=None, origin=None,
                 version="13", extra_headers=(), rcvbuf=None, expect_status=101):
        raw = socket.create_connection((host, port), timeout=5)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ctx = ssl.create_default_context(cafile=cafile)
        self.sock = ctx.wrap_socket(raw, server_hostname="localhost")
        self.sock.settimeout(5)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET %s HTTP/1.1" % path, "Host: localhost", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: " + key]
        if version is not None:
            lines.append("Sec-WebSocket-Version: " + version)
        if protocols:
            lines.append("Sec-WebSocket-Protocol: " + ", ".join(protocols))
        if extensions:
            lines.append("Sec-WebSocket-Extensions: " + extensions)
        if origin:
            lines.append("Origin: " + origin)
        lines += list(extra_headers)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise Closed("closed during the handshake")
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        head_lines = head.decode().split("\r\n")
        self.status = int(head_lines[0].split()[1])
        self.headers = {}
        for line in head_lines[1:]:
            name, value = line.split(":", 1)
            self.headers[name.strip().lower()] = value.strip()
        if self.status == 101:
            want = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
            assert self.headers["sec-websocket-accept"] == want
        else:
            n = int(self.headers.get("content-length", "0"))
            while len(self.buf) < n:
                self.buf += self.sock.recv(65536)
            self.body = self.buf[:n]
        assert self.status == expect_status, (self.status, self.headers)
        ext = self.headers.get("sec-websocket-extensions", "")
        self.deflate = ext.startswith("permessage-deflate")
        self.wire_bytes = 0  # payload bytes of data frames received, as sent (compressed or not)
        self.inflater = zlib.decompressobj(wbits=-15)
        self.deflater = zlib.compressobj(wbits=-15)

    def send_frame(self, opcode, payload, fin=True, rsv1=False, mask=True, length=None):
        if isinstance(payload, str):
            payload = payload.encode()
        b0 = (0x80 if fin else 0) | (0x40 if rsv1 else 0) | opcode
        n = len(payload) if length is None else length
        mbit = 0x80 if mask else 0
        if n < 126:
            head = struct.pack("!BB", b0, mbit | n)
        elif n < 65536:
            head = struct.pack("!BBH", b0, mbit | 126, n)
        else:
            head = struct.pack("!BBQ", b0, mbit | 127, n)
        if mask:
            key = os.urandom(4)
            payload = bytes(c ^ key[i % 4] for i, c in enumerate(payload))
            head += key
        self.sock.sendall(head + payload)

    def send_text(self, text, compress=False):
        data = text.encode() if isinstance(text, str) else text
        if compress:
            c = self.deflater.compress(data) + self.deflater.flush(zlib.Z_SYNC_FLUSH)
            assert c.endswith(b"\x00\x00\xff\xff")
            self.send_frame(OP_TEXT, c[:-4], rsv1=True)
        else:
            self.send_frame(OP_TEXT, data)

    def _need(self, n):
        while len(self.buf) < n:
            try:
                data = self.sock.recv(65536)
            except (ConnectionResetError, ssl.SSLError, OSError) as e:
                raise Closed(repr(e))
            if not data:
                raise Closed("EOF")
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self, timeout=5):
        """(fin, rsv1, opcode, payload) of the next frame, inflated when RSV1."""
        self.sock.settimeout(timeout)
        b0, b1 = self._need(2)
        assert not b1 & 0x80, "server frames are never masked"
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._need(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._need(8))[0]
        payload = self._need(n)
        if b0 & 0x0F in (OP_TEXT, OP_BINARY, OP_CONT):
            self.wire_bytes += n
        rsv1 = bool(b0 & 0x40)
        if rsv1:
            payload = self.inflater.decompress(payload + b"\x00\x00\xff\xff")
        return bool(b0 & 0x80), rsv1, b0 & 0x0F, payload

    def recv_close(self, timeout=5):
        """The close code the server sends next (skipping data frames)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            _, _, op, payload = self.recv_frame(timeout)
            if op == OP_CLOSE:
                return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
        raise AssertionError("no close frame")

    def eof(self, timeout=5):
        """True when the server closes the TCP connection in time."""
        self.sock.settimeout(timeout)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, ssl.SSLError, OSError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class WsIrc:
    """IRC over a RawWs: one line per message."""

    def __init__(self, ws, compress=False):
        self.ws = ws
        self.compress = compress
        self.seen = []
        self.opcodes = set()

    def send(self, line):
        self.ws.send_text(line, compress=self.compress)

    def expect(self, command, timeout=5, pred=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            fin, _, op, payload = self.ws.recv_frame(max(0.1, deadline - time.monotonic()))
            if op in (OP_PING, OP_PONG):
                continue
            if op == OP_CLOSE:
                raise Closed("close frame %r while waiting for %s" % (payload, command))
            assert fin and op in (OP_TEXT, OP_BINARY)
            self.opcodes.add(op)
            assert b"\r" not in payload and b"\n" not in payload, payload
            m = parse_line(payload.decode("utf-8", "replace"))
            self.seen.append(m)
            if m.command == "PING":
                self.send("PONG :" + m.params[-1])
                continue
            if m.command == command and (pred is None or pred(m)):
                return m
        raise AssertionError("no %s; saw %r" % (command, [str(m) for m in self.seen[-10:]]))

    def register(self, nick, caps=()):
        if caps:
            self.send("CAP REQ :" + " ".join(caps))
            self.expect("CAP")
            self.send("CAP END")
        self.send("NICK " + nick)
        self.send("USER %s 0 * :WebSocket user" % nick)
        self.expect("001")
        self.expect("366")  # auto-join burst of #general
