"""Search over tickets (number, customer, contact, description) and their notes (agent,
system and transcript notes), Chinese included, newest ticket first.

A query is split on white space; every term must occur (as a substring) in the same
ticket text or the same note. SQLite: FTS5 with the ``trigram`` tokenizer answers terms of
3 characters or more; a shorter term (``空调``) falls back to ``LIKE``. PostgreSQL:
``ILIKE`` served by the ``pg_trgm`` GIN indexes of migration 0004 (a term shorter than 3
characters has no trigram, so it scans: the newest matches come first and the scan stops
at the limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from callcenter.db.search_schema import PG_TICKET_TEXT
from callcenter.db.ticket_models import TicketNoteRow, TicketRow

TRIGRAM = 3
RECENT_WINDOW = 50_000  # tickets searched first on PostgreSQL
_SQLITE_TICKET_TEXT = "(number || ' ' || customer_name || ' ' || contact || ' ' || description)"
MAX_RESULTS = 200
_SNIPPET = 24


@dataclass(frozen=True)
class SearchHit:
    number: str
    status: str
    customer_name: str
    opened_at: datetime
    matched: str  # "ticket" or the kind of the note: agent, system, transcript
    snippet: str


def _terms(query: str) -> list[str]:
    return [t for t in query.split() if t][:8]


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _fts(terms: list[str]) -> str:
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _op(term: str, dialect: str) -> str:
    """``LIKE`` for a term without upper/lower case (Chinese, digits): the same answer as
    ``ILIKE`` on PostgreSQL, and much cheaper to re-check on each candidate row."""
    if dialect == "postgresql" and term.lower() != term.upper():
        return "ILIKE"
    return "LIKE"


def _where(expr: str, terms: list[str], dialect: str) -> tuple[str, dict[str, object]]:
    parts: list[str] = []
    params: dict[str, object] = {}
    for i, term in enumerate(terms):
        parts.append(f"{expr} {_op(term, dialect)} :t{i} ESCAPE '\\'")
        params[f"t{i}"] = _like(term)
    return " AND ".join(parts), params


def _ids(session: Session, statement: str, params: dict[str, object]) -> list[int]:
    return [int(r) for r in session.execute(text(statement), params).scalars()]


def _like_ids(
    session: Session, terms: list[str], limit: int, dialect: str
) -> tuple[list[int], list[int]]:
    """PostgreSQL (trigram GIN) or SQLite's LIKE fallback. On PostgreSQL the newest
    ``RECENT_WINDOW`` tickets are searched first: when they hold ``limit`` matches, those
    are the answer, and an old, common phrase never makes the query visit every match."""
    text_expr = PG_TICKET_TEXT if dialect == "postgresql" else _SQLITE_TICKET_TEXT
    t_where, params = _where(text_expr, terms, dialect)
    n_where, _ = _where("body", terms, dialect)
    floor = 0
    if dialect == "postgresql":
        newest = session.execute(text("SELECT max(id) FROM tickets")).scalar() or 0
        floor = max(0, int(newest) - RECENT_WINDOW)
    while True:
        recent_t, recent_n = (" AND id > :floor", " AND ticket_id > :floor") if floor else ("", "")
        tickets = f"SELECT id FROM tickets WHERE {t_where}{recent_t} ORDER BY id DESC LIMIT :n"
        notes = f"SELECT id FROM ticket_notes WHERE {n_where}{recent_n} ORDER BY id DESC LIMIT :n"
        values = {**params, "n": limit, "floor": floor}
        ticket_ids, note_ids = _ids(session, tickets, values), _ids(session, notes, values)
        if floor == 0 or len(ticket_ids) >= limit:
            return ticket_ids, note_ids
        if note_ids:
            owners = _note_owners(session, note_ids)
            if len(set(ticket_ids) | set(owners)) >= limit:
                return ticket_ids, note_ids
        floor = 0


def _note_owners(session: Session, note_ids: list[int]) -> list[int]:
    query = select(TicketNoteRow.ticket_id).where(
        TicketNoteRow.id.in_(bindparam("ids", expanding=True))
    )
    return [int(t) for t in session.execute(query, {"ids": note_ids}).scalars()]


def _matching_ids(session: Session, terms: list[str], limit: int) -> tuple[list[int], list[int]]:
    """(ticket ids whose own text matches, note ids that match), newest first."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and all(len(t) >= TRIGRAM for t in terms):
        params: dict[str, object] = {"q": _fts(terms), "n": limit}
        tickets = (
            "SELECT rowid FROM search_tickets WHERE search_tickets MATCH :q"
            " ORDER BY rowid DESC LIMIT :n"
        )
        notes = (
            "SELECT rowid FROM search_notes WHERE search_notes MATCH :q"
            " ORDER BY rowid DESC LIMIT :n"
        )
        return _ids(session, tickets, params), _ids(session, notes, params)
    return _like_ids(session, terms, limit, dialect)


def _snippet(body: str, terms: list[str]) -> str:
    lowered = body.lower()
    at = min((p for p in (lowered.find(t.lower()) for t in terms) if p >= 0), default=0)
    start = max(0, at - _SNIPPET // 2)
    piece = body[start : start + _SNIPPET * 2].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + _SNIPPET * 2 < len(body) else "")


def search_tickets(session: Session, query: str, *, limit: int = 20) -> list[SearchHit]:
    """Tickets matching ``query`` in their own text or in a note, newest first."""
    terms = _terms(query)
    if not terms:
        return []
    limit = max(1, min(limit, MAX_RESULTS))
    number_like = query.strip()
    ticket_ids, note_ids = _matching_ids(session, terms, limit)
    found: dict[int, tuple[str, str]] = {}
    notes = (
        session.execute(
            select(TicketNoteRow.ticket_id, TicketNoteRow.kind, TicketNoteRow.body).where(
                TicketNoteRow.id.in_(bindparam("ids", expanding=True))
            ),
            {"ids": note_ids},
        ).all()
        if note_ids
        else []
    )
    for ticket_id, kind, body in sorted(notes, key=lambda n: -n[0]):
        found.setdefault(ticket_id, (kind, _snippet(body, terms)))
    wanted = sorted(set(ticket_ids) | set(found), reverse=True)[:limit]
    if not wanted:
        exact = session.scalars(select(TicketRow).where(TicketRow.number == number_like)).first()
        wanted = [exact.id] if exact is not None else []
    rows = session.scalars(
        select(TicketRow).where(TicketRow.id.in_(bindparam("ids", expanding=True))),
        {"ids": wanted},
    ).all()
    by_id = {r.id: r for r in rows}
    own_match = set(ticket_ids)
    hits = []
    for ticket_id in wanted:
        row = by_id[ticket_id]
        if ticket_id in own_match or ticket_id not in found:
            own = f"{row.number} {row.customer_name} {row.contact} {row.description}"
            matched, snippet = "ticket", _snippet(own, terms)
        else:
            matched, snippet = found[ticket_id]
        hits.append(
            SearchHit(row.number, row.status, row.customer_name, row.opened_at, matched, snippet)
        )
    return hits
