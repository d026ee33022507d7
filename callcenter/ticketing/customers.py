"""Customers keyed by phone number: several numbers each, a name, a VIP flag, notes.

Every inbound call's customer is the one owning the caller's (normalised) number; the
first call from an unknown number creates the customer (``ensure_for_number``), safely
when two calls from the same number arrive at once (unique number + savepoint).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.db.base import utcnow
from callcenter.db.notification_models import CustomerAuditRow
from callcenter.db.ticket_models import CustomerNumberRow, CustomerRow
from callcenter.ticketing.numbering import normalize_number

MAX_NAME = 200
MAX_SEARCH = 200


class CustomerRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, customer_id: int) -> CustomerRow | None:
        return self.session.get(CustomerRow, customer_id)

    def by_number(self, raw: str) -> CustomerRow | None:
        number = normalize_number(raw)
        if not number:
            return None
        query = (
            select(CustomerRow)
            .join(CustomerNumberRow, CustomerNumberRow.customer_id == CustomerRow.id)
            .where(CustomerNumberRow.number == number)
        )
        return self.session.scalars(query).first()

    def numbers(self, customer_id: int) -> list[str]:
        query = select(CustomerNumberRow.number).where(CustomerNumberRow.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(CustomerNumberRow.id)))

    def create(self, name: str, numbers: list[str], *, vip: bool = False, notes: str = "") -> int:
        customer = CustomerRow(name=name, vip=vip, notes=notes)
        self.session.add(customer)
        self.session.flush()
        for raw in numbers:
            self.add_number(customer.id, raw)
        return customer.id

    def add_number(self, customer_id: int, raw: str, label: str = "") -> str:
        number = normalize_number(raw)
        if not number:
            raise ValueError(f"{raw!r} is not a phone number")
        owner = self.by_number(number)
        if owner is not None and owner.id != customer_id:
            raise ValueError(f"number {number} belongs to customer {owner.id} already")
        if owner is None:
            self.session.add(CustomerNumberRow(customer_id=customer_id, number=number, label=label))
            self.session.flush()
        return number

    def ensure_for_number(self, raw: str, name: str = "") -> CustomerRow | None:
        """The customer of ``raw``, created on first contact; None for no number."""
        number = normalize_number(raw)
        if not number:
            return None
        found = self.by_number(number)
        if found is not None:
            if name and not found.name:
                found.name = name
            return found
        try:
            with self.session.begin_nested():
                customer = CustomerRow(name=name)
                self.session.add(customer)
                self.session.flush()
                self.session.add(CustomerNumberRow(customer_id=customer.id, number=number))
                self.session.flush()
            return customer
        except IntegrityError:  # another call from this number created it just now
            return self.by_number(number)

    def update(
        self,
        customer_id: int,
        *,
        name: str | None = None,
        vip: bool | None = None,
        notes: str | None = None,
        by: str = "system",
        at: datetime | None = None,
    ) -> CustomerRow:
        """Change name / VIP flag / notes; each changed field leaves a ``customer_audit`` row."""
        customer = self.get(customer_id)
        if customer is None:
            raise LookupError(f"no customer {customer_id} (客户不存在)")
        if name is not None and len(name) > MAX_NAME:
            raise ValueError(f"name is {len(name)} characters; at most {MAX_NAME}")
        at = at or utcnow()
        for field, value in (("name", name), ("vip", vip), ("notes", notes)):
            old = getattr(customer, field)
            if value is None or value == old:
                continue
            setattr(customer, field, value)
            self._audit(customer_id, field, str(old), str(value), by=by, at=at)
        self.session.flush()
        return customer

    def add_number_audited(
        self, customer_id: int, raw: str, *, label: str = "", by: str, at: datetime | None = None
    ) -> str:
        if self.get(customer_id) is None:
            raise LookupError(f"no customer {customer_id} (客户不存在)")
        before = self.numbers(customer_id)
        number = self.add_number(customer_id, raw, label)
        if number not in before:
            self._audit(customer_id, "number", None, number, by=by, at=at or utcnow())
        return number

    def remove_number(
        self, customer_id: int, raw: str, *, by: str, at: datetime | None = None
    ) -> None:
        number = normalize_number(raw)
        if number not in self.numbers(customer_id):
            raise LookupError(f"customer {customer_id} has no number {raw!r}")
        self.session.execute(
            delete(CustomerNumberRow).where(
                CustomerNumberRow.customer_id == customer_id, CustomerNumberRow.number == number
            )
        )
        self._audit(customer_id, "number", number, None, by=by, at=at or utcnow())
        self.session.flush()

    def search(self, text: str, *, limit: int = 50) -> list[CustomerRow]:
        """Customers whose name contains ``text`` or one of whose numbers contains its digits;
        newest first. Empty text lists the newest customers."""
        if not 0 < limit <= MAX_SEARCH:
            raise ValueError(f"limit must be 1..{MAX_SEARCH}, got {limit}")
        query = select(CustomerRow)
        text = text.strip()
        if text:
            digits = normalize_number(text)
            conditions = [CustomerRow.name.contains(text, autoescape=True)]
            if digits:
                owners = select(CustomerNumberRow.customer_id).where(
                    CustomerNumberRow.number.contains(digits, autoescape=True)
                )
                conditions.append(CustomerRow.id.in_(owners))
            query = query.where(or_(*conditions))
        query = query.order_by(CustomerRow.id.desc()).limit(limit)
        return list(self.session.scalars(query))

    def history(self, customer_id: int) -> list[CustomerAuditRow]:
        query = select(CustomerAuditRow).where(CustomerAuditRow.customer_id == customer_id)
        return list(self.session.scalars(query.order_by(CustomerAuditRow.id)))

    def _audit(
        self,
        customer_id: int,
        field: str,
        old: str | None,
        new: str | None,
        *,
        by: str,
        at: datetime,
    ) -> None:
        self.session.add(
            CustomerAuditRow(
                customer_id=customer_id, at=at, actor=by, field=field, old=old, new=new
            )
        )
