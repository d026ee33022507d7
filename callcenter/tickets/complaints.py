"""The complaint register (投诉处理登记表): one record per complaint ticket.

    registered -> investigating -> result_recorded -> fed_back -> closed
                        ^-------- reinvestigate (customer does not accept) --/

From the desk's documents:
- seed 000 "准确记录客户投诉信息,包括时间、内容和要求" and "即时向相关部门报告投诉,并进行调查和
  处理" and "及时与客户联系,告知调查处理进展,并争取客户满意解决";
- seed 002 "投诉登记:客服人员接到投诉后,及时记录并分类" (classification), "投诉处理:指定责任人
  进行调查,限期处理并反馈结果" (responsible person, deadline, result, feedback), "结果反馈:
  将处理结果告知客户,必要时进行补救措施" (remedy);
- seed 004 "判断投诉是否成立,若不成立则向客户解释原因并拒绝处理" (substantiated or not: the
  explanation is the result and is fed back too), "向客户反馈处理结果,并跟踪客户满意度"
  (the customer's acceptance).
Closing needs a result, feedback to the customer and the customer's answer; closing over the
customer's objection needs a note (the manager's decision).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from callcenter.tickets.audit import AuditEntry, field_changes
from callcenter.tickets.business_calendar import BusinessCalendar, require_aware
from callcenter.tickets.code_catalog import CodeCatalog
from callcenter.tickets.sla_policy import SlaPolicy
from callcenter.tickets.ticket import Ticket, TicketChange, TransitionError
from callcenter.tickets.ticket_fields import COMPLAINT, Priority
from callcenter.tickets.ticket_number import TicketNumber

# Seed 000 "四、服务标准": 服务态度 / 服务速度 / 服务质量 / 服务整洁 / 服务保密 -- a complaint is
# about one of the desk's own service standards, or about something else.
DEFAULT_COMPLAINT_CLASSES = CodeCatalog.of(
    "complaint class",
    [
        ("attitude", "服务态度", "service attitude"),
        ("speed", "服务速度", "speed of service"),
        ("quality", "服务质量", "quality of service"),
        ("environment", "服务环境", "premises and facilities"),
        ("privacy", "信息保密", "privacy"),
        ("other", "其他", "other"),
    ],
)


class ComplaintStatus(StrEnum):
    REGISTERED = "registered"
    INVESTIGATING = "investigating"
    RESULT_RECORDED = "result_recorded"
    FED_BACK = "fed_back"
    CLOSED = "closed"

    @property
    def zh(self) -> str:
        return {
            "registered": "已登记",
            "investigating": "调查中",
            "result_recorded": "已处理待反馈",
            "fed_back": "已反馈",
            "closed": "已结案",
        }[self.value]


class Acceptance(StrEnum):
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    NO_ANSWER = "no_answer"

    @property
    def zh(self) -> str:
        return {"accepted": "客户认可", "not_accepted": "客户不认可", "no_answer": "客户未答复"}[
            self.value
        ]


CS = ComplaintStatus


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    ticket: TicketNumber
    received_at: datetime
    complainant: str
    contact: str
    content: str
    demands: str
    classification: str
    status: ComplaintStatus = CS.REGISTERED
    responsible: str | None = None
    deadline: datetime | None = None
    substantiated: bool | None = None
    result: str | None = None
    remedy: str | None = None
    feedback: str | None = None
    fed_back_at: datetime | None = None
    acceptance: Acceptance | None = None
    acceptance_note: str = ""
    closed_at: datetime | None = None
    closing_note: str = ""
    rounds: int = 1

    @property
    def subject(self) -> str:
        return f"C:{self.ticket}"

    def _fail(self, zh: str, en: str) -> TransitionError:
        return TransitionError(self.ticket, f"投诉{zh}", f"complaint: {en}")

    def _require(self, *allowed: ComplaintStatus, doing: str) -> None:
        """``doing`` is "中文 / english"."""
        zh, _, en = doing.partition(" / ")
        if self.status not in allowed:
            raise self._fail(
                f"处于{self.status.zh}状态,不能{zh}", f"cannot {en} while {self.status.value}"
            )

    def _change(
        self, *, by: str, at: datetime, note: str = "", **fields: object
    ) -> ComplaintChange:
        require_aware(at)
        if at < self.received_at:
            raise ValueError(f"{self.subject}: {at.isoformat()} is before it was received")
        new = replace(self, **fields)  # type: ignore[arg-type]
        changes = [(k, _text(getattr(self, k)), _text(v)) for k, v in fields.items()]
        return ComplaintChange(new, field_changes(self.subject, at, by, changes, note))

    def assign_investigation(
        self, responsible: str, deadline: datetime, *, by: str, at: datetime
    ) -> ComplaintChange:
        """Name who investigates and by when (also changes them while investigating)."""
        self._require(CS.REGISTERED, CS.INVESTIGATING, doing="指定责任人 / assign")
        require_aware(deadline, "deadline")
        if not responsible.strip():
            raise self._fail("须指定责任人", "an investigation needs a responsible person")
        if deadline <= at:
            raise self._fail("处理期限须晚于现在", "the deadline must be in the future")
        return self._change(
            by=by, at=at, status=CS.INVESTIGATING, responsible=responsible, deadline=deadline
        )

    def record_result(
        self, *, substantiated: bool, result: str, remedy: str | None = None, by: str, at: datetime
    ) -> ComplaintChange:
        """The investigation's finding; for a complaint found groundless, the explanation."""
        self._require(CS.INVESTIGATING, doing="记录调查结果 / record a result")
        if not result.strip():
            raise self._fail("须填写调查处理结果", "a result is required")
        return self._change(
            by=by,
            at=at,
            status=CS.RESULT_RECORDED,
            substantiated=substantiated,
            result=result,
            remedy=remedy,
        )

    def record_feedback(self, feedback: str, *, by: str, at: datetime) -> ComplaintChange:
        """What the customer was told (结果反馈)."""
        self._require(CS.RESULT_RECORDED, doing="反馈客户 / feed back")
        if not feedback.strip():
            raise self._fail("须填写反馈内容", "feedback text is required")
        return self._change(by=by, at=at, status=CS.FED_BACK, feedback=feedback, fed_back_at=at)

    def record_acceptance(
        self, acceptance: Acceptance, *, note: str = "", by: str, at: datetime
    ) -> ComplaintChange:
        self._require(CS.FED_BACK, doing="记录客户意见 / record acceptance")
        return self._change(by=by, at=at, acceptance=acceptance, acceptance_note=note)

    def reinvestigate(
        self, reason: str, deadline: datetime, *, by: str, at: datetime
    ) -> ComplaintChange:
        """The customer does not accept: investigate again, with a new deadline."""
        self._require(CS.FED_BACK, doing="重新调查 / reinvestigate")
        require_aware(deadline, "deadline")
        if not reason.strip() or deadline <= at:
            raise self._fail(
                "重新调查须说明原因并给出新期限",
                "reinvestigating needs a reason and a future deadline",
            )
        return self._change(
            by=by,
            at=at,
            note=reason,
            status=CS.INVESTIGATING,
            deadline=deadline,
            substantiated=None,
            result=None,
            remedy=None,
            feedback=None,
            fed_back_at=None,
            acceptance=None,
            acceptance_note="",
            rounds=self.rounds + 1,
        )

    def missing_for_close(self, note: str = "") -> list[str]:
        """Why the record cannot close yet (empty when it can)."""
        missing = []
        if self.result is None:
            missing.append("调查处理结果 / investigation result")
        if self.feedback is None:
            missing.append("反馈客户 / feedback to the customer")
        if self.acceptance is None:
            missing.append("客户意见 / the customer's acceptance")
        if self.acceptance is Acceptance.NOT_ACCEPTED and not note.strip():
            missing.append("客户不认可时的结案说明 / a note to close over the objection")
        return missing

    def close(self, *, by: str, at: datetime, note: str = "") -> ComplaintChange:
        if self.status is CS.CLOSED:
            raise self._fail("已结案", "already closed")
        missing = self.missing_for_close(note)
        if missing:
            raise self._fail(
                "不能结案,缺少: " + "; ".join(m.split(" / ")[0] for m in missing),
                "cannot close without " + "; ".join(m.split(" / ")[1] for m in missing),
            )
        return self._change(
            by=by, at=at, note=note, status=CS.CLOSED, closed_at=at, closing_note=note
        )

    def is_overdue(self, now: datetime) -> bool:
        """Not yet fed back and past the deadline (seed 002 "限期处理并反馈结果")."""
        require_aware(now, "now")
        waiting = self.status in (CS.REGISTERED, CS.INVESTIGATING, CS.RESULT_RECORDED)
        return waiting and self.deadline is not None and now > self.deadline


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class ComplaintChange:
    record: ComplaintRecord
    audit: tuple[AuditEntry, ...]


