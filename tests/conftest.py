"""Test fixtures: every integration test runs on SQLite and on a real PostgreSQL server.

The PostgreSQL server is started once per session; each test gets a fresh database cloned from
a migrated template, and on SQLite a copy of a migrated file, so tests never see each other's
rows. REKISTERI_TEST_BACKENDS=sqlite (or postgresql) narrows the run; so does the marker:
`-m postgres` selects the PostgreSQL cases, `-m "not postgres"` the others.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.config import Settings
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.clock import FakeClock
from tests.support.postgres import PostgresServer

# No timings in tests: a property test on a loaded machine (or under `make mutation`, whose
# trampolines slow every call) must not fail for taking longer than hypothesis's 200 ms default.
hypothesis_settings.register_profile("rekisteri", deadline=None)
hypothesis_settings.load_profile("rekisteri")

BACKENDS = [
    b for b in os.environ.get("REKISTERI_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]
_counter = itertools.count()


# Tests that share one costly resource per machine run on one xdist worker, which starts it
# once: the Spark cluster of the archive's jobs (three Java processes). xdist's own loadgroup
# does not group here (pytest 9 ignores the node id suffix it adds on the workers), so the
# scheduler is chosen here: as `load`, but these files' tests are one unit of work.
TOGETHER = ("tests/integration/test_archive_jobs.py::",)


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class LoadWithTogether(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return next((t for t in TOGETHER if nodeid.startswith(t)), nodeid)

    return LoadWithTogether(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every case that runs on PostgreSQL carries the `postgres` marker, whether it has the
    backend from `database_url`'s own parameters, from an indirect parametrisation or from the
    module's `backend`, so `-m postgres` runs those cases and `-m "not postgres"` runs without
    the server."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and "postgresql" in (
            callspec.params.get("database_url"),
            callspec.params.get("backend"),
        )
        if on_postgresql or "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    server.start()
    try:
        engine = create_engine(server.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("CREATE DATABASE rekisteri_template"))
        engine.dispose()
        db.migrate(server.url("rekisteri_template"))
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    db.migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each backend, for a module that builds its register once per backend and gives each
    test a copy (tests/support/databases.py)."""
    backend: str = request.param
    return backend


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database of each backend."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "rekisteri.db"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t{os.getpid()}_{next(_counter)}"
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE rekisteri_template'))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def keyring() -> Keyring:
    return Keyring.generate()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, keyring: Keyring, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, secret_key=keyring.to_json(), key_file=tmp_path / "unused.keys"
    )


@pytest.fixture
def register(settings: Settings, keyring: Keyring, clock: FakeClock) -> Iterator[RegisterApp]:
    engine = db.make_engine(settings.database_url)
    yield RegisterApp(engine, Cipher(keyring), settings, clock)
    engine.dispose()


@pytest.fixture(autouse=True)
def no_login_of_the_runner(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A command run by a test never finds the login of whoever runs the tests: an empty
    config home, no REKISTERI_TOKEN (a test logs in with tests/support/cli_login.py)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))
    monkeypatch.delenv("REKISTERI_TOKEN", raising=False)
