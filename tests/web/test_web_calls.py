"""The call log pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from callcenter.config import Settings
from callcenter.domain.call import Disposition
from tests.web.conftest import CALL_START, AuthActions, Data
from web import create_app


def rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [part.split("</tr>", 1)[0] for part in body.split("<tr")[1:]]


def test_the_call_list_shows_the_callers_name_exactly(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    data.call()
    response = client.get("/calls/")
    assert response.status_code == 200
    assert "王小明" in response.text  # as UTF-8 text, not &#...; or \u escapes
    assert "13800138000" in response.text


def test_a_row_shows_every_column(logged_in: AuthActions, client: FlaskClient, data: Data) -> None:
    call_id = data.call()
    [row] = rows(client.get("/calls/").text)
    assert f'href="/calls/{call_id}"' in row
    assert "14:03:00" in row  # 06:03 UTC in Asia/Shanghai
    assert ">8000<" in row and ">general<" in row and ">1001<" in row
    assert ">0:30<" in row  # wait: queue join (+12 s) to answer (+42 s)
    assert ">3:05<" in row  # talk
    assert 'class="badge badge-answered">已接听<' in row
    assert "<li>1</li><li>2</li>" in row


def test_newest_call_comes_first(logged_in: AuthActions, client: FlaskClient, data: Data) -> None:
    data.call(caller_name="早", started_at=CALL_START)
    data.call(caller_name="晚", started_at=CALL_START + timedelta(minutes=5))
    first, second = rows(client.get("/calls/").text)
    assert "晚" in first and "早" in second


@pytest.mark.parametrize(
    ("disposition", "zh", "en"),
    [
        (Disposition.ANSWERED, "已接听", "Answered"),
        (Disposition.ABANDONED, "放弃", "Abandoned"),
        (Disposition.FAILED, "失败", "Failed"),
        (Disposition.BUSY, "忙", "Busy"),
        (Disposition.VOICEMAIL, "语音信箱", "Voicemail"),
        (Disposition.CALLBACK, "回呼", "Callback"),
    ],
)
def test_dispositions_are_named_in_the_page_language(
    logged_in: AuthActions,
    client: FlaskClient,
    data: Data,
    disposition: Disposition,
    zh: str,
    en: str,
) -> None:
    data.call(disposition=disposition)
    assert f">{zh}</span>" in client.get("/calls/").text
    english = client.get("/calls/", headers={"Accept-Language": "en"}).text
    assert f">{en}</span>" in english


def test_a_call_in_progress_has_no_wait_or_talk_yet(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    data.call(answered_at=None, ended_at=None, disposition=None, agent=None)
    [row] = rows(client.get("/calls/").text)
    assert 'class="is-live"' in row
    assert "进行中" in row
    assert ">0:00<" not in row


def test_an_empty_log_says_so(logged_in: AuthActions, client: FlaskClient) -> None:
    assert "暂无通话" in client.get("/calls/").text


def test_the_feed_gives_the_rows_and_a_stable_fingerprint(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    data.call()
    first: Any = client.get("/calls/feed.json").json
    assert "王小明" in first["html"]
    again: Any = client.get("/calls/feed.json").json
    assert first["fingerprint"] == again["fingerprint"]
    data.call(caller_name="李雷", started_at=CALL_START + timedelta(minutes=1))
    later: Any = client.get("/calls/feed.json").json
    assert later["fingerprint"] != first["fingerprint"]
    assert later["html"].index("李雷") < later["html"].index("王小明")


def test_the_list_page_loads_the_poller_from_static(
    logged_in: AuthActions, client: FlaskClient
) -> None:
    html = client.get("/calls/").text
    assert '<script src="/static/calls.js" defer></script>' in html
    assert 'data-feed-url="/calls/feed.json?limit=50"' in html


def test_the_detail_page_shows_the_timeline(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    call_id = data.call()
    html = client.get(f"/calls/{call_id}").text
    for label in ("来电开始", "菜单选择", "进入队列", "坐席接听", "挂断"):
        assert label in html
    assert "16 Normal Clearing" in html
    assert "+0:42" in html
    assert "王小明" in html


def test_an_unknown_call_is_404(logged_in: AuthActions, client: FlaskClient) -> None:
    response = client.get("/calls/999")
    assert response.status_code == 404
    assert "此地址没有内容" in response.text


def test_times_follow_the_configured_time_zone(
    settings: Settings, app_config: dict[str, Any]
) -> None:
    app = create_app(
        settings.model_copy(update={"timezone": "Europe/London"}), test_config=app_config
    )
    data = Data(app)
    data.user("alice")
    data.call()  # 06:03 UTC on 1 May: 07:03 in London (summer time)
    client = app.test_client()
    AuthActions(client).login()
    [row] = rows(client.get("/calls/").text)
    assert "07:03:00" in row
    assert "Europe/London" in client.get("/calls/").text
