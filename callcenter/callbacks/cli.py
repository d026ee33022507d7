"""``callcenter callbacks``: the callbacks of callers who kept their place, newest first."""

from __future__ import annotations

import json

import click

from callcenter.callbacks.turns import OPEN_STATUSES


@click.command("callbacks")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (one array).")
@click.option("--all", "show_all", is_flag=True, help="Also the done and unreached ones.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 100_000))
def callbacks_command(as_json: bool, show_all: bool, limit: int) -> None:
    """Open callbacks (pending, calling, connected); with --all every one kept."""
    from callcenter.callbacks.store import CallbackRepository, callback_to_dict
    from callcenter.cli_support import settings_or_exit
    from callcenter.db.engine import DatabaseError, open_database

    settings = settings_or_exit()
    try:
        sessions = open_database(settings.effective_database_url)
        with sessions() as session:
            rows = [callback_to_dict(r) for r in CallbackRepository(session).recent(limit)]
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    if not show_all:
        rows = [r for r in rows if r["status"] in OPEN_STATUSES]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for r in rows:
        click.echo(
            f"{r['id']:>5}  {r['number']:<14} {r['queue']:<10} {r['status']:<10} "
            f"tries {r['attempts']}  requests {r['requests']}  place {str(r['joined_at'])[:19]}"
        )
