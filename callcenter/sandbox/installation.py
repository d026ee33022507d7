"""Which Asterisk the sandbox runs: a system Asterisk >= 20, else the cached sid root.

Both look the same to the rest of the sandbox: a command prefix, the Asterisk-side
directories for asterisk.conf, and a mapping from Asterisk paths to host paths.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from callcenter.config import Settings
from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.sid_root import Progress, ensure_root, is_complete, stderr_progress

MIN_MAJOR = 20
# Debian's layout, which the sid root has and most system packages share.
DEBIAN_DIRS = {
    "astetcdir": "/etc/asterisk",
    "astmoddir": "/usr/lib/x86_64-linux-gnu/asterisk/modules",
    "astvarlibdir": "/var/lib/asterisk",
    "astdbdir": "/var/lib/asterisk",
    "astkeydir": "/var/lib/asterisk",
    "astdatadir": "/usr/share/asterisk",
    "astagidir": "/usr/share/asterisk/agi-bin",
    "astspooldir": "/var/spool/asterisk",
    "astrundir": "/run/asterisk",  # /var/run is an absolute link to /run
    "astlogdir": "/var/log/asterisk",
    "astcachedir": "/var/cache/asterisk",
}
# Read-only parts a system install provides; everything writable goes to the state dir.
SYSTEM_PROVIDED = ("astmoddir", "astvarlibdir", "astdatadir", "astagidir")


@dataclass(frozen=True)
class AsteriskInstallation:
    binary: str  # as the Asterisk process sees it
    root: Path | None  # the chroot, or None for a system Asterisk
    dirs: dict[str, str]  # asterisk.conf [directories], as Asterisk sees them

    @property
    def config_file(self) -> str:
        return f"{self.dirs['astetcdir']}/asterisk.conf"

    def command(self, *args: str) -> list[str]:
        """A command line running this Asterisk binary with our asterisk.conf."""
        prefix = ["chroot", str(self.root)] if self.root else []
        return [*prefix, self.binary, "-C", self.config_file, *args]

    def host_path(self, asterisk_path: str) -> Path:
        """Where a path Asterisk uses (e.g. a recording) is on this host."""
        if self.root is None:
            return Path(asterisk_path)
        return self.root / asterisk_path.lstrip("/")


def find_installation(
    settings: Settings, *, progress: Progress = stderr_progress
) -> AsteriskInstallation:
    system = _system_binary(settings)
    if system is not None:
        return AsteriskInstallation(binary=system, root=None, dirs=_system_dirs(settings))
    root = ensure_root(settings.cache_dir / "asterisk-root", progress=progress)
    return AsteriskInstallation(binary="/usr/sbin/asterisk", root=root, dirs=dict(DEBIAN_DIRS))


def existing_installation(settings: Settings) -> AsteriskInstallation | None:
    """The installation if one is there already; never builds."""
    system = _system_binary(settings)
    if system is not None:
        return AsteriskInstallation(binary=system, root=None, dirs=_system_dirs(settings))
    root = settings.cache_dir / "asterisk-root"
    if is_complete(root):
        return AsteriskInstallation(binary="/usr/sbin/asterisk", root=root, dirs=dict(DEBIAN_DIRS))
    return None


def asterisk_version(command: list[str]) -> str:
    """``22.10.1`` from ``asterisk -V``."""
    result = subprocess.run(
        [*command, "-V"], capture_output=True, text=True, timeout=10, check=False
    )
    # The upstream version only: "22.10.1", not Debian's "+dfsg+~cs6...-1" suffix.
    match = re.search(r"Asterisk\s+(\d+(?:\.\d+)*)", result.stdout)
    if result.returncode != 0 or match is None:
        raise SandboxError(f"`{' '.join(command)} -V` failed: {result.stderr.strip()}")
    return match.group(1)


def _system_binary(settings: Settings) -> str | None:
    explicit = settings.asterisk_binary
    binary = explicit or shutil.which("asterisk") or shutil.which("asterisk", path="/usr/sbin")
    if not binary:
        return None
    version = asterisk_version([binary])
    major = re.match(r"\d+", version)
    if major is not None and int(major.group(0)) >= MIN_MAJOR:
        return binary
    if explicit:
        raise SandboxError(
            f"asterisk_binary {binary} is Asterisk {version}; the sandbox needs >= {MIN_MAJOR}: "
            "unset CALLCENTER_ASTERISK_BINARY to use the cached Debian sid build"
        )
    return None


def _system_dirs(settings: Settings) -> dict[str, str]:
    """Module and sound dirs from the system's asterisk.conf, writable dirs in state_dir."""
    provided = dict(DEBIAN_DIRS)
    system_conf = Path("/etc/asterisk/asterisk.conf")
    if system_conf.is_file():
        for line in system_conf.read_text(encoding="utf-8", errors="replace").splitlines():
            match = re.match(r"\s*(ast\w+dir)\s*=>?\s*(\S+)", line)
            if match and match.group(1) in SYSTEM_PROVIDED:
                provided[match.group(1)] = match.group(2)
    base = settings.state_dir / "asterisk"
    dirs = {key: str(base / key.removeprefix("ast").removesuffix("dir")) for key in DEBIAN_DIRS}
    dirs["astetcdir"] = str(base / "etc")
    dirs.update({key: provided[key] for key in SYSTEM_PROVIDED})
    return dirs
