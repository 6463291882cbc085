"""Copies of a database for tests that share one costly build (a demo register).

A module builds its register once per backend (the `backend` fixture of tests/conftest.py) on
a copy of the migrated template, closes it, and gives each test a copy of what it built: the
build is paid once per module and worker, and no test sees another's rows (the audit entries
its reads leave, a row it writes). SQLite copies the file; PostgreSQL clones the database
with CREATE DATABASE ... TEMPLATE, which needs the source closed (no connection open to it).

`snapshot` builds and closes the register (with a file store of its own), `register_copy`
opens a copy of it, file store included, for one test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import create_engine, text

from rekisteri.adapters import db
from rekisteri.adapters.crypto import Cipher, Keyring
from rekisteri.config import Settings
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.clock import FakeClock
from tests.support.postgres import PostgresServer

T = TypeVar("T")

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


@dataclass(frozen=True)
class Snapshot:
    """A register as built once: its database (closed: each test gets a copy), key, settings
    (with its own file store, which a copy copies too) and its clock's time when done."""

    backend: str
    url: str
    keyring: Keyring
    settings: Settings
    now: dt.datetime


@contextmanager
def snapshot(
    request: pytest.FixtureRequest,
    backend: str,
    now: dt.datetime,
    build: Callable[[RegisterApp, Path], T],
) -> Iterator[tuple[Snapshot, T]]:
    """Build a register once with `build(register, scratch directory)` on a clock at `now`,
    close it, and yield it with what `build` returned; dropped when the block ends."""
    directory = request.getfixturevalue("tmp_path_factory").mktemp("built")
    with database_copy(request, backend) as url:
        keyring = Keyring.generate()
        settings = Settings(
            database_url=url,
            secret_key=keyring.to_json(),
            key_file=directory / "unused.keys",
            file_store_dir=directory / "rekisteri.files",
        )
        clock = FakeClock(now)
        register = RegisterApp(db.make_engine(url), Cipher(keyring), settings, clock)
        try:
            made = build(register, directory)
        finally:
            close(register)  # a PostgreSQL database is copied only when no one has it open
        yield Snapshot(backend, url, keyring, settings, clock()), made


@contextmanager
def register_copy(request: pytest.FixtureRequest, built: Snapshot) -> Iterator[RegisterApp]:
    """A register on a copy of the built one's database and file store, for one test: the
    audit entries of its reads and what it writes are no other test's."""
    directory = request.getfixturevalue("tmp_path_factory").mktemp("copy")
    files = directory / "rekisteri.files"
    if built.settings.file_store_dir and built.settings.file_store_dir.exists():
        shutil.copytree(built.settings.file_store_dir, files)
    with database_copy(request, built.backend, built.url) as url:
        settings = built.settings.model_copy(
            update={
                "database_url": url,
                "key_file": directory / "unused.keys",
                "file_store_dir": files,
            }
        )
        register = RegisterApp(
            db.make_engine(url), Cipher(built.keyring), settings, FakeClock(built.now)
        )
        try:
            yield register
        finally:
            close(register)
