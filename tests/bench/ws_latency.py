#!/usr/bin/python3
"""ws_latency.py: IRC over WebSocket measured against IRC over TCP in one
run (issue 13, doc/performance.md "WebSocket").

  latency  One IRC client on plain TCP sends PRIVMSG #bench at --rate
           messages/s for --seconds; three receivers in the channel, each
           its own process: a TCP IRC client (the reference), a WebSocket
           client on /irc (TLS, text.ircv3.net) and one with
           permessage-deflate. Each message carries its send time
           (CLOCK_MONOTONIC, shared by the processes); a receiver records
           now - sent for every message. Prints p50/p99/p99.9/max per receiver.
  ratios   The same sample as chatd sends it (tags, prefix) compressed
           offline with zlib under four permessage-deflate settings: chatd's
           (window 2^11, memLevel 4, context takeover), zlib's defaults
           (2^15, 8), and each without context takeover.
  deflate  --fanout WebSocket receivers (TLS), first without and then with
           permessage-deflate, get --deflate-seconds of a synthetic chat
           sample at --deflate-rate messages/s, with the message-tags and
           server-time caps a modern client asks for. Prints the payload
           bytes on the wire and inflated, and chatd's CPU time (utime +
           stime from /proc) per 1,000 deliveries for each.

The chat sample is synthetic (seeded): words drawn Zipf-like from a small
English vocabulary, line lengths from a long-tailed distribution (median
37 characters, 90th percentile 91), 30 speakers; see sample_line().

usage: tests/bench/ws_latency.py [--rate 1000] [--seconds 10] [--fanout 20]
         [--deflate-rate 200] [--deflate-seconds 10] [--chatd PATH]
CHATD (default build/src/chatd/chatd) may name the binary. Everything runs on
127.0.0.1; chatd gets core 0 and the clients core 1 when taskset exists.
"""

import argparse
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))

from ircclient import IRCClient  # noqa: E402
from wsclient import OP_BINARY, OP_CLOSE, OP_TEXT, RawWs  # noqa: E402

HOST = "127.0.0.1"
CHANNEL = "#bench"

WORDS = ("the I you to a and it is that of in for on me we this my so not be have are with "
         "just do at but what can was if it's no get all like your they up out about one "
         "know think good yes ok right now there how see will when then here go time would "
         "should build test server deploy fix bug merge branch patch review meeting tomorrow "
         "today lunch coffee thanks thank please sure maybe later works broken again log "
         "error config release ticket issue channel message client update version wait "
         "done looks great nice lol haha yeah hmm well also because still really back").split()


def sample_line(rng):
    """One chat line of the synthetic sample."""
    n = max(1, min(60, int(rng.lognormvariate(2.4, 0.7))))
    words = [WORDS[min(len(WORDS) - 1, int(rng.paretovariate(1.1)) - 1)] for _ in range(n)]
    return " ".join(words)


