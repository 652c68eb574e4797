"""HTTP/1.1 inside chatd (doc/http.md): framing and smuggling inputs, keep-alive,
pipelining, HEAD, 100-continue, timeouts, the per-IP limit, a client that
never reads, IRC beside HTTP, curl interop. Against a real chatd with a
plaintext and a TLS HTTP listener (conftest: server(http_listeners=True));
/_test/* routes are chatd's test-only routes (src/chatd/http/test_routes.cc)."""

import hashlib
import json
import os
import socket
import ssl
import subprocess
import time

import pytest

HOST = "127.0.0.1"
WELL_KNOWN = b"GET /.well-known/chatd HTTP/1.1\r\nHost: t\r\n\r\n"


# ---------------------------------------------------------------- client helpers

def connect(srv, tls=False, timeout=5.0):
    s = socket.create_connection((HOST, srv.https_port if tls else srv.http_port), timeout=timeout)
    if tls:
        ctx = ssl.create_default_context(cafile=srv.cert)
        s = ctx.wrap_socket(s, server_hostname="localhost")
    s.settimeout(timeout)
    return s


class Reader:
    """Reads HTTP/1.1 responses off a socket (Content-Length, chunked, or to EOF)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def _fill(self):
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, ssl.SSLError):
            data = b""
        if not data:
            self.eof = True
        self.buf += data
        return bool(data)

    def _line(self):
        while b"\r\n" not in self.buf:
            if not self._fill():
                raise EOFError("connection closed mid-line")
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            if not self._fill():
                raise EOFError("connection closed mid-body")
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def response(self, head_request=False):
        """(status, headers {lower name: value}, body). Skips 1xx unless asked."""
        while True:
            status_line = self._line()
            parts = status_line.split(b" ", 2)
            assert parts[0] == b"HTTP/1.1", status_line
            status = int(parts[1])
            headers = {}
            while True:
                line = self._line()
                if not line:
                    break
                name, value = line.split(b":", 1)
                headers[name.decode().lower()] = value.strip().decode()
            if 100 <= status < 200:
                return status, headers, b""
            break
        if head_request or status in (204, 304):
            return status, headers, b""
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int(self._line().split(b";")[0], 16)
                if size == 0:
                    while self._line():
                        pass
                    return status, headers, body
                body += self._exact(size)
                assert self._exact(2) == b"\r\n"
        if "content-length" in headers:
            return status, headers, self._exact(int(headers["content-length"]))
        while self._fill():
            pass
        body, self.buf = self.buf, b""
        return status, headers, body

    def closed(self, timeout=3.0):
        """True when the server closes the connection (no more bytes) in time."""
        self.sock.settimeout(timeout)
        try:
            while self._fill():
                pass
        except socket.timeout:
            return False
        return self.eof


def exchange(srv, data, tls=False):
    s = connect(srv, tls)
    s.sendall(data)
    return s, Reader(s)


@pytest.fixture
def hsrv(server):
    return server(http_listeners=True, http={"header_timeout": 2, "body_idle_timeout": 2,
                                             "keepalive_timeout": 3, "max_per_ip": 6})


# ---------------------------------------------------------------- the 16 vectors

# research/http.md §3 names 14 inputs; 15 and 16 are RFC 9112 §6.1's other
# two Transfer-Encoding rules. (vector, expected status)
VECTORS = [
    ("cl-and-te", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    ("te-chunked-identity", b"POST /_test/count HTTP/1.1\r\nHost: t\r\n"
     b"Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 400),
    ("negative-cl", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\nhello", 400),
    ("chunk-size-overflow", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"10000000000000000\r\nx\r\n0\r\n\r\n", 400),
    ("two-content-lengths", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
     b"Content-Length: 6\r\n\r\nhello!", 400),
    ("te-xchunked", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: xchunked\r\n\r\n"
     b"5\r\nhello\r\n0\r\n\r\n", 400),
    ("space-before-colon", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length : 5\r\n\r\nhello", 400),
    ("empty-field-name", b"GET / HTTP/1.1\r\nHost: t\r\n: x\r\n\r\n", 400),
    ("nul-in-value", b"GET / HTTP/1.1\r\nHost: t\r\nX: a\x00b\r\n\r\n", 400),
    ("bare-lf", b"GET / HTTP/1.1\nHost: t\n\n", 400),
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: t\r\nX: a\r\n folded\r\n\r\n", 400),
    ("header-over-8k", b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"a" * 9000 + b"\r\n\r\n", 431),
    ("http-1.2", b"GET / HTTP/1.2\r\nHost: t\r\n\r\n", 505),
    ("chunk-line-garbage", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"zz\r\nhello\r\n0\r\n\r\n", 400),
    ("te-gzip-chunked", b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
     b"0\r\n\r\n", 501),
    ("te-in-http-1.0", b"POST /_test/count HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"5\r\nhello\r\n0\r\n\r\n", 400),
]


@pytest.mark.parametrize("tls", [False, True], ids=["plain", "tls"])
@pytest.mark.parametrize("name,vector,status", VECTORS, ids=[v[0] for v in VECTORS])
def test_smuggling_vector_is_refused_and_closed(hsrv, tls, name, vector, status):
    # A second, valid request follows in the same packet: it must never be
    # answered (that would be a desynchronised response).
    s, r = exchange(hsrv, vector + WELL_KNOWN, tls)
    got, headers, body = r.response()
    assert got == status, (name, got, body)
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["status"] == status and json.loads(body)["code"]
    assert headers.get("connection") == "close"
    assert r.closed(), "connection left open after a framing error"
    assert b"HTTP/1.1" not in r.buf, "a second response followed: %r" % r.buf[:200]
    s.close()


def test_chunked_body_with_trailers_is_read_and_connection_kept(hsrv):
    # The §3 vector every parser must get right: body correct, trailer ignored.
    s, r = exchange(hsrv, b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n" + WELL_KNOWN)
    status, _, body = r.response()
    assert status == 200
    got = json.loads(body)
    assert got["bytes"] == 11 and got["sha256"] == hashlib.sha256(b"hello world").hexdigest()
    status, _, body = r.response()
    assert status == 200 and json.loads(body)["name"] == "irc.test"
    s.close()


# ---------------------------------------------------------------- request cycle

def test_keep_alive_reuses_the_connection(hsrv):
    s = connect(hsrv, tls=True)
    r = Reader(s)
    for _ in range(5):
        s.sendall(WELL_KNOWN)
        status, headers, body = r.response()
        assert status == 200 and "connection" not in headers
        assert json.loads(body)["name"] == "irc.test"
    s.close()


def test_pipelined_requests_are_answered_in_order(hsrv):
    reqs = (WELL_KNOWN + b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
            + b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
            + b"HEAD /.well-known/chatd HTTP/1.1\r\nHost: t\r\n\r\n"
            + b"GET /_test/bytes/30?chunked HTTP/1.1\r\nHost: t\r\n\r\n" + WELL_KNOWN)
    s, r = exchange(hsrv, reqs)
    assert r.response()[0] == 200
    status, _, body = r.response()
    assert status == 404 and json.loads(body)["code"] == "not-found"
    status, _, body = r.response()
    assert status == 200 and json.loads(body)["bytes"] == 3
    status, headers, _ = r.response(head_request=True)
    assert status == 200 and int(headers["content-length"]) > 0
    status, _, body = r.response()
    assert status == 200 and body == (b"abcdefghijklmnopqrstuvwxyz" + b"abcd")
    assert r.response()[0] == 200
    s.close()


def test_head_sends_no_body_and_connection_close_closes(hsrv):
    s, r = exchange(hsrv, b"HEAD /.well-known/chatd HTTP/1.1\r\nHost: t\r\n\r\n"
                    b"GET /.well-known/chatd HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    status, headers, _ = r.response(head_request=True)
    assert status == 200
    length = int(headers["content-length"])
    status, headers, body = r.response()
    assert status == 200 and len(body) == length and headers["connection"] == "close"
    assert r.closed()
    s.close()


def test_expect_100_continue(hsrv):
    s = connect(hsrv)
    r = Reader(s)
    s.sendall(b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
    status, _, _ = r.response()
    assert status == 100
    s.sendall(b"data")
    status, _, body = r.response()
    assert status == 200 and json.loads(body)["bytes"] == 4
    s.close()


def test_large_uploads_stream_through_backpressure(hsrv):
    # 6 MiB, both framings; the handler pauses every 256 KiB for a Worker
    # round trip, so this crosses pause/resume many times.
    data = os.urandom(6 * 1024 * 1024)
    s = connect(hsrv, tls=True)
    r = Reader(s)
    s.sendall(b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n" % len(data) + data)
    status, _, body = r.response()
    assert status == 200 and json.loads(body) == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(data[i:i + 100000]), data[i:i + 100000])
                       for i in range(0, len(data), 100000)) + b"0\r\n\r\n"
    s.sendall(b"POST /_test/count HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
    status, _, body = r.response()
    assert status == 200 and json.loads(body)["sha256"] == hashlib.sha256(data).hexdigest()
    s.close()


def test_download_is_exact_in_both_framings(hsrv):
    n = 3 * 1024 * 1024 + 7
    want = bytes(ord("a") + i % 26 for i in range(n))
    s = connect(hsrv, tls=True)
    r = Reader(s)
    for suffix in (b"", b"?chunked"):
        s.sendall(b"GET /_test/bytes/%d%s HTTP/1.1\r\nHost: t\r\n\r\n" % (n, suffix))
        status, headers, body = r.response()
        assert status == 200 and body == want
        assert ("transfer-encoding" in headers) == (suffix == b"?chunked")
    s.close()


def test_router_answers_405_501_and_options(hsrv):
    # POST is routed elsewhere (405 here); BREW nowhere (501).
    s, r = exchange(hsrv, b"POST /.well-known/chatd HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n"
                    b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n"
                    b"BREW /.well-known/chatd HTTP/1.1\r\nHost: t\r\n\r\n")
    status, headers, body = r.response()
    assert status == 405 and headers["allow"] == "GET, HEAD, OPTIONS"
    assert json.loads(body)["code"] == "method-not-allowed"
    status, headers, _ = r.response()
    assert status == 204 and "OPTIONS" in headers["allow"] and "GET" in headers["allow"]
    status, _, body = r.response()
    assert status == 501 and json.loads(body)["code"] == "method-not-implemented"
    s.close()


def test_missing_host_is_400(hsrv):
    s, r = exchange(hsrv, b"GET / HTTP/1.1\r\n\r\n")
    status, _, body = r.response()
    assert status == 400 and json.loads(body)["code"] == "bad-host"
    assert r.closed()


# ---------------------------------------------------------------- timeouts and limits

def test_slowloris_header_times_out_with_408(hsrv):
    s = connect(hsrv)
    r = Reader(s)
    start = time.monotonic()
    s.sendall(b"GET / HTTP/1.1\r\n")
    for _ in range(6):  # keep trickling: the deadline must not move
        time.sleep(0.5)
        try:
            s.sendall(b"X-A: b\r\n")
        except OSError:
            break
    status, _, body = r.response()
    assert status == 408 and json.loads(body)["code"] == "request-timeout"
    assert r.closed()
    assert time.monotonic() - start < 4.5


def test_slow_body_times_out(hsrv):
    s = connect(hsrv)
    r = Reader(s)
    s.sendall(b"POST /_test/count HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nabc")
    status, _, _ = r.response()
    assert status == 408
    assert r.closed()


def test_idle_keep_alive_and_silent_connections_are_closed(hsrv):
    s = connect(hsrv)
    r = Reader(s)
    s.sendall(WELL_KNOWN)
    assert r.response()[0] == 200
    assert r.closed(timeout=6), "idle keep-alive connection not closed"
    quiet = connect(hsrv, tls=True)  # a TLS handshake and then nothing
    assert Reader(quiet).closed(timeout=5)


def test_per_ip_limit(hsrv):
    socks = [connect(hsrv) for _ in range(6)]
    for s in socks:
        s.sendall(WELL_KNOWN)
        assert Reader(s).response()[0] == 200
    extra = connect(hsrv)
    r = Reader(extra)
    status, _, body = r.response()
    assert status == 503 and json.loads(body)["code"] == "too-many-connections"
    assert r.closed()
    socks[0].close()
    time.sleep(0.3)
    again = connect(hsrv)
    again.sendall(WELL_KNOWN)
    assert Reader(again).response()[0] == 200
    for s in socks[1:] + [again]:
        s.close()


def vm_rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_client_that_never_reads_stalls_nobody(hsrv, client):
    irc = client("watcher", server=hsrv)
    before = vm_rss_kib(hsrv.proc.pid)
    hogs = []
    for _ in range(3):  # three 1 GiB downloads nobody reads
        h = connect(hsrv, tls=True)
        h.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        h.sendall(b"GET /_test/bytes/1073741824 HTTP/1.1\r\nHost: t\r\n\r\n")
        hogs.append(h)
    time.sleep(1.0)
    for i in range(5):
        t0 = time.monotonic()
        irc.send("PING :p%d" % i)
        irc.expect("PONG", timeout=2)
        assert time.monotonic() - t0 < 1.0
        s, r = exchange(hsrv, WELL_KNOWN, tls=True)
        assert r.response()[0] == 200
        s.close()
    grown = vm_rss_kib(hsrv.proc.pid) - before
    # ASan keeps freed refill buffers in its quarantine: allow for it.
    with open("/proc/%d/maps" % hsrv.proc.pid) as f:
        limit = 64 * 1024 if "libasan" in f.read() else 16 * 1024
    assert grown < limit, "RSS grew %d KiB with three stalled downloads" % grown
    for h in hogs:
        h.close()


def test_irc_listeners_keep_working(hsrv, client):
    a = client("alice", server=hsrv)
    b = client("bob", server=hsrv, tls=True)
    a.send("PRIVMSG bob :hello over IRC")
    m = b.expect("PRIVMSG")
    assert m.params[-1] == "hello over IRC"


# ---------------------------------------------------------------- curl

def curl(*args):
    return subprocess.run(["curl", "-sk", "--max-time", "10", *args], capture_output=True, check=False)


def test_curl_interop(hsrv, tmp_path):
    base = "https://127.0.0.1:%d" % hsrv.https_port
    got = curl(base + "/.well-known/chatd")
    assert got.returncode == 0 and json.loads(got.stdout)["name"] == "irc.test"
    got = curl("-o", "/dev/null", "-w", "%{http_code}", base + "/missing")
    assert got.stdout == b"404"
    got = curl("-I", base + "/.well-known/chatd")
    assert got.stdout.startswith(b"HTTP/1.1 200")
    f = tmp_path / "up.bin"
    data = os.urandom(3 * 1024 * 1024)
    f.write_bytes(data)
    got = curl("--data-binary", "@%s" % f, "-H", "Content-Type: application/octet-stream",
               base + "/_test/count")
    assert json.loads(got.stdout)["sha256"] == hashlib.sha256(data).hexdigest()
    # Two URLs in one run share the connection (keep-alive).
    got = curl("-v", base + "/.well-known/chatd", base + "/.well-known/chatd")
    assert b"Re-using existing connection" in got.stderr or b"Reusing existing connection" in got.stderr
    got = curl("http://127.0.0.1:%d/_test/bytes/1000000" % hsrv.http_port)
    assert len(got.stdout) == 1000000


def test_early_answer_to_a_large_upload_reaches_the_client(hsrv):
    # 404 before the body is read: chatd closes, but lingers reading what the
    # client still sends, so the answer arrives instead of a reset.
    import threading
    s = connect(hsrv)
    s.sendall(b"POST /nowhere HTTP/1.1\r\nHost: t\r\nContent-Length: 8388608\r\n\r\n")

    def pump():
        try:
            for _ in range(32):
                s.sendall(b"x" * 262144)
        except OSError:
            pass
    t = threading.Thread(target=pump)
    t.start()
    r = Reader(s)
    status, headers, body = r.response()
    t.join(timeout=10)
    assert status == 404 and headers["connection"] == "close"
    assert json.loads(body)["code"] == "not-found"
    s.close()


def test_max_requests_per_connection(server):
    srv = server(http_listeners=True, http={"max_requests_per_connection": 3})
    s, r = exchange(srv, WELL_KNOWN * 5)
    for i in range(3):
        status, headers, _ = r.response()
        assert status == 200
        assert ("connection" in headers) == (i == 2)
    assert r.closed()
    assert b"HTTP/1.1" not in r.buf
    s.close()


def test_http_1_0_keep_alive_only_when_asked(hsrv):
    s, r = exchange(hsrv, b"GET /.well-known/chatd HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    b"GET /.well-known/chatd HTTP/1.0\r\n\r\n")
    status, headers, _ = r.response()
    assert status == 200 and headers["connection"] == "keep-alive"
    status, headers, _ = r.response()
    assert status == 200 and headers["connection"] == "close"
    assert r.closed()
    s.close()
