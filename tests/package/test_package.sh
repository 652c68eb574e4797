#!/bin/sh
# Package test (issues 4 and 5): builds the Debian packages chatd and
# chat-gtk from this source tree and runs lintian on both. Installs chat-gtk
# with apt, checks its files (binary, desktop entry, icons, AppStream
# metadata, man page) and validators, and purges it. Installs chatd, starts
# it the way the systemd unit's ExecStart does (CI has no systemd:
# User/Group, RuntimeDirectory, UMask and NOTIFY_SOCKET are set up by hand),
# drives it with chatctl and a TLS client using the generated certificate,
# stops it, then removes and purges the package.
#
# Exit status: 0 passed, 1 failed, 77 skipped (not root, or a chatd or
# chat-gtk package or something on ports 6697/6667 that this test did not
# install).
# Needs root and the build tools of `scripts/deps.sh test`. Takes 2-5
# minutes, nearly all of it compiling.
#
# Environment: CHAT_SRCDIR (the source tree; default: two levels up from
# this script), CHAT_PACKAGE_KEEP=1 keeps the work directory.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${CHAT_SRCDIR:-$(dirname "$(dirname "$here")")}
marker=/var/lib/chatd-package-test.installed   # "this test installed chatd"
gtk_marker=/var/lib/chat-gtk-package-test.installed   # "this test installed chat-gtk"
notify_sock=/run/chatd-package-test-notify.sock
backup_dir=/var/backups/chatd/package-test-backup

say() { echo "package test: $*"; }
skip() { say "SKIPPED: $*"; exit 77; }

if [ "$(id -u)" != 0 ]; then
  skip "needs root (it installs and purges the chatd package); run as root to include it"
fi
for tool in dpkg-buildpackage dh apt-get python3 openssl setpriv timeout; do
  command -v "$tool" >/dev/null 2>&1 || { say "FAILED: $tool missing (sh scripts/deps.sh test)"; exit 1; }
done
if dpkg-query -W -f='${Status}' chatd 2>/dev/null | grep -q "ok installed" && [ ! -e "$marker" ]; then
  skip "a chatd package this test did not install is installed; not touching it"
fi
if dpkg-query -W -f='${Status}' chat-gtk 2>/dev/null | grep -q "ok installed" && [ ! -e "$gtk_marker" ]; then
  skip "a chat-gtk package this test did not install is installed; not touching it"
fi

work=$(mktemp -d /tmp/chatd-package-test.XXXXXX)
daemon_pid=""
notify_pid=""
failed=0

