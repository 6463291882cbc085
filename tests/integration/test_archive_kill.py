"""Kill-safety of the archive: a sync process really killed (SIGKILL) while it writes a month
leaves every month of the archive whole, as it was before the sync or as the sync makes it."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from rekisteri.adapters.archive.parquet import Archive
from rekisteri.adapters.crypto import Keyring
from rekisteri.config import Settings
from rekisteri.services.access import system_actors
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import enable_jobs
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    run_import,
    utc,
    write,
)

POINTS = 4
DAYS = 2 * 365  # two years: 24 months to write
ATTEMPTS = 6


def _state(archive: Archive) -> dict[str, Any]:
    """Each month's rows, read whole (a torn file would fail to read)."""
    return {m: pq.read_table(archive.month_file(m)).to_pylist() for m in archive.months()}


def _staged(archive: Archive) -> bool:
    try:
        return any(e.name.endswith(".parquet") for e in os.scandir(archive.staging))
    except FileNotFoundError:
        return False


# The archive does not depend on the database; one backend is enough for the kill.
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_killed_sync_leaves_each_month_as_before_or_as_after(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    gsrns = [new_gsrn() for _ in range(POINTS)]
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        for g in gsrns:
            new_contract(uow, person, new_site(uow, g), dt.date(2023, 1, 1))
    start = utc(2022, 12, 31, 22)
    run_import(
        register, write(tmp_path / "all.csv", *(readings(g, start, DAYS * 96) for g in gsrns))
    )
    archive = Archive(tmp_path / "archive")
    register.settings.archive_dir = archive.root
    with register.unit_of_work(Actor(system_actors.ARCHIVE)) as uow:
        archive_sync.sync(uow, archive)
    enable_jobs(settings, system_actors.ARCHIVE)
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "REKISTERI_ARCHIVE_DIR": str(archive.root),
    }
    killed = False
    for attempt in range(ATTEMPTS):
        # A correction of the first day of every month: the sync rewrites all 24 months.
        days = [utc(2023 + m // 12, m % 12 + 1, 1) - dt.timedelta(hours=2) for m in range(24)]
        fix = [readings(gsrns[0], d, 96, wh=lambda i, a=attempt: 1000 + a) for d in days]
        run_import(register, write(tmp_path / f"fix{attempt}.csv", *fix))
        before = _state(archive)
        process = subprocess.Popen(
            [sys.executable, "-m", "rekisteri.entrypoints.cli.main", "archive", "sync"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            # Watch for a month being written (its file in the staging directory), then kill.
            while not _staged(archive) and process.poll() is None:
                pass
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        finally:
            _, err = process.communicate()
        if process.returncode == 0:
            continue  # finished before it was seen writing: try again with new changes
        assert process.returncode == -signal.SIGKILL, err
        killed = True
        torn = _state(archive)
        with register.unit_of_work(Actor(system_actors.ARCHIVE)) as uow:
            archive_sync.sync(uow, archive)  # resumes: the rest is written
        after = _state(archive)
        assert torn.keys() == before.keys() == after.keys()
        assert all(torn[m] in (before[m], after[m]) for m in torn)
        assert any(torn[m] != after[m] for m in torn)  # killed before the end
        assert not _staged(archive)  # the half-written file was cleared
        break
    assert killed, f"no sync of {ATTEMPTS} was seen writing before it ended"
