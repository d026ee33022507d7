"""Menu files: the shipped hotline validates; every mistake is named by file, node and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from callcenter.tickets.ticket_fields import Status
from ivr.cli import menus
from ivr.menu import TICKET_STATUSES, ActionKind
from ivr.menu_load import MenuError, check_menu, load_menu, shipped_menu_files

HOTLINE = Path(__file__).resolve().parents[2] / "ivr" / "menus" / "hotline.toml"

TINY = """
[menu]
start = "main"
[nodes.main]
options = [
  { digit = "1", action = "queue", queue = "repair" },
  { digit = "2", action = "submenu", target = "more" },
]
[nodes.main.prompt]
zh = "报修请按1，更多服务请按2。"
en = "For repairs press 1, for more press 2."
[nodes.more]
options = [{ digit = "1", action = "back" }]
[nodes.more.prompt]
zh = "返回请按1。"
en = "To go back press 1."
[prompts.invalid]
zh = "输入有误。"
en = "Invalid."
[prompts.no_input]
zh = "没有收到按键。"
en = "No input."
[prompts.blocked]
zh = "再见。"
en = "Goodbye."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_hotline_menu_validates_without_warnings() -> None:
    check = check_menu(HOTLINE)
    assert check.errors == [] and check.warnings == []
    assert check.menu is not None
    assert HOTLINE in shipped_menu_files()
    main = check.menu.nodes["main"]
    assert {d: (a.kind, a.queue) for d, a in main.options.items()} == {
        "1": (ActionKind.QUEUE, "repair"),
        "2": (ActionKind.QUEUE, "complaints"),
        "3": (ActionKind.QUEUE, "general"),
        "4": (ActionKind.TICKET_STATUS, None),
        "0": (ActionKind.QUEUE, "general"),
        "9": (ActionKind.REPEAT, None),
    }
    assert main.max_tries == 3 and main.on_failure.queue == "general"
    assert check.menu.nodes["language"].prompt.text["zh"].startswith("您好，欢迎致电总服务台")


def test_the_tiny_menu_is_valid(tmp_path: Path) -> None:
    menu = load_menu(write(tmp_path, TINY))
    assert list(menu.nodes) == ["main", "more"]
    assert menu.nodes["main"].on_failure.queue == "general"  # the default: the operator queue


@pytest.mark.parametrize(
    ("old", "new", "node", "key", "words"),
    [
        ('target = "more"', 'target = "mroe"', "main", "options[1].target", "no node named"),
        ('{ digit = "2"', '{ digit = "1"', "main", "options[1].digit", "duplicate digit"),
        ('action = "queue"', 'action = "queu"', "main", "options[0].action", "unknown action"),
        ('en = "To go back press 1."', "", "more", "prompt.en", "no text for language 'en'"),
        ('zh = "返回请按1。"', 'zh = "  "', "more", "prompt.zh", "no text for language 'zh'"),
        ('{ digit = "1", action = "back" }', '{ digit = "#", action = "back" }', "more",
         "options[0].digit", "one key of"),
        ('queue = "repair" }', 'queue = "repair", say = "bye" }', "main", "options[0].say",
         "no prompt 'bye'"),
        ('action = "queue", queue = "repair"', 'action = "ticket_status"', "main", "options[0]",
         "needs prompt 'ticket_entry'"),
        ('[nodes.more]\n', '[nodes.more]\non_failure = { action = "hangup" }\n', "more",
         "on_failure", "never hang up"),
        ('[nodes.more]\n', '[nodes.more]\ntimout = 5\n', "more", "timout", "unknown key"),
        ('[nodes.more]\n', '[nodes.more]\nmax_tries = 0\n', "more", "max_tries", "between 1 and 9"),
    ],
)  # fmt: skip
def test_a_mistake_is_named_by_file_node_and_key(
    tmp_path: Path, old: str, new: str, node: str, key: str, words: str
) -> None:
    assert old in TINY
    path = write(tmp_path, TINY.replace(old, new, 1))
    with pytest.raises(MenuError) as caught:
        load_menu(path)
    problems = [(p.file, p.node, p.key) for p in caught.value.problems]
    assert (path, node, key) in problems
    message = str(caught.value)
    assert f"{path}: node '{node}': {key}:" in message and words in message


def test_menu_level_mistakes_name_the_menu_key(tmp_path: Path) -> None:
    path = write(tmp_path, TINY.replace('start = "main"', 'start = "welcome"'))
    check = check_menu(path)
    assert [(p.node, p.key) for p in check.errors] == [(None, "menu.start")]
    assert check.menu is None


def test_missing_engine_prompt_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, TINY.replace("[prompts.blocked]", "[prompts.goodbye]"))
    assert "needs prompt 'blocked'" in str(check_menu(path).errors[0])


def test_an_unreachable_node_is_a_warning_not_an_error(tmp_path: Path) -> None:
    orphan = '\n[nodes.orphan]\n[nodes.orphan.prompt]\nzh = "孤儿"\nen = "Orphan"\n'
    check = check_menu(write(tmp_path, TINY + orphan))
    assert check.errors == [] and check.menu is not None
    assert [(w.node, w.message) for w in check.warnings] == [
        ("orphan", "unreachable from menu.start")
    ]


def test_a_file_that_is_not_toml_is_reported_with_its_name(tmp_path: Path) -> None:
    path = write(tmp_path, "[menu\n")
    assert str(check_menu(path).errors[0]).startswith(f"{path}: (file): not TOML")


def test_menus_check_command_exits_non_zero_on_errors(tmp_path: Path) -> None:
    good = CliRunner().invoke(menus, ["check", str(HOTLINE)])
    assert good.exit_code == 0 and "ok (3 nodes" in good.output
    bad = write(tmp_path, TINY.replace('target = "more"', 'target = "mroe"'))
    result = CliRunner().invoke(menus, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error: {bad}: node 'main': options[1].target: no node named 'mroe'" in result.output


def test_ticket_statuses_are_the_ticket_models_statuses() -> None:
    assert set(TICKET_STATUSES) == {s.value for s in Status}
