"""Render the Asterisk configuration from the Jinja2 templates in ``asterisk-conf/``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import jinja2

from callcenter.config import Settings
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.secrets_store import PSTN_USERNAME, SandboxSecrets

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "asterisk-conf"
TEMPLATE_SUFFIX = ".j2"


def render_context(
    settings: Settings, secrets: SandboxSecrets, dirs: dict[str, str]
) -> dict[str, Any]:
    from callcenter.agents.dialplan import render_context as agents_context
    from callcenter.sandbox.bench_menu import render_context as bench_menu_context

    agents = [
        {"extension": ext, "password": secrets.agent_passwords[ext]}
        for ext in settings.agent_extensions
    ]
    queues = [
        {"name": name, "asterisk_name": settings.asterisk_queues[name], "extension": ext}
        for name, ext in settings.direct_extensions.items()
    ]
    return {
        "dirs": dirs,
        "bind_host": settings.bind_host,
        "ami_port": settings.ami_port,
        "sip_port": settings.sip_port,
        "rtp_start": settings.rtp_start,
        "rtp_end": settings.rtp_end,
        "ami": {"username": secrets.ami_username, "secret": secrets.ami_secret},
        "pstn": {"username": PSTN_USERNAME, "password": secrets.pstn_password},
        "agents": agents,
        "queues": queues,
        "hotline": settings.hotline,
        "hotline_queue": settings.asterisk_queues[settings.queues[0]],
        "heartbeat_max_age": settings.controller_heartbeat_max_age,
        "ivr_watchdog_seconds": settings.ivr_watchdog_seconds,
        "tone_zone": settings.tone_zone,
        **agents_context(settings, dirs),
        **bench_menu_context(settings, dirs),
    }


def render_all(context: dict[str, Any], template_dir: Path = TEMPLATE_DIR) -> dict[str, str]:
    """File name -> rendered text for every ``*.j2`` template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    names = sorted(p.name for p in template_dir.glob(f"*{TEMPLATE_SUFFIX}"))
    if "modules.conf.j2" not in names:
        raise SandboxError(
            f"Asterisk templates not found in {template_dir}: run from a checkout of the "
            "repository (asterisk-conf/ is beside callcenter/)"
        )
    return {
        name.removesuffix(TEMPLATE_SUFFIX): env.get_template(name).render(context) for name in names
    }


def write_config(etc_dir: Path, files: dict[str, str]) -> set[str]:
    """Write files that differ (mode 0640: they hold secrets); return their names."""
    etc_dir.mkdir(parents=True, exist_ok=True)
    changed: set[str] = set()
    for name, text in files.items():
        path = etc_dir / name
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        tmp = path.with_name(f".{name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
        changed.add(name)
    return changed
