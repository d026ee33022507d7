"""Helpers for the agents' integration tests: the CLI against a running controller's database."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from callcenter.agents.store import AgentRepository
from callcenter.db.engine import open_database
from tests.integration.conftest import CALLCENTER, RunningController


def cli(controller: RunningController, *args: str) -> str:
    out = subprocess.run(
        [str(CALLCENTER), *args], env=controller.env, capture_output=True, timeout=60
    )
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode("utf-8")


def agents(controller: RunningController) -> dict[str, dict[str, Any]]:
    return {a["extension"]: a for a in json.loads(cli(controller, "agents", "--json"))}


def state(controller: RunningController, ext: str) -> str:
    return str(agents(controller)[ext]["state"])


def timeline(controller: RunningController, ext: str) -> list[str]:
    """The agent's stored states, in order."""
    sessions = open_database(controller.db_url)
    try:
        with sessions() as session:
            return [row.state for row in AgentRepository(session).timeline(ext)]
    finally:
        sessions.kw["bind"].dispose()


def in_order(states: list[str], *wanted: str) -> bool:
    """``wanted`` appear in ``states`` in this order (others may come between)."""
    it = iter(states)
    return all(any(s == w for s in it) for w in wanted)
