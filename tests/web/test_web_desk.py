"""The agent desk: who may see and act on which desk, state changes and transfers through the
agents' commands (the AMI actions the CLI sends), tickets from the call, the screen pop."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.ami.actions import Action
from callcenter.ami.message import Message
from callcenter.config import Settings
from callcenter.db.call_repository import CallRepository
from callcenter.db.engine import session_scope
from callcenter.domain.call import TimelineEntry
from callcenter.live.controller_link import LiveLink
from callcenter.live.notifier import LiveNotifier
from callcenter.ticketing.customers import CustomerRepository
from callcenter.ticketing.repository import TicketRepository
from tests.web.conftest import CALL_START, PASSWORD, AuthActions, Data
from web import create_app
from web.database import EXTENSION_KEY

FETCH = {"X-Requested-With": "fetch"}


class FakeAmi:
    """Answers every action with success (or ``refuse``) and records what was sent."""

    def __init__(self) -> None:
        self.sent: list[Action] = []
        self.refuse: str | None = None
        self.channels: list[Message] = []

    async def send(self, action: Action, *, timeout: float | None = None) -> Message:
        self.sent.append(action)
        if self.refuse:
            return Message((("Response", "Error"), ("Message", self.refuse)))
        return Message((("Response", "Success"), ("Message", "ok")))

    async def collect(self, action: Action, *, timeout: float | None = None) -> list[Message]:
        self.sent.append(action)
        return self.channels


class FakeLink(LiveLink):
    """A link that runs the desk's commands against ``FakeAmi`` (no controller, no Asterisk)."""

    def __init__(self) -> None:
        super().__init__(LiveNotifier())
        self.ami = FakeAmi()
        self.connected = True

    def run(self, work: Callable[[Any], Awaitable[Any]], *, timeout: float = 10.0) -> Any:
        if not self.connected:
            from callcenter.live.controller_link import AmiUnavailableError

            raise AmiUnavailableError("not connected")
        return asyncio.run(work(self.ami))


def headers(action: Action) -> dict[str, str]:
    return dict(action.headers)


@pytest.fixture
def link() -> FakeLink:
    return FakeLink()


@pytest.fixture
def app(settings: Settings, app_config: dict[str, Any], link: FakeLink) -> Iterator[Flask]:
    application = create_app(settings, test_config=app_config, live=link)
    yield application
    application.extensions[EXTENSION_KEY].kw["bind"].dispose()


@pytest.fixture
def agent(data: Data, auth: AuthActions) -> AuthActions:
    """Agent "wang" on extension 1001 is logged in."""
    data.user("wang", "agent", display_name="王芳", extension="1001")
    assert auth.login("wang").status_code == 302
    return auth


def ringing_call(data: Data, number: str = "13800138000", ext: str = "1001") -> int:
    """A call from ``number`` in the general queue, ringing ``ext`` now."""
    start = CALL_START
    return data.call(
        linkedid="1714543999.1",
        caller_number=number,
        answered_at=None,
        ended_at=None,
        agent=None,
        disposition=None,
        language="zh",
        timeline=(
            TimelineEntry(start, "start", "PJSIP/pstn-00000009"),
            TimelineEntry(start + timedelta(seconds=12), "queue_join", "general"),
            TimelineEntry(start + timedelta(seconds=13), "agent_ring", ext),
        ),
    )


