"""A ticket's files in the console: upload (behind login, CSRF and the size limit) and
download (only for who may see the ticket, never cached, always as a download).

The console's requests are limited to 1 MB (``MAX_CONTENT_LENGTH``); this route raises the
limit to the attachments' own (``callcenter.ticketing.attachments.MAX_BYTES``) for itself,
before the CSRF check reads the form, so a large file gets a clear message instead of a
bare "413"."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from callcenter.ticketing.attachments import MAX_BYTES, add_attachment
from web.database import db_session
from web.extensions import csrf
from web.ticket_access import actor_of
from web.tickets import bp, service, user, visible_ticket

FORM_ROOM = 64 * 1024  # the multipart envelope and the CSRF token around the file


@bp.post("/<number>/attachments")
@csrf.exempt  # checked below, once the size limit is raised for this request
@login_required
def upload(number: str) -> ResponseReturnValue:
    back = redirect(url_for("tickets.detail", number=number) + "#attachments")
    request.max_content_length = MAX_BYTES + FORM_ROOM
    too_big = _("The file is larger than %(mb)d MB; attach a smaller one.", mb=MAX_BYTES >> 20)
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        flash(too_big, "error")
        return back
    visible_ticket(number)
    if upload is None or not upload.filename:
        flash(_("Choose a file to attach."), "error")
        return back
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        flash(too_big, "error")
        return back
    if not data:
        flash(_("The file is empty."), "error")
        return back
    add_attachment(
        service(),
        number,
        filename=upload.filename,
        data=data,
        content_type=upload.mimetype or "application/octet-stream",
        by=actor_of(user()),
        folder=Path(current_app.config["ATTACHMENTS_DIR"]),
    )
    db_session().commit()
    flash(_("Attached %(name)s.", name=upload.filename), "info")
    return back


@bp.get("/<number>/attachments/<int:attachment_id>")
@login_required
def attachment(number: str, attachment_id: int) -> ResponseReturnValue:
    row = visible_ticket(number)
    found = [a for a in service().tickets.attachments(row.id) if a.id == attachment_id]
    path = Path(found[0].path) if found else None
    if path is None or not path.is_file():
        flash(_("That file is no longer stored."), "error")
        return redirect(url_for("tickets.detail", number=number) + "#attachments")
    response = send_file(
        path,
        mimetype=found[0].content_type,
        as_attachment=True,
        download_name=found[0].filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
