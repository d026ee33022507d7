"""The desk's rules as one value, built once from the settings (``[tickets]``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

from callcenter.config import Settings
from callcenter.tickets.attendance import AttendanceRules
from callcenter.tickets.business_calendar import BusinessCalendar
from callcenter.tickets.calendar_config import calendar_from_mapping, default_calendar
from callcenter.tickets.callback_visits import CallbackPolicy, VisitAnchor
from callcenter.tickets.code_catalog import CodeCatalog
from callcenter.tickets.complaints import DEFAULT_COMPLAINT_CLASSES
from callcenter.tickets.sla_policy import SlaPolicy, sla_policy_from_mapping
from callcenter.tickets.ticket_fields import DEFAULT_CATEGORIES


@dataclass(frozen=True)
class DeskRules:
    calendar: BusinessCalendar = field(default_factory=default_calendar)
    sla: SlaPolicy = field(default_factory=SlaPolicy)
    categories: CodeCatalog = DEFAULT_CATEGORIES
    complaint_classes: CodeCatalog = DEFAULT_COMPLAINT_CLASSES
    callback: CallbackPolicy = field(default_factory=CallbackPolicy)
    attendance: AttendanceRules = field(default_factory=AttendanceRules)
    answered_within_seconds: int = 15

    @property
    def tz(self) -> ZoneInfo:
        return self.calendar.tz


def rules_from_settings(settings: Settings) -> DeskRules:
    """Build the rules; the settings were validated when loaded, so this does not fail."""
    conf = settings.tickets
    categories = (
        CodeCatalog.from_mapping("category", conf.categories, key="tickets.categories")
        if conf.categories
        else DEFAULT_CATEGORIES
    )
    callback = CallbackPolicy(
        within_working_days=conf.callback_within_working_days,
        counted_from=VisitAnchor(conf.callback_counted_from),
        satisfaction_target=Fraction(str(conf.satisfaction_target_percent)) / 100,
    )
    return DeskRules(
        calendar=calendar_from_mapping(conf.calendar),
        sla=sla_policy_from_mapping(conf.sla, categories=categories),
        categories=categories,
        callback=callback,
        answered_within_seconds=conf.answered_within_seconds,
    )
