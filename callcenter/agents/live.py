"""Short AMI sessions for the command line, and the agents' state as Asterisk has it now."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from callcenter.agents.book import AgentBook
from callcenter.agents.commands import AgentCommandError
from callcenter.agents.state import Agent
from callcenter.ami import actions
from callcenter.ami.client import AmiClient
from callcenter.ami.errors import AmiAuthError, AmiConnectionError, AmiError
from callcenter.ami.events import QueueMemberEvent, event_from_message
from callcenter.ami.message import Message
from callcenter.config import Settings
from callcenter.controller.ami_endpoint import ami_endpoint
from callcenter.sandbox.errors import SandboxError

T = TypeVar("T")


class AmiUnavailableError(click.ClickException):
    """Asterisk's AMI cannot be reached (or refused us)."""


def with_ami(settings: Settings, work: Callable[[AmiClient], Awaitable[T]]) -> T:
    """Run ``work`` with a logged-in AMI client for the configured (or sandbox) Asterisk."""
    async def session() -> T:
        try:
            endpoint = ami_endpoint(settings)
        except SandboxError as exc:
            raise AmiUnavailableError(str(exc)) from exc
        client = AmiClient(
            endpoint.host,
            endpoint.port,
            endpoint.username,
            endpoint.secret,
            action_timeout=settings.ami_timeout,
        )
        try:
            await client.connect()
        except (AmiConnectionError, AmiAuthError) as exc:
            hint = "(is the sandbox up? `callcenter sandbox up`)"
            raise AmiUnavailableError(f"{exc} {hint}") from exc
        try:
            return await work(client)
        finally:
            await client.close()

    try:
        return asyncio.run(session())
    except (AmiError, AgentCommandError) as exc:
        raise click.ClickException(str(exc)) from exc


def live_agents(settings: Settings, items: list[Message], now: datetime) -> dict[str, Agent]:
    """Agents from a QueueStatus list, through the same pure book the controller uses."""
    queue_names = {ast: desk for desk, ast in settings.asterisk_queues.items()}
    wrap_up = {q: float(settings.queue(q).wrapup_seconds) for q in settings.queues}
    book = AgentBook(queue_names=queue_names, wrap_up=wrap_up)
    members = [e for e in (event_from_message(m) for m in items) if isinstance(e, QueueMemberEvent)]
    book.resync(members, now)
    return book.agents


def member_times(settings: Settings, items: list[Message]) -> dict[str, dict[str, int]]:
    """extension -> the latest LoginTime / LastCall / LastPause of its queue memberships."""
    times: dict[str, dict[str, int]] = {}
    for event in (event_from_message(m) for m in items):
        if isinstance(event, QueueMemberEvent):
            mine = times.setdefault(event.extension, {})
            mine["login"] = max(mine.get("login", 0), event.login_time)
            mine["call"] = max(mine.get("call", 0), event.last_call)
    for item in items:
        ext = item.get("Name") or ""
        if ext in times:
            last_pause = int(item.get("LastPause") or 0)
            times[ext]["pause"] = max(times[ext].get("pause", 0), last_pause)
    return times


def epoch_iso(epoch: int) -> str | None:
    return datetime.fromtimestamp(epoch, tz=UTC).isoformat() if epoch > 0 else None


def queue_status_items(settings: Settings) -> list[Message] | None:
    """QueueStatus items now, or None when Asterisk cannot be reached."""

    async def work(ami: AmiClient) -> list[Message]:
        return await ami.collect(actions.queue_status())

    try:
        return with_ami(settings, work)
    except AmiUnavailableError:
        return None


def as_json_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (len(r["extension"]), r["extension"]))
