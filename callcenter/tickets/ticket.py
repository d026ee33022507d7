"""The ticket (工单) and its status state machine.

    new -> assigned -> in_progress <-> waiting_customer -> resolved -> closed
                \\-------------------------------------------> cancelled (before resolved)
    resolved -> in_progress  (reopen: the customer says it is not fixed)

Rules taken from the desk's documents (seeds):
- registration needs the customer's contact and a description: seed 000 "问题登记:总服务台负责
  登记客户的问题和需求,包括客户姓名、联系方式、问题描述等信息".
- a handler is assigned before work starts: seed 000 "将问题分配给相应的岗位负责人进行处理,并
  设立工单系统,及时跟进问题的进展和解决情况".
- resolving records what was done: seed 000 "问题记录:总服务台负责记录客户问题的处理情况".
- a resolved ticket can be reopened, a closed one cannot: closing comes after the result was
  fed back and verified (seed 000 "及时向客户反馈处理结果,并征求客户的反馈意见和满意度评价",
  seed 004 "负责对IT服务的结果进行回访和验证"); a problem found after that is a new ticket.
- a complaint ticket closes only with a complete complaint register (see complaints.py).

Pure and immutable: each operation returns a ``TicketChange`` (the new ticket + audit entries).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from callcenter.tickets.audit import AuditEntry, field_changes
from callcenter.tickets.business_calendar import require_aware
from callcenter.tickets.code_catalog import CodeCatalog
from callcenter.tickets.ticket_fields import (
    COMPLAINT,
    DEFAULT_CATEGORIES,
    Channel,
    Priority,
    Status,
)
from callcenter.tickets.ticket_number import TicketNumber

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.NEW: frozenset({S.ASSIGNED, S.CANCELLED}),
    S.ASSIGNED: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.CANCELLED}),
    S.IN_PROGRESS: frozenset({S.ASSIGNED, S.WAITING_CUSTOMER, S.RESOLVED, S.CANCELLED}),
    S.WAITING_CUSTOMER: frozenset({S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CANCELLED}),
    S.RESOLVED: frozenset({S.IN_PROGRESS, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
}


class TransitionError(Exception):
    """An operation is not allowed in the ticket's current state; bilingual message."""

    def __init__(self, number: TicketNumber, zh: str, en: str) -> None:
        super().__init__(f"工单 {number}: {zh} / {en}")
        self.number = number


def _not_allowed(number: TicketNumber, old: Status, new: Status) -> TransitionError:
    hint_zh, hint_en = "", ""
    if old is S.RESOLVED and new is S.IN_PROGRESS:
        hint_zh, hint_en = "(请用重新打开)", " (use reopen)"
    if old is S.CLOSED:
        hint_zh, hint_en = "(已关闭的工单请新建工单并关联)", " (open a new, linked ticket)"
    return TransitionError(
        number,
        f"不能从 {old.zh} 直接到 {new.zh}{hint_zh}",
        f"cannot go from {old.value} to {new.value}{hint_en}",
    )


