"""The settings admins change in the console, kept in ``<state_dir>/admin/overrides.toml``.

Two tables, both validated exactly as the configuration file's own keys are:

* ``[queue_settings.<queue>]``: every field of ``QueueSettings`` (strategy, wrap-up,
  overflow, announcements, survey) for the queues an admin edited;
* ``[calendar]``: the business calendar (``tickets.calendar``: weekly hours, holiday sets,
  extra holidays and make-up working days) used by the IVR's after-hours decision and the
  SLA deadlines.

``load_settings`` lays this file over the configuration file and the environment: what an
admin saved last is what runs. A file that is not valid stops the program with a message
naming the file and the key, like any other bad setting. Writes are atomic (a temporary
file renamed over the old one), so a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from callcenter.admin.toml_text import toml_text
from callcenter.config import OVERFLOW_ACTIONS, QueueSettings, Settings

log = logging.getLogger(__name__)

HEADER = (
    "Written by the console's admin pages (Queues, Business hours). Edit it there;\n"
    "it overrides callcenter.toml and CALLCENTER_* for these keys (docs/admin.md)."
)
TABLES = ("queue_settings", "calendar")


class OverridesError(ValueError):
    """The overrides are not valid; the message names the file (or form) and the key."""


def admin_dir(state_dir: Path) -> Path:
    return state_dir / "admin"


def overrides_path(state_dir: Path) -> Path:
    return admin_dir(state_dir) / "overrides.toml"


def read_overrides(state_dir: Path) -> dict[str, Any]:
    """The stored overrides (empty when none were saved)."""
    path = overrides_path(state_dir)
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OverridesError(f"{path}: not readable TOML: {exc}") from exc
    unknown = sorted(set(data) - set(TABLES))
    if unknown:
        raise OverridesError(f"{path}: {unknown[0]}: unknown table (allowed: {', '.join(TABLES)})")
    return data


def queue_settings_from(
    raw: Any, *, queue: str, queues: list[str], where: str = "queue_settings"
) -> QueueSettings:
    """Validate one queue's settings; errors name ``<where>.<queue>.<field>``."""
    key = f"{where}.{queue}"
    if queue not in queues:
        raise OverridesError(f"{key}: no queue {queue!r} (the queues are {', '.join(queues)})")
    if not isinstance(raw, dict):
        raise OverridesError(f"{key}: expected a table")
    try:
        settings = QueueSettings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        got = first.get("input")
        raise OverridesError(f"{key}.{field}: {first['msg']} (got {got!r})") from None
    target = settings.overflow_to
    if target and target not in queues and target not in OVERFLOW_ACTIONS:
        raise OverridesError(
            f"{key}.overflow_to: no queue {target!r} (a queue, or one of "
            f"{', '.join(OVERFLOW_ACTIONS)})"
        )
    if settings.overflow_to == queue:
        raise OverridesError(f"{key}.overflow_to: a queue cannot overflow to itself")
    return settings


def check_calendar(raw: Any, *, where: str = "calendar") -> dict[str, Any]:
    """Validate a calendar table (the ticket domain's own checks); errors name the key."""
    from callcenter.tickets.calendar_config import CalendarConfigError, calendar_from_mapping

    if not isinstance(raw, dict):
        raise OverridesError(f"{where}: expected a table")
    try:
        calendar_from_mapping(raw, key=where)
    except CalendarConfigError as exc:
        raise OverridesError(str(exc)) from None
    return raw


def with_admin_overrides(settings: Settings) -> Settings:
    """``settings`` with the stored overrides laid over it (validated)."""
    data = read_overrides(settings.state_dir)
    if not data:
        return settings
    where = str(overrides_path(settings.state_dir))
    update: dict[str, Any] = {}
    queues = data.get("queue_settings", {})
    if queues:
        if not isinstance(queues, dict):
            raise OverridesError(f"{where}: queue_settings: expected a table")
        merged = dict(settings.queue_settings)
        for name, raw in queues.items():
            merged[name] = queue_settings_from(
                raw, queue=name, queues=settings.queues, where=f"{where}: queue_settings"
            )
        update["queue_settings"] = merged
    if "calendar" in data:
        calendar = check_calendar(data["calendar"], where=f"{where}: calendar")
        update["tickets"] = settings.tickets.model_copy(update={"calendar": calendar})
    return settings.model_copy(update=update)


def save_overrides(state_dir: Path, data: dict[str, Any]) -> Path:
    """Write the overrides atomically (mode 0640); the path written."""
    path = overrides_path(state_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(toml_text(data, header=HEADER))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def save_queue_settings(settings: Settings, queue: str, values: dict[str, Any]) -> QueueSettings:
    """Validate and store one queue's settings; the stored settings."""
    checked = queue_settings_from(values, queue=queue, queues=settings.queues)
    data = read_overrides(settings.state_dir)
    data.setdefault("queue_settings", {})[queue] = checked.model_dump()
    save_overrides(settings.state_dir, data)
    log.info("admin: queue %s settings saved", queue)
    return checked


def save_calendar(settings: Settings, calendar: dict[str, Any]) -> None:
    """Validate and store the business calendar."""
    check_calendar(calendar)
    data = read_overrides(settings.state_dir)
    data["calendar"] = calendar
    save_overrides(settings.state_dir, data)
    log.info("admin: business calendar saved")
