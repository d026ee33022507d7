"""Start, watch and stop one Asterisk process: the one whose pid we wrote down.

Asterisk is started through ``sh -c 'cmd & echo $!'`` in a new session so it is nobody's
child once ``up`` returns: no zombie after a SIGKILL, no ResourceWarning in tests, and
the pid printed is Asterisk's own (chroot and the shell exec into it).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from callcenter.sandbox.errors import SandboxError
from callcenter.sandbox.installation import AsteriskInstallation

SPAWN = '"$@" >>"$CC_ASTERISK_LOG" 2>&1 </dev/null &\necho $!'
STARTING_NAMES = ("sh", "chroot", "asterisk")
ENV = {
    "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
}


def until(condition: Callable[[], bool], *, timeout: float, interval: float = 0.1) -> bool:
    """Poll ``condition`` until it is true or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def pid_alive(pid: int, names: tuple[str, ...] = ("asterisk",)) -> bool:
    """True if ``pid`` is a live (not zombie) process with one of these names.

    The name check keeps a stale pid file from naming an unrelated, reused pid.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    state = stat[stat.rindex(")") + 2 :].split(" ", 1)[0]
    return comm in names and state not in ("Z", "X")


def tcp_accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def udp_port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class AsteriskProcess:
    def __init__(
        self, *, installation: AsteriskInstallation, pid_file: Path, log_file: Path
    ) -> None:
        self.installation = installation
        self.pid_file = pid_file
        self.log_file = log_file

    def pid(self) -> int | None:
        """The pid of our running Asterisk, or None (a stale pid file is ignored)."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None
        return pid if pid_alive(pid) else None

    def start(self) -> int:
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        # As root, say so: Debian's build would otherwise switch to an `asterisk` user
        # that owns nothing in the root or the state dir.
        as_root = ("-U", "root", "-G", "root") if os.geteuid() == 0 else ()
        cmd = self.installation.command("-f", *as_root)
        result = subprocess.run(
            ["/bin/sh", "-c", SPAWN, "sh", *cmd],
            env={**ENV, "CC_ASTERISK_LOG": str(self.log_file)},
            capture_output=True,
            text=True,
            start_new_session=True,
            check=False,
        )
        if result.returncode != 0 or not result.stdout.strip().isdigit():
            raise SandboxError(f"could not start Asterisk: {result.stderr.strip()}")
        pid = int(result.stdout.strip())
        self.pid_file.write_text(f"{pid}\n")
        return pid

    def rx(self, command: str, *, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        """Run one CLI command in the running Asterisk (``asterisk -rx``)."""
        return subprocess.run(
            self.installation.command("-rx", command),
            env=ENV,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def wait_ready(self, pid: int, *, ami: tuple[str, int], timeout: float) -> None:
        """Block until AMI accepts connections and Asterisk is fully booted."""
        deadline = time.monotonic() + timeout

        def booted() -> bool:
            # Until the exec chain ends, the pid is still the shell or chroot.
            if not pid_alive(pid, STARTING_NAMES):
                raise SandboxError(f"Asterisk exited while starting; {self._log_tail()}")
            if not tcp_accepts(*ami):
                return False
            try:
                left = max(deadline - time.monotonic(), 0.5)
                return self.rx("core waitfullybooted", timeout=left).returncode == 0
            except subprocess.TimeoutExpired:
                return False

        if not until(booted, timeout=timeout, interval=0.2):
            raise SandboxError(
                f"Asterisk (pid {pid}) not ready after {timeout:.0f} s; {self._log_tail()}"
            )

    def stop(self, *, timeout: float = 15) -> None:
        """Stop gracefully, then SIGTERM, then SIGKILL: only the pid we started."""
        pid = self.pid()
        if pid is not None:
            # A hung Asterisk may not answer; the signals below still stop it.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.rx("core stop now", timeout=timeout / 2)
            for sig in (signal.SIGTERM, signal.SIGKILL):
                if until(lambda: not pid_alive(pid), timeout=timeout / 3):
                    break
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
            if not until(lambda: not pid_alive(pid), timeout=timeout / 3):
                raise SandboxError(f"Asterisk pid {pid} survived SIGKILL")
        self.pid_file.unlink(missing_ok=True)

    def _log_tail(self, lines: int = 15) -> str:
        try:
            tail = self.log_file.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return f"no output in {self.log_file}"
        return f"last lines of {self.log_file}:\n  " + "\n  ".join(tail[-lines:])
