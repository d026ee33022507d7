"""``callcenter customers show | list | edit | add-number | remove-number | history`` and
``callcenter tickets attach | attachments | attachment``: customers (every change in
``customer_audit``) and ticket attachments from the command line."""

from __future__ import annotations

import mimetypes
import shutil
from pathlib import Path
from typing import Any

import click

from callcenter.ticketing.attachments import MAX_BYTES, add_attachment, attachments_folder
from callcenter.ticketing.cli import tickets
from callcenter.ticketing.cli_common import by_option, desk, emit, friendly_errors, json_option
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.serialize import customer_detail, customer_to_dict
from callcenter.ticketing.service import TicketService


@click.group()
def customers() -> None:
    """Customers keyed by phone number: view, search, edit (every change is logged)."""


def _line(c: dict[str, Any]) -> str:
    vip = " VIP" if c["vip"] else ""
    return f"{c['id']:>6}  {c['name'] or '-':<16} {', '.join(c['numbers']) or '-'}{vip}"


def _show(c: dict[str, Any]) -> str:
    lines = [_line(c)]
    if c.get("notes"):
        lines.append(f"  notes: {c['notes']}")
    for t in c.get("tickets", []):
        lines.append(f"  ticket {t['number']} {t['status']}: {t['description'][:50]}")
    for h in c.get("history", []):
        lines.append(f"  {h['at']} {h['by']}: {h['field']} {h['old']!r} -> {h['new']!r}")
    return "\n".join(lines)


def _require(repo: CustomerRepository, customer: str) -> int:
    """A customer id, or a phone number of theirs."""
    if customer.isdigit() and len(customer) < 10 and repo.get(int(customer)) is not None:
        return int(customer)
    found = repo.by_number(customer)
    if found is None:
        raise LookupError(f"no customer with id or number {customer!r} (客户不存在)")
    return found.id


@customers.command("show")
@click.argument("customer")
@json_option
@friendly_errors
def show_command(customer: str, as_json: bool) -> None:
    """CUSTOMER (an id or one of their numbers) with numbers, tickets and change log."""
    with desk().scope() as session:
        repo = CustomerRepository(session)
        row = repo.get(_require(repo, customer))
        assert row is not None
        data = customer_detail(session, row)
    emit(data, as_json, _show)


@customers.command("list")
@click.option("--search", "text", default="", help="Part of a name or a number.")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True)
@json_option
@friendly_errors
def list_command(text: str, limit: int, as_json: bool) -> None:
    """Customers, newest first; ``--search`` by name or number."""
    with desk().scope() as session:
        repo = CustomerRepository(session)
        data = [customer_to_dict(c, repo.numbers(c.id)) for c in repo.search(text, limit=limit)]
    emit(data, as_json, lambda rows: "\n".join(_line(c) for c in rows) or "no customers")


@customers.command("edit")
@click.argument("customer")
@click.option("--name", default=None, help="The customer's name.")
@click.option("--vip/--no-vip", default=None, help="VIP flag.")
@click.option("--notes", default=None, help="Notes about the customer (replaces them).")
@by_option
@json_option
@friendly_errors
def edit_command(
    customer: str, name: str | None, vip: bool | None, notes: str | None, by: str, as_json: bool
) -> None:
    """Change name, VIP flag or notes of CUSTOMER."""
    if name is None and vip is None and notes is None:
        raise click.UsageError("nothing to change: give --name, --vip/--no-vip or --notes")
    with desk().scope() as session:
        repo = CustomerRepository(session)
        row = repo.update(_require(repo, customer), name=name, vip=vip, notes=notes, by=by)
        data = customer_detail(session, row)
    emit(data, as_json, _show)


@customers.command("add-number")
@click.argument("customer")
@click.argument("number")
@click.option("--label", default="", help="What the number is (mobile, office).")
@by_option
@json_option
@friendly_errors
def add_number_command(customer: str, number: str, label: str, by: str, as_json: bool) -> None:
    """Give CUSTOMER another phone NUMBER (refused if another customer has it)."""
    with desk().scope() as session:
        repo = CustomerRepository(session)
        customer_id = _require(repo, customer)
        repo.add_number_audited(customer_id, number, label=label, by=by)
        row = repo.get(customer_id)
        assert row is not None
        data = customer_detail(session, row)
    emit(data, as_json, _show)


@customers.command("remove-number")
@click.argument("customer")
@click.argument("number")
@by_option
@json_option
@friendly_errors
def remove_number_command(customer: str, number: str, by: str, as_json: bool) -> None:
    """Take NUMBER away from CUSTOMER."""
    with desk().scope() as session:
        repo = CustomerRepository(session)
        customer_id = _require(repo, customer)
        repo.remove_number(customer_id, number, by=by)
        row = repo.get(customer_id)
        assert row is not None
        data = customer_detail(session, row)
    emit(data, as_json, _show)


# -- attachments --------------------------------------------------------------------------


def _attachment_dict(a: Any) -> dict[str, Any]:
    return {
        "id": a.id,
        "filename": a.filename,
        "content_type": a.content_type,
        "size_bytes": a.size_bytes,
        "sha256": a.sha256,
        "uploaded_by": a.uploaded_by,
        "created_at": a.created_at.isoformat(),
    }


def _attachment_line(a: dict[str, Any]) -> str:
    return f"{a['id']:>6}  {a['filename']}  {a['size_bytes']} B  {a['uploaded_by']}"


@tickets.command("attach")
@click.argument("number")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@by_option
@json_option
@friendly_errors
def attach_command(number: str, file: Path, by: str, as_json: bool) -> None:
    """Attach FILE to ticket NUMBER (at most 20 MB)."""
    size = file.stat().st_size
    if size > MAX_BYTES:
        raise click.ClickException(
            f"{file} is {size} bytes; attachments may be at most {MAX_BYTES} bytes"
        )
    d = desk()
    with d.scope() as session:
        row = add_attachment(
            TicketService(session, rules=d.rules),
            number,
            filename=file.name,
            data=file.read_bytes(),
            content_type=mimetypes.guess_type(file.name)[0] or "application/octet-stream",
            by=by,
            folder=attachments_folder(d.settings),
        )
        data = _attachment_dict(row)
    emit(data, as_json, _attachment_line)


@tickets.command("attachments")
@click.argument("number")
@json_option
@friendly_errors
def attachments_command(number: str, as_json: bool) -> None:
    """The files attached to ticket NUMBER."""
    with desk().scope() as session:
        repo = TicketRepository(session)
        data = [_attachment_dict(a) for a in repo.attachments(repo.require(number).id)]
    emit(data, as_json, lambda rows: "\n".join(map(_attachment_line, rows)) or "no attachments")


@tickets.command("attachment")
@click.argument("number")
@click.argument("attachment_id", type=int)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it (default: its name in the current folder).",
)
@friendly_errors
def attachment_get_command(number: str, attachment_id: int, out: Path | None) -> None:
    """Copy attachment ATTACHMENT_ID of ticket NUMBER to a file."""
    with desk().scope() as session:
        repo = TicketRepository(session)
        found = [a for a in repo.attachments(repo.require(number).id) if a.id == attachment_id]
        if not found:
            raise LookupError(f"ticket {number} has no attachment {attachment_id}")
        source, name = Path(found[0].path), found[0].filename
    target = out or Path(Path(name).name)
    if target.exists():
        raise click.ClickException(f"{target} exists; choose another with --out")
    if not source.exists():
        raise click.ClickException(f"the stored file {source} is missing")
    shutil.copyfile(source, target)
    click.echo(str(target))
