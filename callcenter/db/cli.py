"""``callcenter db upgrade | current``: the database commands (attached to the main CLI)."""

from __future__ import annotations

import click

from callcenter.db.engine import DatabaseError, display_url
from callcenter.db.migrate import current_revision, head_revision, upgrade


def _database_url(url: str | None) -> str:
    if url:
        return url
    from callcenter.config import ConfigError, load_settings

    try:
        return load_settings().effective_database_url
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


_url_option = click.option(
    "--url",
    metavar="URL",
    default=None,
    help="Database URL (default: the configured one, CALLCENTER_DATABASE_URL).",
)


@click.group("db")
def db() -> None:
    """The database: schema migrations."""


@db.command("upgrade")
@_url_option
@click.option("--revision", default="head", show_default=True, help="Target revision.")
def upgrade_command(url: str | None, revision: str) -> None:
    """Create or migrate the database to the current schema (safe to run again)."""
    target = _database_url(url)
    try:
        before, after = upgrade(target, revision)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    where = display_url(target)
    if before == after:
        click.echo(f"database at {where} is up to date (revision {after})")
    else:
        click.echo(f"database at {where} upgraded: {before or 'empty'} -> {after}")


@db.command("current")
@_url_option
def current_command(url: str | None) -> None:
    """Print the database's schema revision and whether it is current."""
    target = _database_url(url)
    try:
        current = current_revision(target)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from exc
    head = head_revision()
    state = "current" if current == head else f"head is {head}: run `callcenter db upgrade`"
    click.echo(f"{current or 'none'} ({state})")
