"""Every CSV a person opens in a spreadsheet (an audience list, a hand-over, the desk's
downloads, the portable data) keeps a text that starts like a formula a text: a `'` goes before
it. A phone number in E.164 (+358...) or a plain number is a value, not a formula, and stays."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from rekisteri.catalogue import Purpose, Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.exports import spreadsheet_cell, write_table
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import add_person, consent
from tests.support.cli_login import with_login
from tests.support.staff import tokens_per_role

CALC = "+cmd|' /C calc'!A0"
SUM = "=SUM(A1:A9)"


def _run(settings: Settings, *args: str) -> Result:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    return CliRunner().invoke(cli, list(args), env=env)


def _rows(text: str, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _two_persons(register: RegisterApp) -> None:
    for first, last in ((CALC, "Virtanen"), ("Anna", SUM)):
        pid = add_person(register, first=first, last=last)
        consent(register, pid, "own_marketing", "phone", "granted")


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        (CALC, "'" + CALC),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("+358 40 123 4567", "'+358 40 123 4567"),
        ("+358401234567", "+358401234567"),
        ("-12.50", "-12.50"),
        ("-12,50", "-12,50"),
        ("Anna Virtanen", "Anna Virtanen"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_starting_like_a_formula_gets_a_quote(text: object, written: object) -> None:
    assert spreadsheet_cell(text) == written


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_formula_is_found_wherever_it_stands_in_a_batch(tmp_path: Path, delimiter: str) -> None:
    """Batches without a formula are written as csv writes them; the check must miss none: the
    file's first cell, one after a line's end, a quoted one, one after a tab or CR."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'r.db'}")
    batches = [
        [("=1+1", "a")],
        [("a", "b"), ("c", "@d")],
        [("a;b,c", "\r=1")],
        [("a", "\t=1"), ("-5", 7)],
        [('"quoted"', "+1+1")],
    ]
    out = tmp_path / "cells.csv"
    write_table(out, ("x", "y"), batches, settings=settings, delimiter=delimiter)
    with out.open(newline="") as fh:
        cells = [c for row in list(csv.reader(fh, delimiter=delimiter))[1:] for c in row]
    assert cells == [
        "'=1+1", "a", "a", "b", "c", "'@d", "a;b,c", "'\r=1", "a", "'\t=1", "-5", "7",
        '"quoted"', "'+1+1",
    ]  # fmt: skip


def test_the_audience_list_keeps_names_text_and_phone_numbers_values(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    _two_persons(register)
    out = tmp_path / "puhelin.csv"
    done = _run(
        settings, "audience", "--channel", "phone", "--purpose", "own_marketing", "--out", str(out)
    )
    assert done.exit_code == 0, done.output
    rows = _rows(out.read_text())
    assert sorted(r["name"] for r in rows) == ["'" + CALC + " Virtanen", "Anna " + SUM]
    assert all(r["phone"].startswith("+358") for r in rows)


def test_a_hand_over_keeps_names_text(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    _two_persons(register)
    with register.unit_of_work(Actor("test")) as uow:
        add_recipient(uow, "Konserni Oy", "subsidiary", "FI", [Purpose.DIRECT_MARKETING])
    out = tmp_path / "konserni.csv"
    done = _run(
        settings, "disclose", "group-marketing", "--recipient", "Konserni Oy", "--out", str(out)
    )
    assert done.exit_code == 0, done.output
    rows = _rows(out.read_text(), ";")
    assert sorted(r["nimi"] for r in rows) == ["'" + CALC + " Virtanen", "Anna " + SUM]
    assert all(r["puhelin"].startswith("+358") for r in rows)


def test_the_desks_download_keeps_names_text(register: RegisterApp) -> None:
    _two_persons(register)
    api = TestClient(create_app(register))
    h = {"Authorization": f"Bearer {tokens_per_role(register)[Role.MARKETING]}"}
    ask = {"channel": "phone", "purpose": "own_marketing"}
    listed = api.get("/console/marketing/audience.csv", params=ask | {"lang": "sv"}, headers=h)
    assert listed.status_code == 200, listed.text
    # As Excel in a Finnish or Swedish locale opens it: a byte-order mark, `;`, CRLF.
    assert listed.content.startswith(b"\xef\xbb\xbfkundnummer;namn;spr")
    assert b"\r\n" in listed.content
    rows = _rows(listed.content.decode("utf-8-sig"), ";")
    assert sorted(r["namn"] for r in rows) == ["'" + CALC + " Virtanen", "Anna " + SUM]
    assert all(r["telefon"].startswith("+358") for r in rows)
    assert {r["språk"] for r in rows} == {"finska"}


def test_the_portable_data_keeps_a_name_text(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    pid = add_person(register, first=SUM)
    made = _run(
        settings, "request", "new", str(pid), "--kind", "portability", "--received-how", "in_person"
    )
    reference = made.output.split(":")[0]
    assert (
        _run(settings, "request", "verify", reference, "--how", "identity_document").exit_code == 0
    )
    answer = tmp_path / "answer"
    done = _run(settings, "request", "fulfil", reference, "--out", str(answer), "--no-pdf")
    assert done.exit_code == 0, done.output
    rows = _rows((answer / f"portability-{reference}-provided.csv").read_text())
    names = [r["value"] for r in rows if r["attribute"] == "first_names"]
    assert names == ["'" + SUM]
