#!/bin/bash
# http_compare.sh: chatd's HTTPS file transfer measured side by side with
# its references in one run (issue 12, doc/performance.md "Files"):
#   - durable upload: a FILEHOST POST of SIZE MiB over TLS (201 only after
#     fdatasync) against `dd conv=fdatasync` of the same size on the same disk;
#   - download: a TLS GET of the uploaded file against nginx serving the same
#     bytes with the same certificate (Debian's nginx-light, one worker);
#   - memory: chatd's VmHWM growth over two concurrent uploads and two
#     concurrent downloads;
#   - IRC fan-out latency (chatbench fanout, p50/p99) alone and while a
#     download loop runs, in LAT_PAIRS interleaved 5 s windows each.
# Servers run on core 0 (taskset -c 0), clients on core 1. Repetitions are
# interleaved (dd, nginx, chatd, then the next repetition); the table shows
# medians and the ratios the issue sets as targets.
#
# usage: tests/bench/http_compare.sh [--size MIB] [--reps N] [--out DIR] [--no-latency]
# Environment: CHATD (default build/src/chatd/chatd), CHATCTL (next to it,
# ../chatctl/chatctl), CHATBENCH (default ../../tests/bench/chatbench from CHATD),
# LAT_PAIRS (latency windows alone and busy, default 5), LAT_RATE (the
# download rate during the busy windows, curl --limit-rate, default 125M).
# Needs: nginx-light, curl, openssl, taskset. Everything listens on 127.0.0.1.
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
size=2048
reps=3
out=""
latency=1
while [ $# -gt 0 ]; do
  case $1 in
    --size) size=$2; shift ;;
    --reps) reps=$2; shift ;;
    --out) out=$2; shift ;;
    --no-latency) latency=0 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "http_compare.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
CHATD=${CHATD:-$top/build/src/chatd/chatd}
bindir=$(dirname "$CHATD")
CHATCTL=${CHATCTL:-$bindir/../chatctl/chatctl}
CHATBENCH=${CHATBENCH:-$bindir/../../tests/bench/chatbench}
[ -n "$out" ] || out=$(mktemp -d /tmp/http-compare.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)
log() { echo "http_compare.sh: $*" >&2; }
for tool in nginx curl openssl taskset; do
  command -v "$tool" >/dev/null || { log "$tool is missing (apt-get install nginx-light curl openssl util-linux)"; exit 1; }
done
[ -x "$CHATD" ] || { log "CHATD=$CHATD is not executable"; exit 1; }

NGINX_PORT=18443
CHATD_HTTPS=18444
CHATD_IRC=18667
PASS="bench-password-1234"
bytes=$((size * 1048576))

# ---------------------------------------------------------------- setup
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
  -subj /CN=localhost -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
  -keyout "$out/key.pem" -out "$out/cert.pem" >/dev/null 2>&1
mkdir -p "$out/www"
if [ "$(stat -c %s "$out/www/big.bin" 2>/dev/null)" != "$bytes" ]; then
  log "writing $size MiB of random data"
  openssl enc -aes-128-ctr -pass pass:chatd -nosalt -pbkdf2 </dev/zero 2>/dev/null |
    head -c "$bytes" >"$out/www/big.bin"
fi

cat >"$out/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $out/nginx.pid;
error_log $out/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server {
    listen 127.0.0.1:$NGINX_PORT ssl;
    ssl_certificate $out/cert.pem;
    ssl_certificate_key $out/key.pem;
    ssl_protocols TLSv1.3;
    root $out/www;
  }
}
EOF

cat >"$out/chatd.conf" <<EOF
[server]
name = "bench.chatd"
data_dir = "$out/chatd-data"

[channels]
auto_join = []

[[listen]]
address = "127.0.0.1:$CHATD_IRC"
tls = false

[[listen]]
address = "127.0.0.1:$CHATD_HTTPS"
tls = true
protocol = "http"

[tls]
certificate = "$out/cert.pem"
key = "$out/key.pem"

[http]
public_base_url = "https://127.0.0.1:$CHATD_HTTPS"

