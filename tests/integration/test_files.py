"""File sharing over HTTPS (doc/files.md): FILEHOST uploads, downloads with
Range and conditionals, limits, authentication, access to private files,
hostile names, tus resumable uploads (kill -9 included), a stalled download
beside IRC traffic, a full disk, the file message tag, chatctl files.

A real chatd with a TLS HTTP listener; Python's http.client and curl as
clients."""

import base64
import hashlib
import http.client
import os
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse

import pytest

from conftest import HOST, chatd_binary, create_account

PW = "correct-horse-battery"


# ---------------------------------------------------------------- helpers

def tls_context(srv):
    return ssl.create_default_context(cafile=srv.cert)


def request(srv, method, path, body=None, headers=None, timeout=30):
    """One HTTPS request on a fresh connection; returns (status, headers dict
    with lower-case names, body bytes)."""
    conn = http.client.HTTPSConnection(HOST, srv.https_port, context=tls_context(srv), timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        headers = {}
        for k, v in r.getheaders():  # repeated fields joined, as RFC 9110 §5.3 allows
            headers[k.lower()] = headers[k.lower()] + ", " + v if k.lower() in headers else v
        return r.status, headers, data
    finally:
        conn.close()


def basic(account, password):
    return "Basic " + base64.b64encode(("%s:%s" % (account, password)).encode()).decode()


def upload(srv, data, auth, name="file.bin", ctype="application/octet-stream", query="", extra=None):
    headers = {"Authorization": auth, "Content-Type": ctype,
               "Content-Disposition": 'attachment; filename="%s"' % name}
    headers.update(extra or {})
    return request(srv, "POST", "/upload" + query, body=data, headers=headers)


def path_of(location):
    u = urllib.parse.urlsplit(location)
    return u.path + ("?" + u.query if u.query else "")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def token_for(client):
    client.send("FILEHOST TOKEN")
    m = client.expect(lambda m: m.command in ("FILEHOST", "FAIL"), desc="FILEHOST TOKEN reply")
    assert m.command == "FILEHOST" and m.params[0] == "TOKEN", m
    assert len(m.params[1]) == 64
    return "Bearer " + m.params[1]


@pytest.fixture
def fsrv(server):
    """A server with an HTTPS listener and two accounts, alice and bob."""
    def make(**overrides):
        srv = server(http_listeners=True, **overrides)
        create_account(srv, "alice", PW)
        create_account(srv, "bob", PW)
        return srv
    return make


# ---------------------------------------------------------------- FILEHOST

def test_isupport_advertises_the_upload_uri(fsrv, client):
    srv = fsrv()
    c = client("watcher", server=srv)
    url = "https://%s:%d/upload" % (HOST, srv.https_port)  # public_base_url's default
    assert c.isupport.get("SOJU.IM/FILEHOST") == url
    assert c.isupport.get("DRAFT/FILEHOST") == url


def test_isupport_names_follow_the_config(fsrv, client):
    srv = fsrv(files={"isupport": ["draft/FILEHOST"]})
    c = client("watcher", server=srv)
    assert "SOJU.IM/FILEHOST" not in c.isupport
    assert "DRAFT/FILEHOST" in c.isupport


def test_options_on_the_upload_uri(fsrv):
    srv = fsrv()
    status, headers, _ = request(srv, "OPTIONS", "/upload")
    assert status == 204
    assert "POST" in headers["allow"]
    assert headers["accept-post"] == "*/*"


def test_upload_then_get_identical_bytes_and_head(fsrv):
    srv = fsrv()
    data = os.urandom(300000)
    status, headers, body = upload(srv, data, basic("alice", PW), name="cat.png", ctype="image/png")
    assert status == 201, body
    loc = headers["location"]
    assert loc.startswith("https://%s:%d/f/" % (HOST, srv.https_port)) and loc.endswith("/cat.png")
    assert body.decode().strip() == loc
    file_id = loc.split("/")[-2]
    assert len(file_id) == 26

    status, h, got = request(srv, "GET", path_of(loc))
    assert status == 200
    assert sha(got) == sha(data)
    assert h["content-type"] == "image/png"
    assert h["content-disposition"].startswith("inline;")
    assert h["x-content-type-options"] == "nosniff"
    assert "sandbox" in h["content-security-policy"]
    assert h["referrer-policy"] == "no-referrer"
    assert h["etag"] == '"sha256-%s"' % sha(data)
    assert h["accept-ranges"] == "bytes"
    assert "last-modified" in h

    status, h, got = request(srv, "HEAD", path_of(loc))
    assert status == 200 and got == b""
    assert h["content-length"] == str(len(data))


def test_upload_with_curl(fsrv, tmp_path):
    if shutil.which("curl") is None:
        pytest.skip("curl not installed")
    srv = fsrv()
    f = tmp_path / "notes.txt"
    f.write_bytes(b"hello from curl\n")
    out = subprocess.run(
        ["curl", "-sS", "--cacert", srv.cert, "-u", "alice:" + PW, "-H", "Content-Type: text/plain",
         "-H", 'Content-Disposition: attachment; filename="notes.txt"', "--data-binary", "@" + str(f),
         "-D", "-", "-o", "/dev/null", "https://%s:%d/upload" % (HOST, srv.https_port)],
        capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("HTTP/1.1 201"), out.stdout + out.stderr
    loc = [line.split(":", 1)[1].strip() for line in out.stdout.splitlines() if line.lower().startswith("location:")][0]
    local = "https://%s:%d%s" % (HOST, srv.https_port, path_of(loc))
    out = subprocess.run(["curl", "-sS", "--cacert", srv.cert, "-D", "-", local], capture_output=True, timeout=60)
    assert out.returncode == 0
    assert out.stdout.endswith(b"hello from curl\n")
    assert b"text/plain; charset=utf-8" in out.stdout


def test_dangerous_types_are_attachments(fsrv):
    srv = fsrv()
    for ctype in ("text/html", "image/svg+xml", "application/pdf"):
        status, headers, _ = upload(srv, b"<html><script>alert(1)</script>", basic("alice", PW),
                                    name="x.html", ctype=ctype)
        assert status == 201
        _, h, _ = request(srv, "GET", path_of(headers["location"]))
        assert h["content-disposition"].startswith("attachment;"), ctype
        assert h["x-content-type-options"] == "nosniff"


def test_identical_content_is_stored_once(fsrv):
    srv = fsrv()
    data = os.urandom(5000)
    _, h1, _ = upload(srv, data, basic("alice", PW), name="a.bin")
    _, h2, _ = upload(srv, data, basic("bob", PW), name="b.bin")
    assert h1["location"] != h2["location"]
    blobs = [f for d, _, fs in os.walk(os.path.join(srv.data_dir, "files")) if os.path.basename(d) != "tmp"
             for f in fs]
    assert blobs.count(sha(data)) == 1


# ---------------------------------------------------------------- ranges, conditionals

def test_single_ranges_give_206_and_bad_ones_416(fsrv):
    srv = fsrv()
    data = bytes(range(256)) * 40
    _, h, _ = upload(srv, data, basic("alice", PW))
    p = path_of(h["location"])
    status, h, body = request(srv, "GET", p, headers={"Range": "bytes=10-19"})
    assert status == 206 and body == data[10:20]
    assert h["content-range"] == "bytes 10-19/%d" % len(data)
    status, h, body = request(srv, "GET", p, headers={"Range": "bytes=-5"})
    assert status == 206 and body == data[-5:]
    status, h, body = request(srv, "GET", p, headers={"Range": "bytes=10000-"})
    assert status == 200 or status == 206  # 10240 bytes: 10000- is satisfiable
    status, h, body = request(srv, "GET", p, headers={"Range": "bytes=999999-"})
    assert status == 416
    assert h["content-range"] == "bytes */%d" % len(data)
    status, h, body = request(srv, "GET", p, headers={"Range": "bytes=0-1,5-6"})
    assert status == 200 and body == data
    etag = h["etag"]
    status, _, body = request(srv, "GET", p, headers={"Range": "bytes=0-3", "If-Range": etag})
    assert status == 206 and body == data[:4]
    status, _, body = request(srv, "GET", p, headers={"Range": "bytes=0-3", "If-Range": '"other"'})
    assert status == 200 and body == data


def test_if_none_match_gives_304(fsrv):
    srv = fsrv()
    _, h, _ = upload(srv, b"cache me", basic("alice", PW))
    p = path_of(h["location"])
    _, h, _ = request(srv, "GET", p)
    status, h2, body = request(srv, "GET", p, headers={"If-None-Match": h["etag"]})
    assert status == 304 and body == b""
    assert h2["etag"] == h["etag"]
    status, _, _ = request(srv, "GET", p, headers={"If-None-Match": '"nope"'})
    assert status == 200


def test_unknown_ids_are_404(fsrv):
    srv = fsrv()
    for p in ("/f/aaaaaaaaaaaaaaaaaaaaaaaaaa/x", "/f/short/x", "/f/..%2F..%2Fetc%2Fpasswd/x"):
        status, _, _ = request(srv, "GET", p)
        assert status in (400, 404), p


# ---------------------------------------------------------------- limits

def raw_post_head(srv, length, auth):
    """Sends a POST head announcing `length` bytes and no body; returns the
    status line's code (chatd must answer before reading the body)."""
    ctx = tls_context(srv)
    s = ctx.wrap_socket(socket.create_connection((HOST, srv.https_port), timeout=10), server_hostname="localhost")
    try:
        s.sendall(("POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Type: application/octet-stream\r\n"
                   "Content-Length: %d\r\n\r\n" % (auth, length)).encode())
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ")[1])
    finally:
        s.close()


def test_oversize_is_413_before_the_body(fsrv):
    srv = fsrv(files={"max_size": 100000})
    assert raw_post_head(srv, 100001, basic("alice", PW)) == 413
    status, _, body = upload(srv, os.urandom(100001), basic("alice", PW))
    assert status == 413 and b"too-large" in body
    status, _, _ = upload(srv, os.urandom(100000), basic("alice", PW))
    assert status == 201


def test_over_quota_is_413(fsrv):
    srv = fsrv(files={"quota_per_account": 150000})
    assert upload(srv, os.urandom(100000), basic("alice", PW))[0] == 201
    status, _, body = upload(srv, os.urandom(60000), basic("alice", PW))
    assert status == 413 and b"over-quota" in body
    assert upload(srv, os.urandom(60000), basic("bob", PW))[0] == 201  # bob's own quota


def test_missing_or_wrong_credentials_are_the_same_401(fsrv):
    srv = fsrv()
    answers = []
    for auth in (None, basic("alice", "wrong password"), basic("nosuchuser", PW), "Bearer " + "0" * 64,
                 "Digest whatever"):
        headers = {"Content-Type": "text/plain"}
        if auth:
            headers["Authorization"] = auth
        status, h, body = request(srv, "POST", "/upload", body=b"x", headers=headers)
        assert status == 401, (auth, status, body)
        assert "Basic" in h.get("www-authenticate", "")
        answers.append(body)
    # Unknown account and wrong password cannot be told apart.
    assert answers[1] == answers[2]


def test_guests_may_not_upload_unless_configured(fsrv, client):
    srv = fsrv()
    g = client("guest1", server=srv)
    g.send("FILEHOST TOKEN")
    m = g.expect("FAIL")
    assert m.params[:2] == ["FILEHOST", "ACCOUNT_REQUIRED"]


def test_guests_upload_with_a_token_when_allowed(fsrv, client):
    srv = fsrv(files={"guests_may_upload": True})
    g = client("guest1", server=srv)
    status, h, _ = upload(srv, b"guest data", token_for(g))
    assert status == 201


# ---------------------------------------------------------------- access

def test_private_channel_files_need_a_member(fsrv, client):
    srv = fsrv()
    alice = client("alice", server=srv, sasl=("alice", PW))
    bob = client("bob", server=srv, sasl=("bob", PW))
    alice.send("JOIN #secret")
    alice.expect("366")
    alice.send("MODE #secret +i")
    alice.expect("MODE")
    atok = token_for(alice)
    status, h, _ = upload(srv, b"for members only", atok, query="?target=%23secret")
    assert status == 201
    p = path_of(h["location"])
    file_id = p.split("/")[2]
    assert request(srv, "GET", p)[0] == 401                                  # anonymous
    assert request(srv, "GET", p, headers={"Authorization": token_for(bob)})[0] == 403  # not a member
    status, _, body = request(srv, "GET", p, headers={"Authorization": atok})
    assert status == 200 and body == b"for members only"
    # A signed link works in a browser without credentials, until tampered with.
    alice.send("FILEHOST LINK " + file_id)
    m = alice.expect("FILEHOST")
    assert m.params[0] == "LINK" and m.params[1] == file_id
    signed = path_of(m.params[2])
    status, _, body = request(srv, "GET", signed)
    assert status == 200 and body == b"for members only"
    assert request(srv, "GET", signed[:-1] + ("0" if signed[-1] != "0" else "1"))[0] == 403
    # bob cannot get a link either.
    bob.send("FILEHOST LINK " + file_id)
    assert bob.expect("FAIL").params[:2] == ["FILEHOST", "NO_SUCH_FILE"]
    # Once invited and joined, bob reads it.
    alice.send("INVITE bob #secret")
    bob.expect("INVITE")
    bob.send("JOIN #secret")
    bob.expect("366")
    assert request(srv, "GET", p, headers={"Authorization": token_for(bob)})[0] == 200


def test_uploading_to_a_channel_you_are_not_in_is_403(fsrv, client):
    srv = fsrv()
    status, _, body = upload(srv, b"x", basic("alice", PW), query="?target=%23nowhere")
    assert status == 403


# ---------------------------------------------------------------- names

def test_traversal_and_control_characters_in_names_are_neutralised(fsrv):
    srv = fsrv()
    cd = "attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%01%E2%80%AEgpj.exe"
    status, h, _ = upload(srv, b"data", basic("alice", PW), extra={"Content-Disposition": cd})
    assert status == 201
    loc = h["location"]
    assert loc.endswith("/passwd__gpj.exe"), loc
    _, h, _ = request(srv, "GET", path_of(loc))
    assert 'filename="passwd__gpj.exe"' in h["content-disposition"]
    # Nothing was written outside the files directory.
    assert not os.path.exists(os.path.join(srv.data_dir, "etc"))


# ---------------------------------------------------------------- tus

TUS = {"Tus-Resumable": "1.0.0"}


def tus_create(srv, auth, length, name="big.bin", ftype="application/octet-stream"):
    md = "filename %s,filetype %s" % (base64.b64encode(name.encode()).decode(),
                                      base64.b64encode(ftype.encode()).decode())
    status, h, body = request(srv, "POST", "/files/tus",
                              headers=dict(TUS, **{"Authorization": auth, "Upload-Length": str(length),
                                                   "Upload-Metadata": md}))
    assert status == 201, body
    return path_of(h["location"])


def tus_patch(srv, auth, path, offset, data, checksum=None):
    headers = dict(TUS, **{"Authorization": auth, "Upload-Offset": str(offset),
                           "Content-Type": "application/offset+octet-stream"})
    if checksum is not None:
        headers["Upload-Checksum"] = "sha256 " + base64.b64encode(checksum).decode()
    return request(srv, "PATCH", path, body=data, headers=headers)


def tus_offset(srv, auth, path):
    status, h, _ = request(srv, "HEAD", path, headers=dict(TUS, Authorization=auth))
    assert status == 200
    return int(h["upload-offset"])


def test_tus_options_advertise_the_extensions(fsrv):
    srv = fsrv()
    status, h, _ = request(srv, "OPTIONS", "/files/tus")
    assert status == 204
    assert h["tus-version"] == "1.0.0"
    assert set(h["tus-extension"].split(",")) >= {"creation", "termination", "checksum", "expiration"}
    assert h["tus-checksum-algorithm"] == "sha256"


def test_tus_upload_resume_checksum_and_delete(fsrv):
    srv = fsrv()
    auth = basic("alice", PW)
    data = os.urandom(200000)
    p = tus_create(srv, auth, len(data), name="movie.mp4", ftype="video/mp4")
    assert tus_offset(srv, auth, p) == 0
    status, h, _ = tus_patch(srv, auth, p, 0, data[:70000])
    assert status == 204 and h["upload-offset"] == "70000"
    assert tus_offset(srv, auth, p) == 70000
    assert tus_patch(srv, auth, p, 0, data[:10])[0] == 409                          # wrong offset
    assert tus_patch(srv, auth, p, 70000, data[70000:90000], checksum=b"\0" * 32)[0] == 460
    assert tus_offset(srv, auth, p) == 70000                                         # bytes dropped
    status, h, _ = request(srv, "HEAD", p, headers={"Authorization": auth})
    assert status == 412                                                             # no Tus-Resumable
    assert request(srv, "HEAD", p, headers=dict(TUS, Authorization=basic("bob", PW)))[0] == 404
    rest = data[70000:]
    status, h, _ = tus_patch(srv, auth, p, 70000, rest, checksum=hashlib.sha256(rest).digest())
    assert status == 204 and h["upload-offset"] == str(len(data))
    loc = h["chatd-file-location"]
    status, h, got = request(srv, "GET", path_of(loc))
    assert status == 200 and sha(got) == sha(data)
    assert h["content-type"] == "video/mp4"
    assert request(srv, "HEAD", p, headers=dict(TUS, Authorization=auth))[0] == 404  # finished

    p2 = tus_create(srv, auth, 1000)
    assert request(srv, "DELETE", p2, headers=dict(TUS, Authorization=auth))[0] == 204
    assert request(srv, "HEAD", p2, headers=dict(TUS, Authorization=auth))[0] == 404


def test_tus_kill_minus_9_mid_upload_resumes_from_the_durable_offset(fsrv):
    srv = fsrv(files={"max_size": 64 << 20})
    auth = basic("alice", PW)
    data = os.urandom(30 << 20)
    p = tus_create(srv, auth, len(data))
    assert tus_patch(srv, auth, p, 0, data[: 10 << 20])[0] == 204
    # A second PATCH announcing the rest, of which 12 MiB arrive before chatd dies.
    ctx = tls_context(srv)
    s = ctx.wrap_socket(socket.create_connection((HOST, srv.https_port), timeout=30), server_hostname="localhost")
    s.sendall(("PATCH %s HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\nAuthorization: %s\r\n"
               "Content-Type: application/offset+octet-stream\r\nUpload-Offset: %d\r\nContent-Length: %d\r\n\r\n"
               % (p, auth, 10 << 20, len(data) - (10 << 20))).encode())
    s.sendall(data[10 << 20: 22 << 20])
    time.sleep(1.0)  # let chatd write and sync what arrived
    srv.kill()
    s.close()
    srv.restart()
    offset = tus_offset(srv, auth, p)
    # Durable every 8 MiB: at most 8 MiB of what arrived must be sent again.
    assert (22 << 20) - (8 << 20) <= offset <= (22 << 20), offset
    status, h, _ = tus_patch(srv, auth, p, offset, data[offset:])
    assert status == 204, h
    status, _, got = request(srv, "GET", path_of(h["chatd-file-location"]))
    assert status == 200 and sha(got) == sha(data)
    # The .part file is gone.
    assert os.listdir(os.path.join(srv.data_dir, "files", "tmp")) == []


# ---------------------------------------------------------------- the loop stays free

def test_a_stalled_download_does_not_stall_irc(fsrv, client):
    srv = fsrv(files={"max_size": 64 << 20})
    data = os.urandom(24 << 20)
    status, h, _ = upload(srv, data, basic("alice", PW))
    assert status == 201
    ctx = tls_context(srv)
    s = ctx.wrap_socket(socket.create_connection((HOST, srv.https_port), timeout=10), server_hostname="localhost")
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path_of(h["location"])).encode())
    s.recv(100)  # then never read again
    a = client("ann", server=srv)
    b = client("ben", server=srv)
    for i in range(20):
        t0 = time.monotonic()
        a.send("PRIVMSG ben :ping %d" % i)
        b.expect(lambda m, i=i: m.command == "PRIVMSG" and m.params[-1] == "ping %d" % i, timeout=2)
        assert time.monotonic() - t0 < 1.0
    s.close()


