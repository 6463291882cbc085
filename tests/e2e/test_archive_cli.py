"""`rekisteri archive sync`: a job that needs the archive's directory, writes the changed
months, and on a second run nothing; the sync is audited as its system actor."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import system_actors
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


def test_archive_sync_from_the_command_line(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        new_contract(uow, new_customer(uow), new_site(uow, gsrn), dt.date(2025, 1, 1))
    run_import(register, write(tmp_path / "a.csv", readings(gsrn, utc(2025, 1, 30, 22), 96 * 3)))
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }
    runner = CliRunner()
    unset = runner.invoke(app, ["archive", "sync"], env=env)
    assert unset.exit_code == 2
    assert "REKISTERI_ARCHIVE_DIR" in unset.output
    env["REKISTERI_ARCHIVE_DIR"] = str(tmp_path / "archive")
    disabled = runner.invoke(app, ["archive", "sync"], env=env)
    assert disabled.exit_code == 1
    assert "system:archive is not enabled" in disabled.output
    enable_jobs(settings, system_actors.ARCHIVE)
    first = runner.invoke(app, ["archive", "sync", "--json"], env=env)
    assert first.exit_code == 0, first.output
    done = json.loads(first.output)
    assert (done["written"], done["readings"], done["periods"]) == (["2025-01", "2025-02"], 288, 1)
    again = runner.invoke(app, ["archive", "sync"], env=env)
    assert again.exit_code == 0, again.output
    assert "months written 0, unchanged 2, readings written 0" in again.output
    assert (tmp_path / "archive" / "readings" / "month=2025-02" / "part-0.parquet").is_file()
    with register.engine.connect() as conn:
        actors = conn.execute(
            select(audit_entry.c.actor, audit_entry.c.what).where(
                audit_entry.c.what.like("%archived%")
            )
        ).all()
    assert [a for a, _ in actors] == [system_actors.ARCHIVE]  # the first run only read


def test_a_damaged_archive_is_refused_naming_the_file(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    """A manifest that is not JSON, or a month that is not Parquet: `archive sync` exits 2
    naming the file and why, no traceback, and the register is unchanged."""
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        new_contract(uow, new_customer(uow), new_site(uow, gsrn), dt.date(2025, 1, 1))
    run_import(register, write(tmp_path / "a.csv", readings(gsrn, utc(2025, 1, 30, 22), 96 * 3)))
    archive = tmp_path / "archive"
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "REKISTERI_ARCHIVE_DIR": str(archive),
        "REKISTERI_DB_READING_MONTHS": "1",
    }
    enable_jobs(settings, system_actors.ARCHIVE)
    runner = CliRunner()
    assert runner.invoke(app, ["archive", "sync"], env=env).exit_code == 0
    manifest = archive / "_manifest.json"
    kept = manifest.read_bytes()
    manifest.write_text("{not json", encoding="utf-8")
    broken = runner.invoke(app, ["archive", "sync"], env=env)
    assert broken.exit_code == 2, broken.output
    assert "_manifest.json" in broken.output and "is not the archive's manifest" in broken.output
    assert "Traceback" not in broken.output
    manifest.write_bytes(kept)
    month = archive / "readings" / "month=2025-01" / "part-0.parquet"
    month.write_bytes(b"PAR1 not really")
    # A correction of January makes the sync read the month the database no longer holds.
    fix = readings(gsrn, utc(2025, 1, 30, 22), 4, wh=lambda i: 7)
    run_import(register, write(tmp_path / "fix.csv", fix))
    damaged = runner.invoke(app, ["archive", "sync"], env=env)
    assert damaged.exit_code == 2, damaged.output
    assert "part-0.parquet" in damaged.output and "is not a file of the readings archive" in (
        damaged.output
    )


def test_archive_totals_refuses_in_one_line_what_it_cannot_run(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    """A master that is not a Spark master URL, an archive never synced, an archive older than
    the register's readings: exit 2 with the reason, no traceback, no Spark started."""
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        new_contract(uow, new_customer(uow), new_site(uow, gsrn), dt.date(2025, 1, 1))
    run_import(register, write(tmp_path / "a.csv", readings(gsrn, utc(2025, 1, 30, 22), 96 * 3)))
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "REKISTERI_ARCHIVE_DIR": str(tmp_path / "archive"),
    }
    enable_jobs(settings, system_actors.ARCHIVE)
    runner = CliRunner()
    bad = runner.invoke(app, ["archive", "totals", "--master", "yarn"], env=env)
    assert bad.exit_code == 2 and "master: 'yarn' is not local" in bad.output, bad.output
    never = runner.invoke(app, ["archive", "totals", "--master", "local[1]"], env=env)
    assert never.exit_code == 2 and "run archive sync" in never.output, never.output
    assert runner.invoke(app, ["archive", "sync"], env=env).exit_code == 0
    later = readings(gsrn, utc(2025, 2, 2, 22), 96)
    run_import(register, write(tmp_path / "b.csv", later))
    stale = runner.invoke(app, ["archive", "totals", "--master", "local[1]"], env=env)
    assert stale.exit_code == 2, stale.output
    assert "the readings of 2025-02 changed since the archive's: run archive sync first" in (
        stale.output
    )
    assert "Traceback" not in bad.output + never.output + stale.output
