#!/bin/sh
# README command 2: install what the tests need, build chatd with ASan and
# UBSan, run every test (CppUTest unit tests, integration tests against a
# real chatd, interop tests with irssi and WeeChat) and print one line
# "N passed, N failed, N skipped" counted over every test case.
# CHAT_DISTCHECK=1 also runs `make distcheck` (counted as one test).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
sh scripts/deps.sh test || { echo "dependency installation failed"; echo "0 passed, 1 failed"; exit 1; }
[ -x configure ] || ./autogen.sh >/dev/null 2>&1
build=build-asan
mkdir -p "$build"
[ -f "$build/Makefile" ] || (cd "$build" && ../configure -q --enable-sanitizers)
results="$top/$build/test-results"
rm -rf "$results"; mkdir -p "$results"
passed=0; failed=0; skipped=0
if ! make -C "$build" -j2 all >"$results/build.log" 2>&1 || \
   ! make -C "$build" -j2 check TESTS= >>"$results/build.log" 2>&1; then
  tail -40 "$results/build.log"
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CHATD="$top/$build/src/chatd/chatd" CHAT_SRCDIR="$top"
# chat-gtk's UI tests (tests/integration/test_gtkclient.py) skip without it.
[ -x "$top/$build/src/gtkclient/chat-gtk" ] && export CHAT_GTK="$top/$build/src/gtkclient/chat-gtk"

# make distcheck (CHAT_DISTCHECK=1) runs beside the tests, at the lowest
# priority: the integration tests mostly wait on sockets and timers, so the
# idle CPU builds the tarball, and the tests get the CPU whenever they want
# it. -O0 -g0: it checks the tarball and the build system, not the optimizer.
distcheck_pid=""
if [ "${CHAT_DISTCHECK:-0}" = 1 ]; then
  CHAT_SKIP_INTEGRATION=1 nice -n 19 make -C "$build" distcheck \
    "DISTCHECK_CONFIGURE_FLAGS=CXXFLAGS='-O0 -g0' CFLAGS='-O0 -g0'" >"$results/distcheck.log" 2>&1 &
  distcheck_pid=$!
fi

# CppUTest binaries: "OK (12 tests, 12 ran, ...)" or "Errors (2 failures, 12 tests, 12 ran, ...)".
for t in "$build"/tests/unit/*_tests; do
  [ -x "$t" ] || continue
  out="$results/$(basename "$t").log"
  "$t" >"$out" 2>&1; rc=$?
  summary=$(grep -E '^(OK|Errors) \(' "$out" | tail -1)
  ran=$(echo "$summary" | sed -n 's/.* \([0-9]*\) ran.*/\1/p')
  fails=$(echo "$summary" | sed -n 's/^Errors (\([0-9]*\) failure.*/\1/p')
  ign=$(echo "$summary" | sed -n 's/.* \([0-9]*\) ignored.*/\1/p')
  if [ -z "$ran" ]; then
    echo "$(basename "$t"): crashed or printed no summary (exit $rc)"; tail -20 "$out"
    failed=$((failed + 1)); continue
  fi
  fails=${fails:-0}
  [ "$rc" -ne 0 ] && [ "$fails" -eq 0 ] && fails=1   # sanitizer report after the summary
  passed=$((passed + ran - fails)); failed=$((failed + fails)); skipped=$((skipped + ${ign:-0}))
  echo "$(basename "$t"): $summary"
  [ "$fails" -gt 0 ] && grep -B2 -A6 -E 'Failure|ERROR|runtime error' "$out" | head -60
done

# Integration and interop tests (pytest), counted from the JUnit XML.
RESULTS_DIR="$results" sh tests/run_integration.sh -rfEs 2>&1 | tee "$results/integration.log" | tail -40
counts=$(python3 - "$results/integration.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except Exception:
    print("0 1 0"); sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
s_ = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - s_, f, s_)
PY
)
set -- $counts
passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3))

if [ -n "$distcheck_pid" ]; then
  if wait "$distcheck_pid"; then
    echo "make distcheck: passed"; passed=$((passed + 1))
  else
    echo "make distcheck: FAILED"; tail -30 "$results/distcheck.log"; failed=$((failed + 1))
  fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
