"""``callcenter agent add|login|logout|pause|unpause``, ``callcenter agents``, ``transfer``.

Login, logout and pause talk to Asterisk directly (AMI QueueAdd / QueueRemove / QueuePause),
so they work with or without a running controller; the controller sees the resulting
``QueueMember*`` events and records the timeline. What they send is
``callcenter.agents.commands`` (the console's agent desk sends the same).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import click

from callcenter.agents import commands
from callcenter.agents.live import (
    as_json_rows,
    epoch_iso,
    live_agents,
    member_times,
    queue_status_items,
    with_ami,
)
from callcenter.agents.state import AgentState
from callcenter.ami.client import AmiClient
from callcenter.cli_support import settings_or_exit
from callcenter.config import Settings


def _sessions(settings: Settings) -> Any:
    from callcenter.db.engine import DatabaseError, open_database

    try:
        return open_database(settings.effective_database_url)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc


def _check_queues(settings: Settings, queues: tuple[str, ...]) -> None:
    unknown = [q for q in queues if q not in settings.queues]
    if unknown:
        raise click.BadParameter(
            f"no queue {', '.join(unknown)}; the queues are {', '.join(settings.queues)}",
            param_hint="--queue",
        )


def _agent_defaults(settings: Settings, ext: str) -> tuple[list[str], dict[str, int]]:
    """The agent's queues (every queue if none recorded) and penalties, from the database."""
    from callcenter.agents.store import AgentRepository

    with _sessions(settings)() as session:
        return AgentRepository(session).queues_and_skills(ext, settings.queues)


def _extension(value: str) -> str:
    if not value.isdigit() or not 2 <= len(value) <= 8:
        raise click.BadParameter(f"{value!r} is not an extension (2 to 8 digits)")
    return value


@click.group("agent")
def agent() -> None:
    """Agents: provision, log in and out of queues, pause."""


@agent.command("add")
@click.argument("extension")
@click.option("--name", default="", help="The agent's name, e.g. 王芳.")
@click.option("--queue", "queues", multiple=True, help="A queue it logs in to (repeatable).")
@click.option("--penalty", "penalties", multiple=True, metavar="QUEUE=N",
              help="Skill as app_queue penalty (lower rings first), e.g. repair=2.")  # fmt: skip
def add_command(
    extension: str, name: str, queues: tuple[str, ...], penalties: tuple[str, ...]
) -> None:
    """Provision a SIP endpoint (password shown once); no Asterisk restart."""
    from callcenter.agents.provision import write_extra_agents
    from callcenter.agents.store import AgentRepository
    from callcenter.db.engine import session_scope
    from callcenter.sandbox.sandbox import Sandbox
    from callcenter.sandbox.secrets_store import load_or_create_secrets

    settings = settings_or_exit()
    ext = _extension(extension)
    _check_queues(settings, queues)
    skills: dict[str, int] = {}
    for item in penalties:
        queue, sep, value = item.partition("=")
        if not sep or not value.isdigit():
            raise click.BadParameter(
                f"{item!r}: write QUEUE=N, e.g. repair=2", param_hint="--penalty"
            )
        _check_queues(settings, (queue,))
        skills[queue] = int(value)
    with session_scope(_sessions(settings)) as session:
        AgentRepository(session).save(ext, name=name, queues=queues, skills=skills)
    sandbox = Sandbox(settings)
    before = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    secrets = load_or_create_secrets(sandbox.secrets_file, [*settings.agent_extensions, ext])
    if ext not in settings.agent_extensions:
        write_extra_agents(sandbox)
    click.echo(f"agent {ext} {name}".rstrip() + f": queues {', '.join(queues) or 'all'}")
    if ext not in before.agent_passwords:
        click.echo(f"SIP user {ext}, password {secrets.agent_passwords[ext]} (shown once)")
    click.echo(f"log it in with: callcenter agent login {ext}", err=True)


@agent.command("login")
@click.argument("extension")
@click.option("--queue", "queues", multiple=True, help="Only these queues (repeatable).")
def login_command(extension: str, queues: tuple[str, ...]) -> None:
    """Log in to the agent's queues (or the ones given)."""
    settings = settings_or_exit()
    ext = _extension(extension)
    _check_queues(settings, queues)
    default_queues, skills = _agent_defaults(settings, ext)
    wanted = list(queues) or default_queues

    async def work(ami: AmiClient) -> None:
        chosen = {q: settings.asterisk_queues[q] for q in wanted}
        await commands.log_in(ami, ext, chosen, penalties=skills)

    with_ami(settings, work)
    click.echo(f"agent {ext} logged in to {', '.join(wanted)}")