def test_an_agent_with_an_extension_starts_on_the_desk(
    client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    data.user("wang", "agent", extension="1001")
    assert auth.login("wang").location == "/desk/"


def test_ticket_numbers_link_to_the_ticket_pages_when_the_console_has_them(
    app: Flask, client: FlaskClient, auth: AuthActions, data: Data
) -> None:
    assert "tickets.detail" in app.view_functions  # the console's ticket pages
    data.user("wang", "agent", extension="1001")
    auth.login("wang")
    call_id = ringing_call(data)
    answer = client.post(
        f"/desk/1001/calls/{call_id}/ticket", data={"description": "x"}, headers=FETCH
    )
    number = answer.json["ticket"]
    assert answer.json["url"] == f"/tickets/{number}"
    assert f'href="/tickets/{number}"' in client.get("/desk/1001").text


def test_an_agent_lands_on_their_own_desk(client: FlaskClient, agent: AuthActions) -> None:
    response = client.get("/desk/")
    assert response.status_code == 302 and response.location == "/desk/1001"
    page = client.get("/desk/1001")
    assert page.status_code == 200
    assert "坐席工作台" in page.text
    assert 'id="do-pause"' in page.text
    assert "午餐" in page.text  # the default pause reasons, in Chinese


def test_an_agent_cannot_see_or_act_on_another_agents_desk(
    client: FlaskClient, agent: AuthActions, data: Data, link: FakeLink
) -> None:
    assert client.get("/desk/1002").status_code == 403
    assert client.get("/desk/1002/lists").status_code == 403
    call_id = ringing_call(data, ext="1002")
    assert client.get("/desk/1002/pop/1714543999.1").status_code == 403
    assert client.get("/desk/1001/pop/1714543999.1").status_code == 403  # not my call
    assert client.post("/desk/1002/state", data={"action": "ready"}).status_code == 403
    assert (
        client.post("/desk/1002/transfer", data={"kind": "blind", "to": "1003"}).status_code == 403
    )
    answer = client.post(f"/desk/1001/calls/{call_id}/ticket", data={"description": "x"})
    assert answer.status_code == 403
    assert link.ami.sent == []


def test_a_supervisor_may_look_at_a_desk_but_not_act(
    client: FlaskClient, logged_in: AuthActions, link: FakeLink
) -> None:
    assert "1003" in client.get("/desk/").text  # the list of desks
    page = client.get("/desk/1003")
    assert page.status_code == 200 and 'id="do-pause"' not in page.text
    assert client.post("/desk/1003/state", data={"action": "ready"}).status_code == 403
    assert link.ami.sent == []


def test_an_agent_without_an_extension_is_told_what_to_ask_for(
    client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    data.user("new", "agent")
    auth.login("new")
    assert "分机" in client.get("/desk/").text
    assert "/desk/" not in client.get("/calls/").text.split("<main")[0]  # no nav link


def test_pause_sends_queue_pause_with_the_reason_and_ready_unpauses(
    client: FlaskClient, agent: AuthActions, link: FakeLink
) -> None:
    answer = client.post(
        "/desk/1001/state", data={"action": "pause", "reason": "lunch"}, headers=FETCH
    )
    assert answer.status_code == 200 and answer.json["ok"], answer.json
    assert "午餐" in answer.json["message"]
    (pause,) = link.ami.sent
    assert pause.name == "QueuePause"
    assert headers(pause) == {"Interface": "PJSIP/1001", "Paused": "true", "Reason": "lunch"}
    client.post("/desk/1001/state", data={"action": "ready"}, headers=FETCH)
    assert headers(link.ami.sent[-1])["Paused"] == "false"


def test_a_pause_needs_one_of_the_configured_reasons(
    client: FlaskClient, agent: AuthActions, link: FakeLink
) -> None:
    answer = client.post(
        "/desk/1001/state", data={"action": "pause", "reason": "nap"}, headers=FETCH
    )
    assert answer.status_code == 400 and "原因" in answer.json["message"]
    assert (
        client.post("/desk/1001/state", data={"action": "dance"}, headers=FETCH).status_code == 400
    )
    assert link.ami.sent == []


def test_login_and_logout_use_the_agents_queues(
    client: FlaskClient, agent: AuthActions, link: FakeLink
) -> None:
    client.post("/desk/1001/state", data={"action": "login"}, headers=FETCH)
    assert [a.name for a in link.ami.sent] == ["QueueAdd"] * 3
    assert {headers(a)["Queue"] for a in link.ami.sent} == {"general_queue", "repair", "complaints"}
    link.ami.sent.clear()
    client.post("/desk/1001/state", data={"action": "logout"}, headers=FETCH)
    assert [a.name for a in link.ami.sent] == ["QueueRemove"] * 3


def test_asterisk_refusing_or_unreachable_is_said_plainly(
    client: FlaskClient, agent: AuthActions, link: FakeLink
) -> None:
    link.ami.refuse = "Interface not found"
    answer = client.post("/desk/1001/state", data={"action": "ready"}, headers=FETCH)
    assert answer.status_code == 502 and "Interface not found" in answer.json["message"]
    link.connected = False
    answer = client.post("/desk/1001/state", data={"action": "ready"}, headers=FETCH)
    assert answer.status_code == 502 and "Asterisk" in answer.json["message"]


def test_a_plain_form_post_comes_back_to_the_desk_with_the_message(
    client: FlaskClient, agent: AuthActions
) -> None:
    answer = client.post("/desk/1001/state", data={"action": "ready"}, follow_redirects=True)
    assert answer.request.path == "/desk/1001"
    assert "已就绪，可以接听来电。" in answer.text


def test_transfers_blind_attended_and_to_a_queue(
    client: FlaskClient, agent: AuthActions, link: FakeLink
) -> None:
    link.ami.channels = [
        Message((("Channel", "PJSIP/1001-0000002a"), ("BridgeId", "b1"))),
    ]
    client.post("/desk/1001/transfer", data={"kind": "blind", "to": "1002"}, headers=FETCH)
    assert (link.ami.sent[-1].name, headers(link.ami.sent[-1])) == (
        "BlindTransfer",
        {"Channel": "PJSIP/1001-0000002a", "Exten": "1002", "Context": "agents"},
    )
    client.post("/desk/1001/transfer", data={"kind": "attended", "to": "1003"}, headers=FETCH)
    assert link.ami.sent[-1].name == "Atxfer"
    client.post("/desk/1001/transfer", data={"kind": "queue", "queue": "repair"}, headers=FETCH)
    assert headers(link.ami.sent[-1])["Context"] == "cc-queue"
    bad = client.post("/desk/1001/transfer", data={"kind": "blind", "to": "abc"}, headers=FETCH)
    assert bad.status_code == 400 and "1002" in bad.json["message"]
    link.ami.channels = []
    idle = client.post("/desk/1001/transfer", data={"kind": "blind", "to": "1002"}, headers=FETCH)
    assert idle.status_code == 502 and "not on a call" in idle.json["message"]


def test_the_screen_pop_shows_the_customer_past_calls_and_open_tickets(
    app: Flask, client: FlaskClient, agent: AuthActions, data: Data
) -> None:
    earlier = data.call(caller_number="13800138000")
    ringing_call(data)
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        customer = CustomerRepository(session).create(
            "王小明", ["13800138000"], vip=True, notes="报修过两次空调"
        )
    pop = client.get("/desk/1001/pop/1714543999.1")
    assert pop.status_code == 200
    assert "王小明" in pop.text and "VIP" in pop.text and "报修过两次空调" in pop.text
    assert f"/calls/{earlier}" in pop.text
    assert "general" in pop.text and "中文" in pop.text
    assert customer
    assert client.get("/desk/1001/pop/no-such-call").status_code == 404


def test_a_ticket_from_the_ringing_call_is_linked_to_it_and_assigned_to_me(
    app: Flask, client: FlaskClient, agent: AuthActions, data: Data
) -> None:
    call_id = ringing_call(data)
    answer = client.post(
        f"/desk/1001/calls/{call_id}/ticket",
        data={"category": "repair", "priority": "high", "description": "空调不制冷"},
        headers=FETCH,
    )
    assert answer.status_code == 200, answer.json
    number = answer.json["ticket"]
    assert re.fullmatch(r"\d{8}-\d{4}", number)
    assert answer.json["url"] == f"/tickets/{number}"  # the ticket page
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        ticket = TicketRepository(session).require(number)
        assert (ticket.call_id, ticket.assignee, ticket.priority) == (call_id, "1001", "high")
        call = CallRepository(session).get(call_id)
        assert call is not None and call.ticket_id == ticket.id
    # It is now an open ticket of the caller, on my list, and in the pop.
    assert number in client.get("/desk/1001").text
    assert number in client.get("/desk/1001/pop/1714543999.1").text
    note = client.post(
        f"/desk/1001/calls/{call_id}/append",
        data={"ticket": number, "note": "客户又来电催促"},
        headers=FETCH,
    )
    assert note.status_code == 200, note.json
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        ticket = TicketRepository(session).require(number)
        notes = [n.body for n in TicketRepository(session).notes(ticket.id)]
        assert "客户又来电催促" in notes


def test_bad_ticket_input_is_refused_with_what_to_fix(
    client: FlaskClient, agent: AuthActions, data: Data
) -> None:
    call_id = ringing_call(data)
    empty = client.post(f"/desk/1001/calls/{call_id}/ticket", data={}, headers=FETCH)
    assert empty.status_code == 400 and empty.json["message"]
    bad = client.post(
        f"/desk/1001/calls/{call_id}/ticket",
        data={"category": "nonsense", "description": "x"},
        headers=FETCH,
    )
    assert bad.status_code == 400 and "nonsense" in bad.json["message"]
    missing = client.post(
        f"/desk/1001/calls/{call_id}/append", data={"ticket": "20990101-0001", "note": "x"},
        headers=FETCH,
    )  # fmt: skip
    assert missing.status_code == 404


def test_overdue_tickets_are_marked(
    app: Flask, client: FlaskClient, agent: AuthActions, data: Data
) -> None:
    call_id = ringing_call(data)
    client.post(f"/desk/1001/calls/{call_id}/ticket", data={"description": "x"}, headers=FETCH)
    with session_scope(app.extensions[EXTENSION_KEY]) as session:
        (ticket,) = TicketRepository(session).for_call(call_id)
        ticket.resolution_due = CALL_START  # long past
    page = client.get("/desk/1001").text
    assert "is-overdue" in page and "已超期" in page


def test_english_desk(client: FlaskClient, agent: AuthActions) -> None:
    client.post("/language", data={"lang": "en"})
    page = client.get("/desk/1001").text
    assert "Agent desk" in page and "My state" in page and "Lunch" in page
    assert PASSWORD not in page
