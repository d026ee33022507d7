"""Chinese and English: the browser's choice, the switch, and complete catalogs."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask.testing import FlaskClient

import web
from tests.web.conftest import AuthActions

WEB = Path(web.__file__).parent
PO = WEB / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


def test_chinese_is_the_default(client: FlaskClient) -> None:
    html = client.get("/login").text
    assert '<html lang="zh-CN">' in html
    assert "登录控制台" in html


def test_the_browsers_language_is_followed(client: FlaskClient) -> None:
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).text
    assert '<html lang="en">' in html
    assert "Log in to the console" in html


def test_the_switch_changes_the_page_and_is_remembered(
    logged_in: AuthActions, client: FlaskClient
) -> None:
    assert "通话记录" in client.get("/calls/").text
    response = client.post("/language", data={"lang": "en", "next": "/calls/"})
    assert response.status_code == 302 and response.location == "/calls/"
    html = client.get("/calls/", headers={"Accept-Language": "zh-CN"}).text
    assert "<h1>Calls</h1>" in html
    assert '<button type="submit" name="lang" value="en" lang="en"\n' in html
    assert 'aria-pressed="true">English</button>' in html
    client.post("/language", data={"lang": "zh_CN"})
    assert "<h1>通话记录</h1>" in client.get("/calls/").text


def test_the_chosen_language_survives_logging_in(client: FlaskClient, auth: AuthActions) -> None:
    from tests.web.conftest import Data

    client.post("/language", data={"lang": "en"})
    Data(client.application).user("alice")
    auth.login()
    assert "<h1>Calls</h1>" in client.get("/calls/").text


def test_an_unknown_language_is_ignored(client: FlaskClient) -> None:
    client.post("/language", data={"lang": "xx", "next": "https://evil.example"})
    assert "登录控制台" in client.get("/login").text


def test_every_marked_string_has_a_chinese_translation() -> None:
    method_map = [("web/**.py", "python"), ("web/templates/**.html", "jinja2")]
    root = WEB.parent
    extracted = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, _comments, _context in extract_from_dir(
            str(root),
            method_map=method_map,
            keywords={"_": None, "_l": None, "gettext": None, "ngettext": (1, 2)},
            callback=None,
        )
        if (message if isinstance(message, str) else message[0]).strip() and _file.startswith("web")
    }
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = sorted(
        m for m in extracted if m not in catalog or not catalog[m].string or catalog[m].fuzzy
    )
    assert not untranslated, f"add to {PO} and run pybabel compile -d web/translations"


def test_the_compiled_catalog_matches_the_source() -> None:
    with PO.open("rb") as handle:
        source = read_po(handle)
    with MO.open("rb") as handle:
        compiled = read_mo(handle)

    def table(catalog: Catalog) -> dict[str, tuple[str, ...]]:
        return {
            m.id if isinstance(m.id, str) else m.id[0]: (
                (m.string,) if isinstance(m.string, str) else tuple(m.string or ())
            )
            for m in catalog
            if m.id
        }

    expected, actual = table(source), table(compiled)
    assert actual == expected, "run: pybabel compile -d web/translations"
