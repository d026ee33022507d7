"""Duty roster (值班表) and attendance (考勤) on storage.

Shifts are rows of ``duty_shifts``; the login timeline comes from a ``TimelineSource``:
``AgentTimeline`` reads the agents' ``agent_state_changes`` (migration 0002). The pure
``callcenter.tickets.attendance.evaluate_roster`` compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcenter.db.agent_models import AgentStateChangeRow
from callcenter.db.ticket_models import DutyShiftRow
from callcenter.ticketing.rules import DeskRules
from callcenter.tickets.attendance import (
    AgentState,
    Shift,
    ShiftAttendance,
    StateChange,
    evaluate_roster,
)


class TimelineSource(Protocol):
    def timelines(
        self, agents: Iterable[str], start: datetime, end: datetime
    ) -> Mapping[str, Sequence[StateChange]]:
        """Each agent's state changes from ``start`` to ``end``, plus the last one before
        ``start`` (the state the agent was in at ``start``), in time order."""
        ...


class AgentTimeline:
    """The timeline the agents feature records in ``agent_state_changes``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def timelines(
        self, agents: Iterable[str], start: datetime, end: datetime
    ) -> dict[str, list[StateChange]]:
        known = {s.value for s in AgentState}
        result: dict[str, list[StateChange]] = {}
        a = AgentStateChangeRow
        for agent in agents:
            before = self.session.scalars(
                select(a).where(a.extension == agent, a.at < start).order_by(a.at.desc()).limit(1)
            ).first()
            inside = self.session.scalars(
                select(a)
                .where(a.extension == agent, a.at >= start, a.at < end)
                .order_by(a.at, a.id)
            ).all()
            rows = ([before] if before is not None else []) + list(inside)
            result[agent] = [
                StateChange(r.at, AgentState(r.state)) for r in rows if r.state in known
            ]
        return result


class Roster:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, agent: str, starts_at: datetime, ends_at: datetime, *, by: str, note: str = ""
    ) -> DutyShiftRow:
        shift = Shift(agent, starts_at, ends_at)  # checks order and time zones
        s = DutyShiftRow
        overlap = self.session.scalars(
            select(s).where(s.agent == agent, s.starts_at < shift.end, s.ends_at > shift.start)
        ).first()
        if overlap is not None:
            raise ValueError(
                f"agent {agent} is on duty {overlap.starts_at.isoformat()} - "
                f"{overlap.ends_at.isoformat()} already (排班冲突)"
            )
        row = DutyShiftRow(
            agent=agent, starts_at=shift.start, ends_at=shift.end, note=note, created_by=by
        )
        self.session.add(row)
        self.session.flush()
        return row

    def between(
        self, start: datetime, end: datetime, agent: str | None = None
    ) -> list[DutyShiftRow]:
        s = DutyShiftRow
        query = select(s).where(s.starts_at < end, s.ends_at > start)
        if agent is not None:
            query = query.where(s.agent == agent)
        return list(self.session.scalars(query.order_by(s.agent, s.starts_at)))

    def remove(self, shift_id: int) -> None:
        row = self.session.get(DutyShiftRow, shift_id)
        if row is None:
            raise LookupError(f"no shift {shift_id}")
        self.session.delete(row)
        self.session.flush()


def attendance(
    session: Session,
    rules: DeskRules,
    start: datetime,
    end: datetime,
    *,
    source: TimelineSource | None = None,
    as_of: datetime | None = None,
) -> list[ShiftAttendance]:
    """Attendance of every shift starting in [start, end)."""
    rows = [r for r in Roster(session).between(start, end) if r.starts_at >= start]
    shifts = [Shift(r.agent, r.starts_at, r.ends_at) for r in rows]
    if not shifts:
        return []
    lo = min(s.start for s in shifts) - rules.attendance.look_before
    hi = max(s.end for s in shifts) + rules.attendance.look_after
    timelines = (source or AgentTimeline(session)).timelines(
        sorted({s.agent for s in shifts}), lo, hi
    )
    return evaluate_roster(shifts, timelines, rules=rules.attendance, as_of=as_of)


def attendance_to_dict(a: ShiftAttendance, tz: Any) -> dict[str, Any]:
    def local(value: datetime | None) -> str | None:
        return None if value is None else value.astimezone(tz).isoformat()

    return {
        "agent": a.shift.agent,
        "shift_start": local(a.shift.start),
        "shift_end": local(a.shift.end),
        "absent": a.absent,
        "first_in": local(a.first_in),
        "last_out": local(a.last_out),
        "late": a.is_late,
        "late_minutes": a.late_minutes,
        "early_leave": a.is_early_leave,
        "early_leave_minutes": a.early_leave_minutes,
        "overtime_minutes": a.overtime_minutes,
        "worked_minutes": int(a.worked.total_seconds() // 60),
        "paused_minutes": int(a.paused.total_seconds() // 60),
    }
