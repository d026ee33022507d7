"""The Asterisk sandbox as people and other tests use it: real Asterisk, real sockets.

These tests use the configured sandbox (the same one `callcenter sandbox up` starts) and
leave it running.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from callcenter.config import Settings, load_settings
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.conftest import ASTERISK

pytestmark = ASTERISK

CLI = str(Path(sys.executable).with_name("callcenter"))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="module")
def sandbox(settings: Settings) -> Sandbox:
    box = Sandbox(settings)
    box.up()
    return box


def cli_json(*args: str) -> Any:
    out = subprocess.run([CLI, "sandbox", *args, "--json"], capture_output=True, check=True)
    return json.loads(out.stdout.decode("utf-8"))


def ami_login(host: str, port: int, username: str, secret: str) -> str:
    """Log in over a raw socket; return the Response header of the login."""
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.settimeout(5)
        data = b""
        login = f"Action: Login\r\nActionID: t1\r\nUsername: {username}\r\nSecret: {secret}\r\n\r\n"
        sock.sendall(login.encode())
        while b"ActionID: t1" not in data or not data.endswith(b"\r\n\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    reply = next(m for m in data.split(b"\r\n\r\n") if b"ActionID: t1" in m).decode()
    return dict(line.split(": ", 1) for line in reply.splitlines() if ": " in line)["Response"]


def udp_local_addresses(port: int) -> set[str]:
    """Local addresses bound to UDP ``port`` (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            address, port_hex = line.split()[1].split(":")
            if int(port_hex, 16) == port:
                found.add(address)
    return found


def test_up_is_idempotent(sandbox: Sandbox) -> None:
    first = sandbox.status()
    again = sandbox.up()
    assert again == first
    assert again["running"] is True


def test_status_json_matches_the_contract(sandbox: Sandbox) -> None:
    status = cli_json("status")
    assert set(status) == {"running", "pid", "version"}
    assert status["running"] is True
    assert isinstance(status["pid"], int)
    assert int(status["version"].split(".")[0]) >= 20


def test_info_json_matches_the_contract(settings: Settings, sandbox: Sandbox) -> None:
    info = cli_json("info")
    assert set(info) == {"ami", "sip", "hotline", "direct", "pstn", "agents"}
    assert set(info["ami"]) == {"host", "port", "username", "secret"}
    assert info["sip"] == {"host": settings.bind_host, "port": settings.sip_port}
    assert info["hotline"] == settings.hotline
    assert info["direct"] == settings.direct_extensions
    assert set(info["pstn"]) == {"username", "password"}
    # The configured agents first; agents added with `callcenter agent add` follow them.
    configured = [a["extension"] for a in info["agents"]][: len(settings.agent_extensions)]
    assert configured == settings.agent_extensions
    assert all(a["password"] for a in info["agents"])
    assert info == sandbox.info()


def test_ami_login_works_with_the_info_credentials(sandbox: Sandbox) -> None:
    ami = sandbox.info()["ami"]
    assert ami_login(ami["host"], ami["port"], ami["username"], ami["secret"]) == "Success"
    assert ami_login(ami["host"], ami["port"], ami["username"], "wrong") == "Error"


def test_sip_port_is_bound_to_loopback_only(settings: Settings, sandbox: Sandbox) -> None:
    assert udp_local_addresses(settings.sip_port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_secrets_file_is_private(sandbox: Sandbox) -> None:
    assert stat.S_IMODE(sandbox.secrets_file.stat().st_mode) == 0o600


def test_hotline_queue_and_agents_are_configured(sandbox: Sandbox) -> None:
    def rx(command: str) -> str:
        argv = sandbox.console_command((command,))
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout

    assert "general_queue has 0 calls" in rx("queue show general_queue")
    assert "AGI(agi:async)" in rx("dialplan show 8000@from-pstn")
    assert "Endpoint:  pstn" in rx("pjsip show endpoints")


def test_up_after_sigkill_brings_asterisk_back(sandbox: Sandbox) -> None:
    pid = sandbox.status()["pid"]
    os.kill(pid, signal.SIGKILL)
    assert until(lambda: not sandbox.status()["running"], timeout=10)

    state = sandbox.up()

    assert state["running"] is True and state["pid"] != pid
    ami = sandbox.info()["ami"]
    assert ami_login(ami["host"], ami["port"], ami["username"], ami["secret"]) == "Success"