def register_complaint(
    ticket: Ticket,
    *,
    by: str,
    content: str,
    demands: str,
    classification: str,
    classes: CodeCatalog = DEFAULT_COMPLAINT_CLASSES,
) -> ComplaintChange:
    """Open the register record of a complaint ticket (time, content, demands, class)."""
    if not ticket.is_complaint:
        raise TransitionError(
            ticket.number,
            f"类别是 {ticket.category},不是投诉",
            f"category is {ticket.category}, not {COMPLAINT}",
        )
    missing = [n for n, v in (("content", content), ("demands", demands)) if not v.strip()]
    if missing:
        raise TransitionError(
            ticket.number,
            f"投诉登记缺少 {', '.join(missing)}",
            f"a complaint record needs {', '.join(missing)}",
        )
    record = ComplaintRecord(
        ticket.number,
        ticket.opened_at,
        ticket.customer_name,
        ticket.customer_contact,
        content,
        demands,
        classes.require(classification),
    )
    entry = AuditEntry(record.subject, ticket.opened_at, by, "status", None, CS.REGISTERED.value)
    return ComplaintChange(record, (entry,))


def default_complaint_deadline(
    received_at: datetime, priority: Priority, *, policy: SlaPolicy, calendar: BusinessCalendar
) -> datetime:
    """The deadline the SLA policy gives a complaint of this priority."""
    return policy.target_for(COMPLAINT, priority).resolution.due_from(received_at, calendar)


def close_complaint_ticket(
    ticket: Ticket, record: ComplaintRecord, *, by: str, at: datetime
) -> TicketChange:
    """Close a complaint ticket whose register record is closed."""
    if record.ticket != ticket.number:
        raise ValueError(f"record {record.subject} does not belong to ticket {ticket.number}")
    if record.status is not CS.CLOSED:
        raise TransitionError(
            ticket.number,
            "投诉登记未结案: "
            + "; ".join(m.split(" / ")[0] for m in record.missing_for_close() or ["结案 / close"]),
            "complaint record is not closed",
        )
    return ticket.close(by=by, at=at, complaint_register_complete=True)
