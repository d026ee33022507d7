"""The running controller follows what admins save in the console, without a restart.

Every ``RELOAD_CHECK_SECONDS`` it looks at the modification times of the admin overrides
(``<state_dir>/admin/overrides.toml``: queue settings, business calendar) and of the menu
the IVR runs (``callcenter.admin.menu_store.effective_menu_path``). When one changed, it
reloads them off the event loop and hands them to the features: the IVR serves new callers
with the new menu and hours, the tickets feature counts deadlines on the new calendar. A
file that is not valid is logged and the old values stay in use (the console validates
before saving, so that only happens after a hand edit). ``SIGHUP`` forces a reload.
Queue settings need nothing here: the console reloads them in Asterisk itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

from callcenter.ami.client import AmiClient
from callcenter.ami.events import Event
from callcenter.config import Settings
from callcenter.domain.call import Call

log = logging.getLogger(__name__)

RELOAD_CHECK_SECONDS = 2.0
Stamp = tuple[tuple[str, int | None], ...]


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


class SettingsReload:
    """A controller feature that sees no events: it watches the admin's files."""

    name = "settings-reload"

    def __init__(
        self,
        *,
        settings: Settings,
        features: Sequence[object],
        every_seconds: float = RELOAD_CHECK_SECONDS,
    ) -> None:
        self._settings = settings
        self._features = list(features)
        self._every = every_seconds
        self._stamp = self._current_stamp()
        self._task: asyncio.Task[None] | None = None
        self.reloads = 0

    def _current_stamp(self) -> Stamp:
        from callcenter.admin.menu_store import effective_menu_path
        from callcenter.admin.overrides import overrides_path

        paths = (overrides_path(self._settings.state_dir), effective_menu_path(self._settings))
        return tuple((str(p), _mtime(p)) for p in paths)

    async def on_connect(self, ami: AmiClient) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._watch(), name="settings-reload")
            loop = asyncio.get_running_loop()
            # Not possible off the main thread (tests): the file watch still works.
            with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
                loop.add_signal_handler(signal.SIGHUP, self._force)

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        return None

    def _force(self) -> None:
        self._stamp = ()

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self._every)
            stamp = await asyncio.to_thread(self._current_stamp)
            if stamp != self._stamp:
                self._stamp = stamp
                await self.reload()

    async def reload(self) -> bool:
        """Load the overrides and the menu and hand them to the features; False on error."""
        from callcenter.admin.overrides import OverridesError, with_admin_overrides
        from callcenter.controller.ivr_setup import business_hours, load_ivr_menu
        from callcenter.ticketing.rules import rules_from_settings
        from ivr.menu_load import MenuError
        from ivr.prompt_build import PromptBuildError

        try:
            settings = await asyncio.to_thread(with_admin_overrides, self._settings)
            menu = await asyncio.to_thread(load_ivr_menu, settings)
        except (OverridesError, MenuError, PromptBuildError) as exc:
            log.error("admin changes not applied (the old ones stay in use): %s", exc)
            return False
        for feature in self._features:
            use = getattr(feature, "use", None)
            if use is not None:
                use(menu=menu, is_open=business_hours(settings))
            use_rules = getattr(feature, "use_rules", None)
            if use_rules is not None:
                use_rules(rules_from_settings(settings))
        self.reloads += 1
        log.info("admin changes applied: menu %s, business calendar reloaded", menu.source)
        return True

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
