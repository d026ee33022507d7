"""Queue members as Asterisk has them now (AMI QueueStatus), and changes to them: log an
agent in with a penalty, change its penalty, log it out. Penalties are the agents' skills
(app_queue rings lower penalties first); a change is also stored on the agent, so its next
login uses it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import click
from sqlalchemy.orm import Session

from callcenter.agents.store import AgentRepository
from callcenter.ami import actions
from callcenter.ami.actions import Action
from callcenter.ami.client import AmiClient
from callcenter.ami.message import Message
from callcenter.config import Settings

T = TypeVar("T")


def _with_ami(settings: Settings, work: Callable[[AmiClient], Awaitable[T]]) -> T:
    """``with_ami`` on a thread of its own: the caller's thread may run an event loop
    already (a console thread next to the controller, a test with Playwright)."""
    from callcenter.agents.live import with_ami

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="admin-ami") as pool:
        return pool.submit(with_ami, settings, work).result()


class MemberChangeError(RuntimeError):
    """Asterisk could not be reached or refused the change; the message says which."""


@dataclass(frozen=True)
class Member:
    extension: str
    interface: str
    penalty: int
    paused: bool
    in_call: bool


def live_members(settings: Settings) -> dict[str, list[Member]] | None:
    """Queue name -> its members now; None when Asterisk cannot be reached."""

    async def work(ami: AmiClient) -> list[Message]:
        return await ami.collect(actions.queue_status())

    try:
        items = _with_ami(settings, work)
    except click.ClickException:
        return None
    desk = {ast: name for name, ast in settings.asterisk_queues.items()}
    members: dict[str, list[Member]] = {q: [] for q in settings.queues}
    for item in items:
        queue = desk.get(item.get("Queue") or "")
        if item.get("Event") != "QueueMember" or queue is None:
            continue
        interface = item.get("StateInterface") or item.get("Location") or ""
        members[queue].append(
            Member(
                extension=item.get("Name") or interface.removeprefix("PJSIP/"),
                interface=interface,
                penalty=int(item.get("Penalty") or 0),
                paused=item.get("Paused") == "1",
                in_call=item.get("InCall") == "1",
            )
        )
    for found in members.values():
        found.sort(key=lambda m: (len(m.extension), m.extension))
    return members


def queue_penalty(queue: str, interface: str, penalty: int) -> Action:
    return Action(
        "QueuePenalty", (("Interface", interface), ("Penalty", str(penalty)), ("Queue", queue))
    )


def _send(settings: Settings, action: Action, what: str) -> None:
    async def work(ami: AmiClient) -> Message:
        return await ami.send(action)

    try:
        answer = _with_ami(settings, work)
    except click.ClickException as exc:
        raise MemberChangeError(f"{what}: {exc.message}") from exc
    if (answer.get("Response") or "").lower() != "success":
        raise MemberChangeError(f"{what}: Asterisk said {answer.get('Message') or 'error'}")


def change_member(
    settings: Settings, session: Session, queue: str, extension: str, *, op: str, penalty: int
) -> None:
    """``op``: ``add`` (log in with ``penalty``), ``penalty`` (change it), ``remove``."""
    ast_queue = settings.asterisk_queues[queue]
    interface = f"PJSIP/{extension}"
    if op == "add":
        action = actions.queue_add(
            ast_queue,
            interface,
            member_name=extension,
            penalty=penalty,
            state_interface=interface,
        )
    elif op == "penalty":
        action = queue_penalty(ast_queue, interface, penalty)
    elif op == "remove":
        action = actions.queue_remove(ast_queue, interface)
    else:
        raise ValueError(f"unknown member change {op!r}")
    _send(settings, action, f"{op} {extension} in {queue}")
    if op in ("add", "penalty"):
        repo = AgentRepository(session)
        row = repo.get(extension)
        if row is not None:
            skills = {**row.skills, queue: penalty}
            repo.save(extension, name=row.name, queues=list(row.queues), skills=skills)


def apply_penalties(settings: Settings, extension: str, skills: dict[str, int]) -> list[str]:
    """Change the agent's penalty now in the queues it is logged in to (where it differs);
    the queues changed. Nothing when Asterisk cannot be reached (the next login uses them)."""
    members = live_members(settings)
    if members is None:
        return []
    changed = []
    for queue, penalty in skills.items():
        mine = [m for m in members.get(queue, []) if m.extension == extension]
        if mine and mine[0].penalty != penalty:
            action = queue_penalty(settings.asterisk_queues[queue], mine[0].interface, penalty)
            _send(settings, action, f"penalty of {extension} in {queue}")
            changed.append(queue)
    return changed
