"""A Debian sid root with Asterisk, built once with debootstrap and cached.

Debian 12 has no Asterisk package; sid has Asterisk 22. The root is built under an
exclusive flock (two concurrent ``up`` build it once), and a marker file is written only
after every step succeeded: a root without the marker is half-built and is rebuilt.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.mounts import bind_system_dirs, mounts_under, unmount_all_under

MIRROR = "http://deb.debian.org/debian"
PACKAGES = ("asterisk", "asterisk-modules", "asterisk-core-sounds-en")
MARKER = ".callcenter-root-complete"
# Ownership of these comes out wrong in the chroot; astdb fails to open otherwise.
ROOT_OWNED = ("/var/lib/asterisk", "/var/spool/asterisk", "/var/log/asterisk", "/etc/asterisk")

Progress = Callable[[str], None]


def stderr_progress(line: str) -> None:
    print(f"sandbox: {line}", file=sys.stderr, flush=True)


def is_complete(root: Path) -> bool:
    return (root / MARKER).is_file()


def ensure_root(root: Path, *, progress: Progress = stderr_progress) -> Path:
    """Return ``root`` with Asterisk installed, building it first if needed."""
    if is_complete(root):
        return root
    if os.geteuid() != 0:
        raise SandboxError(
            "building the Asterisk root needs root (debootstrap, mount, chroot): "
            "run as root, or install Asterisk >= 20 and set CALLCENTER_ASTERISK_BINARY"
        )
    debootstrap = shutil.which("debootstrap") or shutil.which("debootstrap", path="/usr/sbin")
    if debootstrap is None:
        raise SandboxError(
            "debootstrap not found: run `make deps` or `apt-get install debootstrap`"
        )
    root.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(root.parent / f"{root.name}.lock", progress):
        if is_complete(root):  # another process built it while we waited
            return root
        _build(root, debootstrap, progress)
    return root


@contextmanager
def _exclusive(lock_path: Path, progress: Progress) -> Iterator[None]:
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("another process is building the Asterisk root; waiting for it")
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_root(root: Path) -> None:
    """Delete a (half-built) root, never through a mount point."""
    if not root.exists():
        return
    unmount_all_under(root)
    if mounts_under(root):
        raise SandboxError(f"{root} still has mounts inside; not removing it")
    subprocess.run(["rm", "-rf", "--one-file-system", str(root)], check=True)


def _build(root: Path, debootstrap: str, progress: Progress) -> None:
    started = time.monotonic()
    log_path = root.parent / f"{root.name}.build.log"
    if root.exists():
        progress(f"removing half-built root {root}")
        remove_root(root)
    progress(f"building the Asterisk root in {root} (about a minute; log: {log_path})")
    with log_path.open("w", encoding="utf-8") as log:
        step = _stepper(log, log_path, progress)
        step(
            "debootstrap sid (minbase)",
            [debootstrap, "--variant=minbase", "sid", str(root), MIRROR],
        )
        # No service may start inside the root during package installation.
        policy = root / "usr/sbin/policy-rc.d"
        policy.write_text("#!/bin/sh\nexit 101\n", encoding="utf-8")
        policy.chmod(0o755)
        bind_system_dirs(root)
        try:
            chroot = ["chroot", str(root)]
            # sid's Release file can be past its Valid-Until on the mirror.
            step(
                "apt-get update",
                [*chroot, "apt-get", "-o", "Acquire::Check-Valid-Until=false", "update"],
            )
            install = ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES]
            step("installing " + " ".join(PACKAGES), [*chroot, *install])
            step("fixing ownership", [*chroot, "chown", "-R", "root:root", *ROOT_OWNED])
            step("cleaning the apt cache", [*chroot, "apt-get", "clean"])
        finally:
            unmount_all_under(root)
    (root / MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"), encoding="utf-8")
    progress(f"Asterisk root ready in {time.monotonic() - started:.0f} s")


def _stepper(log: TextIO, log_path: Path, progress: Progress) -> Callable[[str, list[str]], None]:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "LC_ALL": "C"}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    def step(title: str, cmd: list[str]) -> None:
        progress(title)
        log.flush()
        result = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, check=False)
        if result.returncode != 0:
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
            raise SandboxError(
                f"{title} failed (exit {result.returncode}); last lines of {log_path}:\n  "
                + "\n  ".join(tail)
            )

    return step