# ---------------------------------------------------------------- disk full

def test_disk_full_is_507_and_leaves_nothing(server, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mnt)], capture_output=True)
    if r.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: %s" % r.stderr.decode().strip())
    try:
        data_dir = mnt / "data"
        data_dir.mkdir()
        srv = server(http_listeners=True, server={"data_dir": str(data_dir)}, files={"max_size": 200 << 20})
        create_account(srv, "alice", PW)
        status, _, body = upload(srv, os.urandom(64 << 20), basic("alice", PW))
        assert status == 507, body
        leftovers = [os.path.join(d, f) for d, _, fs in os.walk(data_dir / "files") for f in fs]
        assert leftovers == []
        # chatd still works, and smaller files still fit.
        assert upload(srv, b"small", basic("alice", PW))[0] == 201
        srv.stop()
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


# ---------------------------------------------------------------- the message side

def test_file_tag_is_relayed_and_stored(fsrv, client):
    srv = fsrv()
    caps = ["message-tags", "server-time", "draft/chathistory", "batch"]
    a = client("alice", server=srv, caps=caps, sasl=("alice", PW))
    b = client("bob", server=srv, caps=caps, sasl=("bob", PW))
    _, h, _ = upload(srv, b"png bytes", basic("alice", PW), name="cat.png", ctype="image/png", query="?target=%23general")
    loc = h["location"]
    tag = "name=cat.png,size=9,type=image/png"
    a.send("@+chatd.dev/file=%s PRIVMSG #general :%s" % (tag, loc))
    m = b.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == loc)
    assert m.tags.get("+chatd.dev/file") == tag
    b.send("CHATHISTORY LATEST #general * 5")
    m = b.expect(lambda m: m.command == "PRIVMSG" and m.params[-1] == loc)
    assert m.tags.get("+chatd.dev/file") == tag


# ---------------------------------------------------------------- chatctl

def test_chatctl_files_list_quota_and_delete(fsrv):
    chatctl = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(chatd_binary()))), "chatctl", "chatctl")
    if not os.access(chatctl, os.X_OK):
        pytest.skip("chatctl not built next to CHATD")
    srv = fsrv()
    _, h, _ = upload(srv, b"delete me", basic("alice", PW), name="d.txt", ctype="text/plain")
    p = path_of(h["location"])
    file_id = p.split("/")[2]
    run = lambda *a: subprocess.run([chatctl, "--config", srv.config_path] + list(a), capture_output=True,
                                    text=True, timeout=30)
    out = run("files", "list")
    assert out.returncode == 0 and file_id in out.stdout and "d.txt" in out.stdout
    out = run("files", "quota", "alice")
    assert out.returncode == 0 and "9" in out.stdout
    out = run("files", "delete", file_id)
    assert out.returncode == 0, out.stderr
    assert request(srv, "GET", p)[0] == 404
    assert run("files", "delete", file_id).returncode != 0
