"""Hostile feeds through the real commands, `rekisteri import contacts | feedback | logins FILE`
run as a subprocess: exit 2, one short printable line on stderr naming the file, the line and
the field, and nothing stored (docs/feeds.md)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import attribute_change, contact_log, feedback
from rekisteri.adapters.schema.register import digital_account as account
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_cli import BIN
from tests.support.cli_login import enable_jobs
from tests.support.people import make_customer

CONTACTS = "ref,customer_number,at,channel,direction,topic,note,handled_by\n"
GOOD = "CS-1,100001,2026-02-10T09:15:00+02:00,phone,inbound,billing,{note},anna\n"
ANSWERS = "ref,customer_number,at,channel,satisfaction,text\n"


@dataclass(frozen=True)
class Case:
    door: str
    file: str
    data: bytes
    line: int | None
    field: str


CASES = [
    Case("contacts", "nul.csv", (CONTACTS + GOOD.format(note="a\x00b")).encode(), 2, "line"),
    Case(
        "contacts",
        "latin1.csv",
        (CONTACTS + GOOD.format(note="pää")).encode("latin-1"),
        2,
        "encoding",
    ),
    Case(
        "contacts",
        "escape.csv",
        (CONTACTS + GOOD.format(note="\x1b[2J\x1b]0;x\x07")).encode(),
        2,
        "note",
    ),
    Case("contacts", "long.csv", (CONTACTS + "x" * 20_000 + "\n").encode(), 2, "line"),
    Case("contacts", "deep.jsonl", b"[" * 5_000 + b"\n", 1, "record"),
    Case(
        "contacts",
        "formula.csv",
        (CONTACTS + GOOD.replace("phone", "=cmd|'/c calc'!A1")).encode(),
        2,
        "channel",
    ),
    Case(
        "feedback",
        "nobody.csv",
        (ANSWERS + "S-1,999999,2026-02-10T09:15:00Z,web,4,\n").encode(),
        2,
        "record",
    ),
    Case(
        "feedback",
        "score.csv",
        (ANSWERS + "S-1,100001,2026-02-10T09:15:00Z,web,99,\n").encode(),
        2,
        "satisfaction",
    ),
    Case("logins", "naive.csv", b"login,at\nmaija,2026-02-10 09:15\n", 2, "at"),
    Case("logins", "big.csv", b"", None, "FILE"),  # made sparse, over the size bound
]


def _state(reg: RegisterApp) -> list[int]:
    with reg.engine.connect() as conn:
        return [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (contact_log, feedback, account, attribute_change)
        ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.door}-{c.file}")
def test_a_hostile_feed_is_refused_in_one_line_and_stores_nothing(
    register: RegisterApp, keyring: Keyring, case: Case, tmp_path: Path
) -> None:
    make_customer(register)
    enable_jobs(
        register,
        system_actors.IMPORT_CONTACTS,
        system_actors.IMPORT_FEEDBACK,
        system_actors.IMPORT_LOGINS,
    )
    path = tmp_path / case.file
    path.write_bytes(case.data)
    if case.file == "big.csv":
        with path.open("r+b") as f:
            f.truncate(65 << 20)  # sparse: no 65 MB written
    before = _state(register)
    env = {
        **os.environ,
        "REKISTERI_DATABASE_URL": register.settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
        "COLUMNS": "200",
    }
    command = [BIN, "import", case.door, str(path)]
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2, stderr[-2000:]
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr[-2000:]
    line = lines[0]
    assert line.startswith("error: ") and len(line) <= 400 and line.isprintable(), line[:600]
    at = "" if case.line is None else f", line {case.line}"
    assert re.search(re.escape(f"{case.file}{at}: {case.field}: "), line), line
    assert done.stdout == b""
    assert _state(register) == before
