"""The agent commands the CLI and the console share: what they send, what a refusal says."""

from __future__ import annotations

import asyncio

import pytest

from callcenter.agents import commands
from callcenter.ami.actions import Action
from callcenter.ami.message import Message

QUEUES = {"general": "general_queue", "repair": "repair"}


class ScriptedAmi:
    def __init__(self, answer: str = "Success", message: str = "ok") -> None:
        self.sent: list[Action] = []
        self.answer = Message((("Response", answer), ("Message", message)))
        self.channels: list[Message] = []

    async def send(self, action: Action, *, timeout: float | None = None) -> Message:
        self.sent.append(action)
        return self.answer

    async def collect(self, action: Action, *, timeout: float | None = None) -> list[Message]:
        self.sent.append(action)
        return self.channels


def test_log_in_adds_the_agent_to_each_queue_with_its_penalty() -> None:
    ami = ScriptedAmi()
    asyncio.run(commands.log_in(ami, "1001", QUEUES, penalties={"repair": 2}))
    assert [dict(a.headers)["Queue"] for a in ami.sent] == ["general_queue", "repair"]
    assert dict(ami.sent[1].headers)["Penalty"] == "2"
    assert dict(ami.sent[0].headers)["StateInterface"] == "PJSIP/1001"


def test_already_logged_in_is_not_an_error_but_other_refusals_are() -> None:
    already = ScriptedAmi("Error", "Unable to add interface: Already there")
    asyncio.run(commands.log_in(already, "1001", QUEUES))
    with pytest.raises(commands.AgentCommandError, match=r"pause 1001.*Interface not found"):
        asyncio.run(commands.set_paused(ScriptedAmi("Error", "Interface not found"), "1001", True))


def test_transfer_targets() -> None:
    assert commands.transfer_target("1002", QUEUES) == commands.TransferTarget(
        "agents", "1002", "1002"
    )
    queue = commands.transfer_target("queue:general", QUEUES)
    assert (queue.context, queue.exten) == ("cc-queue", "general_queue")
    with pytest.raises(ValueError, match=r"no queue 'sales'; the queues are general, repair"):
        commands.transfer_target("queue:sales", QUEUES)
    with pytest.raises(ValueError, match="an extension, queue:NAME or a number"):
        commands.transfer_target("12ab", QUEUES)


def test_transfer_moves_the_agents_bridged_channel() -> None:
    ami = ScriptedAmi()
    ami.channels = [
        Message((("Channel", "PJSIP/1001-00000001"),)),
        Message((("Channel", "PJSIP/1001-00000002"), ("BridgeId", "b"))),
        Message((("Channel", "PJSIP/10010-00000003"), ("BridgeId", "c"))),
    ]
    target = commands.transfer_target("1002", QUEUES)
    assert asyncio.run(commands.transfer(ami, "1001", target, attended=True)) == (
        "PJSIP/1001-00000002"
    )
    assert ami.sent[-1].name == "Atxfer"
    ami.channels = []
    with pytest.raises(commands.AgentCommandError, match="not on a call"):
        asyncio.run(commands.transfer(ami, "1001", target, attended=False))
