#!/bin/sh
# README command 1: install build dependencies, build chatd, write a dev
# config and a self-signed certificate under ./var/, and run chatd in the
# foreground with TLS on 127.0.0.1:6697, plaintext on 127.0.0.1:6667, and
# HTTPS with file sharing on 127.0.0.1:8443 (doc/files.md).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh build
[ -x configure ] || ./autogen.sh
mkdir -p build
[ -f build/Makefile ] || (cd build && ../configure -q)
make -C build -j2 src/chatd/chatd src/chatctl/chatctl >/dev/null

mkdir -p var/tls var/data
if [ ! -f var/tls/cert.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 \
    -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
    -keyout var/tls/key.pem -out var/tls/cert.pem 2>/dev/null
fi
[ -f var/motd ] || cp etc/motd var/motd
if [ ! -f var/chatd.conf ]; then
  cat > var/chatd.conf <<CONF
# Development configuration written by scripts/dev-run.sh (paths are relative to this file).
[server]
name = "localhost"
network = "chatd-dev"
data_dir = "data"
motd_file = "motd"

[channels]
auto_join = ["#general"]

[[listen]]
address = "127.0.0.1:6667"
tls = false

[[listen]]
address = "127.0.0.1:6697"
tls = true

# HTTPS: file sharing (FILEHOST, tus, downloads; doc/files.md).
[[listen]]
address = "127.0.0.1:8443"
tls = true
protocol = "http"

[tls]
certificate = "tls/cert.pem"
key = "tls/key.pem"

[flood]
exempt = ["127.0.0.1", "::1"]

[files]
enabled = true
guests_may_upload = true

[control]
# chatctl --config var/chatd.conf status
socket = "control.sock"
CONF
elif ! grep -q 'protocol = "http"' var/chatd.conf; then
  # A config from before file sharing: add the HTTPS listener.
  cat >> var/chatd.conf <<CONF

# Added by scripts/dev-run.sh: HTTPS with file sharing (doc/files.md).
[[listen]]
address = "127.0.0.1:8443"
tls = true
protocol = "http"
CONF
fi
cat <<MSG
chatd is starting in the foreground (Ctrl-C stops it). Connect with:
  irssi:   irssi -c 127.0.0.1 -p 6697 --tls --tls_cafile $top/var/tls/cert.pem
           (or plaintext: irssi -c 127.0.0.1 -p 6667)
  WeeChat: /server add chatd 127.0.0.1/6697 -tls -tls_verify=off
           /connect chatd
  admin:   build/src/chatctl/chatctl --config var/chatd.conf status
  files:   https://127.0.0.1:8443/upload (FILEHOST; log in, then e.g.
           curl --cacert var/tls/cert.pem -u ACCOUNT:PASSWORD -H 'Content-Type: image/png' \\
             -H 'Content-Disposition: attachment; filename="cat.png"' --data-binary @cat.png \\
             https://127.0.0.1:8443/upload)
  web IRC: wss://127.0.0.1:8443/irc (IRC over WebSocket, text.ircv3.net or
           binary.ircv3.net; pages of https://127.0.0.1:8443 only, see
           [http] websocket_origins in doc/http.md)
MSG
exec build/src/chatd/chatd --config var/chatd.conf --foreground
