"""Who may see and work which ticket in the console, who is acting, and the labels of the
desk's codes in the reader's language.

Supervisors and admins see every ticket. An agent sees the tickets assigned to them (by
extension or username), to one of their teams (the queues of their ``agents`` row), and
the ones they opened; they create tickets and work the ones they see. Cancelling a ticket
and the complaint register are for supervisors and admins.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from callcenter.db.agent_models import AgentRow
from callcenter.db.ticket_models import TicketRow
from callcenter.ticketing.rules import DeskRules
from web.i18n import current_locale_code
from web.users import ConsoleUser

SUPERVISORS = ("supervisor", "admin")


def is_supervisor(user: ConsoleUser) -> bool:
    return user.has_role(*SUPERVISORS)


def actor_of(user: ConsoleUser) -> str:
    """The name written in the audit log: the extension, as the API and CLI write it."""
    return user.extension or user.username


def identities(user: ConsoleUser) -> list[str]:
    return [x for x in (user.extension, user.username) if x]


def teams_of(session: Session, user: ConsoleUser) -> list[str]:
    if not user.extension:
        return []
    queues = session.scalar(select(AgentRow.queues).where(AgentRow.extension == user.extension))
    return [str(q) for q in queues or []]


def visible_condition(session: Session, user: ConsoleUser) -> ColumnElement[bool] | None:
    """The SQL condition of the tickets ``user`` may see; None: all of them."""
    if is_supervisor(user):
        return None
    me = identities(user)
    mine = and_(
        TicketRow.assignee.in_(me),
        or_(TicketRow.assignee_kind.is_(None), TicketRow.assignee_kind == "agent"),
    )
    conditions = [mine, TicketRow.opened_by.in_(me)]
    teams = teams_of(session, user)
    if teams:
        conditions.append(and_(TicketRow.assignee_kind == "team", TicketRow.assignee.in_(teams)))
    return or_(*conditions)


def may_see(session: Session, user: ConsoleUser, row: TicketRow) -> bool:
    if is_supervisor(user):
        return True
    me = identities(user)
    if row.opened_by in me:
        return True
    if row.assignee_kind == "team":
        return row.assignee in teams_of(session, user)
    return row.assignee in me


def lang() -> str:
    return "zh" if current_locale_code().startswith("zh") else "en"


def code_label(value: Any) -> str:
    """A desk enum member (status, priority, channel, outcome...) in the reader's language."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Enum):
        if lang() == "zh" and hasattr(value, "zh"):
            return str(value.zh)
        english = getattr(value, "en", None)
        return str(english) if english else str(value.value).replace("_", " ")
    return str(value)


def category_label(rules: DeskRules, code: str) -> str:
    if code in rules.categories:
        return rules.categories.label(code, lang())
    return code


def complaint_class_label(rules: DeskRules, code: str) -> str:
    if code in rules.complaint_classes:
        return rules.complaint_classes.label(code, lang())
    return code


def desk_label(kind: str, value: str | None) -> str:
    """``desk_label("status", "in_progress")`` -> 处理中 / in progress, for templates."""
    from callcenter.tickets.callback_visits import VisitOutcome
    from callcenter.tickets.complaints import Acceptance, ComplaintStatus
    from callcenter.tickets.sla import EscalationLevel
    from callcenter.tickets.ticket_fields import Channel, Priority, Status

    enums: dict[str, type[Enum]] = {
        "status": Status,
        "priority": Priority,
        "channel": Channel,
        "outcome": VisitOutcome,
        "complaint": ComplaintStatus,
        "acceptance": Acceptance,
        "level": EscalationLevel,
    }
    if value is None or value == "":
        return "—"
    try:
        return code_label(enums[kind](value))
    except ValueError:
        return value


# Audit log field names, as the change log shows them (zh, en).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "status": ("状态", "status"),
    "assignee": ("处理人", "assignee"),
    "assignee_kind": ("处理人类型", "assignee kind"),
    "note": ("备注", "note"),
    "priority": ("优先级", "priority"),
    "category": ("类别", "category"),
    "resolution": ("处理结果", "resolution"),
    "cancel_reason": ("取消原因", "cancel reason"),
    "escalation_level": ("升级", "escalation"),
    "escalation_acknowledged": ("升级已确认", "escalation acknowledged"),
    "attachment": ("附件", "attachment"),
    "call": ("关联通话", "linked call"),
    "due_at": ("回访期限", "callback due"),
    "outcome": ("回访结果", "callback outcome"),
    "satisfaction": ("满意度", "satisfaction"),
    "responsible": ("责任人", "responsible person"),
    "deadline": ("处理期限", "deadline"),
    "result": ("调查结果", "result"),
    "feedback": ("反馈客户", "feedback"),
    "acceptance": ("客户意见", "acceptance"),
    "name": ("姓名", "name"),
    "vip": ("VIP", "VIP"),
    "notes": ("备注", "notes"),
    "number": ("号码", "number"),
}


def field_label(field: str) -> str:
    labels = FIELD_LABELS.get(field)
    if labels is None:
        return field
    return labels[0] if lang() == "zh" else labels[1]
