"""Call log filters, reports and their CSV, and the admin pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from callcenter.domain.call import Disposition
from tests.web.conftest import AuthActions, Data


def test_the_call_log_filters_by_agent_result_and_date(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    data.call(agent="1001")
    data.call(agent="1002", caller_name="李雷", disposition=Disposition.ABANDONED)
    data.call(started_at=datetime(2025, 4, 1, 2, 0, tzinfo=UTC), caller_name="韩梅梅")
    assert "李雷" not in client.get("/calls/?agent=1001").text
    page = client.get("/calls/?disposition=abandoned").text
    assert "李雷" in page and "王小明" not in page
    page = client.get("/calls/?from=2025-04-01&to=2025-04-01").text
    assert "韩梅梅" in page and "李雷" not in page
    assert "找到 1 个通话" in page


def test_the_call_log_pages(logged_in: AuthActions, client: FlaskClient, data: Data) -> None:
    for _ in range(3):
        data.call()
    first = client.get("/calls/?limit=2").text
    assert first.count("data-call-id=") == 2 and 'rel="next"' in first
    assert client.get("/calls/?limit=2&page=2").text.count("data-call-id=") == 1


def test_reports_draw_svg_and_export_csv(
    logged_in: AuthActions, client: FlaskClient, data: Data
) -> None:
    now = datetime.now(UTC)
    data.call(started_at=now - timedelta(minutes=5))
    data.call(started_at=now - timedelta(minutes=4), disposition=Disposition.ABANDONED)
    page = client.get("/reports/").text
    assert page.count('<svg class="chart"') == 2 and "<script" not in page.split("</head>")[1]
    response = client.get("/reports/daily.csv")
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["日期", "通话记录", "已接听", "放弃"]
    assert rows[1][1:4] == ["2", "1", "1"] and len(rows) == 31
    assert client.get("/reports/nothing.csv").status_code == 404


def test_an_admin_adds_a_user_and_deactivates_them(
    client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    data.user("root", "admin")
    auth.login("root")
    form = {
        "username": "zhangwei",
        "display_name": "张伟",
        "role": "agent",
        "extension": "1003",
        "password": "long enough secret",
    }
    assert client.post("/admin/users", data=form).status_code == 302
    assert "张伟" in client.get("/admin/users").text
    again = client.post("/admin/users", data=form)
    assert again.status_code == 400 and "已被占用" in again.text
    user_id = re.search(
        r"/admin/users/(\d+)/active", client.get("/admin/users").text.split("zhangwei", 1)[1]
    )
    assert user_id is not None
    client.post(f"/admin/users/{user_id.group(1)}/active")
    auth.logout()
    assert auth.login("zhangwei", "long enough secret").status_code == 200  # refused


def test_a_new_token_is_shown_once_and_can_be_revoked(
    client: FlaskClient, data: Data, auth: AuthActions
) -> None:
    root = data.user("root", "admin")
    auth.login("root")
    created = client.post("/admin/tokens", data={"user_id": root, "name": "Prometheus"}).text
    token = re.search(r'<code class="token" id="new-token">([^<]+)</code>', created)
    assert token is not None
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/metrics", headers=headers).status_code == 200
    listing = client.get("/admin/tokens").text
    assert token.group(1) not in listing and "Prometheus" in listing
    token_id = re.search(r"/admin/tokens/(\d+)/revoke", listing)
    assert token_id is not None
    client.post(f"/admin/tokens/{token_id.group(1)}/revoke")
    assert client.get("/metrics", headers=headers).status_code == 401
