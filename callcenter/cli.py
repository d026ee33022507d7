"""``callcenter``: the command line. Each area attaches its own click group here."""

from __future__ import annotations

import json
import logging
import sys
import unicodedata

import click

from callcenter.cli_support import settings_or_exit


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def main(verbose: bool) -> None:
    """A service-desk call center on Asterisk."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Alembic announces its context on every database open; only its warnings matter here.
    logging.getLogger("alembic").setLevel(logging.DEBUG if verbose else logging.WARNING)


def _cell(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns; Chinese characters take two columns."""
    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


@main.command("calls")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0, 100_000))
def calls_command(as_json: bool, limit: int) -> None:
    """The call log, newest first."""
    from callcenter.db.call_repository import CallRepository, call_to_dict
    from callcenter.db.engine import DatabaseError, open_database

    settings = settings_or_exit()
    try:
        sessions = open_database(settings.effective_database_url)
        with sessions() as session:
            rows = [call_to_dict(r) for r in CallRepository(session).recent(limit)]
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['started_at'][:19]}  {r['caller_number']:<14} {_cell(r['caller_name'], 16)} "
            f"{r['dialed']:<6} {r['queue'] or '-':<10} {r['agent'] or '-':<6} "
            f"wait {r['wait_seconds']:>6.1f}s talk {r['talk_seconds']:>7.1f}s "
            f"{r['disposition'] or 'in progress'}"
        )


@main.command("run")
@click.option("--no-console", is_flag=True, help="Run the controller only.")
def run_command(no_console: bool) -> None:
    """Controller + console (http://127.0.0.1:8080), in the foreground."""
    from callcenter.controller.runner import run

    run(settings_or_exit(), console=not no_console)


def _attach() -> None:
    from callcenter.agents.cli import agent, agents_command, transfer_command
    from callcenter.callbacks.cli import callbacks_command
    from callcenter.db.cli import db
    from callcenter.sandbox.cli import sandbox
    from callcenter.ticketing.cli_customers import customers  # and the attachment commands
    from callcenter.ticketing.cli_registers import tickets  # with the register commands
    from callcenter.users_cli import user
    from ivr.cli import menus, prompts
    from recordings.cli import transcribe_command
    from recordings.worker_cli import recordings_group, worker_command

    main.add_command(sandbox)
    main.add_command(agent)
    main.add_command(agents_command)
    main.add_command(transfer_command)
    main.add_command(menus)
    main.add_command(prompts)
    main.add_command(transcribe_command)
    main.add_command(worker_command)
    main.add_command(recordings_group)
    main.add_command(db)
    main.add_command(user)
    main.add_command(tickets)
    main.add_command(customers)
    main.add_command(callbacks_command)


_attach()
