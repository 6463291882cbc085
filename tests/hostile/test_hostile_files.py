"""Every file of the hostile corpus (tests/hostile/corpus.py) through the real command,
`rekisteri import datahub|bans|invoices|payments|population FILE` run as a subprocess: exit 2,
one short printable line on stderr naming the file, the line (a Finvoice file: the message; a
population change file: the record) and the field, and nothing stored.

A heavy suite, so it runs once: the whole corpus on SQLite, the truncations (which reach the
database's transaction) also on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.marketing import marketing_ban
from rekisteri.domain.bans import parse_ban
from rekisteri.services.access import system_actors
from rekisteri.services.marketing import bans
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.conftest import BACKENDS
from tests.e2e.test_cli import BIN
from tests.hostile.corpus import BAN_HEADER, CASES, Case, Ground, stored_bans
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

ON_POSTGRESQL = {
    "cut-short.csv.gz",
    "late-leap-second.csv",
    "header-only.csv",
    "half.csv",
    "cut-short.xml",
}


def backends(*wanted: str) -> list[str]:
    return [b for b in wanted if b in BACKENDS]


def state(reg: RegisterApp) -> dict[str, Any]:
    """Rows per table and the stored bans themselves: what a refused file must not change."""
    with reg.engine.connect() as conn:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }
        b = marketing_ban.c
        stored = conn.execute(
            select(b.kind, b.match_key, b.registered_on).order_by(b.kind, b.match_key)
        ).all()
    return {"counts": counts, "bans": [tuple(r) for r in stored]}


def ground(reg: RegisterApp, tmp_path: Path) -> Ground:
    """A customer with a metering point and a day of its readings, and a stored ban file."""
    gsrn = new_gsrn()
    with reg.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        new_contract(uow, person, new_site(uow, gsrn), dt.date(2024, 1, 1))
    run_import(reg, write(tmp_path / "day.csv", readings(gsrn, utc(2024, 6, 1), 96)))
    today = reg.clock().date()
    header = BAN_HEADER.split(",")
    rows = [parse_ban(dict(zip(header, r.split(","), strict=True)), today) for r in stored_bans()]
    with reg.unit_of_work(Actor("test")) as uow:
        bans.import_bans(uow, rows, "stored.csv")
    return Ground.now(gsrn)


def refuse(reg: RegisterApp, keyring: Keyring, case: Case, tmp_path: Path) -> None:
    path = tmp_path / case.file
    case.build(path, ground(reg, tmp_path))
    enable_jobs(
        reg,
        system_actors.IMPORT_DATAHUB,
        system_actors.IMPORT_BANS,
        system_actors.IMPORT_INVOICES,
        system_actors.IMPORT_PAYMENTS,
        system_actors.IMPORT_POPULATION,
    )
    before = state(reg)
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": reg.settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "COLUMNS": "200",
    }
    done = subprocess.run(
        [BIN, "import", case.door, str(path)],
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr[-2000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-2000:]
    line = lines[0]
    assert line.startswith("error: ") and len(line) <= 400 and line.isprintable(), line[:600]
    # Datahub names "<file>, line N", the ban file "<path>:N" (as each door always has),
    # Finvoice "<file>, message N".
    number = r"\d+" if case.line is None else str(case.line)
    at = {"datahub": ", line ", "invoices": ", message "}.get(case.door, ":")
    named = re.escape(case.file) + at + number + ": " + re.escape(case.field) + ": "
    if case.door == "payments":  # "<file>, line N" where the XML parser knows the line
        where = "" if case.line is None else f", line {case.line}"
        named = re.escape(case.file + where + ": " + case.field + ": ")
    if case.door == "population":  # "<file> record N", or the file alone
        where = "" if case.line is None else f" record {case.line}"
        named = re.escape(case.file + where + ": " + case.field + ": ")
    assert re.search(named, line), line
    assert done.stdout == b""
    assert state(reg) == before


@pytest.mark.parametrize("database_url", backends("sqlite"), indirect=True)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_hostile_file_is_refused_in_one_line_and_stores_nothing(
    register: RegisterApp, keyring: Keyring, case: Case, tmp_path: Path
) -> None:
    refuse(register, keyring, case, tmp_path)


@pytest.mark.parametrize("database_url", backends("postgresql"), indirect=True)
@pytest.mark.parametrize("case", [c for c in CASES if c.file in ON_POSTGRESQL], ids=lambda c: c.id)
def test_a_truncated_file_is_refused_on_postgresql_too(
    register: RegisterApp, keyring: Keyring, case: Case, tmp_path: Path
) -> None:
    refuse(register, keyring, case, tmp_path)


def peak_memory(env: dict[str, str], *args: str) -> tuple[int, bytes]:
    """Run the command; its peak resident memory in KiB (from the kernel's accounting of this
    one child) and its stderr."""
    child = subprocess.Popen(
        [BIN, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.returncode == 2, stderr[-2000:]
    return usage.ru_maxrss, stderr


@pytest.mark.parametrize("database_url", backends("sqlite"), indirect=True)
@pytest.mark.parametrize("bomb", ["line-bomb.csv.gz", "header-bomb.csv.gz"])
def test_a_gzip_bomb_is_refused_without_holding_its_line(
    register: RegisterApp, keyring: Keyring, tmp_path: Path, bomb: str
) -> None:
    """The 50 MB line of a 50 KB gzip is never held: the command's peak memory stays within
    a block (8 MB) and a bound line of that of a refused small file, where holding the line
    and the copies made of it took several times the line (609 MiB against 181)."""
    cases = {c.file: c for c in CASES}
    world = ground(register, tmp_path)
    small = tmp_path / "unknown-point.csv"
    cases[small.name].build(small, world)
    cases[bomb].build(tmp_path / bomb, world)
    enable_jobs(register, system_actors.IMPORT_DATAHUB)
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": register.settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }
    baseline, _ = peak_memory(env, "import", "datahub", str(small))
    peak, stderr = peak_memory(env, "import", "datahub", str(tmp_path / bomb))
    assert peak - baseline < 40 * 1024, (baseline, peak)
    assert b"longer than 4096 bytes" in stderr
