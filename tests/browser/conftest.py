"""Browser tests: Debian's chromium driven by Playwright, against the console served by
waitress in a thread of the test process (no Asterisk; live events are published straight
into the console's notifier, as the controller does in ``callcenter run``).

Never ``playwright install``: the browser is ``/usr/bin/chromium`` (apt: chromium).
Screenshots go to ``test-artifacts/`` at the top of the repository.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from callcenter.ami.actions import Action
from callcenter.config import Settings
from callcenter.live.controller_link import LiveLink
from callcenter.live.notifier import LiveNotifier
from tests.web.conftest import PASSWORD, Data
from web import create_app
from web.database import EXTENSION_KEY
from web.serve import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytest.importorskip("playwright.sync_api", reason="pip install -e .[dev] (playwright)")
if not CHROMIUM.exists():  # pragma: no cover - bootstrap installs it
    pytest.skip("apt install chromium (scripts/bootstrap.sh does)", allow_module_level=True)

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


class RecordingLink(LiveLink):
    """A link whose AMI actions are recorded instead of sent (no Asterisk here)."""

    def __init__(self, notifier: LiveNotifier) -> None:
        super().__init__(notifier)
        self.sent: list[Action] = []

    @property
    def ami_connected(self) -> bool:
        return True

    def send(self, action: Action, *, timeout: float = 10.0) -> Any:
        self.sent.append(action)
        return {"Response": "Success", "Message": "Originate successfully queued"}


@dataclass
class Console:
    """The console served on a free loopback port, with its data and its notifier."""

    base_url: str
    data: Data
    link: RecordingLink
    app: Any
    screenshots: list[Path] = field(default_factory=list)

    @property
    def notifier(self) -> LiveNotifier:
        return self.link.notifier

    def login(self, page: Page, username: str = "alice", password: str = PASSWORD) -> None:
        page.goto(f"{self.base_url}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        page.click(".login-card button[type=submit]")
        page.wait_for_load_state()

    def screenshot(self, page: Page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.screenshots.append(path)
        return path


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from callcenter.db.migrate import upgrade

    path = tmp_path_factory.mktemp("browser-db") / "callcenter.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def console(tmp_path: Path, migrated_db: Path) -> Iterator[Console]:
    db = tmp_path / "callcenter.db"
    shutil.copyfile(migrated_db, db)
    settings = Settings(state_dir=tmp_path / "state", database_url=f"sqlite:///{db}")
    link = RecordingLink(LiveNotifier())
    link.notifier.fed = True  # as when the controller runs in the process
    app = create_app(
        settings,
        test_config={"LIVE_HEARTBEAT_SECONDS": 2.0, "LIVE_STREAM_SECONDS": 60.0},
        live=link,
    )
    server = make_server(app, "127.0.0.1", 0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True, name="console-under-test")
    thread.start()
    try:
        yield Console(f"http://127.0.0.1:{server.effective_port}", Data(app), link, app)
    finally:
        server.close()
        app.extensions[EXTENSION_KEY].kw["bind"].dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1360, "height": 900}, color_scheme="light"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"script errors or CSP violations in the page: {errors}"
