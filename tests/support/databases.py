"""Copies of a database for tests that share one costly build (a demo register).

A module builds its register once per backend (the `backend` fixture of tests/conftest.py) on
a copy of the migrated template, closes it, and gives each test a copy of what it built: the
build is paid once per module and worker, and no test sees another's rows (the audit entries
its reads leave, a row it writes). SQLite copies the file; PostgreSQL clones the database
with CREATE DATABASE ... TEMPLATE, which needs the source closed (no connection open to it).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from rekisteri.services.unit_of_work import RegisterApp
from tests.support.postgres import PostgresServer

TEMPLATE = "rekisteri_template"  # the PostgreSQL server's migrated database (tests/conftest.py)
_copies = itertools.count()


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def close(register: RegisterApp) -> None:
    """Close every connection of a built register, so its database can be copied: the pool's,
    and the one its audit appender keeps open between batches (which otherwise closes only
    when the appender is collected)."""
    register.engine.dispose()
    if register._appender is not None:
        register._appender._discard()


@contextmanager
def database_copy(
    request: pytest.FixtureRequest, backend: str, source: str | None = None
) -> Iterator[str]:
    """A new database of `backend`: a copy of `source` (the URL of a database no connection
    is open to) or, without one, of the migrated empty template. Removed when the block ends."""
    if backend == "sqlite":
        target = request.getfixturevalue("tmp_path_factory").mktemp("copy") / "rekisteri.db"
        origin = _sqlite_path(source) if source else request.getfixturevalue("sqlite_template")
        shutil.copy(origin, target)
        wal = Path(f"{origin}-wal")  # closed, SQLite has folded it in; if not, it is the data
        if wal.exists():
            shutil.copy(wal, f"{target}-wal")
        yield f"sqlite:///{target}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = f"c{os.getpid()}_{next(_copies)}"
    template = source.rsplit("/", 1)[1] if source else TEMPLATE
    admin = create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield server.url(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
