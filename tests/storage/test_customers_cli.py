"""``callcenter customers ...`` and ``callcenter tickets attach | attachments | attachment``
through click's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from callcenter.cli import main
from callcenter.ticketing.cli_common import reset_desk


@pytest.fixture
def run(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CALLCENTER_DATABASE_URL", db_url)
    monkeypatch.setenv("CALLCENTER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CALLCENTER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CALLCENTER_USER", "lina")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    reset_desk()

    def invoke(*args: str, ok: bool = True) -> Any:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
            return json.loads(result.output) if "--json" in args else result.output
        assert result.exit_code != 0, result.output
        return result.output

    yield invoke
    reset_desk()


def _ticket(run: Any) -> str:
    created = run(
        "tickets", "create", "-d", "空调不制冷", "--contact", "13800138000", "--name", "王小明",
        "--json",
    )  # fmt: skip
    return str(created["number"])


def test_a_customer_is_shown_edited_and_every_change_logged(run: Any) -> None:
    number = _ticket(run)  # the ticket's contact becomes a customer
    shown = run("customers", "show", "13800138000", "--json")
    assert shown["name"] == "王小明" and [t["number"] for t in shown["tickets"]] == [number]
    customer = str(shown["id"])
    edited = run("customers", "edit", customer, "--name", "王晓明", "--vip", "--json")
    assert edited["name"] == "王晓明" and edited["vip"] is True
    run("customers", "add-number", customer, "010-6512-3456", "--json")
    assert run("customers", "list", "--search", "6512", "--json")[0]["id"] == int(customer)
    history = run("customers", "show", customer, "--json")["history"]
    assert [(h["field"], h["new"], h["by"]) for h in history] == [
        ("name", "王晓明", "lina"),
        ("vip", "True", "lina"),
        ("number", "01065123456", "lina"),
    ]
    assert "nothing to change" in run("customers", "edit", customer, ok=False)
    assert "no customer" in run("customers", "show", "99999", ok=False)


def test_a_file_is_attached_listed_and_copied_back(run: Any, tmp_path: Path) -> None:
    number = _ticket(run)
    photo = tmp_path / "故障照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + b"x" * 1000)
    attached = run("tickets", "attach", number, str(photo), "--json")
    assert attached["filename"] == "故障照片.jpg" and attached["size_bytes"] == 1003
    (listed,) = run("tickets", "attachments", number, "--json")
    assert listed["id"] == attached["id"] and listed["uploaded_by"] == "lina"
    out = tmp_path / "copy.jpg"
    run("tickets", "attachment", number, str(attached["id"]), "--out", str(out))
    assert out.read_bytes() == photo.read_bytes()
    assert "exists" in run(
        "tickets", "attachment", number, str(attached["id"]), "--out", str(out), ok=False
    )
    assert "no attachment" in run("tickets", "attachment", number, "999", ok=False)
    stored = list((tmp_path / "state" / "attachments" / number).iterdir())
    assert len(stored) == 1


def test_the_report_by_quarter(run: Any) -> None:
    _ticket(run)
    (quarter,) = run("tickets", "report", "--period", "quarter", "--json")
    assert re.fullmatch(r"\d{4}-Q[1-4]", quarter["period"])
    assert quarter["tickets_opened"] == 1 and quarter["satisfaction_target"] == 0.9
