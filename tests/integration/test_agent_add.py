"""`callcenter agent add` with real phones: the new agent registers, logs in and takes calls."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from callcenter.agents.provision import write_extra_agents
from callcenter.sandbox import Sandbox
from callcenter.sandbox.process import until
from tests.integration.agent_helpers import agents, cli
from tests.integration.conftest import ASTERISK, RunningController
from tests.integration.test_call_log import pstn, register_agent
from tests.phones import PhoneHost

pytestmark = ASTERISK

NEW_AGENT = "2001"


@pytest.fixture
def forget_new_agent(sandbox: Sandbox) -> Iterator[None]:
    """The sandbox is shared: afterwards drop the added endpoint and its queue memberships."""
    before = sandbox.secrets_file.read_text(encoding="utf-8")
    yield
    for queue in sandbox.settings.asterisk_queues.values():
        sandbox_cli(sandbox, f"queue remove member PJSIP/{NEW_AGENT} from {queue}")
    sandbox.secrets_file.write_text(before, encoding="utf-8")
    write_extra_agents(sandbox)


def sandbox_cli(sandbox: Sandbox, command: str) -> None:
    subprocess.run(sandbox.console_command((command,)), capture_output=True, timeout=10)


def test_an_added_agent_registers_logs_in_and_answers_a_queue_call(
    forget_new_agent: None,
    sandbox: Sandbox,
    controller: RunningController,
    phones: PhoneHost,
) -> None:
    printed = cli(controller, "agent", "add", NEW_AGENT, "--name", "王芳", "--queue", "general")
    assert f"SIP user {NEW_AGENT}, password" in printed

    info: dict[str, Any] = json.loads(cli(controller, "sandbox", "info", "--json"))
    listed = {a["extension"]: a["password"] for a in info["agents"]}
    assert listed.get(NEW_AGENT), info["agents"]
    assert listed[NEW_AGENT] in printed  # the password shown once is the one that works

    phone = register_agent(phones, info, NEW_AGENT)  # raises on 401/403/404
    cli(controller, "agent", "login", NEW_AGENT)
    assert until(lambda: agents(controller)[NEW_AGENT]["state"] == "available", timeout=10)
    mine = agents(controller)[NEW_AGENT]
    assert mine["name"] == "王芳" and mine["queues"] == ["general"]

    call = pstn(phones, info).dial(info["direct"]["general"], from_number="13800000301")
    leg = phone.wait_incoming(timeout=30)
    leg.wait_confirmed(timeout=10)
    call.wait_confirmed(timeout=10)
    call.hangup()
    call.wait_disconnected(timeout=10)
    (logged,) = controller.wait_calls(1)
    assert logged["agent"] == NEW_AGENT and logged["disposition"] == "answered"
    cli(controller, "agent", "logout", NEW_AGENT)
