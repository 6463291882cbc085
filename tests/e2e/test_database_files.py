"""The SQLite database holds every person's data: its file and the files SQLite keeps beside it
(-wal, -shm) are readable by their owner only (P16), whatever the umask; one found readable by
others is narrowed when the register opens it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.services.bootstrap import initialise, open_register
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor
from tests.support.people import make_customer


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common default: new files readable by everyone unless the register says otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _fresh(tmp_path: Path) -> tuple[Settings, Path]:
    database = tmp_path / "r.db"
    keys = tmp_path / "r.keys"
    return Settings(database_url=f"sqlite:///{database}", key_file=keys), database


def test_a_new_register_keeps_its_database_files_to_its_owner(tmp_path: Path) -> None:
    settings, database = _fresh(tmp_path)
    initialise(settings)
    assert _mode(database) == 0o600
    reg = open_register(settings)
    try:
        # A write, then an audited read: the WAL, its index and the audit lock file exist
        # while a connection is open.
        customer = make_customer(reg)
        with reg.reading(Actor("tester", role=Role.CUSTOMER_SERVICE)) as uow:
            customer_view(uow, customer.person_id, Role.CUSTOMER_SERVICE)
        files = {p.name: _mode(p) for p in tmp_path.iterdir()}
    finally:
        reg.engine.dispose()
    assert {"r.db", "r.db-wal", "r.db-shm", "r.db-auditlock", "r.keys"} <= set(files)
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}


def test_a_database_readable_by_others_is_narrowed_when_opened(tmp_path: Path) -> None:
    settings, database = _fresh(tmp_path)
    initialise(settings)
    database.chmod(0o644)
    reg = open_register(settings)
    try:
        make_customer(reg)
        files = {p.name: _mode(p) for p in tmp_path.iterdir()}
    finally:
        reg.engine.dispose()
    assert {"r.db", "r.db-wal", "r.db-shm"} <= set(files)
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}
