"""Audit entries: every change to a ticket or complaint record says who, when, what, from, to.

Seed 000 asks the desk to record "问题类型、处理责任人、处理时间等信息"; seed 002 asks that
"所有服务过程、客户反馈及投诉处理均应有详细记录,确保可追溯性". Storage writes these rows as
they come; the domain never mutates an entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One field of one record changed: ``subject`` is the ticket number (or ``C:<number>``
    for its complaint record, ``V:<number>`` for its callback visit)."""

    subject: str
    at: datetime
    by: str
    field: str
    old: str | None
    new: str | None
    note: str = ""

    def __str__(self) -> str:
        return (
            f"{self.subject} {self.at.isoformat()} {self.by}: {self.field} {self.old} -> {self.new}"
        )


def field_changes(
    subject: str,
    at: datetime,
    by: str,
    changes: Sequence[tuple[str, str | None, str | None]],
    note: str = "",
) -> tuple[AuditEntry, ...]:
    """Entries for the (field, old, new) triples that really changed."""
    return tuple(
        AuditEntry(subject, at, by, name, old, new, note)
        for name, old, new in changes
        if old != new
    )
