"""Fixtures for tests against the real Asterisk sandbox, the real controller and SIP phones."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
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
    """`callcenter run --no-console` as a child process with its own SQLite database.

    The desk is open unless a test says otherwise (``env``), so results do not depend on the
    hour CI runs at.
    """

    def __init__(self, workdir: Path, env: dict[str, str] | None = None) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{workdir / 'calls.db'}"
        self.log_path = workdir / "controller.log"
        upgrade(self.db_url)
        self.env = {
            **os.environ,
            "CALLCENTER_DATABASE_URL": self.db_url,
            "CALLCENTER_BUSINESS_HOURS": "open",
            **(env or {}),
        }
        self._sessions = open_database(self.db_url)
        self.proc: subprocess.Popen[bytes] | None = None

    command = ("run", "--no-console")

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(CALLCENTER), *self.command], env=self.env, stdout=log, stderr=log
            )
        self.wait_log("resynced with Asterisk", occurrences=self.log().count("resynced with") + 1)

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

    def wait_path(self, steps: int, timeout: float = 20) -> list[str]:
        """Wait until the newest call's IVR path has ``steps`` entries (the menu took a key)."""

        def path() -> list[str]:
            calls = self.calls()
            return list(calls[0]["ivr_path"]) if calls else []

        assert until(lambda: len(path()) >= steps, timeout=timeout), (
            f"IVR path now {path()}\n{self.log()[-3000:]}"
        )
        return path()

    def calls_cli(self, *args: str) -> str:
        out = subprocess.run(
            [str(CALLCENTER), "calls", *args], env=self.env, capture_output=True, timeout=60
        )
        assert out.returncode == 0, out.stderr.decode()
        return out.stdout.decode("utf-8")


def _menu_took(controller: RunningController, digit: str, seen: int) -> bool:
    return any(step.endswith(f":{digit}") for step in controller.wait_path(0)[seen:])


def through_ivr(controller: RunningController, call: Any, *digits: str) -> list[str]:
    """Answer the hotline's menus like a caller: one key per menu.

    A key pressed while a prompt that cannot be interrupted plays (e.g. "invalid choice")
    is not heard, as with a person on a real phone; so, like a person, press it again when
    the menu has not reacted after a few seconds. The path (``<menu>:<key>``) tells when a
    menu took the key.
    """
    call.wait_media(timeout=20)
    path = controller.wait_path(0)
    for digit in digits:
        deadline = time.monotonic() + 40
        took_it = partial(_menu_took, controller, digit, len(path))
        while not call.info.ended:
            call.send_dtmf(digit)
            if until(took_it, timeout=4):
                break
            assert time.monotonic() < deadline, f"menu never took {digit!r}; path {path}"
        path = controller.wait_path(0)
    return path


@pytest.fixture
def start_controller(
    sandbox: Sandbox, tmp_path: Path
) -> Iterator[Callable[..., RunningController]]:
    """Start a controller with extra settings: ``start_controller(CALLCENTER_X="...")``."""
    started: list[RunningController] = []

    def start(**env: str) -> RunningController:
        running = RunningController(tmp_path / f"controller-{len(started)}", env)
        started.append(running)
        running.start()
        return running

    yield start
    for running in started:
        running.stop()


@pytest.fixture
def controller(start_controller: Callable[..., RunningController]) -> RunningController:
    return start_controller()


@pytest.fixture
def phones(sandbox: Sandbox, tmp_path: Path) -> Iterator[PhoneHost]:
    with PhoneHost(log_dir=tmp_path / "phones") as host:
        yield host
