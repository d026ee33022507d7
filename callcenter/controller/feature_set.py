"""The features `callcenter run` plugs into the controller, in the order they see events."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from callcenter.config import Settings
from callcenter.controller.features import Feature


def build_features(settings: Settings, sessions: sessionmaker[Session]) -> list[Feature]:
    from callcenter.agents.feature import AgentsFeature
    from callcenter.callbacks.feature import CallbacksFeature
    from callcenter.controller.ivr_setup import build_ivr
    from callcenter.ticketing.call_intake import ticket_status
    from callcenter.ticketing.feature import TicketsFeature
    from recordings.feature import RecordingFeature

    def lookup_ticket(number: str) -> str | None:
        # One indexed read by primary key: quick enough to run on the event loop.
        with sessions() as session:
            return ticket_status(session, number)

    from callcenter.controller.settings_reload import SettingsReload

    ivr = build_ivr(settings, lookup_ticket=lookup_ticket)
    agents = AgentsFeature(settings=settings, sessions=sessions)
    tickets = TicketsFeature(settings=settings, sessions=sessions)
    return [
        ivr,
        RecordingFeature.from_settings(settings, sessions),
        agents,
        tickets,
        SettingsReload(settings=settings, features=[ivr, tickets]),  # admin edits, live
        # After agents: a callback's turn depends on the agents' state after each event.
        CallbacksFeature(settings=settings, sessions=sessions, staffed=agents.book.staffed),
    ]
