"""``callcenter user add | list | token``: console accounts from the command line."""

from __future__ import annotations

import json
import secrets
import sys

import click
from sqlalchemy.orm import Session, sessionmaker

from callcenter.config import ConfigError, load_settings
from callcenter.db.engine import DatabaseError, open_database, session_scope
from callcenter.db.user_repository import ApiTokenRepository, UserRepository


def _sessions() -> sessionmaker[Session]:
    try:
        return open_database(load_settings().effective_database_url)
    except (ConfigError, DatabaseError) as exc:
        raise click.ClickException(str(exc)) from exc


@click.group("user")
def user() -> None:
    """Console accounts (agents, supervisors, admins)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["agent", "supervisor", "admin"]), required=True)
@click.option("--extension", default=None, help="The agent's phone extension, e.g. 1001.")
@click.option("--display-name", default="", help="Name shown in the console.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_command(
    name: str, role: str, extension: str | None, display_name: str, password_stdin: bool
) -> None:
    """Add a user. Without --password-stdin a random password is generated and shown once."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < 8:
            raise click.ClickException("the password must have at least 8 characters")
        shown = None
    else:
        password = shown = secrets.token_urlsafe(12)
    try:
        with session_scope(_sessions()) as session:
            UserRepository(session).add(
                name, password, role, extension, display_name=display_name or name
            )
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"user {name!r} added as {role}")
    if shown:
        click.echo(f"password (shown once, write it down): {shown}")


@user.command("list")
@click.option("--json", "as_json", is_flag=True)
def list_command(as_json: bool) -> None:
    """All users (never their passwords)."""
    with _sessions()() as session:
        rows = [
            {"username": u.username, "role": u.role, "extension": u.extension, "active": u.active}
            for u in UserRepository(session).list()
        ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
    else:
        for r in rows:
            click.echo(
                f"{r['username']:<20} {r['role']:<10} {r['extension'] or '-':<6} "
                f"{'active' if r['active'] else 'disabled'}"
            )


@user.command("token")
@click.argument("name")
@click.option("--label", default="cli", help="What the token is for.")
def token_command(name: str, label: str) -> None:
    """Create an API token for a user (shown once)."""
    with session_scope(_sessions()) as session:
        account = UserRepository(session).by_username(name)
        if account is None:
            raise click.ClickException(f"no user {name!r}: add it with `callcenter user add`")
        token = ApiTokenRepository(session).create(account, label)
    click.echo(token)
