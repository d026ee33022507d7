"""Where a call's recording files go, as Asterisk names them and as this host finds them.

``<root>/YYYY/MM/DD/<call id>-{mix,caller,agent}.wav``. The root is the ``recordings_dir``
setting as Asterisk sees it; for the chrooted sandbox the same file is under the sandbox's
root on this host (``Sandbox.host_path``), for a system Asterisk the two paths are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from callcenter.db.recording_models import RecordingKind

if TYPE_CHECKING:
    from callcenter.config import Settings

KINDS: tuple[RecordingKind, ...] = (RecordingKind.MIX, RecordingKind.CALLER, RecordingKind.AGENT)


@dataclass(frozen=True)
class CallFiles:
    """The three files of one call: Asterisk's paths and this host's."""

    asterisk: dict[RecordingKind, str]
    host: dict[RecordingKind, Path]

    def mixmonitor_options(self) -> str:
        """MixMonitor on the caller's channel: r() is what the caller says, t() the rest."""
        caller, agent = self.asterisk[RecordingKind.CALLER], self.asterisk[RecordingKind.AGENT]
        return f"r({caller})t({agent})"


@dataclass(frozen=True)
class RecordingLayout:
    root: str  # as Asterisk sees it
    to_host: Callable[[str], Path]

    @property
    def host_root(self) -> Path:
        return self.to_host(self.root)

    def files(self, name: str, at: datetime) -> CallFiles:
        """The files of the call ``name`` (its id) answered at ``at`` (local date folders
        would jump at DST; dates are those of the UTC time)."""
        folder = PurePosixPath(self.root) / f"{at:%Y}" / f"{at:%m}" / f"{at:%d}"
        asterisk = {kind: str(folder / f"{name}-{kind.value}.wav") for kind in KINDS}
        return CallFiles(asterisk, {k: self.to_host(p) for k, p in asterisk.items()})


def layout_from_settings(settings: Settings) -> RecordingLayout:
    """The configured root; the sandbox's spool (mapped to the host) unless an external
    Asterisk is configured, whose paths are taken to be this host's."""
    if settings.ami_username and settings.ami_secret:
        root = settings.recordings_dir or "/var/spool/asterisk/recordings"
        return RecordingLayout(root, Path)
    from callcenter.sandbox.sandbox import Sandbox

    sandbox = Sandbox(settings)
    root = settings.recordings_dir or f"{sandbox.asterisk_dirs['astspooldir']}/recordings"
    return RecordingLayout(root, sandbox.host_path)
