"""The console's Flask secret key: generated once, kept in the state folder, never in the repo.

The key signs session cookies and CSRF tokens. It lives in ``<state_dir>/web/secret_key``
(folder 0700, file 0600) so that a restart keeps people logged in and a fresh machine gets a
key of its own. Deleting the file logs everybody out.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

KEY_BYTES = 32


def secret_key_path(state_dir: Path) -> Path:
    return state_dir / "web" / "secret_key"


def load_or_create_secret_key(state_dir: Path) -> str:
    """The key stored under ``state_dir``; created (atomically, mode 0600) on first use."""
    path = secret_key_path(state_dir)
    if path.exists():
        return _read_key(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Write a private temporary file, then link it into place: a second process starting at
    # the same moment either wins the link or reads the finished key, never a half-written one.
    tmp = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(KEY_BYTES))
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return _read_key(path)


def _read_key(path: Path) -> str:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PermissionError(
            f"{path} is readable by others (mode {mode:o}); run: chmod 600 {path}"
        )
    key = path.read_text(encoding="ascii").strip()
    if len(key) < KEY_BYTES:
        raise ValueError(f"{path} holds no usable key; delete it to have a new one generated")
    return key
