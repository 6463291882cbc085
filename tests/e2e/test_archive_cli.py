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
