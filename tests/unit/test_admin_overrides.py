"""The admin overrides file: written as TOML, read back, validated, laid over settings."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from callcenter.admin.calendar_form import calendar_from_fields, dates, fields_from_calendar
from callcenter.admin.overrides import (
    OverridesError,
    overrides_path,
    read_overrides,
    save_calendar,
    save_queue_settings,
    with_admin_overrides,
)
from callcenter.admin.toml_text import toml_text
from callcenter.config import ConfigError, Settings, load_settings
from callcenter.tickets.calendar_config import calendar_from_mapping


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(state_dir=tmp_path / "state", cache_dir=tmp_path / "cache")


def test_toml_text_reads_back_as_the_same_data() -> None:
    data = {
        "name": 'say "你好"\nnew line',
        "on": True,
        "n": 3,
        "days": [date(2026, 10, 1), "2026-10-02"],
        "queue_settings": {"repair": {"strategy": "ringall", "survey": False}},
        "calendar": {"hours": {"mon": ["09:00-12:00"], "sat": []}},
    }
    assert tomllib.loads(toml_text(data, header="a\nb")) == data


def test_a_saved_queue_setting_is_laid_over_the_settings(settings: Settings) -> None:
    save_queue_settings(settings, "repair", {"wrapup_seconds": 12, "overflow_to": "general"})
    merged = with_admin_overrides(settings)
    assert merged.queue("repair").wrapup_seconds == 12
    assert merged.queue("repair").overflow_to == "general"
    assert merged.queue("general").wrapup_seconds == 0  # untouched queues keep their values
    assert oct(overrides_path(settings.state_dir).stat().st_mode & 0o777) == "0o640"


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"wrapup_seconds": -1}, "queue_settings.repair.wrapup_seconds"),
        ({"strategy": "loudest"}, "queue_settings.repair.strategy"),
        ({"overflow_to": "nowhere"}, "queue_settings.repair.overflow_to: no queue 'nowhere'"),
        ({"overflow_to": "repair"}, "cannot overflow to itself"),
        ({"colour": "red"}, "queue_settings.repair.colour"),
    ],
)
def test_a_bad_queue_setting_is_refused_naming_the_key(
    settings: Settings, values: dict[str, object], named: str
) -> None:
    with pytest.raises(OverridesError, match=named):
        save_queue_settings(settings, "repair", values)
    assert read_overrides(settings.state_dir) == {}  # nothing stored


def test_an_unknown_queue_is_refused(settings: Settings) -> None:
    with pytest.raises(OverridesError, match="no queue 'sales'"):
        save_queue_settings(settings, "sales", {})


def test_the_calendar_is_validated_by_the_ticket_rules(settings: Settings) -> None:
    with pytest.raises(OverridesError, match=r"calendar\.hours\.tue\[0\]"):
        save_calendar(settings, {"hours": {"tue": ["13:30-12:00"]}})
    save_calendar(settings, {"hours": {"mon": ["08:00-12:00"]}, "holidays": ["2026-03-02"]})
    merged = with_admin_overrides(settings)
    calendar = calendar_from_mapping(merged.tickets.calendar)
    assert calendar.hours_on(date(2026, 3, 9))[0].start_minute == 8 * 60  # a Monday
    assert calendar.hours_on(date(2026, 3, 2)) == ()  # the extra day off
    assert calendar.hours_on(date(2026, 3, 3)) == ()  # Tuesday: not in the table, closed


def test_load_settings_reads_the_overrides_and_names_a_broken_file(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CALLCENTER_STATE_DIR", str(settings.state_dir))
    monkeypatch.setenv("CALLCENTER_CONFIG", str(settings.state_dir / "none.toml"))
    save_queue_settings(settings, "general", {"strategy": "ringall"})
    assert load_settings().queue("general").strategy == "ringall"
    path = overrides_path(settings.state_dir)
    path.write_text('[queue_settings.general]\nring_seconds = "soon"\n', encoding="utf-8")
    with pytest.raises(
        ConfigError, match=r"overrides\.toml: queue_settings\.general\.ring_seconds"
    ):
        load_settings()


def test_the_hours_fields_round_trip_to_a_calendar_table() -> None:
    table = calendar_from_fields(
        hours={"mon": "08:30-12:00, 13:30-17:30", "sat": "09:00-12:00"},
        holiday_sets=["cn_2026"],
        holidays="2026-12-31 年终盘点\n\n# a note\n",
        makeup_workdays="",
        makeup_day_hours="",
        timezone="Asia/Shanghai",
    )
    assert table["hours"]["mon"] == ["08:30-12:00", "13:30-17:30"]
    assert table["hours"]["tue"] == []
    assert table["holidays"] == ["2026-12-31"]
    calendar_from_mapping(table)  # valid as it is
    fields = fields_from_calendar(table)
    assert fields["hours"]["mon"] == "08:30-12:00, 13:30-17:30"
    assert fields["holidays"] == "2026-12-31"
    assert dates("2026-01-01\n 2026-01-02 元旦") == ["2026-01-01", "2026-01-02"]


def test_an_overflow_to_general_goes_to_its_asterisk_name(settings: Settings) -> None:
    from callcenter.agents.dialplan import render_context

    save_queue_settings(settings, "repair", {"overflow_to": "general", "overflow_seconds": 77})
    dirs = {"astvarlibdir": "/var/lib/x", "astspooldir": "/var/spool/x"}
    options = render_context(with_admin_overrides(settings), dirs)
    repair = next(q for q in options["queue_options"] if q["name"] == "repair")
    assert repair["overflow_to"] == "general_queue" and repair["overflow_seconds"] == 77
