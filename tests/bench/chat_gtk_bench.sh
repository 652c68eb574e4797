#!/bin/sh
# chat-gtk's main-thread cost per incoming message, join and quit with a long
# conversation loaded (issue 18 item 9). Runs `chat-gtk --bench` on a private
# Xvfb display with a throwaway profile and prints its report.
#
#   tests/bench/chat_gtk_bench.sh [CHAT_GTK] [LINES] [EVENTS]
#
# CHAT_GTK defaults to build/src/gtkclient/chat-gtk, LINES to 10000, EVENTS
# to 20. Needs Xvfb and dbus-run-session (scripts/deps.sh test).
set -eu
gtk=${1:-build/src/gtkclient/chat-gtk}
lines=${2:-10000}
events=${3:-20}
home=$(mktemp -d)
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$home"' EXIT
exec 3>"$home/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
i=0
while [ ! -s "$home/display" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
display=:$(cat "$home/display")
env DISPLAY="$display" HOME="$home" XDG_CONFIG_HOME="$home/config" \
    XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache" GDK_BACKEND=x11 \
    GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1 LANG=C.UTF-8 \
    ${BENCH_WRAP:-} dbus-run-session -- ${BENCH_WRAP2:-} "$gtk" --bench "$lines" --bench-events "$events"
