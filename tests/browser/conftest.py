"""Browser tests: Playwright drives Debian's Chromium against the app served by uvicorn.

Fixtures: `site` (the app on a migrated SQLite file, for the whole session), `served` (the app
over the `register` fixture of a test, on each backend), `browser` and `page`, and `shot` to
save a screenshot under test-artifacts/. Mark browser tests with `pytest.mark.browser`.

The browser tests run on SQLite; a test marked `postgres_smoke` (the staff's path from search
to the DPO desk) runs on PostgreSQL too. The services under the pages are tested on both
databases elsewhere, and a browser case costs seconds: this keeps the browser suite's share of
`make test` small (issue 17).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.live_server import serve

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    dropped = [
        item
        for item in items
        if item.path.is_relative_to(here)
        and getattr(item, "callspec", None) is not None
        and item.callspec.params.get("database_url") == "postgresql"
        and item.get_closest_marker("postgres_smoke") is None
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        kept = set(map(id, dropped))
        items[:] = [item for item in items if id(item) not in kept]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = "Chromium is missing: run scripts/system-deps.sh (as root) once"
        if os.environ.get("CI"):  # CI installs it (make test): missing there is a failure
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, "name") saves test-artifacts/<test>-<name>.png (the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)

    def save(page: Page, name: str) -> Path:
        path = ARTIFACTS / f"{test}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="session")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a migrated SQLite file: for pages that hold no personal data."""
    path = tmp_path_factory.mktemp("site") / "site.db"
    shutil.copy(sqlite_template, path)
    keyring = Keyring.generate()
    settings = Settings(database_url=f"sqlite:///{path}", secret_key=keyring.to_json())
    register = RegisterApp(db.make_engine(settings.database_url), Cipher(keyring), settings)
    with serve(create_app(register)) as url:
        yield url
    register.engine.dispose()


@pytest.fixture
def served(register: RegisterApp) -> Iterator[str]:
    """The app over this test's register (each backend): for pages with data in them."""
    with serve(create_app(register)) as url:
        yield url
