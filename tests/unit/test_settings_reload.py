"""The running controller picks up what admins save: menu and hours, without a restart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from callcenter.admin.menu_store import configured_menu_path, save_text
from callcenter.admin.overrides import save_calendar
from callcenter.config import Settings
from callcenter.controller.settings_reload import SettingsReload
from ivr.menu import Menu

# A Monday at 10:00 in Shanghai (02:00 UTC), not a holiday.
MONDAY_MORNING = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)


class FakeIvr:
    def __init__(self) -> None:
        self.menu: Menu | None = None
        self.is_open: Any = None

    def use(self, *, menu: Menu, is_open: Any) -> None:
        self.menu, self.is_open = menu, is_open


class FakeTickets:
    def __init__(self) -> None:
        self.rules: Any = None

    def use_rules(self, rules: Any) -> None:
        self.rules = rules


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        state_dir=tmp_path / "state", cache_dir=tmp_path / "cache", prompts_dir=tmp_path / "p"
    )


def test_a_saved_menu_and_calendar_reach_the_features(settings: Settings) -> None:
    ivr, tickets = FakeIvr(), FakeTickets()
    watcher = SettingsReload(settings=settings, features=[ivr, tickets], every_seconds=0.05)

    async def scenario() -> None:
        task = asyncio.create_task(watcher._watch())
        text = configured_menu_path(settings).read_text(encoding="utf-8")
        save_text(settings, text.replace("欢迎致电总服务台", "欢迎致电报修热线", 1))
        save_calendar(settings, {"hours": {"sun": ["09:00-10:00"]}})  # closed on Mondays
        deadline = asyncio.get_running_loop().time() + 10
        while watcher.reloads == 0 or ivr.menu is None:
            assert asyncio.get_running_loop().time() < deadline, "no reload"
            await asyncio.sleep(0.05)
        task.cancel()

    asyncio.run(scenario())
    assert ivr.menu is not None
    assert "报修热线" in ivr.menu.nodes["language"].prompt.text["zh"]
    assert ivr.is_open(MONDAY_MORNING) is False
    assert tickets.rules.calendar.is_open(MONDAY_MORNING) is False


def test_a_broken_file_keeps_the_old_values(settings: Settings) -> None:
    ivr = FakeIvr()
    watcher = SettingsReload(settings=settings, features=[ivr])
    path = settings.state_dir / "admin" / "overrides.toml"
    path.parent.mkdir(parents=True)
    path.write_text("[calendar]\nhours = 3\n", encoding="utf-8")
    assert asyncio.run(watcher.reload()) is False
    assert ivr.menu is None
