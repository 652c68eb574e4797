"""TLS listeners: protocol versions, registration over TLS, certificate
reload on SIGHUP.

Specs: RFC 7194 (IRC over TLS), RFC 8996 (TLS 1.0/1.1 deprecated), Modern IRC
RPL_WHOISSECURE (671).
"""

import os
import shutil
import socket
import ssl
import threading
import time

import pytest

from conftest import make_cert
from ircclient import IRCClient


def tls_connect(srv, version=None, cafile=None, ciphers=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile or srv.cert)
    if version is not None:
        ctx.minimum_version = version
        ctx.maximum_version = version
    if ciphers:
        ctx.set_ciphers(ciphers)
    raw = socket.create_connection((srv.host, srv.tls_port), timeout=5)
    try:
        return ctx.wrap_socket(raw, server_hostname="localhost")
    except Exception:
        raw.close()
        raise


def peer_der(srv, cafile=None):
    s = tls_connect(srv, cafile=cafile)
    try:
        return s.getpeercert(binary_form=True)
    finally:
        s.close()


def pem_to_der(path):
    with open(path) as f:
        return ssl.PEM_cert_to_DER_cert(f.read())


@pytest.mark.parametrize("version,name", [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"),
                                          (ssl.TLSVersion.TLSv1_3, "TLSv1.3")])
def test_tls_versions_accepted(srv, version, name):
    """TLS 1.2 and 1.3 handshakes succeed, the certificate verifies for
    localhost, and IRC works over them."""
    s = tls_connect(srv, version)
    try:
        assert s.version() == name
        s.settimeout(5)
        s.sendall(b"NICK tlsuser\r\nUSER t 0 * :T\r\n")
        data = b""
        deadline = time.monotonic() + 5
        while b" 001 " not in data and time.monotonic() < deadline:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        assert b" 001 tlsuser " in data
    finally:
        s.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls11_refused(srv, tmp_path):
    """RFC 8996: TLS 1.0/1.1 MUST NOT be negotiated; a TLS 1.1-only client is
    refused at the handshake."""
    cert, key = make_cert(str(tmp_path), "probe")
    try:
        sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sctx.minimum_version = ssl.TLSVersion.TLSv1_1
        sctx.maximum_version = ssl.TLSVersion.TLSv1_1
        sctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        sctx.load_cert_chain(cert, key)
    except (ssl.SSLError, ValueError) as e:
        pytest.skip("local OpenSSL cannot do TLS 1.1: %s" % e)
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]
    result = {}

    def serve():
        lsock.settimeout(5)
        try:
            conn, _ = lsock.accept()
            with sctx.wrap_socket(conn, server_side=True) as tls:
                result["version"] = tls.version()
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    t = threading.Thread(target=serve)
    t.start()
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.load_verify_locations(cert)
    cctx.minimum_version = ssl.TLSVersion.TLSv1_1
    cctx.maximum_version = ssl.TLSVersion.TLSv1_1
    cctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    try:
        with cctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                              server_hostname="localhost") as c:
            probe_ok = c.version() == "TLSv1.1"
    except (ssl.SSLError, OSError):
        probe_ok = False
    t.join(10)
    lsock.close()
    if not probe_ok:
        pytest.skip("this OpenSSL build cannot negotiate TLS 1.1 even locally")
    # The real check: the daemon refuses it.
    with pytest.raises((ssl.SSLError, ConnectionResetError, BrokenPipeError)):
        s = tls_connect(srv, ssl.TLSVersion.TLSv1_1, ciphers="DEFAULT:@SECLEVEL=0")
        s.close()
    # and still serves modern clients
    s = tls_connect(srv)
    assert s.version() in ("TLSv1.2", "TLSv1.3")
    s.close()


def test_registration_over_tls(srv, client):
    """Registration with CAP negotiation, JOIN and messaging over TLS, with
    a plain-TCP peer."""
    t = client("secure", tls=True, caps=["server-time", "message-tags", "echo-message"])
    assert t.sock.version() in ("TLSv1.2", "TLSv1.3")
    p = client("plain")
    t.send("JOIN #tls")
    t.expect("366")
    p.send("JOIN #tls")
    p.expect("366")
    t.send("PRIVMSG #tls :over tls")
    assert t.expect("PRIVMSG").params == ["#tls", "over tls"]
    assert p.expect("PRIVMSG").params == ["#tls", "over tls"]
    p.send("PRIVMSG #tls :" + "long " * 80)
    m = t.expect("PRIVMSG")
    assert m.params[-1].startswith("long long") and "time" in m.tags


