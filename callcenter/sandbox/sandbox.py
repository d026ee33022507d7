"""The Asterisk sandbox: one loopback-only Asterisk for development, tests and the demo.

``Sandbox(settings)`` is the API the CLI, tests and ``make demo`` use: ``up`` (idempotent),
``down``, ``status``, ``info`` (the DESIGN.md contract), ``console_command``, ``host_path``.
"""

from __future__ import annotations

import fcntl
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from callcenter.config import Settings
from callcenter.sandbox.config_render import render_all, render_context, write_config
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.installation import (
    DEBIAN_DIRS,
    AsteriskInstallation,
    asterisk_version,
    existing_installation,
    find_installation,
)
from callcenter.sandbox.mounts import bind_system_dirs, unmount_all_under
from callcenter.sandbox.process import AsteriskProcess, tcp_accepts, udp_port_free
from callcenter.sandbox.secrets_store import (
    PSTN_USERNAME,
    SandboxSecrets,
    load_or_create_secrets,
)
from callcenter.sandbox.sid_root import Progress, stderr_progress

START_TIMEOUT = 60.0
# A reload does not load modules or move directories: these need a restart.
RESTART_ON_CHANGE = {"modules.conf", "asterisk.conf"}
WRITABLE_DIRS = ("astdbdir", "astkeydir", "astspooldir", "astrundir", "astlogdir", "astcachedir")


