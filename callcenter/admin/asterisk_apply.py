"""Bring the sandbox's Asterisk in line with the settings, without a restart.

The configuration is rendered from the templates exactly as ``callcenter sandbox up`` does,
only the files that changed are written, and each changed file gets the lightest reload
that applies it: ``queue reload parameters`` for queues.conf (members stay logged in),
``dialplan reload`` for extensions.conf (overflow targets and times live there),
``module reload res_pjsip.so`` for pjsip.conf (passwords of the configured agents).

Without an installed sandbox nothing is written: the next ``callcenter sandbox up`` renders
the same files from the same settings.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from callcenter.config import Settings
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.sandbox import RESTART_ON_CHANGE, Sandbox

log = logging.getLogger(__name__)

RELOADS = {
    "queues.conf": "queue reload parameters",
    "extensions.conf": "dialplan reload",
    "pjsip.conf": "module reload res_pjsip.so",
}


@dataclass
class Applied:
    """What happened: files written, CLI commands run, and whether Asterisk is running."""

    installed: bool
    running: bool = False
    written: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)


def sandbox_installed(sandbox: Sandbox) -> bool:
    try:
        sandbox.host_path("/")
    except SandboxError:
        return False
    return True


def apply_to_asterisk(settings: Settings) -> Applied:
    """Render, write what changed, reload what was written (if Asterisk runs)."""
    from callcenter.agents.provision import rx, write_extra_agents
    from callcenter.sandbox.config_render import render_all, render_context, write_config
    from callcenter.sandbox.secrets_store import load_or_create_secrets

    sandbox = Sandbox(settings)
    if not sandbox_installed(sandbox):
        return Applied(installed=False)
    dirs = sandbox.asterisk_dirs
    secrets = load_or_create_secrets(sandbox.secrets_file, settings.agent_extensions)
    files = render_all(render_context(settings, secrets, dirs))
    files = {name: text for name, text in files.items() if name not in RESTART_ON_CHANGE}
    written = sorted(write_config(sandbox.host_path(dirs["astetcdir"]), files))
    running = bool(sandbox.status()["running"])
    applied = Applied(installed=True, running=running, written=written)
    if write_extra_agents(sandbox):  # reloads PJSIP and the dialplan itself when running
        applied.written.append("pjsip/extensions agents include")
    if not running:
        return applied
    for name in written:
        command = RELOADS.get(name, "core reload")
        if command not in applied.commands:
            rx(sandbox, command)
            applied.commands.append(command)
    if applied.commands:
        log.info("admin: %s written; ran %s", ", ".join(written), "; ".join(applied.commands))
    return applied
