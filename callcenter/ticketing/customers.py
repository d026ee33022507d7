"""Customers keyed by phone number: several numbers each, a name, a VIP flag, notes.

Every inbound call's customer is the one owning the caller's (normalised) number; the
first call from an unknown number creates the customer (``ensure_for_number``), safely
when two calls from the same number arrive at once (unique number + savepoint).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from callcenter.db.ticket_models import CustomerNumberRow, CustomerRow
from callcenter.ticketing.numbering import normalize_number


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
    ) -> CustomerRow:
        customer = self.get(customer_id)
        if customer is None:
            raise LookupError(f"no customer {customer_id}")
        if name is not None:
            customer.name = name
        if vip is not None:
            customer.vip = vip
        if notes is not None:
            customer.notes = notes
        self.session.flush()
        return customer
