"""Ticket numbers without races, and phone numbers as customer keys.

``allocate_ticket_number`` bumps the day's counter row with one atomic
``INSERT .. ON CONFLICT (day) DO UPDATE SET last_sequence = last_sequence + 1 RETURNING``:
on PostgreSQL the row lock serialises concurrent transactions; on SQLite the statement
takes the database's write lock. Either way no two tickets get the same number, and a
rolled-back transaction gives its number back.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from callcenter.db.ticket_models import TicketCounterRow
from callcenter.tickets.ticket_number import MAX_SEQUENCE, TicketNumber

_SEPARATORS = re.compile(r"[\s\-().]")
_CN_MOBILE = re.compile(r"(?:\+86|0086)(1\d{10})")


def normalize_number(raw: str) -> str:
    """A caller's number as a customer key: separators dropped, a +86/0086 prefix dropped
    from a mainland mobile number. ``""`` when nothing is left (anonymous caller)."""
    text = _SEPARATORS.sub("", raw or "")
    match = _CN_MOBILE.fullmatch(text)
    if match:
        return match.group(1)
    if text.startswith("+"):
        return "+" + "".join(ch for ch in text[1:] if ch.isdigit())
    return "".join(ch for ch in text if ch.isdigit())


def _bump(dialect: str, day: date) -> Insert:
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(TicketCounterRow).values(day=day, last_sequence=1)
    return statement.on_conflict_do_update(
        index_elements=[TicketCounterRow.day],
        set_={"last_sequence": TicketCounterRow.last_sequence + 1},
    )


def allocate_ticket_number(session: Session, day: date) -> TicketNumber:
    """The next number of ``day`` (the desk's local date), in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"ticket numbers on {dialect}")
    statement = _bump(dialect, day).returning(TicketCounterRow.last_sequence)
    sequence = int(session.execute(statement).scalar_one())
    if sequence > MAX_SEQUENCE:
        raise ValueError(f"{day.isoformat()}: more than {MAX_SEQUENCE} tickets in one day")
    return TicketNumber(day, sequence)
