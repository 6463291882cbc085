"""Kill-safety: a really killed import process leaves the database as it was before the file."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
from sqlalchemy import create_engine, func, select, text

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.consumption import datahub_file
from rekisteri.config import Settings
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import enable_jobs
from tests.support.consumption import (
    corrections,
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    run_import,
    stored,
    utc,
    write,
)

POINTS = 12
PER_POINT = 2 * 35_040  # two years of quarter hours


def _writing(settings: Settings, db_file: Path | None, wal_before: int) -> bool:
    """Whether the import has begun writing readings (uncommitted, so only the signs show):
    on SQLite its blocks spill from the small page cache into the WAL; on PostgreSQL its
    transaction holds a write lock on the reading blocks until it ends."""
    if db_file is not None:
        wal = db_file.with_name(db_file.name + "-wal")
        return wal.exists() and wal.stat().st_size > wal_before + (512 << 10)
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE c.relname LIKE 'reading_block%' AND l.mode = 'RowExclusiveLock' "
                    "AND l.pid <> pg_backend_pid()"
                )
            ).scalar()
        return bool(found)
    finally:
        engine.dispose()


def test_killing_an_import_leaves_the_database_as_before(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    gsrns = [new_gsrn() for _ in range(POINTS)]
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        for g in gsrns:
            new_contract(uow, person, new_site(uow, g), dt.date(2024, 1, 1))
    start = utc(2024, 1, 1)
    run_import(register, write(tmp_path / "first.csv", readings(gsrns[0], start, 1000)))
    before = stored(register)
    # A big file: corrections of the first file's readings, and a year of every point.
    big = write(
        tmp_path / "big.csv",
        *(readings(g, start, PER_POINT, wh=lambda i: 7) for g in gsrns),
    )
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        # The smallest page cache makes SQLite spill the open transaction into the WAL as it
        # goes, which is what this test watches for; with the default 64 MiB the whole file
        # would sit in memory until the commit and the kill would come too late.
        "REKISTERI_SQLITE_CACHE_MIB": "0",
    }
    db_file = (
        Path(settings.database_url.removeprefix("sqlite:///"))
        if settings.database_url.startswith("sqlite")
        else None
    )
    wal = db_file.with_name(db_file.name + "-wal") if db_file is not None else None
    wal_before = wal.stat().st_size if wal is not None and wal.exists() else 0
    enable_jobs(settings, system_actors.IMPORT_DATAHUB)
    process = subprocess.Popen(
        [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "import", "datahub", str(big)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not _writing(settings, db_file, wal_before):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL  # killed mid-import, not finished

    assert stored(register) == before
    assert corrections(register) == []
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(datahub_file)).scalar() == 1
    # Nothing half-done is left in the way: the same file imports whole afterwards.
    done = run_import(register, big)
    assert (done.new, done.corrected) == (POINTS * PER_POINT - 1000, 1000)
    assert len(stored(register)) == POINTS * PER_POINT
    assert pl.Series([r[2] for r in stored(register)]).unique().to_list() == [7]