[files]
enabled = true
max_size = $((bytes * 2))
quota_per_account = $((bytes * 64))

[limits]
max_clients = 100000
max_per_ip = 100000
sendq = 16777216

[flood]
exempt = ["127.0.0.0/8"]

[control]
socket = "$out/control.sock"

[log]
level = "warning"
EOF

NGINX_PID=""; CHATD_PID=""
cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  [ -n "$CHATD_PID" ] && kill "$CHATD_PID" 2>/dev/null
  rm -f "$out/dd.bin"
}
trap cleanup EXIT

listening() { grep -q ":$(printf '%04X' "$1") [0-9A-F:]* 0A " /proc/net/tcp 2>/dev/null; }
wait_port() {
  local i
  for i in $(seq 100); do listening "$1" && return 0; sleep 0.1; done
  return 1
}
hwm_kib() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mbs() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", b / s / 1e6}'; }

taskset -c 0 nginx -c "$out/nginx.conf" >/dev/null 2>&1 &
NGINX_PID=$!
wait_port $NGINX_PORT || { log "nginx did not start"; cat "$out/nginx-error.log" >&2; exit 1; }

rm -rf "$out/chatd-data"; mkdir -m 0750 "$out/chatd-data"
taskset -c 0 "$CHATD" --config "$out/chatd.conf" --foreground >"$out/chatd.log" 2>&1 &
CHATD_PID=$!
wait_port $CHATD_HTTPS || { log "chatd did not start"; tail "$out/chatd.log" >&2; exit 1; }
printf '%s\n' "$PASS" | "$CHATCTL" --config "$out/chatd.conf" users add bench --password-stdin >/dev/null ||
  { log "chatctl users add failed"; exit 1; }

# curl on core 1; prints "<http code> <seconds>".
client() { taskset -c 1 curl -sk -o /dev/null -w '%{http_code} %{time_total}\n' "$@"; }
upload() {
  taskset -c 1 curl -sk -u "bench:$PASS" -X POST -T "$out/www/big.bin" \
    -H 'Content-Type: application/octet-stream' \
    -H 'Content-Disposition: attachment; filename="big.bin"' \
    -D "$out/upload-headers" -o /dev/null -w '%{http_code} %{time_total}\n' \
    "https://127.0.0.1:$CHATD_HTTPS/upload"
}

# ---------------------------------------------------------------- throughput
: >"$out/dd.txt"; : >"$out/nginx.txt"; : >"$out/up.txt"; : >"$out/down.txt"
location=""
for rep in $(seq "$reps"); do
  log "repetition $rep/$reps"
  sync; start=$(date +%s.%N)
  taskset -c 1 dd if="$out/www/big.bin" of="$out/dd.bin" bs=1M conv=fdatasync status=none
  end=$(date +%s.%N); rm -f "$out/dd.bin"
  mbs "$bytes" "$(echo "$end - $start" | bc -l)" >>"$out/dd.txt"; echo >>"$out/dd.txt"

  read -r code secs <<<"$(client "https://127.0.0.1:$NGINX_PORT/big.bin")"
  [ "$code" = 200 ] || { log "nginx GET answered $code"; exit 1; }
  mbs "$bytes" "$secs" >>"$out/nginx.txt"; echo >>"$out/nginx.txt"

  read -r code secs <<<"$(upload)"
  [ "$code" = 201 ] || { log "chatd upload answered $code"; cat "$out/upload-headers" >&2; exit 1; }
  mbs "$bytes" "$secs" >>"$out/up.txt"; echo >>"$out/up.txt"
  location=$(tr -d '\r' <"$out/upload-headers" | awk 'tolower($1) == "location:" {print $2}')

  read -r code secs <<<"$(client -u "bench:$PASS" "$location")"
  [ "$code" = 200 ] || { log "chatd GET answered $code"; exit 1; }
  mbs "$bytes" "$secs" >>"$out/down.txt"; echo >>"$out/down.txt"
done

