#!/bin/sh
# Runs chatd's integration and interop tests (tests/integration, pytest).
# Environment: CHATD (the chatd binary, required), CHAT_SRCDIR (the source
# tree; defaults to this script's parent), RESULTS_DIR (optional: JUnit XML
# goes to $RESULTS_DIR/integration.xml). Exit status: 0 all passed, 77 when
# CHATD is unset or missing (automake "skipped"), other non-zero on failure.
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${CHAT_SRCDIR:-$(dirname "$here")}

# scripts/test.sh runs this suite against the sanitizer build already; its
# `make distcheck` sets CHAT_SKIP_INTEGRATION=1 so the suite runs once.
if [ "${CHAT_SKIP_INTEGRATION:-0}" = 1 ]; then
  echo "run_integration.sh: CHAT_SKIP_INTEGRATION=1; skipping" >&2
  exit 77
fi

if [ -z "${CHATD:-}" ]; then
  echo "run_integration.sh: CHATD is not set; skipping" >&2
  exit 77
fi
if [ ! -x "$CHATD" ]; then
  echo "run_integration.sh: CHATD=$CHATD is not an executable file; skipping" >&2
  exit 77
fi
case $CHATD in
  /*) ;;
  *) CHATD=$(pwd)/$CHATD ;;
esac
export CHATD CHAT_SRCDIR="$srcdir"

# Debian's interpreter with python3-pytest, never a pyenv/venv shim.
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
if ! "$PYTHON" -c 'import pytest' 2>/dev/null; then
  echo "run_integration.sh: pytest missing (apt-get install python3-pytest)" >&2
  exit 1
fi

set -- -q -p no:cacheprovider "$@"
if [ -n "${RESULTS_DIR:-}" ]; then
  mkdir -p "$RESULTS_DIR"
  set -- "$@" "--junitxml=$RESULTS_DIR/integration.xml"
fi

cd "$srcdir" || exit 1
PYTHONDONTWRITEBYTECODE=1 exec "$PYTHON" -m pytest "$@" tests/integration
