"""Customers, tickets, notes, audit, SLA, complaints, callback visits, roster; search.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

Search: on SQLite, FTS5 tables with the trigram tokenizer over tickets and notes, kept in
step by triggers; on PostgreSQL, ``pg_trgm`` GIN indexes (the extension is created here).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from callcenter.db.base import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


CHANNELS = ("phone", "walk_in", "web", "voicemail", "callback")
PRIORITIES = ("urgent", "high", "normal", "low")
STATUSES = (
    "new",
    "assigned",
    "in_progress",
    "waiting_customer",
    "resolved",
    "closed",
    "cancelled",
)
LEVELS = ("none", "supervisor", "manager")
COMPLAINT_STATUSES = ("registered", "investigating", "result_recorded", "fed_back", "closed")
ACCEPTANCES = ("accepted", "not_accepted", "no_answer")
OUTCOMES = ("completed", "unreachable", "declined")


def _now() -> sa.Column[object]:
    return sa.Column("created_at", UTCDateTime(), server_default=sa.func.now(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _index(table: str, *columns: str, name: str | None = None, unique: bool = False) -> None:
    op.create_index(name or op.f(f"ix_{table}_{columns[0]}"), table, list(columns), unique=unique)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("vip", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("notes", sa.UnicodeText(), server_default="", nullable=False),
        _now(),
        sa.Column("updated_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
    )
    op.create_table(
        "customer_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Unicode(length=40), server_default="", nullable=False),
        _now(),
        _fk("customer_numbers", "customer_id", "customers", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_numbers")),
        sa.UniqueConstraint("number", name=op.f("uq_customer_numbers_number")),
    )
    _index("customer_numbers", "customer_id")
    op.create_table(
        "ticket_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_sequence", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_ticket_counters")),
    )
    _create_tickets()
    _create_ticket_children()
    _create_registers()
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_search()
    elif bind.dialect.name == "postgresql":
        _pg_search()


def _create_tickets() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=13), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("assignee", sa.String(length=80), nullable=True),
        sa.Column("assignee_kind", sa.String(length=8), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("customer_name", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("contact", sa.Unicode(length=200), nullable=False),
        sa.Column("description", sa.UnicodeText(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.Unicode(length=80), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("response_due", UTCDateTime(), nullable=False),
        sa.Column("resolution_due", UTCDateTime(), nullable=False),
        sa.Column("first_response_at", UTCDateTime(), nullable=True),
        sa.Column("resolved_at", UTCDateTime(), nullable=True),
        sa.Column("resolution", sa.UnicodeText(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.Column("cancel_reason", sa.UnicodeText(), nullable=True),
        sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("waiting_periods", JSON, nullable=False),
        sa.Column("escalation_level", sa.String(length=16), server_default="none", nullable=False),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        _now(),
        sa.CheckConstraint(_in("channel", CHANNELS), name=op.f("ck_tickets_channel")),
        sa.CheckConstraint(_in("priority", PRIORITIES), name=op.f("ck_tickets_priority")),
        sa.CheckConstraint(_in("status", STATUSES), name=op.f("ck_tickets_status")),
        sa.CheckConstraint(
            _in("escalation_level", LEVELS), name=op.f("ck_tickets_escalation_level")
        ),
        sa.CheckConstraint(
            "assignee_kind IS NULL OR " + _in("assignee_kind", ("agent", "team")),
            name=op.f("ck_tickets_assignee_kind"),
        ),
        _fk("tickets", "customer_id", "customers", "SET NULL"),
        _fk("tickets", "call_id", "calls", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("number", name=op.f("uq_tickets_number")),
    )
    for column in (
        "category",
        "priority",
        "customer_id",
        "opened_at",
        "resolution_due",
        "resolved_at",
        "escalation_level",
    ):
        _index("tickets", column)
    _index("tickets", "status", "opened_at", name="ix_tickets_status_opened_at")
    _index("tickets", "assignee", "status", name="ix_tickets_assignee_status")


def _create_ticket_children() -> None:
    op.create_table(
        "ticket_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.Unicode(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.UnicodeText(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        _now(),
        sa.CheckConstraint(
            _in("kind", ("agent", "system", "transcript")), name=op.f("ck_ticket_notes_kind")
        ),
        _fk("ticket_notes", "ticket_id", "tickets", "CASCADE"),
        _fk("ticket_notes", "call_id", "calls", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_notes")),
    )
    _index("ticket_notes", "ticket_id")
    _index("ticket_notes", "call_id")
    op.create_table(
        "ticket_calls",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.Unicode(length=80), nullable=False),
        sa.Column("linked_at", UTCDateTime(), server_default=sa.func.now(), nullable=False),
        _fk("ticket_calls", "ticket_id", "tickets", "CASCADE"),
        _fk("ticket_calls", "call_id", "calls", "CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id", "call_id", name=op.f("pk_ticket_calls")),
    )
    _index("ticket_calls", "call_id")
    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.Unicode(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("path", sa.UnicodeText(), nullable=False),
        sa.Column("uploaded_by", sa.Unicode(length=80), nullable=False),
        _now(),
        _fk("ticket_attachments", "ticket_id", "tickets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachments")),
    )
    _index("ticket_attachments", "ticket_id")
    op.create_table(
        "ticket_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.Unicode(length=80), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old", sa.UnicodeText(), nullable=True),
        sa.Column("new", sa.UnicodeText(), nullable=True),
        sa.Column("note", sa.UnicodeText(), server_default="", nullable=False),
        _fk("ticket_audit", "ticket_id", "tickets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_audit")),
    )
    _index("ticket_audit", "ticket_id")
    op.create_table(
        "ticket_escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.String(length=40), nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.Unicode(length=80), nullable=True),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            _in("level", ("supervisor", "manager")), name=op.f("ck_ticket_escalations_level")
        ),
        _fk("ticket_escalations", "ticket_id", "tickets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_escalations")),
    )
    _index("ticket_escalations", "ticket_id")
    _index("ticket_escalations", "created_at")


def _create_registers() -> None:
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("complainant", sa.Unicode(length=200), nullable=False),
        sa.Column("contact", sa.Unicode(length=200), nullable=False),
        sa.Column("content", sa.UnicodeText(), nullable=False),
        sa.Column("demands", sa.UnicodeText(), nullable=False),
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("responsible", sa.Unicode(length=80), nullable=True),
        sa.Column("deadline", UTCDateTime(), nullable=True),
        sa.Column("substantiated", sa.Boolean(), nullable=True),
        sa.Column("result", sa.UnicodeText(), nullable=True),
        sa.Column("remedy", sa.UnicodeText(), nullable=True),
        sa.Column("feedback", sa.UnicodeText(), nullable=True),
        sa.Column("fed_back_at", UTCDateTime(), nullable=True),
        sa.Column("acceptance", sa.String(length=16), nullable=True),
        sa.Column("acceptance_note", sa.UnicodeText(), server_default="", nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closing_note", sa.UnicodeText(), server_default="", nullable=False),
        sa.Column("rounds", sa.SmallInteger(), server_default="1", nullable=False),
        sa.CheckConstraint(_in("status", COMPLAINT_STATUSES), name=op.f("ck_complaints_status")),
        sa.CheckConstraint(
            "acceptance IS NULL OR " + _in("acceptance", ACCEPTANCES),
            name=op.f("ck_complaints_acceptance"),
        ),
        _fk("complaints", "ticket_id", "tickets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_complaints_ticket_id")),
    )
    _index("complaints", "received_at")
    _index("complaints", "status")
    op.create_table(
        "callback_visits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("handled_by", sa.String(length=80), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("visited_at", UTCDateTime(), nullable=True),
        sa.Column("visited_by", sa.Unicode(length=80), nullable=True),
        sa.Column("satisfaction", sa.SmallInteger(), nullable=True),
        sa.Column("problem_solved", sa.Boolean(), nullable=True),
        sa.Column("note", sa.UnicodeText(), server_default="", nullable=False),
        _now(),
        sa.CheckConstraint(
            "outcome IS NULL OR " + _in("outcome", OUTCOMES),
            name=op.f("ck_callback_visits_outcome"),
        ),
        sa.CheckConstraint(
            "satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
            name=op.f("ck_callback_visits_satisfaction"),
        ),
        _fk("callback_visits", "ticket_id", "tickets", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_visits")),
    )
    for column in ("ticket_id", "due_at", "visited_at"):
        _index("callback_visits", column)
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agent", sa.String(length=80), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("ends_at", UTCDateTime(), nullable=False),
        sa.Column("note", sa.Unicode(length=200), server_default="", nullable=False),
        sa.Column("created_by", sa.Unicode(length=80), server_default="", nullable=False),
        _now(),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_duty_shifts_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shifts")),
    )
    _index("duty_shifts", "starts_at")
    _index("duty_shifts", "agent", "starts_at", name="ix_duty_shifts_agent_starts_at")


# -- search -------------------------------------------------------------------------------

_FTS = {
    # virtual table: (content table, columns)
    "search_tickets": ("tickets", ("number", "customer_name", "contact", "description")),
    "search_notes": ("ticket_notes", ("body",)),
}


def _sqlite_search() -> None:
    for fts, (table, columns) in _FTS.items():
        cols = ", ".join(columns)
        new = ", ".join(f"new.{c}" for c in columns)
        old = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}',"
            " content_rowid='id', tokenize='trigram')"
        )
        insert = f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new});"
        delete = f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old});"
        op.execute(f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN {delete} {insert} END"
        )


def _pg_search() -> None:
    # Trigrams of the text, plus the ticket id (btree_gin): "newest tickets first" searches
    # narrow to recent tickets inside the index, so a common phrase does not make the query
    # visit every old row that contains it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute(
        "CREATE INDEX ix_search_tickets_trgm ON tickets USING gin "
        "((customer_name || ' ' || contact || ' ' || description) gin_trgm_ops, id)"
    )
    op.execute(
        "CREATE INDEX ix_search_notes_trgm ON ticket_notes USING gin (body gin_trgm_ops, ticket_id)"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts in _FTS:
            for suffix in ("ai", "ad", "au"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_notes_trgm")
        op.execute("DROP INDEX IF EXISTS ix_search_tickets_trgm")
    for table in (
        "duty_shifts",
        "callback_visits",
        "complaints",
        "ticket_escalations",
        "ticket_audit",
        "ticket_attachments",
        "ticket_calls",
        "ticket_notes",
        "tickets",
        "ticket_counters",
        "customer_numbers",
        "customers",
    ):
        op.drop_table(table)