def offline_ratios(lines):
    """Compressed/raw bytes of the sample under several settings (zlib)."""
    import zlib
    rng = random.Random(7)
    wire = []
    for i, text in enumerate(lines):
        nick = "user%d" % rng.randrange(30)
        msgid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(22))
        wire.append(("@msgid=%s;time=2026-12-08T00:%02d:%02d.%03dZ :%s!~%s@127.0.0.1 PRIVMSG #bench :%s"
                     % (msgid, i // 600 % 60, i // 10 % 60, i % 1000, nick, nick, text)).encode())
    raw = sum(len(w) for w in wire)
    print("\nratios: %d lines as sent to a message-tags client, %d bytes, mean %.0f bytes"
          % (len(wire), raw, raw / len(wire)))
    print("%-40s %10s %8s" % ("setting", "bytes", "ratio"))
    for name, wbits, mem, takeover in (("window 2^11, memLevel 4, takeover (chatd)", 11, 4, True),
                                       ("window 2^15, memLevel 8, takeover", 15, 8, True),
                                       ("window 2^11, no context takeover", 11, 4, False),
                                       ("window 2^15, no context takeover", 15, 8, False)):
        c = zlib.compressobj(6, zlib.DEFLATED, -wbits, mem)
        total = 0
        for w in wire:
            if not takeover:
                c = zlib.compressobj(6, zlib.DEFLATED, -wbits, mem)
            out = c.compress(w) + c.flush(zlib.Z_SYNC_FLUSH)
            # chatd sends a message uncompressed when that is shorter (only
            # allowed without context takeover).
            total += min(len(out) - 4, len(w)) if not takeover else len(out) - 4
        print("%-40s %10d %8.3f" % (name, total, total / raw))


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, int(round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[k]


# ---------------------------------------------------------------- the server

class Chatd:
    def __init__(self, binary, directory):
        self.dir = directory
        self.irc_port = free_port()
        self.https_port = free_port()
        self.cert = os.path.join(directory, "cert.pem")
        key = os.path.join(directory, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=localhost", "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", key, "-out", self.cert],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.makedirs(os.path.join(directory, "data"))
        conf = os.path.join(directory, "chatd.conf")
        with open(conf, "w") as f:
            f.write("""[server]
name = "bench.test"
data_dir = "%s"
[channels]
auto_join = ["%s"]
[[listen]]
address = "%s:%d"
[[listen]]
address = "%s:%d"
tls = true
protocol = "http"
[tls]
certificate = "%s"
key = "%s"
[limits]
max_per_ip = 1000
sendq = 8388608
[http]
max_per_ip = 1000
[flood]
exempt = ["127.0.0.1"]
[control]
socket = "%s"
[log]
level = "warning"
""" % (os.path.join(directory, "data"), CHANNEL, HOST, self.irc_port, HOST, self.https_port, self.cert, key,
                os.path.join(directory, "control.sock")))
        cmd = [binary, "--config", conf, "--foreground"]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", "0"] + cmd
        self.proc = subprocess.Popen(cmd, stderr=open(os.path.join(directory, "stderr.log"), "w"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, self.https_port), timeout=1).close()
                socket.create_connection((HOST, self.irc_port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit("chatd did not start; see %s/stderr.log" % directory)

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# ---------------------------------------------------------------- clients

def parse_privmsg(line):
    """(seq, sent_ns) of a bench PRIVMSG line, or None."""
    rest = line.split(b" PRIVMSG ", 1)
    if len(rest) < 2 or b" :" not in rest[1]:
        return None
    parts = rest[1].split(b" :", 1)[1].split(b" ", 2)
    if len(parts) < 2 or not parts[0].isdigit():
        return None
    return int(parts[0]), int(parts[1])


def receiver(kind, srv, nick, caps, total, ready, results):
    """One receiving client in its own process: kind "tcp", "ws" or "ws-deflate"."""
    latencies = []
    if kind == "tcp":
        c = IRCClient(HOST, srv["irc_port"], name=nick)
        c.register(nick, caps=caps or None, wait_channels=[CHANNEL])
        sock, buf = c.sock, c._buf
        ready.put(nick)
        sock.settimeout(30)
        seen = 0
        while seen < total:
            data = sock.recv(262144)
            if not data:
                break
            now = time.monotonic_ns()
            buf += data
            *lines, buf = buf.split(b"\r\n")
            for line in lines:
                p = parse_privmsg(line)
                if p:
                    latencies.append(now - p[1])
                    seen += 1
        results.put((nick, kind, latencies, 0, 0))
        return
    ws = RawWs(HOST, srv["https_port"], srv["cert"], protocols=["text.ircv3.net"],
               extensions="permessage-deflate; client_max_window_bits" if kind == "ws-deflate" else None)
    assert (kind == "ws-deflate") == ws.deflate
    if caps:
        ws.send_text("CAP REQ :" + " ".join(caps))
        ws.send_text("CAP END")
    ws.send_text("NICK " + nick)
    ws.send_text("USER %s 0 * :bench" % nick)
    while True:
        _, _, op, payload = ws.recv_frame(30)
        if op in (OP_TEXT, OP_BINARY) and b" 366 " in payload:
            break
    ready.put(nick)
    seen = 0
    start_wire = ws.wire_bytes
    inflated = 0
    while seen < total:
        _, _, op, payload = ws.recv_frame(30)
        now = time.monotonic_ns()
        if op == OP_CLOSE:
            break
        if op not in (OP_TEXT, OP_BINARY):
            continue
        if payload.startswith(b"PING"):
            ws.send_text(b"PONG" + payload[4:])
            continue
        p = parse_privmsg(payload)
        if p:
            latencies.append(now - p[1])
            inflated += len(payload)
            seen += 1
    results.put((nick, kind, latencies, ws.wire_bytes - start_wire, inflated))


def send_traffic(srv, rate, total, lines):
    sender = IRCClient(HOST, srv["irc_port"], name="sender")
    sender.register("sender", wait_channels=[CHANNEL])
    sock = sender.sock
    t0 = time.monotonic()
    for i in range(total):
        target = t0 + i / rate
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        text = lines[i % len(lines)]
        sock.sendall(b"PRIVMSG %s :%d %d %s\r\n" % (CHANNEL.encode(), i, time.monotonic_ns(), text.encode()))
    return time.monotonic() - t0


def run(srv, kinds, caps, rate, total, lines, chatd):
    ready, results = mp.Queue(), mp.Queue()
    procs = []
    for i, kind in enumerate(kinds):
        p = mp.Process(target=receiver, args=(kind, srv, "r%d%s" % (i, kind.replace("-", "")), caps, total,
                                              ready, results))
        p.start()
        procs.append(p)
    for _ in kinds:
        ready.get(timeout=60)
    cpu0 = chatd.cpu_seconds()
    elapsed = send_traffic(srv, rate, total, lines)
    out = [results.get(timeout=120) for _ in kinds]
    cpu = chatd.cpu_seconds() - cpu0
    for p in procs:
        p.join(10)
    return out, cpu, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--fanout", type=int, default=20)
    ap.add_argument("--deflate-rate", type=float, default=200)
    ap.add_argument("--deflate-seconds", type=float, default=10)
    ap.add_argument("--chatd", default=os.environ.get("CHATD", os.path.join(TOP, "build/src/chatd/chatd")))
    args = ap.parse_args()
    if shutil.which("taskset"):
        os.sched_setaffinity(0, {1} if os.cpu_count() > 1 else {0})
    rng = random.Random(13)
    lines = [sample_line(rng) for _ in range(5000)]
    offline_ratios(lines)
    directory = tempfile.mkdtemp(prefix="ws-latency.")
    chatd = Chatd(args.chatd, directory)
    srv = {"irc_port": chatd.irc_port, "https_port": chatd.https_port, "cert": chatd.cert}
    try:
        total = int(args.rate * args.seconds)
        out, cpu, elapsed = run(srv, ["tcp", "ws", "ws-deflate"], [], args.rate, total, lines, chatd)
        print("latency: PRIVMSG over TCP -> receivers, %d messages at %.0f/s (sent in %.2f s)"
              % (total, args.rate, elapsed))
        print("%-12s %8s %8s %8s %8s %8s" % ("receiver", "got", "p50 ms", "p99 ms", "p99.9 ms", "max ms"))
        for nick, kind, lat, _, _ in sorted(out, key=lambda r: r[1]):
            lat.sort()
            ms = [x / 1e6 for x in lat]
            print("%-12s %8d %8.3f %8.3f %8.3f %8.3f" % (kind, len(lat), percentile(ms, 50), percentile(ms, 99),
                                                        percentile(ms, 99.9), ms[-1] if ms else float("nan")))
        dtotal = int(args.deflate_rate * args.deflate_seconds)
        caps = ["message-tags", "server-time"]
        print("\ndeflate: %d WebSocket receivers, %d messages at %.0f/s, caps %s"
              % (args.fanout, dtotal, args.deflate_rate, " ".join(caps)))
        print("%-12s %12s %12s %8s %14s %10s" % ("mode", "wire bytes", "inflated", "ratio", "CPU ms/1000 dlv", "p99 ms"))
        for kind in ("ws", "ws-deflate"):
            out, cpu, _ = run(srv, [kind] * args.fanout, caps, args.deflate_rate, dtotal, lines, chatd)
            wire = sum(r[3] for r in out)
            raw = sum(r[4] for r in out)
            deliveries = sum(len(r[2]) for r in out)
            lat = sorted(x / 1e6 for r in out for x in r[2])
            print("%-12s %12d %12d %8.3f %14.2f %10.3f" % (kind, wire, raw, wire / raw if raw else 0,
                                                        cpu * 1e6 / max(1, deliveries), percentile(lat, 99)))
    finally:
        chatd.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
