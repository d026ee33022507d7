"""What is on disk once Asterisk closed a recording, and why a file is not there.

Asterisk answers the AMI ``MixMonitor`` action with Success before its recording thread
opens the files, and only logs (``Cannot open ...``) when that fails, so the controller
looks at the files themselves: :func:`inspect_wav` for size, duration and SHA-256, and
:func:`why_unwritable` for a message a person can act on, naming the path.
"""

from __future__ import annotations

import errno
import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

HEADER_BYTES = 44  # Asterisk's format_wav writes the canonical 44-byte header
MIN_FREE_BYTES = 1024 * 1024  # below this the disk counts as full


@dataclass(frozen=True)
class FileFacts:
    path: Path
    size: int
    duration: float
    sha256: str


def wav_closed(path: Path) -> bool:
    """True once the WAV header's sizes match the file (Asterisk writes them on close)."""
    try:
        with path.open("rb") as f:
            header = f.read(HEADER_BYTES)
            size = os.fstat(f.fileno()).st_size
    except OSError:
        return False
    if len(header) < HEADER_BYTES or header[:4] != b"RIFF":
        return False
    riff_size = struct.unpack_from("<I", header, 4)[0]
    return bool(riff_size + 8 == size)


def inspect_wav(path: Path) -> FileFacts:
    """Size, duration (from the sample count) and SHA-256 of a closed WAV file."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        header = f.read(HEADER_BYTES)
        digest.update(header)
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        size = os.fstat(f.fileno()).st_size
    duration = 0.0
    if len(header) == HEADER_BYTES and header[:4] == b"RIFF" and header[36:40] == b"data":
        channels, rate = struct.unpack_from("<HI", header, 22)
        bits = struct.unpack_from("<H", header, 34)[0]
        frame = max(1, channels * bits // 8)
        duration = (size - HEADER_BYTES) / frame / rate if rate else 0.0
    return FileFacts(path, size, duration, digest.hexdigest())


def why_unwritable(path: Path) -> str:
    """Why a recording at ``path`` (a host path) could not be written, as far as this host
    can tell: a file where a folder should be, no space, or no write permission."""
    folder = path.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is a file, not a folder: cannot create {folder}"
    try:
        stat = os.statvfs(existing)
    except OSError as exc:
        return f"cannot check {existing}: {exc.strerror or exc}"
    free = stat.f_bavail * stat.f_frsize
    if free < MIN_FREE_BYTES:
        return f"no space left for {path}: {existing} has {free // 1024} KiB free"
    if not os.access(existing, os.W_OK):
        return f"{existing} is not writable: cannot write {path}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        if exc.errno == errno.ENOSPC:
            return f"no space left to create {folder}"
        return f"cannot create {folder}: {reason}"
    return f"Asterisk did not write {path} (see its log for `Cannot open`)"


def free_space(folder: Path) -> str:
    """``N MiB free on <folder>`` (or why that is unknown)."""
    try:
        stat = os.statvfs(folder)
    except OSError as exc:
        return f"cannot check {folder}: {exc.strerror or exc}"
    return f"{stat.f_bavail * stat.f_frsize // (1024 * 1024)} MiB free on {folder}"
