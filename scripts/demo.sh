#!/usr/bin/env bash
# make demo: sandbox up, database ready, controller + console running, a few demo calls,
# then the addresses and credentials a person needs. Ctrl-C stops the controller.
set -euo pipefail
cd "$(dirname "$0")/.."
CC=.venv/bin/callcenter

$CC sandbox up
$CC db upgrade

state_dir=$(.venv/bin/python -c 'from callcenter.config import load_settings; print(load_settings().state_dir)')
pwfile="$state_dir/demo-admin-password"
if [ ! -s "$pwfile" ]; then
  umask 077
  .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(12))' > "$pwfile"
  $CC user add admin --role admin --display-name "Demo admin" --password-stdin < "$pwfile" \
    || echo "demo: user admin exists already; its password is unchanged"
fi

# The demo desk is open around the clock (a real one follows its calendar: see README).
CALLCENTER_BUSINESS_HOURS=open $CC run &
run_pid=$!
trap 'kill -TERM $run_pid 2>/dev/null; wait $run_pid 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null http://127.0.0.1:8080/login 2>/dev/null && break
  kill -0 $run_pid 2>/dev/null || { echo "demo: callcenter run stopped; see the messages above"; exit 1; }
  sleep 0.2
done

PYTHONPATH=. .venv/bin/python scripts/demo_calls.py
.venv/bin/python - "$pwfile" <<'PY'
import json, subprocess, sys
info = json.loads(subprocess.run([".venv/bin/callcenter", "sandbox", "info", "--json"],
                                 check=True, capture_output=True, text=True).stdout)
password = open(sys.argv[1]).read().strip()
sip = f"{info['sip']['host']}:{info['sip']['port']}"
print(f"""
================================================================================
 Console:   http://127.0.0.1:8080/     login: admin   password: {password}
 Hotline:   dial {info['hotline']} (direct to queue general: {info['direct']['general']})
 Softphone as an agent (Linphone, MicroSIP, Zoiper), SIP server {sip}, UDP:""")
for agent in info["agents"][:3]:
    print(f"   user {agent['extension']}  password {agent['password']}")
print(f"""   ... all agents: .venv/bin/callcenter sandbox info --json
 Softphone as a caller: user {info['pstn']['username']}  password {info['pstn']['password']}
   (any From number and display name; dial {info['hotline']})
 Call log:  .venv/bin/callcenter calls
 Everything listens on 127.0.0.1 only. Press Ctrl-C to stop.
================================================================================""")
PY
wait $run_pid
