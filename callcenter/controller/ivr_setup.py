"""Builds the IVR feature from settings: menu, prompt and voicemail folders, hours, lists.

Asterisk and this process may see one folder under two paths (the sandbox's Asterisk runs
chrooted), so every folder Asterisk reads or writes is known as a pair.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from callcenter.config import Settings
from callcenter.controller.ivr_feature import IsOpen, IvrConfig, IvrFeature, TicketLookup
from ivr.menu import Menu
from ivr.menu_load import load_menu
from ivr.prompt_build import build, check_tools, plan

log = logging.getLogger(__name__)


def asterisk_folder(
    settings: Settings, configured: Path | None, under_spool: str
) -> tuple[str, Path]:
    """(path as Asterisk sees it, path as we see it) of a folder Asterisk uses."""
    if configured is not None:
        return str(configured), configured
    from callcenter.sandbox import Sandbox

    sandbox = Sandbox(settings)
    base = sandbox.asterisk_dirs["astvarlibdir" if under_spool == "sounds" else "astspooldir"]
    inside = (
        f"{base}/{under_spool}/callcenter"
        if under_spool == "sounds"
        else f"{base}/callcenter/{under_spool}"
    )
    return inside, sandbox.host_path(inside)


def prompt_folders(settings: Settings) -> tuple[str, Path]:
    return asterisk_folder(settings, settings.prompts_dir, "sounds")


def business_hours(settings: Settings) -> IsOpen:
    """Open or not: the desk's calendar (``tickets.calendar``, which admins edit in the
    console), unless ``business_hours`` forces open or closed."""
    if settings.business_hours == "open":
        return lambda at: True
    if settings.business_hours == "closed":
        return lambda at: False
    from callcenter.tickets.calendar_config import calendar_from_mapping

    calendar = calendar_from_mapping(settings.tickets.calendar)

    def is_open(at: datetime) -> bool:
        return calendar.is_open(at)

    return is_open


def load_ivr_menu(settings: Settings) -> Menu:
    """The menu the IVR runs (the console's saved version first), with every prompt built
    (only missing or changed ones). Raises ``MenuError`` / ``PromptBuildError``."""
    from callcenter.admin.menu_store import effective_menu_path

    menu = load_menu(effective_menu_path(settings))
    prompts_host = prompt_folders(settings)[1]
    check_tools()
    built = sum(build(job) for job in plan([menu], prompts_host))
    if built:
        log.info("IVR: built %d prompt file(s) in %s", built, prompts_host)
    return menu


def build_ivr(settings: Settings, *, lookup_ticket: TicketLookup | None = None) -> IvrFeature:
    """The IVR feature, with every prompt of the menu built (only missing or changed ones)."""
    menu = load_ivr_menu(settings)
    prompts_ast = prompt_folders(settings)[0]
    voicemail_ast, voicemail_host = asterisk_folder(settings, None, "voicemail")
    config = IvrConfig(
        menu=menu,
        prompts_dir=prompts_ast,
        voicemail_dir=voicemail_ast,
        voicemail_host_dir=voicemail_host,
        queue_names=settings.asterisk_queues,
        vip_numbers=frozenset(settings.vip_numbers),
        blocked_numbers=frozenset(settings.blocked_numbers),
        watchdog_seconds=settings.ivr_watchdog_seconds,
    )
    return IvrFeature(
        config,
        is_open=business_hours(settings),
        lookup_ticket=lookup_ticket or (lambda number: None),
    )
