"""``callcenter tickets ...`` through click's CliRunner, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from callcenter.cli import main
from callcenter.ticketing.cli_common import reset_desk


@pytest.fixture
def cli(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CALLCENTER_DATABASE_URL", db_url)
    monkeypatch.setenv("CALLCENTER_CONFIG", str(tmp_path / "none.toml"))
    monkeypatch.setenv("CALLCENTER_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("CALLCENTER_USER", "1001")
    runner = CliRunner()
    reset_desk()

    def run(*args: str, ok: bool = True) -> Any:
        result = runner.invoke(main, ["tickets", *args], catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
            return json.loads(result.output) if "--json" in args else result.output
        assert result.exit_code != 0
        return result.output

    yield run
    reset_desk()


def test_a_ticket_through_its_whole_life_on_the_command_line(cli: Any) -> None:
    created = cli(
        "create",
        "-d",
        "电脑蓝屏",
        "--contact",
        "13800138000",
        "--name",
        "王小明",
        "--category",
        "repair",
        "--json",
    )
    number = created["number"]
    assert created["status"] == "new" and created["customer_name"] == "王小明"
    assert cli("assign", number, "1002", "--by", "sup", "--json")["status"] == "assigned"
    assert cli("start", number, "--by", "1002", "--json")["status"] == "in_progress"
    cli("note", number, "客户反映空调不制冷,电脑也蓝屏", "--by", "1002", "--json")
    hits = cli("search", "空调不制冷", "--json")
    assert [h["number"] for h in hits] == [number]
    listed = cli("list", "--status", "in_progress", "--assignee", "1002", "--json")
    assert [t["number"] for t in listed] == [number]
    assert cli("resolve", number, "重装驱动", "--by", "1002", "--json")["status"] == "resolved"
    (visit,) = cli("visits", "list", "--pending", "--json")
    assert visit["ticket"] == number
    cli("visits", "record", number, "completed", "--score", "5", "--solved", "--json")
    assert cli("close", number, "--json")["status"] == "closed"
    shown = cli("show", number, "--json")
    assert [a["field"] for a in shown["audit"]].count("status") == 5
    assert "closed" in cli("reopen", number, "还是蓝屏", ok=False)
    (row,) = cli("report", "--period", "day", "--json")
    assert row["tickets_opened"] == 1 and row["satisfied"] == 1
    assert cli("escalate", "--json") == []


def test_complaint_register_on_the_command_line(cli: Any) -> None:
    number = cli(
        "create",
        "-d",
        "服务态度差",
        "--contact",
        "13900000000",
        "--category",
        "complaint",
        "--assignee",
        "1003",
        "--json",
    )["number"]
    cli(
        "complaints",
        "register",
        number,
        "--content",
        "态度差",
        "--demands",
        "道歉",
        "--class",
        "attitude",
        "--json",
    )
    step = cli("complaints", "investigate", number, "李主管", "--json")
    assert step["status"] == "investigating" and step["deadline"]
    cli("complaints", "result", number, "--substantiated", "--result", "属实", "--json")
    cli("complaints", "feedback", number, "已致歉", "--json")
    cli("complaints", "accept", number, "accepted", "--json")
    assert cli("complaints", "close", number, "--json")["status"] == "closed"
    (listed,) = cli("complaints", "list", "--json")
    assert listed["ticket"] == number and listed["substantiated"] is True
    assert "no ticket" in cli("show", "20990101-0001", ok=False)