# ---------------------------------------------------------------- memory
before=$(hwm_kib "$CHATD_PID")
upload >/dev/null & u1=$!
upload >/dev/null & u2=$!
client -u "bench:$PASS" "$location" >/dev/null & d1=$!
client -u "bench:$PASS" "$location" >/dev/null & d2=$!
wait $u1 $u2 $d1 $d2
after=$(hwm_kib "$CHATD_PID")

# ---------------------------------------------------------------- IRC latency
# One 5 s fan-out window says little (a p99 of 20 ms alone and 11 ms busy
# was seen): LAT_PAIRS windows alone and LAT_PAIRS during a download loop,
# interleaved, each line "p50 p99" in lat-alone.txt / lat-busy.txt; the
# report shows the medians and the ranges. The download runs at
# LAT_RATE (curl --limit-rate, default 125M = a 1 Gbit/s link) so curl's own
# TLS work on core 1 does not starve chatbench's receiving side.
lat_alone="-"; lat_busy="-"
LAT_PAIRS=${LAT_PAIRS:-5}
LAT_RATE=${LAT_RATE:-125M}
: >"$out/lat-alone.txt"; : >"$out/lat-busy.txt"
if [ $latency = 1 ] && [ -x "$CHATBENCH" ]; then
  fan() {
    taskset -c 1 "$CHATBENCH" --scenario fanout --port $CHATD_IRC --members 200 --senders 2 \
      --rate 2000 --duration 5 --json 2>/dev/null |
      python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.2f %.2f" % (d["latency_p50_ms"], d["latency_p99_ms"]))' 2>/dev/null
  }
  for pair in $(seq "$LAT_PAIRS"); do
    log "latency pair $pair/$LAT_PAIRS"
    fan >>"$out/lat-alone.txt"
    ( while :; do client --limit-rate "$LAT_RATE" -u "bench:$PASS" "$location" >/dev/null || break; done ) & loop=$!
    sleep 1
    fan >>"$out/lat-busy.txt"
    kill $loop 2>/dev/null; wait $loop 2>/dev/null
    pkill -f -- "--limit-rate $LAT_RATE" 2>/dev/null
  done
  # "median p50 / median p99 (p99 range min-max)"
  summary() {
    awk '{print $1}' "$1" | median | tr '\n' ' '
    awk '{print $2}' "$1" | median | tr '\n' ' '
    awk '{print $2}' "$1" | sort -g | sed -n '1p;$p' | tr '\n' ' '
  }
  read -r a50 a99 amin amax <<<"$(summary "$out/lat-alone.txt")"
  read -r b50 b99 bmin bmax <<<"$(summary "$out/lat-busy.txt")"
  lat_alone="$a50 / $a99 ($amin-$amax)"
  lat_busy="$b50 / $b99 ($bmin-$bmax)"
fi

# ---------------------------------------------------------------- report
dd_m=$(median <"$out/dd.txt"); ng_m=$(median <"$out/nginx.txt")
up_m=$(median <"$out/up.txt"); down_m=$(median <"$out/down.txt")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
cat <<EOF | tee "$out/report.md"
| measure ($size MiB, $reps reps, medians) | chatd | reference | ratio | target |
|---|---|---|---|---|
| durable TLS upload MB/s | $up_m | dd fdatasync $dd_m | $(ratio "$up_m" "$dd_m") | >= 0.75 |
| TLS download MB/s | $down_m | nginx $ng_m | $(ratio "$down_m" "$ng_m") | >= 0.75 |
| VmHWM growth, 2 uploads + 2 downloads | $(( (after - before) / 1024 )) MiB ($before -> $after KiB) | | | <= 8 MiB |
| IRC fanout p50 / p99 ms (p99 range), $LAT_PAIRS x 5 s windows each: alone | $lat_alone | | | |
| the same during a $LAT_RATE/s download loop | $lat_busy | | | unchanged within noise |

runs: dd $(tr '\n' ' ' <"$out/dd.txt"); nginx $(tr '\n' ' ' <"$out/nginx.txt"); upload $(tr '\n' ' ' <"$out/up.txt"); download $(tr '\n' ' ' <"$out/down.txt")
EOF