@agent.command("logout")
@click.argument("extension")
@click.option("--queue", "queues", multiple=True, help="Only these queues (repeatable).")
def logout_command(extension: str, queues: tuple[str, ...]) -> None:
    """Log out of every queue (or the ones given)."""
    settings = settings_or_exit()
    ext = _extension(extension)
    _check_queues(settings, queues)
    wanted = list(queues) or list(settings.queues)

    async def work(ami: AmiClient) -> None:
        await commands.log_out(ami, ext, {q: settings.asterisk_queues[q] for q in wanted})

    with_ami(settings, work)
    click.echo(f"agent {ext} logged out of {', '.join(wanted)}")


def _pause(ext: str, paused: bool, reason: str | None) -> None:
    settings = settings_or_exit()

    async def work(ami: AmiClient) -> None:
        await commands.set_paused(ami, ext, paused, reason)

    with_ami(settings, work)


@agent.command("pause")
@click.argument("extension")
@click.option("--reason", required=True, help="Why, e.g. lunch, training, 午休.")
def pause_command(extension: str, reason: str) -> None:
    """Pause in every queue: not rung until unpaused."""
    ext = _extension(extension)
    _pause(ext, True, reason)
    click.echo(f"agent {ext} paused: {reason}")


@agent.command("unpause")
@click.argument("extension")
def unpause_command(extension: str) -> None:
    """Unpause in every queue."""
    ext = _extension(extension)
    _pause(ext, False, None)
    click.echo(f"agent {ext} available again")


@click.command("agents")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
def agents_command(as_json: bool) -> None:
    """Every agent's state: live from Asterisk, since when from the stored timeline."""
    from callcenter.agents.store import AgentRepository

    settings = settings_or_exit()
    with _sessions(settings)() as session:
        repo = AgentRepository(session)
        names = {row.extension: row.name for row in repo.all()}
        latest = {ext: (row.state, row.at, row.reason) for ext, row in repo.latest().items()}
    items = queue_status_items(settings)
    now = datetime.now(UTC)
    live = live_agents(settings, items, now) if items is not None else None
    times = member_times(settings, items or [])
    rows: list[dict[str, Any]] = []
    for ext in set(settings.agent_extensions) | set(names) | set(latest) | set(live or {}):
        stored_state, stored_at, stored_reason = latest.get(ext, ("logged_out", None, ""))
        since = stored_at.isoformat() if stored_at else None
        if live is None:
            state, reason, queues = stored_state, stored_reason, []
        else:
            current = live.get(ext)
            state = current.state.value if current else AgentState.LOGGED_OUT.value
            reason = current.reason if current else ""
            queues = [q for q in settings.queues if current and q in current.queues]
            if state != stored_state:
                mine = times.get(ext, {})
                epoch = mine.get("call" if state == "wrap_up" else "login", 0)
                since = epoch_iso(mine.get("pause", 0) if state == "paused" else epoch)
        rows.append({"extension": ext, "name": names.get(ext, ""), "state": state,
                     "pause_reason": reason or None, "queues": queues, "since": since})  # fmt: skip
    rows = as_json_rows(rows)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        reason = f" ({r['pause_reason']})" if r["pause_reason"] else ""
        click.echo(f"{r['extension']:<6} {r['state']:<10}{reason:<12} {','.join(r['queues']):<28}"
                   f" {(r['since'] or '-')[:19]}  {r['name']}")  # fmt: skip


@click.command("transfer")
@click.option("--agent", "extension", required=True, help="The agent whose call moves.")
@click.option("--to", "target", required=True, help="An extension, queue:NAME or a number.")
@click.option("--attended", is_flag=True, help="Consult first (the agent hangs up to finish).")
def transfer_command(extension: str, target: str, attended: bool) -> None:
    """Transfer an agent's current call, blind (default) or attended."""
    settings = settings_or_exit()
    ext = _extension(extension)
    try:
        where = commands.transfer_target(target, settings.asterisk_queues)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--to") from exc

    async def work(ami: AmiClient) -> str:
        return await commands.transfer(ami, ext, where, attended=attended)

    channel = with_ami(settings, work)
    kind = "attended" if attended else "blind"
    click.echo(f"{kind} transfer of {channel} to {target} started")
