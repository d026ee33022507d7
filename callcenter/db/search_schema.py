"""Names of the search indexes, which live in migration 0004 only (not in the models).

SQLite: FTS5 tables with the ``trigram`` tokenizer (any 3 characters match, so Chinese
works without word segmentation), kept in step with ``tickets`` and ``ticket_notes`` by
triggers. PostgreSQL: ``pg_trgm`` GIN indexes on the same text. Both answer
``LIKE '%phrase%'``-style searches; ``callcenter.ticketing.search`` builds the queries.
"""

from __future__ import annotations

# SQLite FTS5 virtual tables (external content) and their shadow tables share these prefixes.
SQLITE_TICKETS_FTS = "search_tickets"
SQLITE_NOTES_FTS = "search_notes"
# PostgreSQL trigram indexes.
PG_TICKETS_TRGM = "ix_search_tickets_trgm"
PG_NOTES_TRGM = "ix_search_notes_trgm"
# The ticket text searched on PostgreSQL: the index's expression, repeated in the queries.
PG_TICKET_TEXT = "(customer_name || ' ' || contact || ' ' || description)"

_PREFIXES = ("search_", "ix_search_")


def is_search_index(name: str | None) -> bool:
    return bool(name) and str(name).startswith(_PREFIXES)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: leave the search indexes out of schema comparisons
    (they are backend-specific objects the models cannot describe)."""
    return not is_search_index(name)
