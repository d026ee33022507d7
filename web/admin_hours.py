"""Admin: business hours and holidays. The weekly hours, the holiday sets (the PRC's
official days off and 调休 make-up working days, bundled per year), extra days off and extra
working days of this desk. Validated like the configuration file, saved to the admin
overrides; the IVR's after-hours decision and the SLA deadlines use it (the controller
reloads it within seconds, the console at once)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from callcenter.admin.calendar_form import (
    bundled_holiday_sets,
    calendar_from_fields,
    fields_from_calendar,
)
from callcenter.admin.overrides import OverridesError, save_calendar
from callcenter.config import Settings
from callcenter.tickets.business_calendar import WEEKDAY_KEYS
from callcenter.tickets.calendar_config import calendar_from_mapping, load_bundled_holiday_set
from web.admin_common import CsrfForm, current_settings
from web.auth import role_required

bp = Blueprint("hours", __name__, url_prefix="/hours")

WEEKDAY_LABELS = {
    "mon": _l("Monday"),
    "tue": _l("Tuesday"),
    "wed": _l("Wednesday"),
    "thu": _l("Thursday"),
    "fri": _l("Friday"),
    "sat": _l("Saturday"),
    "sun": _l("Sunday"),
}
PREVIEW_DAYS = 14


def _preview(settings: Settings) -> list[dict[str, object]]:
    """The next days: date, weekday, hours (empty: closed), and why."""
    calendar = calendar_from_mapping(settings.tickets.calendar)
    today = calendar.local_date(datetime.now(UTC))
    days = []
    for offset in range(PREVIEW_DAYS):
        day = today + timedelta(days=offset)
        hours = calendar.hours_on(day)
        special = ""
        if day in calendar.holidays:
            special = "holiday"
        elif day in calendar.makeup_workdays:
            special = "makeup"
        days.append(
            {
                "day": day,
                "weekday": WEEKDAY_KEYS[day.weekday()],
                "hours": [str(h) for h in hours],
                "special": special,
            }
        )
    return days


def _page(
    settings: Settings, values: dict[str, object], *, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    calendar = calendar_from_mapping(settings.tickets.calendar)
    sets = []
    for name in bundled_holiday_sets():
        loaded = load_bundled_holiday_set(name)
        sets.append(
            {
                "name": name,
                "source": loaded.source,
                "off": sorted(loaded.days_off),
                "work": sorted(loaded.makeup_workdays),
            }
        )
    return render_template(
        "admin/hours.html",
        values=values,
        weekdays=[(d, WEEKDAY_LABELS[d]) for d in WEEKDAY_KEYS],
        weekday_labels=WEEKDAY_LABELS,
        holiday_sets=sets,
        preview=_preview(settings),
        open_now=calendar.is_open(datetime.now(UTC)),
        mode=settings.business_hours,
        error=error,
        form=CsrfForm(),
    ), status


@bp.route("/", methods=["GET", "POST"])
@role_required("admin")
def index() -> ResponseReturnValue:
    settings = current_settings()
    if request.method == "GET":
        return _page(settings, fields_from_calendar(settings.tickets.calendar))
    if not CsrfForm().validate_on_submit():
        abort(400)
    form = request.form
    values = {
        "hours": {day: form.get(f"hours_{day}", "") for day in WEEKDAY_KEYS},
        "holiday_sets": [s for s in form.getlist("holiday_set") if s in bundled_holiday_sets()],
        "holidays": form.get("holidays", ""),
        "makeup_workdays": form.get("makeup_workdays", ""),
        "makeup_day_hours": form.get("makeup_day_hours", ""),
        "timezone": str(settings.tickets.calendar.get("timezone", "Asia/Shanghai")),
    }
    calendar = calendar_from_fields(**values)  # type: ignore[arg-type]
    try:
        save_calendar(settings, calendar)
    except OverridesError as exc:
        message = _(
            "Not saved: %(why)s. Times are like 09:00-12:00, dates like 2026-10-01.", why=exc
        )
        return _page(settings, values, error=message, status=400)
    _refresh_console_rules()
    flash(_("Business hours saved. The IVR and the ticket deadlines use them from now on."), "info")
    return redirect(url_for("admin.hours.index"))


def _refresh_console_rules() -> None:
    """The console's own ticket rules (web.api.tickets) follow the new calendar at once."""
    from callcenter.ticketing.rules import rules_from_settings
    from web.api.tickets import RULES_KEY

    if RULES_KEY in current_app.extensions:
        current_app.extensions[RULES_KEY] = rules_from_settings(current_settings())
