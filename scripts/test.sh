#!/usr/bin/env bash
# The whole suite in one pytest run on two workers: unit and storage tests spread over both,
# the tests that share the one Asterisk sandbox grouped onto a single worker (loadgroup).
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
$BIN/pytest -n 2 --dist loadgroup -p no:cacheprovider "$@"
