"""What the ``callcenter tickets`` commands share: the database, the rules, the acting
person, printing (``--json`` or lines for people) and errors turned into messages."""

from __future__ import annotations

import functools
import getpass
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import click
from sqlalchemy.orm import Session, sessionmaker

from callcenter.config import ConfigError, Settings, load_settings
from callcenter.db.engine import DatabaseError, open_database, session_scope
from callcenter.ticketing.repository import TicketNotFoundError
from callcenter.ticketing.rules import DeskRules, rules_from_settings
from callcenter.tickets.code_catalog import UnknownCodeError
from callcenter.tickets.ticket import TransitionError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Desk:
    settings: Settings
    sessions: sessionmaker[Session]
    rules: DeskRules

    @contextmanager
    def scope(self) -> Iterator[Session]:
        with session_scope(self.sessions) as session:
            yield session


_desk: Desk | None = None


def desk() -> Desk:
    """The configured database and rules (opened once per process)."""
    global _desk
    if _desk is None:
        try:
            settings = load_settings()
            sessions = open_database(settings.effective_database_url)
        except (ConfigError, DatabaseError) as exc:
            raise click.ClickException(str(exc)) from exc
        _desk = Desk(settings, sessions, rules_from_settings(settings))
    return _desk


def reset_desk() -> None:
    """Forget the opened database (tests switch databases between runs)."""
    global _desk
    if _desk is not None:
        _desk.sessions.kw["bind"].dispose()
    _desk = None


def default_actor() -> str:
    return os.environ.get("CALLCENTER_USER") or getpass.getuser()


by_option = click.option(
    "--by",
    default=default_actor,
    show_default="$CALLCENTER_USER or the login name",
    help="Who does this (an agent extension or a user name), for the audit log.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def emit(data: Any, as_json: bool, human: Callable[[Any], str]) -> None:
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(human(data))


def friendly_errors(func: F) -> F:
    """Rule violations and unknown tickets end the command with their message (exit 1)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (TransitionError, TicketNotFoundError, UnknownCodeError, LookupError) as exc:
            raise click.ClickException(str(exc)) from exc
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper  # type: ignore[return-value]


def parse_when(value: str | None, rules: DeskRules) -> datetime | None:
    """``2026-03-09`` (the desk's midnight) or ``2026-03-09T18:00`` (desk time) or ISO with
    an offset."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date or time like 2026-03-09T18:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=rules.tz)


def parse_day(value: str | None, rules: DeskRules) -> date:
    if value is None:
        return datetime.now(rules.tz).date()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-03-09") from None


def ticket_line(t: dict[str, Any]) -> str:
    level = "" if t["escalation_level"] == "none" else f" ⚠{t['escalation_level']}"
    return (
        f"{t['number']}  {t['status']:<16} {t['priority']:<7} {t['category']:<12} "
        f"{t['assignee'] or '-':<8} {t['customer_name'] or t['contact']}: "
        f"{t['description'][:40]}{level}"
    )
