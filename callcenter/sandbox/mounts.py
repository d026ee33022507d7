"""Bind mounts of /proc and /dev into the Asterisk root, read from /proc/mounts.

Mounting is checked against /proc/mounts every time so a second ``up`` never stacks a
second /proc on the first, and removing a root refuses while anything is mounted in it
(``rm -rf`` through a /dev bind mount would empty the host's /dev).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from callcenter.sandbox.errors import SandboxError

BIND_MOUNTS = ("proc", "dev")


def _unescape(field: str) -> str:
    # /proc/mounts writes space, tab, newline and backslash as \040, \011, \012, \134.
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def mount_points() -> list[Path]:
    """Every mount point of this mount namespace, in mount order."""
    text = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    return [Path(_unescape(line.split()[1])) for line in text.splitlines() if line.strip()]


def mounts_under(root: Path) -> list[Path]:
    """Mount points inside ``root`` (not ``root`` itself), innermost last."""
    root = root.resolve()
    return [p for p in mount_points() if p != root and p.is_relative_to(root)]


def is_mounted(path: Path) -> bool:
    return path.resolve() in mount_points()


def bind_system_dirs(root: Path) -> None:
    """Bind-mount /proc and /dev into ``root`` unless already mounted there."""
    for name in BIND_MOUNTS:
        target = root / name
        if is_mounted(target):
            continue
        target.mkdir(exist_ok=True)
        _run(["mount", "--bind", f"/{name}", str(target)])


def unmount_all_under(root: Path) -> None:
    """Unmount everything mounted inside ``root``, innermost first."""
    for point in reversed(mounts_under(root)):
        try:
            _run(["umount", str(point)])
        except SandboxError:
            # Busy (a console still open in the root): detach it now, it goes when unused.
            _run(["umount", "--lazy", str(point)])
    left = mounts_under(root)
    if left:
        raise SandboxError(f"could not unmount {', '.join(map(str, left))}")


def _run(cmd: list[str]) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SandboxError(f"`{' '.join(cmd)}` failed: {result.stderr.strip()}")
