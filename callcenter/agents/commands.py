"""What an agent does to its own queue membership, and moving its call: log in, log out,
pause, unpause, transfer.

One code path for every way in: ``callcenter agent login|logout|pause|unpause`` and
``callcenter transfer`` run these with a short AMI session of their own
(``callcenter.agents.live.with_ami``); the console's agent desk runs them on the controller's
AMI client (``LiveLink.run``). Each takes a logged-in AMI client and raises
``AgentCommandError`` with a sentence a person can act on when Asterisk refuses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from callcenter.ami import actions
from callcenter.ami.actions import Action
from callcenter.ami.message import Message


class AgentCommandError(Exception):
    """Asterisk refused what the agent asked (the message says what and why)."""


class Ami(Protocol):
    """The part of ``AmiClient`` these commands use."""

    async def send(self, action: Action, *, timeout: float | None = None) -> Message: ...

    async def collect(self, action: Action, *, timeout: float | None = None) -> list[Message]: ...


def check(response: Message, what: str, *, ok_when: tuple[str, ...] = ()) -> str:
    """The response's message; a refusal raises (unless its text is in ``ok_when``)."""
    text = response.get("Message") or ""
    if (response.get("Response") or "").lower() == "success":
        return text
    if any(part.lower() in text.lower() for part in ok_when):
        return text
    raise AgentCommandError(f"{what}: Asterisk said {text or 'error'}")


def interface(extension: str) -> str:
    return f"PJSIP/{extension}"


async def log_in(
    ami: Ami,
    extension: str,
    queues: Mapping[str, str],
    *,
    penalties: Mapping[str, int] | None = None,
) -> None:
    """Log in to ``queues`` (desk name -> Asterisk name); already in one is fine."""
    for queue, asterisk_name in queues.items():
        answer = await ami.send(
            actions.queue_add(
                asterisk_name,
                interface(extension),
                member_name=extension,
                penalty=(penalties or {}).get(queue, 0),
                state_interface=interface(extension),
            )
        )
        check(answer, f"log {extension} in to {queue}", ok_when=("Already there",))


async def log_out(ami: Ami, extension: str, queues: Mapping[str, str]) -> None:
    """Log out of ``queues`` (desk name -> Asterisk name); not in one is fine."""
    for queue, asterisk_name in queues.items():
        answer = await ami.send(actions.queue_remove(asterisk_name, interface(extension)))
        check(answer, f"log {extension} out of {queue}", ok_when=("Not there",))


async def set_paused(ami: Ami, extension: str, paused: bool, reason: str | None = None) -> None:
    """Pause (with ``reason``) or unpause in every queue the agent is in."""
    answer = await ami.send(actions.queue_pause(interface(extension), paused, reason=reason))
    verb = "pause" if paused else "unpause"
    check(answer, f"{verb} {extension} (is it logged in?)")


@dataclass(frozen=True, slots=True)
class TransferTarget:
    """Where a transfer goes in the dialplan: ``agents,<ext>`` or ``cc-queue,<queue>``."""

    context: str
    exten: str
    shown: str  # as the person wrote it: 1002, queue:repair


def transfer_target(target: str, asterisk_queues: Mapping[str, str]) -> TransferTarget:
    """Parse ``1002`` (an extension or number) or ``queue:NAME``; ValueError when neither."""
    target = target.strip()
    if target.startswith("queue:"):
        queue = target.removeprefix("queue:")
        if queue not in asterisk_queues:
            known = ", ".join(asterisk_queues)
            raise ValueError(f"no queue {queue!r}; the queues are {known}")
        return TransferTarget("cc-queue", asterisk_queues[queue], target)
    if not target.isdigit() or len(target) > 20:
        raise ValueError(f"{target!r}: an extension, queue:NAME or a number")
    return TransferTarget("agents", target, target)


def agent_channel(channels: Sequence[Message], extension: str) -> str | None:
    """The agent's channel that is in a call (bridged), from CoreShowChannels."""
    mine = [c for c in channels if (c.get("Channel") or "").startswith(f"PJSIP/{extension}-")]
    bridged = [c for c in mine if c.get("BridgeId")]
    chosen = bridged or mine
    return chosen[0].get("Channel") if chosen else None


async def transfer(ami: Ami, extension: str, target: TransferTarget, *, attended: bool) -> str:
    """Transfer the agent's current call, blind or attended; returns the agent's channel."""
    channel = agent_channel(await ami.collect(actions.core_show_channels()), extension)
    if channel is None:
        raise AgentCommandError(f"agent {extension} is not on a call")
    if attended:
        action = actions.atxfer(channel, target.exten, context=target.context)
    else:
        action = actions.blind_transfer(channel, target.exten, target.context)
    check(await ami.send(action), f"transfer {extension}'s call to {target.shown}")
    return channel
