"""Record the raw bytes an AMI server sends, for test fixtures.

    .venv/bin/python bench/record_ami.py --seconds 10 --out tests/fixtures/ami/real.bin \\
        --action CoreShowChannels --action "Command:core show channels"

Credentials come from ``callcenter sandbox info --json`` unless ``--host/--port/--username/
--secret`` are given. The file holds exactly what the server sent (banner, login answer,
events, answers to ``--action``s), byte for byte. The secret is never printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path

from callcenter.ami import actions
from callcenter.ami.actions import Action


def sandbox_credentials() -> dict[str, str]:
    exe = Path(sys.executable).with_name("callcenter")
    command = str(exe) if exe.exists() else shutil.which("callcenter") or "callcenter"
    info = json.loads(
        subprocess.run(
            [command, "sandbox", "info", "--json"], check=True, capture_output=True, text=True
        ).stdout
    )
    return {k: str(v) for k, v in info["ami"].items()}


def parse_action(text: str) -> Action:
    """``Name`` or ``Name:Key=Value,Key=Value``; ``Command:<cli text>`` runs a CLI command."""
    name, _, rest = text.partition(":")
    if name == "Command":
        return actions.command(rest)
    pairs = [item.split("=", 1) for item in rest.split(",") if item]
    return Action(name, tuple((k, v) for k, v in pairs))


async def record(
    host: str, port: int, username: str, secret: str, seconds: float, sends: list[Action]
) -> bytes:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(actions.login(username, secret).with_action_id("rec-login").to_bytes())
    for n, action in enumerate(sends, 1):
        writer.write(action.with_action_id(f"rec-{n}").to_bytes())
    received = bytearray()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    try:
        while (left := deadline - loop.time()) > 0:
            try:
                data = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                break
            if not data:
                break
            received += data
    finally:
        writer.write(actions.logoff().with_action_id("rec-logoff").to_bytes())
        writer.close()
    return bytes(received)


def main() -> None:
    ap = argparse.ArgumentParser(description="Record raw AMI bytes to a file.")
    ap.add_argument("--host")
    ap.add_argument("--port", type=int)
    ap.add_argument("--username")
    ap.add_argument("--secret")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--action", action="append", default=[], help="send after login")
    args = ap.parse_args()
    creds = {} if args.secret else sandbox_credentials()
    data = asyncio.run(
        record(
            args.host or creds["host"],
            args.port or int(creds["port"]),
            args.username or creds["username"],
            args.secret or creds["secret"],
            args.seconds,
            [parse_action(a) for a in args.action],
        )
    )
    args.out.write_bytes(data)
    messages = data.count(b"\r\n\r\n")
    print(f"{len(data)} bytes, {messages} messages -> {args.out}")


if __name__ == "__main__":
    main()
