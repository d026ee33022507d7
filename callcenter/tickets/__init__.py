"""The desk's ticket rules, pure and typed: business calendar, tickets and their state
machine, SLA deadlines and escalation, the complaint register, 回访 and attendance.

No database, no web, no I/O (except reading the bundled holiday TOML in calendar_config).
Storage, CLI and API build on these types; see docs/tickets.md for where each rule comes from.
"""

from callcenter.tickets.audit import AuditEntry
from callcenter.tickets.business_calendar import BusinessCalendar, CalendarError, WorkingInterval
from callcenter.tickets.calendar_config import (
    CalendarConfigError,
    HolidaySet,
    calendar_from_mapping,
    default_calendar,
    load_bundled_holiday_set,
)
from callcenter.tickets.code_catalog import CodeCatalog, LabelledCode, UnknownCodeError
from callcenter.tickets.ticket import (
    TRANSITIONS,
    Ticket,
    TicketChange,
    TransitionError,
    handle_on_first_contact,
    open_ticket,
)
from callcenter.tickets.ticket_fields import DEFAULT_CATEGORIES, Channel, Priority, Status
from callcenter.tickets.ticket_number import TicketNumber, next_ticket_number

__all__ = [
    "DEFAULT_CATEGORIES",
    "TRANSITIONS",
    "AuditEntry",
    "BusinessCalendar",
    "CalendarConfigError",
    "CalendarError",
    "Channel",
    "CodeCatalog",
    "HolidaySet",
    "LabelledCode",
    "Priority",
    "Status",
    "Ticket",
    "TicketChange",
    "TicketNumber",
    "TransitionError",
    "UnknownCodeError",
    "WorkingInterval",
    "calendar_from_mapping",
    "default_calendar",
    "handle_on_first_contact",
    "load_bundled_holiday_set",
    "next_ticket_number",
    "open_ticket",
]
