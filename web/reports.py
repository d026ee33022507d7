"""Reports: calls per hour today and per day over 30 days, per agent; charts and CSV.

The numbers come from the call log (``callcenter.db.call_search.call_facts``) counted in
the console's time zone. Every table has a CSV export (UTF-8 with a BOM, so that Excel
opens Chinese text correctly).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from callcenter.db.call_search import CallFacts, call_facts
from web.auth import role_required
from web.board_data import local_midnight
from web.call_view import format_duration
from web.charts import Bar, bar_chart
from web.database import db_session

bp = Blueprint("reports", __name__, url_prefix="/reports")

DAYS = 30


@dataclass
class Tally:
    calls: int = 0
    answered: int = 0
    abandoned: int = 0
    in_threshold: int = 0
    wait: float = 0.0
    talk: float = 0.0

    def add(self, fact: CallFacts, threshold: float) -> None:
        self.calls += 1
        if fact.disposition == "answered":
            self.answered += 1
            self.wait += fact.wait_seconds
            self.talk += fact.talk_seconds
            self.in_threshold += fact.wait_seconds <= threshold
        elif fact.disposition == "abandoned":
            self.abandoned += 1

    @property
    def other(self) -> int:
        return self.calls - self.answered - self.abandoned

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned

    def rate(self, part: int, whole: int) -> str:
        return "" if not whole else f"{100 * part / whole:.0f}%"

    def mean(self, total: float, count: int) -> str:
        return "" if not count else format_duration(total / count)


@dataclass
class Report:
    hourly: list[tuple[int, Tally]] = field(default_factory=list)
    daily: list[tuple[date, Tally]] = field(default_factory=list)
    agents: list[tuple[str, Tally]] = field(default_factory=list)


def build_report(now: datetime | None = None) -> Report:
    timezone = current_app.config["TIMEZONE"]
    zone = ZoneInfo(timezone)
    threshold = float(current_app.config["SERVICE_LEVEL_SECONDS"])
    today = local_midnight(timezone, now)
    first_day = today - timedelta(days=DAYS - 1)
    facts = call_facts(
        db_session(), first_day.astimezone(UTC), (today + timedelta(days=1)).astimezone(UTC)
    )
    hourly = {h: Tally() for h in range(24)}
    daily = {(first_day + timedelta(days=i)).date(): Tally() for i in range(DAYS)}
    agents: dict[str, Tally] = {}
    for fact in facts:
        local = fact.started_at.astimezone(zone)
        day = local.date()
        if day in daily:
            daily[day].add(fact, threshold)
        if day == today.date():
            hourly[local.hour].add(fact, threshold)
        if fact.agent:
            agents.setdefault(fact.agent, Tally()).add(fact, threshold)
    return Report(
        hourly=sorted(hourly.items()),
        daily=sorted(daily.items()),
        agents=sorted(agents.items()),
    )


def _stack(t: Tally) -> list[tuple[str, int]]:
    return [("answered", t.answered), ("abandoned", t.abandoned), ("other", t.other)]


def _title(label: str, t: Tally) -> str:
    return _(
        "%(label)s: %(calls)d calls, %(answered)d answered, %(abandoned)d abandoned",
        label=label,
        calls=t.calls,
        answered=t.answered,
        abandoned=t.abandoned,
    )


@bp.get("/")
@role_required("supervisor", "admin")
def index() -> ResponseReturnValue:
    report = build_report()
    hourly_chart = bar_chart(
        [
            Bar(f"{h}" if h % 3 == 0 else "", _title(f"{h:02d}:00", t), _stack(t))
            for h, t in report.hourly
        ],
        label=_("Calls per hour today"),
    )
    daily_chart = bar_chart(
        [
            Bar(d.strftime("%m-%d") if i % 5 == 0 else "", _title(d.isoformat(), t), _stack(t))
            for i, (d, t) in enumerate(report.daily)
        ],
        label=_("Calls per day, last %(days)d days", days=DAYS),
    )
    return render_template(
        "reports/index.html",
        report=report,
        hourly_chart=hourly_chart,
        daily_chart=daily_chart,
        days=DAYS,
        threshold=int(current_app.config["SERVICE_LEVEL_SECONDS"]),
    )


Row = Sequence[Any]


def _daily_rows(report: Report) -> tuple[list[str], list[Row]]:
    head = [
        _("Date"),
        _("Calls"),
        _("Answered"),
        _("Abandoned"),
        _("Other"),
        _("Service level"),
        _("Average wait"),
        _("Average talk"),
    ]
    rows = [
        [
            d.isoformat(),
            t.calls,
            t.answered,
            t.abandoned,
            t.other,
            t.rate(t.in_threshold, t.offered),
            t.mean(t.wait, t.answered),
            t.mean(t.talk, t.answered),
        ]
        for d, t in reversed(report.daily)
    ]
    return head, rows


def _hourly_rows(report: Report) -> tuple[list[str], list[Row]]:
    head = [_("Hour"), _("Calls"), _("Answered"), _("Abandoned"), _("Other")]
    rows = [[f"{h:02d}:00", t.calls, t.answered, t.abandoned, t.other] for h, t in report.hourly]
    return head, rows


def _agent_rows(report: Report) -> tuple[list[str], list[Row]]:
    head = [_("Agent"), _("Answered"), _("Total talk"), _("Average talk"), _("Average wait")]
    rows = [
        [
            a,
            t.answered,
            format_duration(t.talk),
            t.mean(t.talk, t.answered),
            t.mean(t.wait, t.answered),
        ]
        for a, t in report.agents
    ]
    return head, rows


TABLES: dict[str, Callable[[Report], tuple[list[str], list[Row]]]] = {
    "daily": _daily_rows,
    "hourly": _hourly_rows,
    "agents": _agent_rows,
}


@bp.get("/<name>.csv")
@role_required("supervisor", "admin")
def export(name: str) -> ResponseReturnValue:
    table = TABLES.get(name)
    if table is None:
        abort(404)
    head, rows = table(build_report())
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(head)
    writer.writerows(rows)
    stamp = datetime.now(UTC).astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    filename = f"callcenter-{name}-{stamp:%Y%m%d-%H%M}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table_rows(name: str, report: Report) -> tuple[list[str], list[Row]]:
    return TABLES[name](report)


bp.add_app_template_global(table_rows, "report_table")