cleanup() {
  if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -KILL "$daemon_pid" 2>/dev/null
  fi
  if [ -n "$notify_pid" ] && kill -0 "$notify_pid" 2>/dev/null; then
    kill "$notify_pid" 2>/dev/null
  fi
  rm -f "$notify_sock"
  rm -rf "$backup_dir"
  if [ -e "$marker" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chatd >>"$work/apt.log" 2>&1
    rm -f "$marker"
  fi
  if [ -e "$gtk_marker" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chat-gtk >>"$work/apt.log" 2>&1
    rm -f "$gtk_marker"
  fi
  if [ "${CHAT_PACKAGE_KEEP:-0}" = 1 ] || [ "$failed" != 0 ]; then
    say "work directory kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  failed=1
  say "FAILED: $*"
  exit 1
}
ok() { say "ok - $*"; }

# Waits up to $1 seconds for the shell command $2 (run with eval, so it may
# use the functions here) to succeed.
wait_for() {
  _deadline=$(( $(date +%s) + $1 ))
  while ! eval "$2" >/dev/null 2>&1; do
    [ "$(date +%s)" -ge "$_deadline" ] && return 1
    sleep 0.2
  done
  return 0
}

# True when process $1 has exited (a zombie counts: only its parent may reap it).
gone() {
  _state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
  [ -z "$_state" ] || [ "$_state" = Z ]
}

port_listening() {
  python3 - "$1" <<'PY'
import sys
port = int(sys.argv[1])
for path in ("/proc/net/tcp", "/proc/net/tcp6"):
    try:
        with open(path) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
}

# A leftover of an interrupted run goes first.
if [ -e "$marker" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chatd >/dev/null 2>&1
  rm -f "$marker"
fi
if [ -e "$gtk_marker" ]; then
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chat-gtk >/dev/null 2>&1
  rm -f "$gtk_marker"
fi
for port in 6697 6667; do
  port_listening "$port" && skip "port $port is in use (the packaged configuration listens on 6697 and 6667)"
done

# ---------------------------------------------------------------- build
mkdir -p "$work/src"
if git -C "$srcdir" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new files, as the tree stands (uncommitted changes included).
  (cd "$srcdir" && git ls-files -co --exclude-standard -z | grep -zv -e '^debian/chatd/' -e '^debian/chat-gtk/' -e '^configure~$' |
     tar --null -T - -cf -) | tar -xf - -C "$work/src" || fail "copying the source tree"
else
  (cd "$srcdir" && tar --exclude='./build*' --exclude=./.git --exclude=./debian/chatd \
     --exclude=./debian/chat-gtk --exclude=./debian/tmp --exclude=./debian/.debhelper -cf - .) | tar -xf - -C "$work/src" || fail "copying the source tree"
fi
start=$(date +%s)
unset MAKEFLAGS MAKELEVEL MFLAGS DEB_BUILD_PROFILES
# noopt: this test checks the packaging, not the optimizer; -O0 halves the
# compile time of the Beast and gtkmm units (CI time).
if ! (cd "$work/src" && DEB_BUILD_OPTIONS="nocheck noopt parallel=2" \
        timeout 1200 dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
  tail -40 "$work/build.log"
  fail "dpkg-buildpackage (log: $work/build.log)"
fi
deb=$(ls "$work"/chatd_*.deb 2>/dev/null | grep -v dbgsym | head -1)
[ -n "$deb" ] || fail "no chatd_*.deb built"
gtk_deb=$(ls "$work"/chat-gtk_*.deb 2>/dev/null | head -1)
[ -n "$gtk_deb" ] || fail "no chat-gtk_*.deb built"
ok "built $(basename "$deb") and $(basename "$gtk_deb") in $(( $(date +%s) - start )) s"

contents=$(dpkg-deb -c "$deb")
for f in ./usr/sbin/chatd ./etc/chatd/chatd.conf ./etc/chatd/motd ./lib/systemd/system/chatd.service \
         ./usr/share/man/man8/chatd.8.gz ./usr/share/man/man8/chatctl.8.gz \
         ./usr/share/man/man5/chatd.conf.5.gz ./usr/share/doc/chatd/protocol.md.gz; do
  echo "$contents" | grep -q " $f\$" || echo "$contents" | grep -q " $f -> " || fail "$f missing from the package"
done
if echo "$contents" | grep -q ' ./usr/sbin/chatctl$'; then have_chatctl=1; else have_chatctl=0; fi
# Each package has only its own files: nothing of chat-gtk in chatd.
echo "$contents" | grep -Eq 'chat-gtk|ChatGtk|/usr/share/(applications|icons|metainfo)/' &&
  fail "chatd contains chat-gtk files: $(echo "$contents" | grep -E 'chat-gtk|ChatGtk')"
gtk_files="./usr/bin/chat-gtk ./usr/share/applications/dev.chatd.ChatGtk.desktop
  ./usr/share/icons/hicolor/scalable/apps/dev.chatd.ChatGtk.svg
  ./usr/share/icons/hicolor/symbolic/apps/dev.chatd.ChatGtk-symbolic.svg
  ./usr/share/metainfo/dev.chatd.ChatGtk.metainfo.xml ./usr/share/man/man1/chat-gtk.1.gz"
gtk_contents=$(dpkg-deb -c "$gtk_deb")
for f in $gtk_files; do
  echo "$gtk_contents" | grep -q " $f\$" || fail "$f missing from the chat-gtk package"
done
echo "$gtk_contents" | grep -Eq ' \./(usr/sbin|etc|lib)/' &&
  fail "chat-gtk contains chatd files: $(echo "$gtk_contents" | grep -E ' \./(usr/sbin|etc|lib)/')"
gtk_depends=$(dpkg-deb -f "$gtk_deb" Depends)
echo "$gtk_depends" | grep -q 'glib-networking' || fail "chat-gtk does not depend on glib-networking: $gtk_depends"
echo "$gtk_depends" | grep -q 'libgtkmm-4.0' || fail "chat-gtk has no shlibs dependency on gtkmm: $gtk_depends"
dpkg-deb -f "$gtk_deb" Recommends | grep -q 'gnome-keyring' || fail "chat-gtk does not recommend gnome-keyring"
ok "package contents (chatd, chat-gtk)"

if command -v lintian >/dev/null 2>&1; then
  changes=$(ls "$work"/chatd_*.changes | head -1)
  lintian --fail-on error "$changes" >"$work/lintian.log" 2>&1
  rc=$?
  if [ "$rc" != 0 ] || grep -q '^E:' "$work/lintian.log"; then
    cat "$work/lintian.log"
    fail "lintian reports errors"
  fi
  ok "lintian: no errors in chatd and chat-gtk ($(grep -c '^W:' "$work/lintian.log") warnings)"
else
  say "lintian not installed: not checked"
fi

# ---------------------------------------------------------------- chat-gtk
touch "$gtk_marker"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$gtk_deb" >"$work/apt.log" 2>&1; then
  tail -30 "$work/apt.log"
  fail "apt-get install chat-gtk"
fi
ok "installed chat-gtk with apt-get"
for f in $gtk_files; do
  f=${f#.}
  [ -f "$f" ] && [ -s "$f" ] || fail "$f not installed"
done
[ -x /usr/bin/chat-gtk ] || fail "/usr/bin/chat-gtk is not executable"
if ldd /usr/bin/chat-gtk | grep -q 'not found'; then
  ldd /usr/bin/chat-gtk
  fail "chat-gtk has unresolved libraries"
fi
# gtkmm initialises GTK, which needs a display, before parsing options.
if command -v xvfb-run >/dev/null 2>&1; then
  help=$(timeout 60 xvfb-run -a /usr/bin/chat-gtk --help 2>&1) ||
    { echo "$help"; fail "chat-gtk --help failed"; }
  echo "$help" | grep -q -- '--server' || { echo "$help"; fail "chat-gtk --help does not show --server"; }
else
  say "xvfb-run not installed: chat-gtk --help not run"
fi
desktop=/usr/share/applications/dev.chatd.ChatGtk.desktop
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
else
  fail "desktop-file-validate missing (sh scripts/deps.sh test)"
fi
grep -qx 'Exec=chat-gtk' "$desktop" || fail "$desktop: Exec is not chat-gtk"
grep -qx 'Icon=dev.chatd.ChatGtk' "$desktop" || fail "$desktop: Icon is not the application id"
if command -v appstreamcli >/dev/null 2>&1; then
  appstreamcli validate --no-net /usr/share/metainfo/dev.chatd.ChatGtk.metainfo.xml >"$work/appstream.log" 2>&1 ||
    { cat "$work/appstream.log"; fail "appstreamcli validate"; }
else
  say "appstreamcli not installed: metainfo not validated"
fi
LC_ALL=C man -l /usr/share/man/man1/chat-gtk.1.gz 2>/dev/null | grep -q -- '--no-tls' ||
  fail "the chat-gtk man page does not render or lacks --no-tls"
ok "chat-gtk files, desktop-file-validate, AppStream, --help, man page"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chat-gtk >>"$work/apt.log" 2>&1 || fail "apt-get purge chat-gtk"
rm -f "$gtk_marker"
[ ! -e /usr/bin/chat-gtk ] || fail "/usr/bin/chat-gtk still there after purge"
ok "apt-get purge chat-gtk"

# ---------------------------------------------------------------- install
touch "$marker"
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >"$work/apt.log" 2>&1; then
  tail -30 "$work/apt.log"
  fail "apt-get install"
fi
ok "installed with apt-get"

getent passwd chatd >/dev/null || fail "no user chatd"
getent group chatd >/dev/null || fail "no group chatd"
[ "$(stat -c '%a %U:%G' /var/lib/chatd)" = "750 chatd:chatd" ] ||
  fail "/var/lib/chatd is $(stat -c '%a %U:%G' /var/lib/chatd), want 750 chatd:chatd"
[ "$(stat -c '%a %U:%G' /etc/chatd/tls/privkey.pem)" = "640 root:chatd" ] ||
  fail "privkey.pem is $(stat -c '%a %U:%G' /etc/chatd/tls/privkey.pem), want 640 root:chatd"
openssl x509 -in /etc/chatd/tls/fullchain.pem -noout -text | grep -q 'NIST CURVE: P-256' ||
  fail "the generated certificate is not ECDSA P-256"
dpkg-query -W -f='${Conffiles}\n' chatd | grep -q '/etc/chatd/chatd.conf' || fail "chatd.conf is not a conffile"
/usr/sbin/chatd --check-config --config /etc/chatd/chatd.conf >/dev/null || fail "packaged config does not check"
ok "user, directories, self-signed certificate, conffile"

# ---------------------------------------------------------------- start as the unit does
unit=/lib/systemd/system/chatd.service
unit_value() { sed -n "s/^$1=//p" "$unit" | head -1; }
exec_start=$(unit_value ExecStart)
unit_user=$(unit_value User)
unit_group=$(unit_value Group)
runtime_dir=/run/$(unit_value RuntimeDirectory)
[ "$(unit_value Type)" = notify ] || fail "the unit is not Type=notify"
[ -n "$exec_start" ] && [ -n "$unit_user" ] || fail "ExecStart or User missing from $unit"
mkdir -p "$runtime_dir"
chown "$unit_user:${unit_group:-$unit_user}" "$runtime_dir"
mode=$(unit_value RuntimeDirectoryMode)
chmod "${mode:-0755}" "$runtime_dir"

# systemd's notification socket, played by a small listener.
rm -f "$notify_sock"
python3 - "$notify_sock" "$work/notify.log" <<'PY' &
import os, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
s.settimeout(1)
deadline = time.monotonic() + 240
with open(sys.argv[2], "a", buffering=1) as log:
    log.write("LISTENING\n")
    while time.monotonic() < deadline:
        try:
            data = s.recv(4096).decode("utf-8", "replace")
        except socket.timeout:
            continue
        log.write(data.replace("\n", " ") + "\n")
        if "STOPPING=1" in data:
            break
PY
notify_pid=$!
wait_for 10 "grep -q LISTENING '$work/notify.log'" || fail "notification listener did not start"

# shellcheck disable=SC2086  # ExecStart is a command line
umask_value=$(unit_value UMask)
(umask "${umask_value:-0022}"
 cd /
 NOTIFY_SOCKET=$notify_sock exec setpriv --reuid="$unit_user" --regid="${unit_group:-$unit_user}" \
   --init-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- $exec_start) >"$work/chatd.log" 2>&1 &
daemon_pid=$!
if ! wait_for 30 "grep -q READY=1 '$work/notify.log'"; then
  cat "$work/chatd.log"
  fail "no READY=1 from chatd within 30 s"
fi
port_listening 6697 && port_listening 6667 || fail "chatd is not listening on 6697 and 6667"
[ "$(stat -c %U "/proc/$daemon_pid")" = "$unit_user" ] || fail "chatd does not run as $unit_user"
ok "chatd started as $unit_user like ExecStart, READY=1 received"

# ---------------------------------------------------------------- chatctl and a TLS client
if [ "$have_chatctl" = 1 ]; then
  chatctl status >"$work/status.out" 2>&1 || { cat "$work/status.out"; fail "chatctl status"; }
  grep -qi 'version' "$work/status.out" || { cat "$work/status.out"; fail "chatctl status printed no version"; }
  ok "chatctl status"
  printf 'alice-secret-pw\n' | chatctl users add alice --password-stdin >"$work/useradd.out" 2>&1 ||
    { cat "$work/useradd.out"; fail "chatctl users add alice --password-stdin"; }
  ok "chatctl users add alice"
  sasl=1
else
  say "chatctl is not in the package yet (src/chatctl not built): skipping status, users add, backup, stop"
  sasl=0
fi

if ! timeout 60 python3 - "$sasl" <<'PY' >"$work/client.log" 2>&1; then
import base64, socket, ssl, sys
sasl = sys.argv[1] == "1"
ctx = ssl.create_default_context(cafile="/etc/chatd/tls/fullchain.pem")
raw = socket.create_connection(("127.0.0.1", 6697), timeout=20)
conn = ctx.wrap_socket(raw, server_hostname="localhost")
print("TLS", conn.version(), conn.cipher()[0])
buf = b""
def send(line):
    print(">", line)
    conn.sendall(line.encode() + b"\r\n")
def expect(*words):
    global buf
    while True:
        while b"\r\n" not in buf:
            chunk = conn.recv(4096)
            if not chunk:
                sys.exit("connection closed while waiting for %s" % (words,))
            buf += chunk
        line, buf = buf.split(b"\r\n", 1)
        text = line.decode("utf-8", "replace")
        print("<", text)
        parts = text.split()
        if parts and parts[0].startswith("@"):
            parts = parts[1:]
        if parts and parts[0].startswith(":"):
            parts = parts[1:]
        if parts and parts[0] == "PING":
            send("PONG " + " ".join(parts[1:]))
            continue
        if parts and parts[0] in words:
            return parts[0], text
if sasl:
    send("CAP LS 302")
    send("CAP REQ :sasl")
    cmd, text = expect("CAP")
    while " ACK " not in text and " NAK " not in text:
        cmd, text = expect("CAP")
    if " NAK " in text:
        sys.exit("sasl capability refused")
    send("AUTHENTICATE PLAIN")
    expect("AUTHENTICATE")
    send("AUTHENTICATE " + base64.b64encode(b"alice\0alice\0alice-secret-pw").decode())
    cmd, text = expect("903", "904", "902", "905")
    if cmd != "903":
        sys.exit("SASL PLAIN failed: " + text)
    send("CAP END")
send("NICK alice")
send("USER alice 0 * :Alice")
cmd, text = expect("001", "433", "ERROR")
if cmd != "001":
    sys.exit("registration failed: " + text)
send("QUIT :package test")
PY
  cat "$work/client.log"
  fail "TLS client"
fi
if [ "$sasl" = 1 ]; then ok "TLS client verified the generated certificate, SASL PLAIN as alice, registered"
else ok "TLS client verified the generated certificate and registered"; fi

if [ "$have_chatctl" = 1 ]; then
  rm -rf "$backup_dir"
  chatctl backup "$backup_dir" >"$work/backup.out" 2>&1 || { cat "$work/backup.out"; fail "chatctl backup $backup_dir"; }
  ls "$backup_dir" | grep -q '\.db$' || { ls -la "$backup_dir"; fail "the backup has no databases"; }
  ok "chatctl backup $backup_dir"
  chatctl stop >"$work/stop.out" 2>&1 || { cat "$work/stop.out"; fail "chatctl stop"; }
else
  kill -TERM "$daemon_pid"
fi
if ! wait_for 30 "gone $daemon_pid"; then
  fail "chatd still running 30 s after being told to stop"
fi
wait "$daemon_pid"
rc=$?
daemon_pid=""
[ "$rc" = 0 ] || { cat "$work/chatd.log"; fail "chatd exited with status $rc"; }
wait_for 5 "grep -q STOPPING=1 '$work/notify.log'" || fail "no STOPPING=1 from chatd"
[ ! -e "$runtime_dir/chatd.pid" ] || fail "pid file left behind"
ok "stopped cleanly (exit 0, STOPPING=1, pid file removed)"

# ---------------------------------------------------------------- classic daemon mode as root
# Outside systemd: started as root, chatd detaches once ready and drops to
# [server] user/group of the packaged configuration.
if ! /usr/sbin/chatd --config /etc/chatd/chatd.conf >"$work/classic.log" 2>&1; then
  cat "$work/classic.log"
  fail "chatd (classic daemon mode, as root) did not start"
fi
[ -s "$runtime_dir/chatd.pid" ] || fail "no pid file after a classic start"
daemon_pid=$(cat "$runtime_dir/chatd.pid")
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$daemon_pid/status")
want=$(id -u chatd)
[ "$uids" = "$want $want $want $want" ] || fail "classic daemon's uids are '$uids', want chatd's ($want)"
port_listening 6697 || fail "classic daemon is not listening on 6697"
kill -TERM "$daemon_pid"
wait_for 30 "gone $daemon_pid" || fail "classic daemon still running 30 s after SIGTERM"
daemon_pid=""
[ ! -e "$runtime_dir/chatd.pid" ] || fail "classic daemon left its pid file"
ok "classic daemon mode as root: detached, dropped to chatd, pid file, SIGTERM"

# ---------------------------------------------------------------- remove, purge
rm -rf "$backup_dir"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q chatd >>"$work/apt.log" 2>&1 || fail "apt-get remove"
[ -d /var/lib/chatd ] || fail "remove deleted /var/lib/chatd (only purge may)"
[ -f /etc/chatd/tls/privkey.pem ] || fail "remove deleted the certificate (only purge may)"
ok "apt-get remove keeps data and certificate"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q chatd >>"$work/apt.log" 2>&1 || fail "apt-get purge"
rm -f "$marker"
[ ! -e /var/lib/chatd ] || fail "/var/lib/chatd still there after purge"
[ ! -e /etc/chatd ] || { ls -laR /etc/chatd; fail "/etc/chatd still there after purge"; }
ok "apt-get purge removed /var/lib/chatd and /etc/chatd"
say "passed"
exit 0
