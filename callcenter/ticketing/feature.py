"""The controller feature of tickets: every inbound call's customer exists (created on the
first call from a number); a call that ends as a voicemail or a callback request becomes a
ticket (``call_intake``); and the SLA escalation check runs every minute.

Database work runs in worker threads (``asyncio.to_thread``), never on the event loop;
``on_event`` only schedules it. The escalation loop starts at the first AMI connection.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcenter.ami.client import AmiClient
from callcenter.ami.events import Event
from callcenter.config import Settings
from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from callcenter.domain.call import Call, Disposition
from callcenter.ticketing.call_intake import ticket_from_callback_request, ticket_from_voicemail
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.escalation import escalation_loop
from callcenter.ticketing.numbering import normalize_number
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules, rules_from_settings

log = logging.getLogger(__name__)
SEEN_MAX = 10_000
CALL_ROW_WAIT = 30.0  # seconds to wait for the call store to write an ended call
AUTOMATIC = (Disposition.VOICEMAIL, Disposition.CALLBACK)


class TicketsFeature:
    name = "tickets"

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._rules = rules_from_settings(settings)
        self._internal = set(settings.agent_extensions)
        self._every = float(settings.tickets.escalation_check_seconds)
        self._webhook_url = settings.tickets.alert_webhook_url
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._ticketed: OrderedDict[str, None] = OrderedDict()
        self._tasks: set[asyncio.Task[object]] = set()
        self._escalations: asyncio.Task[None] | None = None
        self._publish: Callable[..., object] | None = None

    def use_notifier(self, publish: Callable[..., object]) -> None:
        """Alerts to supervisors go live on the console's notifier (``callcenter run``)."""
        self._publish = publish

    async def on_connect(self, ami: AmiClient) -> None:
        if self._escalations is None or self._escalations.done():
            self._escalations = asyncio.create_task(
                escalation_loop(
                    self._sessions,
                    self._rules,
                    every_seconds=self._every,
                    publish=lambda: self._publish,
                    webhook_url=self._webhook_url,
                ),
                name="ticket-escalations",
            )

    def use_rules(self, rules: DeskRules) -> None:
        """New rules (an admin changed the business calendar): deadlines of tickets made
        from now on, and the escalation check (restarted with them), use these."""
        self._rules = rules
        if self._escalations is not None and not self._escalations.done():
            self._escalations.cancel()
            self._escalations = asyncio.create_task(
                escalation_loop(self._sessions, self._rules, every_seconds=self._every),
                name="ticket-escalations",
            )

    async def on_event(self, event: Event, calls: Sequence[Call], ami: AmiClient) -> None:
        for call in calls:
            ended_in_ivr = call.ended_at is not None and call.disposition in AUTOMATIC
            if ended_in_ivr and call.linkedid not in self._ticketed:
                self._ticketed[call.linkedid] = None
                self._spawn(self._ticket_for, call)
                while len(self._ticketed) > SEEN_MAX:
                    self._ticketed.popitem(last=False)
            if call.linkedid in self._seen:
                continue
            self._remember(call.linkedid)
            number = normalize_number(call.caller_number)
            if not number or call.caller_number in self._internal:
                continue  # anonymous, or an agent calling out
            self._spawn(self._ensure_customer, call.caller_number, call.caller_name)

    def _spawn(self, work: Callable[..., object], *args: object) -> None:
        task = asyncio.create_task(asyncio.to_thread(work, *args))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _ticket_for(self, call: Call) -> object:
        """The voicemail / callback ticket of an ended call, once its row is stored (the
        call store writes it moments later), unless the call has a ticket already."""
        deadline = time.monotonic() + CALL_ROW_WAIT
        while True:
            with session_scope(self._sessions) as session:
                row = CallRepository(session).by_linkedid(call.linkedid)
                if row is not None:
                    if TicketRepository(session).for_call(row.id):
                        return None
                    detail = {e.kind: e.detail for e in call.timeline}
                    if call.disposition is Disposition.VOICEMAIL:
                        ticket = ticket_from_voicemail(
                            session,
                            self._rules,
                            caller_number=call.caller_number,
                            caller_name=call.caller_name,
                            call_id=row.id,
                            recording=detail.get("voicemail") or None,
                            at=call.ended_at,
                        )
                    else:
                        ticket = ticket_from_callback_request(
                            session,
                            self._rules,
                            caller_number=call.caller_number,
                            callback_number=detail.get("callback_request") or None,
                            caller_name=call.caller_name,
                            call_id=row.id,
                            at=call.ended_at,
                        )
                    log.info(
                        "call %s left a %s: ticket %s",
                        call.linkedid,
                        call.disposition,
                        ticket.number,
                    )
                    return ticket.number
            if time.monotonic() > deadline:
                log.error(
                    "call %s: not stored after %.0f s, no %s ticket made",
                    call.linkedid,
                    CALL_ROW_WAIT,
                    call.disposition,
                )
                return None
            time.sleep(0.2)

    def _remember(self, linkedid: str) -> None:
        self._seen[linkedid] = None
        while len(self._seen) > SEEN_MAX:
            self._seen.popitem(last=False)

    def _ensure_customer(self, number: str, name: str) -> object:
        with session_scope(self._sessions) as session:
            customer = CustomerRepository(session).ensure_for_number(number, name)
            return None if customer is None else customer.id

    def _done(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if isinstance(exc, SQLAlchemyError):
            log.error("could not record the caller as a customer: %s", exc)
        elif exc is not None:
            log.error("customer link failed", exc_info=exc)

    async def stop(self) -> None:
        if self._escalations is not None:
            self._escalations.cancel()
        for task in list(self._tasks):
            await asyncio.gather(task, return_exceptions=True)
