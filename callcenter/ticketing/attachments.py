"""Attachments: the file is stored under ``<attachments_dir>/<ticket>/``, its metadata in
``ticket_attachments`` (name, type, size, SHA-256, path), with an audit row."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from callcenter.config import Settings
from callcenter.db.ticket_models import AttachmentRow, TicketRow
from callcenter.ticketing.service import TicketService, write_audit
from callcenter.tickets.audit import AuditEntry

MAX_BYTES = 20 * 1024 * 1024
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def attachments_folder(settings: Settings) -> Path:
    """``tickets.attachments_dir``, or ``<state_dir>/attachments`` when it is not set."""
    return settings.tickets.attachments_dir or settings.state_dir / "attachments"


def safe_filename(name: str) -> str:
    base = Path(name.replace("\\", "/")).name
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    return cleaned[:120]


def add_attachment(
    service: TicketService,
    ticket: TicketRow | str,
    *,
    filename: str,
    data: bytes,
    content_type: str = "application/octet-stream",
    by: str,
    folder: Path,
) -> AttachmentRow:
    if len(data) > MAX_BYTES:
        raise ValueError(f"attachment is {len(data)} bytes; the limit is {MAX_BYTES}")
    row = ticket if isinstance(ticket, TicketRow) else service.tickets.require(ticket)
    digest = hashlib.sha256(data).hexdigest()
    target = folder / row.number / f"{digest[:16]}-{safe_filename(filename)}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    at = service.clock()
    attachment = AttachmentRow(
        ticket_id=row.id,
        filename=filename[:255],
        content_type=content_type[:127],
        size_bytes=len(data),
        sha256=digest,
        path=str(target),
        uploaded_by=by,
        created_at=at,
    )
    service.session.add(attachment)
    write_audit(
        service.session, row.id, [AuditEntry(row.number, at, by, "attachment", None, filename)]
    )
    service.session.flush()
    return attachment
