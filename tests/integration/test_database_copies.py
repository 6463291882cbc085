"""The copies the costly walks share their build through (tests/support/databases.py): every
copy has the build's rows and stored files, and what one copy writes no other copy sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.databases import Snapshot, register_copy, snapshot

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
SECRET = b"stored by the build"


def _build(register: RegisterApp, _scratch: Path) -> str:
    """One staff user and one stored file; the file's reference."""
    with register.unit_of_work(Actor.system("test")) as uow:
        accounts.add_user(uow, "t.built", Role.DPO)
    writer = register.files.writer()
    writer.write(SECRET)
    return writer.close().ref


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, backend: str) -> Iterator[tuple[Snapshot, str]]:
    with snapshot(request, backend, NOW, _build) as made:
        yield made


def _users(register: RegisterApp) -> set[str]:
    with register.engine.connect() as conn:
        return set(conn.execute(select(staff_user.c.username)).scalars())


def test_a_copy_has_the_builds_rows_and_files_and_keeps_its_writes(
    request: pytest.FixtureRequest, built: tuple[Snapshot, str]
) -> None:
    snap, ref = built
    with register_copy(request, snap) as first, register_copy(request, snap) as second:
        assert first.clock() == NOW
        assert b"".join(first.files.read(ref)) == SECRET
        with first.unit_of_work(Actor.system("test")) as uow:
            accounts.add_user(uow, "t.first", Role.BILLING)
        assert first.files.destroy(ref)
        assert _users(first) == {"t.built", "t.first"}
        # The other copy has the build as it was: no user of the first, the file still there.
        assert _users(second) == {"t.built"}
        assert b"".join(second.files.read(ref)) == SECRET
