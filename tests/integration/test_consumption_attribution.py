"""Attribution: a person's readings are those within their own contract periods, Helsinki
dates, on the day of a move too; aggregates are computed over the same attribution."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rekisteri.catalogue import Category
from rekisteri.domain.consumption import HELSINKI
from rekisteri.domain.drafts import ContractDraft
from rekisteri.domain.register import ContractKind
from rekisteri.services.consumption.attribution import readings_of, summary
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    prov,
    readings,
    run_import,
    utc,
    write,
)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)  # type: ignore[misc]


@pytest.mark.parametrize(
    "move_day",
    [dt.date(2025, 3, 10), dt.date(2025, 3, 30), dt.date(2025, 10, 26)],
    ids=["winter", "dst-starts", "dst-ends"],
)
def test_a_move_out_and_in_on_the_same_day_splits_the_readings_at_local_midnight(
    register: RegisterApp, tmp_path: Path, move_day: dt.date
) -> None:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        site = new_site(uow, gsrn)
        earlier, later = new_customer(uow), new_customer(uow)
        new_contract(uow, earlier, site, dt.date(2025, 1, 1), move_day)
        new_contract(uow, later, site, move_day)
    first = dt.datetime.combine(move_day, dt.time(0), HELSINKI) - dt.timedelta(days=1)
    run_import(register, write(tmp_path / "r.csv", readings(gsrn, first.astimezone(dt.UTC), 192)))
    moved = dt.datetime.combine(move_day, dt.time(0), HELSINKI)
    with register.reading(Actor("test")) as uow:
        old = readings_of(uow, earlier)
        new = readings_of(uow, later)
        assert {Category.CONSUMPTION} <= set().union(*(r.categories for r in uow.reads))
        assert {r.person_ids for r in uow.reads} == {(earlier,), (later,)}
    assert old and new
    assert max(r.ts for r in old) < moved <= min(r.ts for r in new)
    assert max(r.ts for r in old) == moved - dt.timedelta(minutes=15)
    assert {r.ts for r in old}.isdisjoint({r.ts for r in new})
    assert len(old) + len(new) == 192
    assert all(r.ts.tzinfo is dt.UTC and r.gsrn == gsrn for r in old + new)


def test_a_period_and_someone_elses_site_are_respected(
    register: RegisterApp, tmp_path: Path
) -> None:
    mine, theirs = new_gsrn(), new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        me, other = new_customer(uow), new_customer(uow)
        new_contract(uow, me, new_site(uow, mine), dt.date(2025, 1, 1))
        new_contract(uow, other, new_site(uow, theirs), dt.date(2025, 1, 1))
        nobody = new_customer(uow)
    start = utc(2025, 2, 1)
    run_import(
        register,
        write(tmp_path / "r.csv", readings(mine, start, 96), readings(theirs, start, 96)),
    )
    with register.reading(Actor("test")) as uow:
        assert {r.gsrn for r in readings_of(uow, me)} == {mine}
        assert readings_of(uow, nobody) == []
        window = readings_of(uow, me, utc(2025, 2, 1, 6), utc(2025, 2, 1, 7))
    assert [r.ts for r in window] == [utc(2025, 2, 1, 6, 15 * i) for i in range(4)]


def test_two_contracts_at_one_site_do_not_count_twice(
    register: RegisterApp, tmp_path: Path
) -> None:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        me = new_customer(uow)
        site = new_site(uow, gsrn)
        new_contract(uow, me, site, dt.date(2025, 1, 1))
        draft = ContractDraft(site, ContractKind.NETWORK, "Siirto", dt.date(2025, 1, 15))
        customers.add_contract(uow, me, draft, prov(uow))
    run_import(register, write(tmp_path / "r.csv", readings(gsrn, utc(2025, 2, 1), 40)))
    with register.reading(Actor("test")) as uow:
        assert len(readings_of(uow, me)) == 40
        assert summary(uow, me, by="year").totals[0].readings == 40


def test_daily_totals_follow_helsinki_days_across_dst(
    register: RegisterApp, tmp_path: Path
) -> None:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        me = new_customer(uow)
        new_contract(uow, me, new_site(uow, gsrn), dt.date(2025, 1, 1))
    start = local(2025, 3, 29).astimezone(dt.UTC)
    count = (23 + 24 + 24) * 4  # 29th, 30th (23 hours), 31st
    night = {22, 23, 0, 1, 2, 3, 4, 5, 6}

    def wh(i: int) -> int:
        at = (start + dt.timedelta(minutes=15 * i)).astimezone(HELSINKI)
        return 1 if at.hour in night else 3

    frame = readings(gsrn, start, count + 4, wh=wh)
    # One high reading: the peak hour, at 18:00 local on the 31st.
    peak = int(local(2025, 3, 31, 18).timestamp())
    frame = frame.with_columns(wh=frame["wh"].set(frame["ts"] == peak, 500))
    run_import(register, write(tmp_path / "dst.csv", frame))
    with register.reading(Actor("test")) as uow:
        by_day = summary(uow, me, local(2025, 3, 29), local(2025, 4, 1), by="day")
        by_month = summary(uow, me, local(2025, 3, 29), local(2025, 4, 1), by="month")
    assert [(t.period, t.readings) for t in by_day.totals] == [
        ("2025-03-29", 96),
        ("2025-03-30", 92),
        ("2025-03-31", 96),
    ]
    assert [t.period for t in by_month.totals] == ["2025-03"]
    assert by_month.total_wh == sum(t.wh for t in by_day.totals)
    assert by_day.peak_hour == local(2025, 3, 31, 18)
    values = [wh(i) for i in range(count)]
    values[
        [start + dt.timedelta(minutes=15 * i) for i in range(count)].index(
            dt.datetime.fromtimestamp(peak, dt.UTC)
        )
    ] = 500
    night_wh = sum(v for v in values if v == 1)
    assert by_day.night_share == pytest.approx(night_wh / sum(values))