@dataclass(frozen=True, slots=True)
class WaitingPeriod:
    """A stretch spent waiting for the customer (``end`` None while still waiting)."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Ticket:
    number: TicketNumber
    opened_at: datetime
    opened_by: str
    channel: Channel
    category: str
    priority: Priority
    customer_contact: str
    description: str
    customer_name: str = ""
    call_id: str | None = None
    status: Status = S.NEW
    assignee: str | None = None
    updated_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    resolution: str | None = None
    closed_at: datetime | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    reopen_count: int = 0
    waiting_periods: tuple[WaitingPeriod, ...] = ()

    @property
    def is_complaint(self) -> bool:
        return self.category == COMPLAINT

    # -- helpers -------------------------------------------------------------------------

    def _check_time(self, at: datetime) -> None:
        require_aware(at)
        if at < self.opened_at:
            raise ValueError(f"工单 {self.number}: {at.isoformat()} is before it was opened")

    def _fail(self, zh: str, en: str) -> TransitionError:
        return TransitionError(self.number, zh, en)

    def _move(
        self, new: Status, *, by: str, at: datetime, note: str = "", **fields: object
    ) -> TicketChange:
        self._check_time(at)
        if new not in TRANSITIONS[self.status]:
            raise _not_allowed(self.number, self.status, new)
        periods = self.waiting_periods
        if self.status is S.WAITING_CUSTOMER and new is not S.WAITING_CUSTOMER:
            periods = (*periods[:-1], WaitingPeriod(periods[-1].start, at))
        elif new is S.WAITING_CUSTOMER:
            periods = (*periods, WaitingPeriod(at))
        moved = replace(self, status=new, updated_at=at, waiting_periods=periods)
        moved = replace(moved, **fields)  # type: ignore[arg-type]
        changes: list[tuple[str, str | None, str | None]] = [
            ("status", self.status.value, new.value)
        ]
        for name in ("assignee", "resolution", "cancel_reason", "priority", "category"):
            old_v, new_v = getattr(self, name), getattr(moved, name)
            changes.append(
                (name, None if old_v is None else str(old_v), None if new_v is None else str(new_v))
            )
        return TicketChange(moved, field_changes(str(self.number), at, by, changes, note))

    # -- operations ----------------------------------------------------------------------

    def assign(self, assignee: str, *, by: str, at: datetime, note: str = "") -> TicketChange:
        """Give the ticket to a handler (also reassigns; the new handler starts it)."""
        if not assignee.strip():
            raise self._fail("分派须指定处理人", "assigning needs an assignee")
        if self.status is S.ASSIGNED and assignee == self.assignee:
            raise self._fail(f"已分派给 {assignee}", f"already assigned to {assignee}")
        return self._move(S.ASSIGNED, by=by, at=at, note=note, assignee=assignee)

    def start(self, *, by: str, at: datetime, note: str = "") -> TicketChange:
        """The handler takes it up (or resumes after the customer answered)."""
        if self.status not in (S.ASSIGNED, S.WAITING_CUSTOMER):
            raise _not_allowed(self.number, self.status, S.IN_PROGRESS)
        return self._move(
            S.IN_PROGRESS, by=by, at=at, note=note, first_response_at=self.first_response_at or at
        )

    def wait_for_customer(self, *, by: str, at: datetime, note: str = "") -> TicketChange:
        return self._move(S.WAITING_CUSTOMER, by=by, at=at, note=note)

    def resolve(self, resolution: str, *, by: str, at: datetime) -> TicketChange:
        """Record what was done; needs a resolution text."""
        if S.RESOLVED not in TRANSITIONS[self.status]:
            raise _not_allowed(self.number, self.status, S.RESOLVED)
        if not resolution.strip():
            raise self._fail("解决工单须填写处理结果", "resolving needs a resolution")
        return self._move(
            S.RESOLVED,
            by=by,
            at=at,
            resolution=resolution,
            resolved_at=at,
            first_response_at=self.first_response_at or at,
        )

    def reopen(self, reason: str, *, by: str, at: datetime) -> TicketChange:
        """A resolved ticket back to in_progress: the customer says it is not fixed."""
        if self.status is not S.RESOLVED:
            raise _not_allowed(self.number, self.status, S.IN_PROGRESS)
        if not reason.strip():
            raise self._fail("重新打开须说明原因", "reopening needs a reason")
        return self._move(
            S.IN_PROGRESS,
            by=by,
            at=at,
            note=reason,
            resolution=None,
            resolved_at=None,
            reopen_count=self.reopen_count + 1,
        )

    def close(
        self, *, by: str, at: datetime, complaint_register_complete: bool = False
    ) -> TicketChange:
        """Close a resolved ticket. A complaint needs its register complete: call
        ``complaints.close_complaint_ticket`` which checks the record and passes True."""
        if self.status is not S.RESOLVED:
            raise _not_allowed(self.number, self.status, S.CLOSED)
        if self.is_complaint and not complaint_register_complete:
            raise self._fail(
                "投诉工单须先完成投诉登记(调查结果、反馈客户、客户意见)才能关闭",
                "a complaint closes only once its register has result, feedback and acceptance",
            )
        return self._move(S.CLOSED, by=by, at=at, closed_at=at)

    def cancel(self, reason: str, *, by: str, at: datetime) -> TicketChange:
        """Withdraw a ticket that was never resolved (duplicate, opened by mistake)."""
        if not reason.strip():
            raise self._fail("取消工单须说明原因", "cancelling needs a reason")
        return self._move(S.CANCELLED, by=by, at=at, cancel_reason=reason, cancelled_at=at)

    def change_priority(
        self, priority: Priority, *, by: str, at: datetime, reason: str
    ) -> TicketChange:
        return self._edit(by=by, at=at, note=reason, priority=priority)

    def change_category(
        self, category: str, *, by: str, at: datetime, categories: CodeCatalog = DEFAULT_CATEGORIES
    ) -> TicketChange:
        return self._edit(by=by, at=at, note="", category=categories.require(category))

    def _edit(self, *, by: str, at: datetime, note: str, **fields: object) -> TicketChange:
        self._check_time(at)
        if self.status.is_final:
            raise self._fail(
                f"{self.status.zh}的工单不能修改", f"a {self.status.value} ticket cannot be edited"
            )
        edited = replace(self, updated_at=at, **fields)  # type: ignore[arg-type]
        changes = [(k, str(getattr(self, k)), str(v)) for k, v in fields.items()]
        return TicketChange(edited, field_changes(str(self.number), at, by, changes, note))


@dataclass(frozen=True, slots=True)
class TicketChange:
    """The ticket after an operation and the audit entries the operation produced."""

    ticket: Ticket
    audit: tuple[AuditEntry, ...]


def open_ticket(
    number: TicketNumber,
    *,
    opened_at: datetime,
    opened_by: str,
    channel: Channel,
    category: str,
    priority: Priority,
    customer_contact: str,
    description: str,
    customer_name: str = "",
    call_id: str | None = None,
    categories: CodeCatalog = DEFAULT_CATEGORIES,
) -> TicketChange:
    """Register a new ticket (问题登记); contact and description are required."""
    require_aware(opened_at, "opened_at")
    missing = [
        n
        for n, v in (("customer_contact", customer_contact), ("description", description))
        if not v.strip()
    ]
    if missing:
        raise TransitionError(
            number, f"登记工单缺少 {', '.join(missing)}", f"registering needs {', '.join(missing)}"
        )
    ticket = Ticket(
        number,
        opened_at,
        opened_by,
        channel,
        categories.require(category),
        priority,
        customer_contact,
        description,
        customer_name,
        call_id,
        updated_at=opened_at,
    )
    entry = AuditEntry(str(number), opened_at, opened_by, "status", None, S.NEW.value)
    return TicketChange(ticket, (entry,))


def handle_on_first_contact(
    ticket: Ticket, *, agent: str, resolution: str, at: datetime
) -> TicketChange:
    """An inquiry answered on the call (seed 004 "对于咨询一般产品问题的客户,客服人员对该问题进行
    现场回答"): assign to the agent, start and resolve at once."""
    first = ticket.assign(agent, by=agent, at=at)
    second = first.ticket.start(by=agent, at=at)
    third = second.ticket.resolve(resolution, by=agent, at=at)
    return TicketChange(third.ticket, first.audit + second.audit + third.audit)
