"""The rights meet the readings: an access package holds exactly the readings of the periods
the person held the contract, and the retention run drops readings past their period."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.reports import access
from rekisteri.adapters.schema.consumption import reading_block
from rekisteri.adapters.schema.register import metering_point
from rekisteri.catalogue import Category, Lang, label
from rekisteri.domain.consumption import HELSINKI
from rekisteri.domain.register import Provenance
from rekisteri.services.consumption import retention as reading_retention
from rekisteri.services.rights import erasure, package, portability, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.consumption import (
    corrections,
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    run_import,
    stored,
    write,
)


def test_an_access_package_holds_exactly_the_persons_own_readings(
    register: RegisterApp, tmp_path: Path
) -> None:
    """Someone moved from site A to site B; someone else moved into A after them."""
    a_point, b_point = new_gsrn(), new_gsrn()
    move = dt.date(2025, 3, 10)
    with register.unit_of_work(Actor("test")) as uow:
        site_a, site_b = new_site(uow, a_point), new_site(uow, b_point)
        mover, next_occupant = new_customer(uow), new_customer(uow)
        new_contract(uow, mover, site_a, dt.date(2025, 1, 1), move)
        new_contract(uow, mover, site_b, move)
        new_contract(uow, next_occupant, site_a, move)
    start = (dt.datetime.combine(move, dt.time(), HELSINKI) - dt.timedelta(days=2)).astimezone(
        dt.UTC
    )
    run_import(register, write(tmp_path / "a.csv", readings(a_point, start, 4 * 96)))
    run_import(register, write(tmp_path / "b.csv", readings(b_point, start, 4 * 96)))
    moved = dt.datetime.combine(move, dt.time(), HELSINKI)
    with register.reading(Actor("test")) as uow:
        own = package.build(uow, mover, reveal=True)
        rows = list(own.readings.iter_rows(named=True))
        out = io.StringIO()
        assert access.write_readings_csv(own.readings, out) == len(rows)
        theirs = list(package.build(uow, next_occupant, reveal=True).readings.iter_rows(named=True))
        portable = json.loads(portability.build(uow, mover).to_json())
    moved_ts = moved.timestamp()
    at_a = [r for r in rows if r["gsrn"] == a_point]
    at_b = [r for r in rows if r["gsrn"] == b_point]
    assert at_a and max(r["ts"] for r in at_a) < moved_ts  # nothing after they moved out of A
    assert at_b and min(r["ts"] for r in at_b) >= moved_ts  # nothing at B before they moved in
    assert {r["ts"] for r in theirs}.isdisjoint({r["ts"] for r in at_a})
    assert len(at_a) + len(theirs) == 4 * 96
    assert own.monthly and sum(m.kwh for m in own.monthly) > 0
    assert out.getvalue().count("\n") == len(rows) + 1
    # Portability carries the same readings; the CSV states them in Datahub's columns.
    records = portable["consumption_readings"]
    assert len(records) == len(rows) and records[0].keys() == {"gsrn", "start_utc", "wh", "quality"}
    first = dt.datetime.fromtimestamp(rows[0]["ts"], dt.UTC)
    assert records[0]["start_utc"] == first.strftime("%Y-%m-%dT%H:%M:%SZ")
    line = out.getvalue().splitlines()[1].split(";")
    assert (line[0], line[2], line[5]) == (records[0]["gsrn"], "PT15M", records[0]["start_utc"])


@pytest.mark.proves("P14.kept.readings")
def test_the_retention_run_drops_readings_past_their_period(
    register: RegisterApp, tmp_path: Path, clock: FakeClock
) -> None:
    point = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        site = new_site(uow, point)
        new_contract(uow, new_customer(uow), site, dt.date(2019, 1, 1))
    run_import(
        register,
        write(
            tmp_path / "old.csv", readings(point, dt.datetime(2019, 12, 31, 22, tzinfo=dt.UTC), 96)
        ),
    )
    run_import(
        register,
        write(
            tmp_path / "new.csv", readings(point, dt.datetime(2025, 12, 31, 22, tzinfo=dt.UTC), 96)
        ),
    )
    clock.set(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC))  # six years after the old day
    with register.unit_of_work(Actor("test")) as uow:
        planned = retention.run(uow, dry_run=True)
    assert planned.counts["readings past their period"] == 96
    with register.unit_of_work(Actor("test")) as uow:
        done = retention.run(uow)
    assert done.counts["readings past their period"] == 96
    with register.reading(Actor("test")) as uow:
        left = uow.execute(select(func.sum(reading_block.c.readings))).scalar_one()
        assert left == 96
    with register.unit_of_work(Actor("test")) as uow:
        assert retention.run(uow).counts["readings past their period"] == 0  # idempotent


@pytest.mark.parametrize("years", [6, 5])
def test_readings_are_kept_72_months_to_the_helsinki_day(
    register: RegisterApp, tmp_path: Path, clock: FakeClock, years: int
) -> None:
    """A reading of Helsinki day D is kept through D + 72 months and gone the day after, as the
    statement's "6 years from the reading" says (mid-month: no month-end rounding). A retailer
    that sets another period (reading_retention_months) has it to the day as well."""
    assert register.settings.reading_retention_months == 72
    if years != 6:
        update = {"reading_retention_months": years * 12}
        register.settings = register.settings.model_copy(update=update)
    point = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        new_contract(uow, new_customer(uow), new_site(uow, point), dt.date(2019, 1, 1))
    day = dt.date(2020, 1, 15)
    midnight = dt.datetime.combine(day, dt.time(), HELSINKI).astimezone(dt.UTC)
    run_import(register, write(tmp_path / "day.csv", readings(point, midnight, 96)))

    def held() -> int:
        with register.reading(Actor("test")) as uow:
            return int(uow.execute(select(func.sum(reading_block.c.readings))).scalar() or 0)

    def run_on(today: dt.date) -> int:
        clock.set(dt.datetime.combine(today, dt.time(12), dt.UTC))
        with register.unit_of_work(Actor("test")) as uow:
            return retention.run(uow).counts["readings past their period"]

    end = 2020 + years
    for today in (dt.date(end, 1, 14), dt.date(end, 1, 15)):  # the day before, the day itself
        assert run_on(today) == 0, today
        assert held() == 96, today
    assert run_on(dt.date(end, 1, 16)) == 96
    assert held() == 0


def test_erasure_takes_exactly_the_persons_periods_readings_and_their_corrections(
    register: RegisterApp, tmp_path: Path
) -> None:
    """Two persons erased together: each one's periods go (with replaced values inside them);
    the next occupant's readings at the same point, and their corrections, stay."""
    a_point, b_point, c_point = new_gsrn(), new_gsrn(), new_gsrn()
    move = dt.date(2025, 3, 10)
    with register.unit_of_work(Actor("test")) as uow:
        site_a, site_b = new_site(uow, a_point), new_site(uow, b_point)
        site_c = new_site(uow, c_point)
        mover, next_occupant, other = new_customer(uow), new_customer(uow), new_customer(uow)
        new_contract(uow, mover, site_a, dt.date(2025, 1, 1), move)
        new_contract(uow, mover, site_b, move)
        new_contract(uow, next_occupant, site_a, move)
        new_contract(uow, other, site_c, dt.date(2025, 1, 1))
    start = (dt.datetime.combine(move, dt.time(), HELSINKI) - dt.timedelta(days=2)).astimezone(
        dt.UTC
    )
    for n, point in enumerate((a_point, b_point, c_point)):
        run_import(register, write(tmp_path / f"{n}.csv", readings(point, start, 4 * 96)))
    # A later file corrects site A across the move: replaced values on both sides of it.
    run_import(
        register, write(tmp_path / "fix.csv", readings(a_point, start, 4 * 96, wh=lambda i: 7))
    )
    moved_ts = dt.datetime.combine(move, dt.time(), HELSINKI).timestamp()
    before_fix = corrections(register)
    assert any(c[1] < moved_ts for c in before_fix) and any(c[1] >= moved_ts for c in before_fix)
    with register.unit_of_work(Actor("test")) as uow:
        erased = reading_retention.erase_periods_of(uow, [mover, other])
    left = stored(register)
    with register.reading(Actor("test")) as uow:
        ids = {
            gsrn: mp for mp, gsrn in uow.execute(select(metering_point.c.id, metering_point.c.gsrn))
        }
    a_left = [r for r in left if r[0] == ids[a_point]]
    b_left = [r for r in left if r[0] == ids[b_point]]
    assert erased == 2 * 96 + 2 * 96 + 4 * 96  # the mover's days at A and B, all of C
    assert len(left) == len(a_left) + len(b_left)  # nothing of C
    assert len(a_left) == 2 * 96 and min(r[1] for r in a_left) >= moved_ts  # the next occupant
    assert len(b_left) == 2 * 96 and max(r[1] for r in b_left) < moved_ts  # nobody's, before
    assert {c[1] >= moved_ts for c in corrections(register)} == {True}


def test_an_erasure_takes_the_former_customers_readings_and_says_so_in_their_language(
    register: RegisterApp, tmp_path: Path
) -> None:
    point = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        site = new_site(uow, point)
        former = new_customer(uow)
        new_contract(uow, former, site, dt.date(2025, 1, 1), dt.date(2025, 6, 1))
    start = dt.datetime(2025, 3, 1, tzinfo=HELSINKI).astimezone(dt.UTC)
    run_import(register, write(tmp_path / "r.csv", readings(point, start, 2 * 96)))
    with register.unit_of_work(Actor("test")) as uow:
        told = Provenance.of("customer_contact", uow.now(), "letter")
        answer = erasure.erase_person(uow, former, told, reason="asked", lang="sv")
    assert stored(register) == []
    # Only what the person had is said erased: no table of theirs with no rows.
    assert answer.erased and all(e["rows"] > 0 for e in answer.erased)
    said = [e for e in answer.erased if e["attribute"] == "reading_block.readings"]
    assert said == [
        {
            "attribute": "reading_block.readings",
            "what": label(Category.CONSUMPTION, Lang.SV),
            "rows": 2 * 96,
            "how": "deleted",
        }
    ]
