"""Fixtures for tests against the real Asterisk sandbox, the real controller and SIP phones."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from callcenter.config import load_settings
from callcenter.db.call_repository import CallRepository, call_to_dict
from callcenter.db.engine import open_database
from callcenter.db.migrate import upgrade
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.phones import PhoneHost

CALLCENTER = Path(sys.executable).with_name("callcenter")


# Every module here sets ``pytestmark = ASTERISK``: they all share the one Asterisk and must
# run one after another (scripts/test.sh runs this folder without xdist; the group marker
# keeps them together where loadgroup works).
ASTERISK = [pytest.mark.integration, pytest.mark.xdist_group("asterisk")]


@pytest.fixture(scope="session")
def sandbox() -> Sandbox:
    box = Sandbox(load_settings())
    box.up()
    return box


@pytest.fixture(scope="session")
def info(sandbox: Sandbox) -> dict[str, Any]:
    return sandbox.info()


class RunningController:
    """`callcenter run --no-console` as a child process with its own SQLite database."""

    def __init__(self, workdir: Path) -> None:
        self.db_url = f"sqlite:///{workdir / 'calls.db'}"
        self.log_path = workdir / "controller.log"
        upgrade(self.db_url)
        self.env = {**os.environ, "CALLCENTER_DATABASE_URL": self.db_url}
        self._sessions = open_database(self.db_url)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(CALLCENTER), "run", "--no-console"], env=self.env, stdout=log, stderr=log
            )
        self.wait_log("resynced with Asterisk", occurrences=self.log().count("resynced") + 1)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, text: str, *, occurrences: int = 1, timeout: float = 30) -> None:
        ok = until(lambda: self.log().count(text) >= occurrences, timeout=timeout)
        assert ok, f"controller did not log {text!r} in {timeout} s:\n{self.log()[-3000:]}"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def calls(self) -> list[dict[str, Any]]:
        with self._sessions() as session:
            return [call_to_dict(r) for r in CallRepository(session).recent(100)]

    def wait_calls(self, count: int, *, ended: bool = True, timeout: float = 20) -> list[dict]:
        def ready() -> bool:
            calls = self.calls()
            return len(calls) >= count and (not ended or all(c["ended_at"] for c in calls))

        assert until(ready, timeout=timeout), f"calls now: {self.calls()}\n{self.log()[-3000:]}"
        return self.calls()

    def calls_cli(self, *args: str) -> str:
        out = subprocess.run(
            [str(CALLCENTER), "calls", *args], env=self.env, capture_output=True, timeout=60
        )
        assert out.returncode == 0, out.stderr.decode()
        return out.stdout.decode("utf-8")


@pytest.fixture
def controller(sandbox: Sandbox, tmp_path: Path) -> Iterator[RunningController]:
    running = RunningController(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def phones(sandbox: Sandbox, tmp_path: Path) -> Iterator[PhoneHost]:
    with PhoneHost(log_dir=tmp_path / "phones") as host:
        yield host
