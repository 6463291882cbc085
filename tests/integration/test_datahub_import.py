"""Datahub import on SQLite and PostgreSQL: atomic, idempotent, corrections kept, resolutions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.consumption import datahub_file
from rekisteri.domain.consumption import Quality
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.consumption.imports import datahub_paths
from rekisteri.services.unit_of_work import Actor, RegisterApp
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

START = utc(2025, 1, 31, 22)


@pytest.fixture
def gsrns(register: RegisterApp) -> tuple[str, str]:
    a, b = new_gsrn(), new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        site = new_site(uow, a, b)
        new_contract(uow, person, site, dt.date(2025, 1, 1))
    return a, b


def test_a_file_is_stored_as_integers(register: RegisterApp, gsrns, tmp_path: Path) -> None:
    f = write(tmp_path / "a.csv", readings(gsrns[0], START, 8, wh=lambda i: 1000 * i + 126))
    done = run_import(register, f)
    assert (done.rows, done.new, done.corrected, done.already_imported) == (8, 8, 0, False)
    rows = stored(register)
    assert [r[1] for r in rows] == [int(START.timestamp()) + 900 * i for i in range(8)]
    assert [r[2] for r in rows] == [1000 * i + 126 for i in range(8)]
    assert {r[3] for r in rows} == {int(Quality.OK)} and {r[4] for r in rows} == {900}


def test_the_same_file_again_changes_nothing(register: RegisterApp, gsrns, tmp_path) -> None:
    f = write(tmp_path / "a.csv", readings(gsrns[0], START, 50))
    run_import(register, f)
    before = stored(register)
    again = run_import(register, f)
    assert again.already_imported and "already imported, nothing changed" in again.describe()
    assert stored(register) == before
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(datahub_file)).scalar() == 1


def test_a_later_file_corrects_and_the_old_values_are_kept(
    register: RegisterApp, gsrns, tmp_path
) -> None:
    run_import(register, write(tmp_path / "a.csv", readings(gsrns[0], START, 10, wh=lambda i: 5)))
    fix = readings(gsrns[0], START + dt.timedelta(minutes=30), 4, wh=lambda i: 9)
    done = run_import(register, write(tmp_path / "b.csv", fix))
    assert (done.new, done.corrected) == (0, 4)
    values = [r[2] for r in stored(register)]
    assert values == [5, 5, 9, 9, 9, 9, 5, 5, 5, 5]
    old = corrections(register)
    assert [(c[1], c[2]) for c in old] == [
        (int(START.timestamp()) + 900 * i, 5) for i in range(2, 6)
    ]


def test_an_unchanged_overlap_is_no_correction(register: RegisterApp, gsrns, tmp_path) -> None:
    run_import(register, write(tmp_path / "a.csv", readings(gsrns[0], START, 10)))
    done = run_import(register, write(tmp_path / "b.csv", readings(gsrns[0], START, 12)))
    assert (done.new, done.corrected) == (2, 0)
    assert corrections(register) == []


BAD_ROWS = [
    ("unknown", lambda line: line.replace(line[:18], "643000000000000005"), "Mittauspisteen"),
    ("number", lambda line: line.replace(";0,104000;", ";1O4,0;"), "Määrä"),
    ("negative", lambda line: line.replace(";0,104000;", ";-1,0;"), "Määrä"),
    ("time", lambda line: line.replace("T23:00:00Z", "T25:00:00Z"), "Alkuaika"),
    ("unaligned", lambda line: line.replace("T23:00:00Z", "T23:05:00Z"), "Alkuaika"),
    ("resolution", lambda line: line.replace(";PT15M;", ";PT5M;"), "Resoluutio"),
    ("unit", lambda line: line.replace(";kWh;", ";MWh;"), "Yksikkötyyppi"),
    ("quality", lambda line: line.replace(";OK", ";GOOD"), "Laatu"),
    ("fields", lambda line: line + ";extra", "row"),
]


@pytest.mark.parametrize(("kind", "spoil", "field"), BAD_ROWS, ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_stores_nothing_and_names_line_and_field(
    register: RegisterApp, gsrns, tmp_path, kind, spoil, field
) -> None:
    run_import(register, write(tmp_path / "first.csv", readings(gsrns[1], START, 5)))
    before = stored(register)
    path = write(tmp_path / "bad.csv", readings(gsrns[0], START, 10))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "T23:00:00Z;0,104000;OK" in lines[5]
    lines[5] = spoil(lines[5])  # line 6 of the file
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        run_import(register, path, chunk_bytes=256)
    assert caught.value.where == "bad.csv, line 6"
    assert caught.value.field.startswith(field)
    assert stored(register) == before
    with register.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(datahub_file)).scalar() == 1


def test_a_reading_twice_with_different_values_is_a_bad_row(
    register: RegisterApp, gsrns, tmp_path
) -> None:
    frames = (
        readings(gsrns[0], START, 10),
        readings(gsrns[1], START, 3),
        readings(gsrns[0], START + dt.timedelta(hours=1), 1, wh=lambda i: 999),
    )
    with pytest.raises(InvalidInput) as caught:
        run_import(register, write(tmp_path / "twice.csv", *frames), chunk_bytes=300)
    assert caught.value.where == "twice.csv, line 15"
    assert "already on line 6" in caught.value.reason
    assert stored(register) == []


def test_the_same_reading_twice_with_the_same_value_is_fine(
    register: RegisterApp, gsrns, tmp_path
) -> None:
    same = readings(gsrns[0], START, 10)
    done = run_import(register, write(tmp_path / "twice.csv", same, same.slice(3, 2)))
    assert (done.rows, done.new, done.corrected) == (12, 10, 0)


def test_resolution_may_not_change_within_a_file(register: RegisterApp, gsrns, tmp_path) -> None:
    frames = (
        readings(gsrns[0], START, 4),
        readings(gsrns[0], START + dt.timedelta(hours=1), 2, resolution=3600),
    )
    with pytest.raises(InvalidInput) as caught:
        run_import(register, write(tmp_path / "mixed.csv", *frames))
    assert caught.value.where == "mixed.csv, line 6"
    assert caught.value.field == "Resoluutio"


def test_hourly_and_quarter_hourly_files_of_one_point(
    register: RegisterApp, gsrns, tmp_path
) -> None:
    hourly = readings(gsrns[0], START, 24, resolution=3600, wh=lambda i: 400)
    run_import(register, write(tmp_path / "h.csv", hourly))
    # The meter moved to 15 minutes from the 6th hour: those hours are replaced, finer.
    quarter = readings(gsrns[0], START + dt.timedelta(hours=6), 8, wh=lambda i: 100 + i)
    done = run_import(register, write(tmp_path / "q.csv", quarter))
    assert done.new == 8
    rows = stored(register)
    assert len(rows) == 22 + 8
    assert sum(r[2] for r in rows) == 22 * 400 + sum(100 + i for i in range(8))
    assert [(c[1], c[4]) for c in corrections(register)] == [
        (int(START.timestamp()) + 3600 * h, 3600) for h in (6, 7)
    ]
    # And back: an hourly file over the same hours replaces the quarters it covers.
    back = readings(gsrns[0], START + dt.timedelta(hours=6), 2, resolution=3600, wh=lambda i: 1)
    run_import(register, write(tmp_path / "h2.csv", back))
    rows = stored(register)
    assert len(rows) == 24 and {r[4] for r in rows} == {3600}
    assert sum(r[2] for r in rows) == 22 * 400 + 2


def test_gzip_and_directories(register: RegisterApp, gsrns, tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "2025-02.csv.gz", readings(gsrns[0], START, 30), compress=True)
    write(folder / "2025-03.csv", readings(gsrns[1], START, 20))
    (folder / "notes.txt").write_text("not a Datahub file")
    paths = datahub_paths([folder])
    assert [p.name for p in paths] == ["2025-02.csv.gz", "2025-03.csv"]
    done = [run_import(register, p, chunk_bytes=512) for p in paths]
    assert [d.new for d in done] == [30, 20]
    assert len(stored(register)) == 50


def test_missing_readings_have_no_value(register: RegisterApp, gsrns, tmp_path) -> None:
    frame = readings(gsrns[0], START, 4, wh=lambda i: None if i == 2 else 10)
    run_import(register, write(tmp_path / "m.csv", frame))
    rows = stored(register)
    assert rows[2][2] is None and rows[2][3] == int(Quality.MISSING)


def test_a_month_boundary_and_many_months(register: RegisterApp, gsrns, tmp_path) -> None:
    # 100 days of hours: several monthly partitions on PostgreSQL, all in one file.
    frame = readings(gsrns[0], utc(2024, 12, 1), 2400, resolution=3600)
    assert run_import(register, write(tmp_path / "long.csv", frame), chunk_bytes=4096).new == 2400
    assert len(stored(register)) == 2400