class Sandbox:
    def __init__(self, settings: Settings, *, progress: Progress = stderr_progress) -> None:
        self.settings = settings
        self.progress = progress
        self.state_dir = settings.state_dir / "sandbox"
        self.secrets_file = self.state_dir / "secrets.json"
        self._installation: AsteriskInstallation | None = None

    # -- public API ---------------------------------------------------------------------

    def up(self) -> dict[str, Any]:
        """Build/install if needed, render config, start Asterisk or reload it; wait ready."""
        with self._locked():
            inst = self._installation or find_installation(self.settings, progress=self.progress)
            self._installation = inst
            secrets = load_or_create_secrets(self.secrets_file, self.settings.agent_extensions)
            changed = self._render(inst, secrets)
            if inst.root is not None:
                bind_system_dirs(inst.root)
            process = self._process(inst)
            pid = process.pid()
            if pid is not None and changed & RESTART_ON_CHANGE:
                self.progress(f"{', '.join(sorted(changed))} changed: restarting Asterisk")
                process.stop()
            elif pid is not None:
                if changed:
                    self.progress(f"{', '.join(sorted(changed))} changed: reloading Asterisk")
                    self._check(process.rx("core reload"), "core reload")
                self._after_up()
                return self.status()
            self._check_ports_free()
            pid = process.start()
            self.progress(f"Asterisk started (pid {pid}); waiting until fully booted")
            process.wait_ready(
                pid, ami=(self.settings.bind_host, self.settings.ami_port), timeout=START_TIMEOUT
            )
            self._check_modules(process, inst)
            self._after_up()
            return self.status()

    def down(self) -> None:
        """Stop the Asterisk we started (if any) and unmount the root's bind mounts."""
        with self._locked():
            inst = self._existing()
            if inst is None:
                return
            self._process(inst).stop()
            if inst.root is not None:
                unmount_all_under(inst.root)

    def status(self) -> dict[str, Any]:
        inst = self._existing()
        pid = self._process(inst).pid() if inst else None
        version = asterisk_version(inst.command()) if inst else None
        return {"running": pid is not None, "pid": pid, "version": version}

    def info(self) -> dict[str, Any]:
        """Connection facts and credentials, exactly as DESIGN.md's contract has them."""
        if not self.secrets_file.exists():
            raise SandboxError("the sandbox was never brought up: run `callcenter sandbox up`")
        secrets = load_or_create_secrets(self.secrets_file, self.settings.agent_extensions)
        s = self.settings
        return {
            "ami": {
                "host": s.bind_host,
                "port": s.ami_port,
                "username": secrets.ami_username,
                "secret": secrets.ami_secret,
            },
            "sip": {"host": s.bind_host, "port": s.sip_port},
            "hotline": s.hotline,
            "direct": s.direct_extensions,
            "pstn": {"username": PSTN_USERNAME, "password": secrets.pstn_password},
            # The configured agents, then those added with `callcenter agent add`.
            "agents": [
                {"extension": ext, "password": secrets.agent_passwords[ext]}
                for ext in [
                    *s.agent_extensions,
                    *sorted(set(secrets.agent_passwords) - set(s.agent_extensions)),
                ]
            ],
        }

    def console_command(self, cli_args: tuple[str, ...] = ()) -> list[str]:
        """``asterisk -r`` (interactive) or ``asterisk -rx 'CMD'`` for the running sandbox."""
        inst = self._existing()
        if inst is None:
            raise SandboxError("no Asterisk installed yet: run `callcenter sandbox up`")
        return inst.command("-rx", " ".join(cli_args)) if cli_args else inst.command("-r")

    def host_path(self, asterisk_path: str) -> Path:
        """Host path of a file Asterisk names, e.g. a MixMonitor recording."""
        inst = self._existing()
        if inst is None:
            raise SandboxError("no Asterisk installed yet: run `callcenter sandbox up`")
        return inst.host_path(asterisk_path)

    @property
    def asterisk_dirs(self) -> dict[str, str]:
        """asterisk.conf directories as Asterisk sees them (spool, sounds, logs...)."""
        inst = self._existing()
        return dict(inst.dirs) if inst else dict(DEBIAN_DIRS)

    # -- internals ----------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.state_dir / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _existing(self) -> AsteriskInstallation | None:
        """The installation if one is there already; never builds."""
        if self._installation is None:
            self._installation = existing_installation(self.settings)
        return self._installation

    def _process(self, inst: AsteriskInstallation) -> AsteriskProcess:
        return AsteriskProcess(
            installation=inst,
            pid_file=self.state_dir / "asterisk.pid",
            log_file=self.state_dir / "asterisk.out",
        )

    def _render(self, inst: AsteriskInstallation, secrets: SandboxSecrets) -> set[str]:
        etc = inst.host_path(inst.dirs["astetcdir"])
        if inst.root is not None and not (inst.root / "etc/asterisk.dist").exists():
            # Debian's ~120 sample files would be read by core parts; keep only ours.
            etc.rename(inst.root / "etc/asterisk.dist")
        for key in WRITABLE_DIRS:
            inst.host_path(inst.dirs[key]).mkdir(parents=True, exist_ok=True)
        files = render_all(render_context(self.settings, secrets, inst.dirs))
        return write_config(etc, files)

    def _after_up(self) -> None:
        """Agents logged in, added endpoints, survey prompts (callcenter/agents/provision.py)."""
        from callcenter.agents.provision import after_sandbox_up

        after_sandbox_up(self)

    def _check_ports_free(self) -> None:
        host, s = self.settings.bind_host, self.settings
        if tcp_accepts(host, s.ami_port):
            raise SandboxError(
                f"{host}:{s.ami_port} (AMI) is in use by another process; stop it "
                "or set CALLCENTER_AMI_PORT"
            )
        if not udp_port_free(host, s.sip_port):
            raise SandboxError(
                f"UDP {host}:{s.sip_port} (SIP) is in use by another process; stop it "
                "or set CALLCENTER_SIP_PORT"
            )

    def _check_modules(self, process: AsteriskProcess, inst: AsteriskInstallation) -> None:
        """Every module modules.conf loads must be running; say which are not."""
        modules_conf = inst.host_path(inst.dirs["astetcdir"]) / "modules.conf"
        wanted = re.findall(r"^load\s*=>\s*(\S+)\.so", modules_conf.read_text(), re.M)
        shown = process.rx("module show").stdout
        running = set(re.findall(r"^(\S+)\.so\s.*\bRunning\b", shown, re.M))
        missing = [name for name in wanted if name not in running]
        if missing:
            raise SandboxError(
                f"Asterisk is up but these modules are not running: {', '.join(missing)}; "
                f"see {inst.host_path(inst.dirs['astlogdir'])}/messages.log"
            )

    @staticmethod
    def _check(result: Any, what: str) -> None:
        if result.returncode != 0:
            raise SandboxError(f"`{what}` failed: {(result.stderr or result.stdout).strip()}")
