"""The console's ticket pages (Flask test client): who sees what, registering, the status
steps, notes, files, the registers, customers and the supervisors' alerts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from callcenter.db.agent_models import AgentRow
from callcenter.db.engine import session_scope
from callcenter.ticketing.attachments import MAX_BYTES
from callcenter.ticketing.escalation import escalation_pass
from callcenter.ticketing.repository import TicketRepository
from callcenter.ticketing.rules import DeskRules
from tests.web.conftest import AuthActions, Data
from tests.web.test_web_access import routes
from web.database import EXTENSION_KEY


def sessions(app: Flask) -> Any:
    return app.extensions[EXTENSION_KEY]


def register(client: FlaskClient, **fields: str) -> str:
    form = {
        "contact": "13800138000",
        "name": "王小明",
        "description": "空调不制冷",
        "category": "repair",
        "priority": "normal",
        "channel": "phone",
        **fields,
    }
    response = client.post("/tickets/new", data=form)
    assert response.status_code == 302, response.text
    match = re.search(r"/tickets/(\d{8}-\d{4})$", response.location)
    assert match, response.location
    return match.group(1)


def rows(client: FlaskClient, url: str) -> list[str]:
    """The ticket numbers the list at ``url`` shows."""
    return re.findall(r'<tr data-number="([^"]+)"', client.get(url).text)


def step(client: FlaskClient, number: str, action: str, **form: str) -> Any:
    return client.post(f"/tickets/{number}/status", data={"action": action, **form})


@pytest.fixture
def agent(data: Data, app: Flask) -> None:
    data.user("bob", "agent", extension="1003", display_name="Bob")
    with session_scope(sessions(app)) as session:
        session.add(AgentRow(extension="1003", name="Bob", queues=["repair"]))


def test_a_ticket_goes_from_new_to_closed_with_a_note(
    client: FlaskClient, logged_in: AuthActions, app: Flask
) -> None:
    number = register(client)
    page = client.get(f"/tickets/{number}").text
    assert "空调不制冷" in page and 'data-action="assign"' in page
    assert step(client, number, "assign", assignee="1002").status_code == 302
    assert step(client, number, "start").status_code == 302
    client.post(f"/tickets/{number}/notes", data={"body": "已派维修工上门"})
    assert step(client, number, "wait", text="等客户在家").status_code == 302
    assert step(client, number, "start").status_code == 302
    assert step(client, number, "resolve", text="更换压缩机").status_code == 302
    assert step(client, number, "close").status_code == 302
    page = client.get(f"/tickets/{number}").text
    assert "已派维修工上门" in page and "更换压缩机" in page
    assert "ticket-status-closed" in page and 'data-action="' not in page
    with session_scope(sessions(app)) as session:
        row = TicketRepository(session).require(number)
        assert row.status == "closed" and row.assignee == "1002"
        fields = [a.field for a in TicketRepository(session).audit(row.id)]
        assert fields.count("status") == 7 and "note" in fields


def test_a_step_the_rules_refuse_is_a_message_not_a_change(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    number = register(client)
    refused = step(client, number, "resolve", text="x")  # a new ticket is not resolved
    assert refused.status_code == 302
    page = client.get(refused.location).text
    assert "This step is not possible" in page or "不可" in page or "不能" in page
    step(client, number, "assign", assignee="1002")
    step(client, number, "start")
    empty = step(client, number, "resolve", text="  ")
    assert "处理结果" in client.get(empty.location).text
    assert step(client, "20000101-9999", "start").status_code == 404


def test_registering_without_contact_names_the_field(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    response = client.post("/tickets/new", data={"description": "x", "contact": " "})
    assert response.status_code == 400
    assert 'id="contact-error"' in response.text and 'aria-invalid="true"' in response.text


def test_an_agent_sees_their_own_and_their_teams_tickets_only(
    client: FlaskClient, data: Data, auth: AuthActions, agent: None, logged_in: AuthActions
) -> None:
    mine = register(client, description="我的工单", assignee="1003")
    team = register(client, description="维修组的工单")
    step(client, team, "assign", assignee="repair", team="1")
    other = register(client, description="别人的工单", assignee="1005")
    auth.logout()
    auth.login("bob")
    listing = rows(client, "/tickets/")
    assert mine in listing and team in listing and other not in listing
    assert client.get(f"/tickets/{other}").status_code == 404
    assert step(client, other, "start").status_code == 404
    assert step(client, mine, "start").status_code == 302
    assert 'data-action="cancel"' not in client.get(f"/tickets/{mine}").text
    assert step(client, mine, "cancel", text="重复").status_code == 302  # refused
    own = register(client, description="坐席自己登记")
    assert client.get(f"/tickets/{own}").status_code == 200


def test_the_list_filters_and_finds_chinese_words(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    urgent = register(client, priority="urgent", description="电梯困人")
    low = register(client, priority="low", category="inquiry", description="咨询停车收费")
    by_priority = rows(client, "/tickets/?priority=urgent")
    assert urgent in by_priority and low not in by_priority
    assert rows(client, "/tickets/?q=停车收费") == [low]
    assert set(rows(client, "/tickets/?status=open")) == {urgent, low}
    assert rows(client, "/tickets/?status=closed") == []
    assert rows(client, "/tickets/?overdue=1") == []


def test_files_are_attached_downloaded_and_limited(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    number = register(client)
    from io import BytesIO

    ok = client.post(
        f"/tickets/{number}/attachments",
        data={"file": (BytesIO(b"%PDF-1.4 test"), "报修单.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    page = client.get(f"/tickets/{number}").text
    link = re.search(rf'href="(/tickets/{number}/attachments/\d+)"', page)
    assert link and "报修单.pdf" in page
    download = client.get(link.group(1))
    assert (
        download.data == b"%PDF-1.4 test"
        and "attachment" in download.headers["Content-Disposition"]
    )
    too_big = client.post(
        f"/tickets/{number}/attachments",
        data={"file": (BytesIO(b"x" * (MAX_BYTES + 1)), "big.bin")},
        content_type="multipart/form-data",
    )
    assert too_big.status_code == 302
    assert "20 MB" in client.get(too_big.location).text
    none = client.post(
        f"/tickets/{number}/attachments", data={}, content_type="multipart/form-data"
    )
    assert none.status_code == 302


def test_the_complaint_register_is_for_supervisors(
    client: FlaskClient, auth: AuthActions, agent: None, logged_in: AuthActions
) -> None:
    number = register(client, category="complaint", description="服务态度差")
    post = lambda **f: client.post(f"/tickets/{number}/complaint", data=f)  # noqa: E731
    assert (
        post(
            step="register", content="服务态度差", demands="道歉", classification="attitude"
        ).status_code
        == 302
    )
    assert post(step="investigate", responsible="1009").status_code == 302
    assert post(step="result", substantiated="yes", result="属实,已批评教育").status_code == 302
    assert post(step="feedback", feedback="已致电道歉").status_code == 302
    assert post(step="accept", acceptance="accepted").status_code == 302
    page = client.get(f"/tickets/{number}").text
    assert "属实,已批评教育" in page and "已致电道歉" in page
    summary = client.get("/tickets/complaints").text
    assert number in summary and 'id="complaint-summary"' in summary
    auth.logout()
    auth.login("bob")
    assert client.get("/tickets/complaints").status_code == 403
    assert post(step="close").status_code == 403


def test_a_callback_visit_is_recorded_and_overdue_ones_are_marked(
    client: FlaskClient, logged_in: AuthActions, app: Flask
) -> None:
    number = register(client, assignee="1001")
    step(client, number, "start")
    step(client, number, "resolve", text="已修好")
    assert number in client.get("/tickets/visits").text
    with session_scope(sessions(app)) as session:
        row = TicketRepository(session).require(number)
        (visit,) = TicketRepository(session).visits(row.id)
        visit.due_at = datetime.now(UTC) - timedelta(hours=1)
    overdue = client.get("/tickets/visits?show=overdue").text
    assert number in overdue and "is-overdue" in overdue
    done = client.post(
        f"/tickets/{number}/visit",
        data={"outcome": "completed", "satisfaction": "5", "solved": "yes", "back": "visits"},
    )
    assert done.location.endswith("/tickets/visits")
    assert number not in rows(client, "/tickets/visits")
    assert number in rows(client, "/tickets/visits?show=all")


def test_a_customer_is_edited_and_the_change_is_logged(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    register(client)
    listing = client.get("/tickets/customers?q=0013").text
    link = re.search(r'href="(/tickets/customers/\d+)"', listing)
    assert link and "王小明" in listing
    saved = client.post(link.group(1), data={"name": "王晓明", "vip": "1", "notes": "老客户"})
    assert saved.status_code == 302
    page = client.get(link.group(1)).text
    assert "王晓明" in page and "VIP" in page and "老客户" in page
    assert re.search(r"<td>姓名</td><td>王小明</td><td>王晓明</td>", page)
    taken = client.post(link.group(1), data={"action": "add_number", "number": "abc"})
    assert "not a phone number" in client.get(taken.location).text


def test_an_escalation_shows_as_an_alert_until_acknowledged(
    client: FlaskClient, logged_in: AuthActions, app: Flask
) -> None:
    number = register(client, priority="urgent")
    with session_scope(sessions(app)) as session:
        TicketRepository(session).require(number).response_due = datetime.now(UTC) - timedelta(
            minutes=1
        )
    escalation_pass(sessions(app), DeskRules(), datetime.now(UTC) + timedelta(days=30))
    feed: Any = client.get("/tickets/alerts.json").json
    assert feed["count"] >= 1 and any(a["ticket"] == number for a in feed["alerts"])
    page = client.get("/calls/").text
    assert 'class="alert-banner"' in page and number in page
    alert_id = next(a["id"] for a in feed["alerts"] if a["ticket"] == number)
    client.post(f"/tickets/alerts/{alert_id}/ack", data={"next": "/calls/"})
    feed = client.get("/tickets/alerts.json").json
    assert all(a["id"] != alert_id for a in feed["alerts"])


def test_agents_get_no_alerts_and_every_ticket_route_is_walked(
    app: Flask, client: FlaskClient, auth: AuthActions, agent: None
) -> None:
    auth.login("bob")
    assert client.get("/tickets/alerts.json").status_code == 403
    assert 'id="alerts"' not in client.get("/tickets/").text
    walked = {endpoint for endpoint, _method, _url in routes(app)}
    assert {
        "tickets.index", "tickets.detail", "tickets.create", "tickets.transition",
        "tickets.add_note", "tickets.upload", "tickets.attachment", "tickets.complaints",
        "tickets.complaint_step", "tickets.visits", "tickets.record_visit",
        "tickets.customers", "tickets.customer", "tickets.edit_customer", "tickets.alerts",
        "tickets.ack_alert",
    } <= walked  # fmt: skip


def test_a_call_found_by_its_transcript_becomes_a_ticket_with_the_transcript_as_note(
    client: FlaskClient, logged_in: AuthActions, data: Data, app: Flask
) -> None:
    from callcenter.db.models import CallRow

    call_id = data.call(linkedid="t.9")
    with session_scope(sessions(app)) as session:
        row = session.get(CallRow, call_id)
        assert row is not None
        row.transcript = "你好，我家水管漏水了"
    listing = client.get("/tickets/?q=水管漏水").text
    assert f'data-call-id="{call_id}"' in listing and f"call={call_id}" in listing
    form = client.get(f"/tickets/new?contact=13800138000&call={call_id}").text
    assert f'name="call" value="{call_id}"' in form
    number = register(client, description="水管漏水", call=str(call_id))
    page = client.get(f"/tickets/{number}").text
    assert "note-transcript" in page and "你好，我家水管漏水了" in page
    assert f'data-call-id="{call_id}"' in page
    assert f'data-call-id="{call_id}"' not in client.get("/tickets/?q=水管漏水").text
    missing = client.post(
        "/tickets/new", data={"contact": "1", "description": "x", "call": "999999"}
    )
    assert missing.status_code == 400 and "no call with id 999999" in missing.text
