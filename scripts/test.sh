#!/usr/bin/env bash
# The whole suite: tests that need no Asterisk on two workers, then the tests that share the
# one Asterisk sandbox, one after another. (pytest-xdist 3.8's --dist loadgroup did not keep
# a group on one worker here, so the two runs are separate.)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

# PostgreSQL is part of what we test (storage on SQLite and PostgreSQL): start it if down.
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

started_sandbox=0
if ! $BIN/callcenter sandbox status --json | grep -q '"running": true'; then
  started_sandbox=1
fi
cleanup() {
  if [ "$started_sandbox" = 1 ]; then $BIN/callcenter sandbox down || true; fi
}
trap cleanup EXIT
$BIN/callcenter sandbox up

mkdir -p test-artifacts
$BIN/pytest -n 2 -p no:cacheprovider --ignore=tests/integration --ignore=tests/browser "$@"
# Chromium and the live servers of the browser tests stay out of xdist (a worker running
# them was seen to vanish, leaving the run waiting).
# Each in its own process: Playwright's sync API starts an event loop that a second
# sync_playwright() in the same process refuses.
$BIN/pytest -p no:cacheprovider tests/browser "$@"
$BIN/pytest -p no:cacheprovider tests/integration "$@"