def test_whois_secure(srv, client):
    """Modern IRC 671 RPL_WHOISSECURE for TLS users only."""
    t = client("secure", tls=True)
    p = client("plain")
    p.send("WHOIS secure")
    assert [m for m in p.collect_until("318") if m.command == "671"]
    t.send("WHOIS plain")
    assert not [m for m in t.collect_until("318") if m.command == "671"]


def test_sighup_reloads_certificate(server, client, tmp_path):
    """SIGHUP re-reads the certificate: a connected TLS client is not dropped,
    new connections get the replacement certificate."""
    d = str(tmp_path / "certs")
    os.makedirs(d)
    cert_a, key_a = make_cert(d, "a", cn="localhost")
    cert_b, key_b = make_cert(d, "b", cn="localhost")
    live_cert = os.path.join(d, "live.pem")
    live_key = os.path.join(d, "live-key.pem")
    shutil.copy(cert_a, live_cert)
    shutil.copy(key_a, live_key)
    srv = server(tls={"certificate": live_cert, "key": live_key})
    old = IRCClient(srv.host, srv.tls_port, tls=True, cafile=cert_a, name="old")
    old.register("oldtimer", wait_channels=srv.auto_join)
    assert peer_der(srv, cafile=cert_a) == pem_to_der(cert_a)

    # replace the files atomically, then SIGHUP
    shutil.copy(cert_b, live_cert + ".new")
    shutil.copy(key_b, live_key + ".new")
    os.replace(live_key + ".new", live_key)
    os.replace(live_cert + ".new", live_cert)
    srv.reload()

    deadline = time.monotonic() + 5
    got = None
    while time.monotonic() < deadline:
        try:
            got = peer_der(srv, cafile=cert_b)
            if got == pem_to_der(cert_b):
                break
        except ssl.SSLError:
            pass
        time.sleep(0.1)
    assert got == pem_to_der(cert_b), "new connections still see the old certificate"
    assert srv.alive()
    old.send("PING :after-reload")
    assert old.expect("PONG").params[-1] == "after-reload"
    new = IRCClient(srv.host, srv.tls_port, tls=True, cafile=cert_b, name="new")
    new.register("newcomer", wait_channels=srv.auto_join)
    new.send("PRIVMSG oldtimer :hi from the new cert")
    m = old.expect("PRIVMSG")
    assert m.params == ["oldtimer", "hi from the new cert"]
    old.close()
    new.close()


def test_sighup_with_broken_certificate_keeps_serving(server, client, tmp_path):
    """A reload that fails (unreadable/garbage certificate) must not take the
    daemon down; TLS keeps working with the previous certificate."""
    d = str(tmp_path / "certs")
    os.makedirs(d)
    cert_a, key_a = make_cert(d, "a")
    live_cert = os.path.join(d, "live.pem")
    live_key = os.path.join(d, "live-key.pem")
    shutil.copy(cert_a, live_cert)
    shutil.copy(key_a, live_key)
    srv = server(tls={"certificate": live_cert, "key": live_key})
    old = IRCClient(srv.host, srv.tls_port, tls=True, cafile=cert_a, name="old")
    old.register("stayer", wait_channels=srv.auto_join)
    with open(live_cert, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    srv.reload()
    time.sleep(0.5)
    assert srv.alive(), srv.stderr()
    old.send("PING :still")
    assert old.expect("PONG").params[-1] == "still"
    assert peer_der(srv, cafile=cert_a) == pem_to_der(cert_a)
    old.close()


def test_sighup_keeps_plain_clients(srv, client):
    """SIGHUP is a reload, not a restart: connected clients stay."""
    a = client("alice")
    srv.reload()
    time.sleep(0.3)
    a.send("PING :hup")
    assert a.expect("PONG").params[-1] == "hup"
    assert srv.alive()
