"""The archive's consumption job on a real Spark standalone cluster (a master and two
one-core workers, each its own Java process): its results, written back to the register, equal
the register's own consumption summary and its totals by metering point, for every person, on
both databases.

The register: readings in the demo's shapes (heating season, daily rhythm, night tariffs,
noise, missing and estimated readings) over both of 2025's clock changes and the month ends
beside them; PT15M and PT1H points; a move on the day the clocks went forward and one the day
after they went back; a person holding two points at once (their hours add up for the peak);
a later file correcting readings of the autumn's long day.

The tests run on one xdist worker (tests/conftest.py TOGETHER), which starts the cluster once
for them all."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from pyspark.sql import SparkSession
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.archive import spark_jobs
from rekisteri.adapters.archive.parquet import Archive
from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.consumption import consumption_month, consumption_peak
from rekisteri.adapters.schema.register import metering_point, person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.demo.readings import profile_frame
from rekisteri.domain.consent import Channel, ConsentPurpose
from rekisteri.domain.consumption import HELSINKI, last_whole_months, local_midnight
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import Provenance
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.archive import sync as archive_sync
from rekisteri.services.archive import totals as archive_totals
from rekisteri.services.consumption.attribution import (
    reading_frame_of,
    summary,
    totals_by_point,
)
from rekisteri.services.marketing import audience, segments
from rekisteri.services.marketing.audience import AudienceSpec
from rekisteri.services.rights import erasure, objection, restriction, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    prov,
    run_import,
    write,
)
from tests.support.spark_cluster import standalone_cluster
from tests.support.staff import tokens_per_role

STAFF = Actor("test")
SPRING = dt.date(2025, 3, 24)  # clocks forward on 30 March; April from the 1st
AUTUMN = dt.date(2025, 10, 20)  # clocks back on 26 October; November from the 1st
DAYS = 16
YEAR = dt.date(2025, 3, 1)  # the clock's last 12 whole months (it stands on 3 March 2026)
FAR_START = dt.datetime(2024, 1, 1, tzinfo=HELSINKI)
FAR_END = dt.datetime(2026, 6, 1, tzinfo=HELSINKI)


@pytest.fixture(scope="module")
def spark_master(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with standalone_cluster(tmp_path_factory.mktemp("spark")) as url:
        yield url


def _frames(
    points: list[tuple[str, str, str, int]], resolution: int, whole_year: bool
) -> list[pl.DataFrame]:
    spans = [(YEAR, 365)] if whole_year else [(SPRING, DAYS), (AUTUMN, DAYS)]
    return [
        profile_frame(
            points,
            local_midnight(first),
            local_midnight(first + dt.timedelta(days=days)),
            resolution,
            seed=7,
        )
        for first, days in spans
    ]


def _build(register: RegisterApp, tmp: Path, *, whole_year: bool = False) -> dict[str, int]:
    a, b, c, d = (new_gsrn() for _ in range(4))
    with register.unit_of_work(Actor("test")) as uow:
        site_a, site_b, site_c, site_d = (new_site(uow, g) for g in (a, b, c, d))
        mover, next_occupant, two_homes = (new_customer(uow) for _ in range(3))
        new_contract(uow, mover, site_a, dt.date(2025, 1, 1), dt.date(2025, 3, 30))
        new_contract(uow, mover, site_b, dt.date(2025, 3, 30))
        new_contract(uow, next_occupant, site_a, dt.date(2025, 3, 30), dt.date(2025, 10, 27))
        new_contract(uow, two_homes, site_c, dt.date(2025, 1, 1))
        new_contract(uow, two_homes, site_d, dt.date(2025, 3, 28))
    quarter = _frames(
        [(a, "electric", "time_of_day", 18000), (c, "district", "", 4000)], 900, whole_year
    )
    hourly = _frames([(b, "heat_pump", "", 9000), (d, "electric", "", 12000)], 3600, whole_year)
    run_import(register, write(tmp / "quarter.csv", *quarter))
    run_import(register, write(tmp / "hourly.csv", *hourly))
    # A later delivery corrects point A's long autumn day (25 hours of quarters).
    long_day = (local_midnight(dt.date(2025, 10, 26)), local_midnight(dt.date(2025, 10, 27)))
    corrected = quarter[-1].filter(
        (pl.col("gsrn") == a) & pl.col("ts").is_between(long_day[0], long_day[1], closed="left")
    )
    assert corrected.height == 100
    run_import(
        register,
        write(
            tmp / "correction.csv",
            corrected.with_columns(pl.col("wh").fill_null(40) + 11, pl.lit("OK").alias("quality")),
        ),
    )
    register.settings.archive_dir = tmp / "archive"
    _sync(register)
    return {"mover": mover, "next": next_occupant, "two_homes": two_homes}


@pytest.fixture(scope="module")
def spark(spark_master: str) -> Iterator[SparkSession]:
    """One session on the cluster for the module's runs. (`archive totals` starts and stops a
    session of its own, `spark_job`: tests/e2e/test_change_audit.py runs it.)"""
    session = spark_jobs.session(spark_master)
    yield session
    session.stop()


def _run(register: RegisterApp, spark: SparkSession) -> archive_totals.TotalsResult:
    def job(archive: Archive) -> tuple[list[spark_jobs.PointMonth], list[spark_jobs.PeakHour]]:
        return spark_jobs.consumption_totals(spark, archive.root)

    return archive_totals.compute(register, Actor("system:archive"), job)


def _sync(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("system:archive")) as uow:
        archive_sync.sync(uow, archive_sync.required_archive(uow.settings))


def _job_rows(register: RegisterApp, person_id: int) -> list[Any]:
    with register.engine.connect() as conn:
        m = consumption_month.c
        return list(
            conn.execute(
                select(m.metering_point_id, m.month, m.wh, m.readings, m.missing, m.night_wh).where(
                    m.person_id == person_id
                )
            )
        )


def _job_by(rows: list[Any], width: int) -> list[tuple[str, int, int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for _, month, wh, n, missing, _ in rows:
        acc = out[month.isoformat()[:width]]
        acc[0], acc[1], acc[2] = acc[0] + wh, acc[1] + n, acc[2] + missing
    return sorted((k, *v) for k, v in out.items())  # type: ignore[misc]


def _equal_to_the_registers(
    register: RegisterApp, pid: int, start: dt.datetime, end: dt.datetime
) -> list[str]:
    """The job's rows for the person against `summary` by month and by year, `totals_by_point`,
    the night share and the peak hour; returns the person's months."""
    rows = _job_rows(register, pid)
    with register.unit_of_work(Actor("test")) as uow:
        months = summary(uow, pid, start, end, "month")
        years = summary(uow, pid, start, end, "year")
        points = totals_by_point(uow, pid, start, end, "month")
        gsrns = dict(uow.execute(select(metering_point.c.gsrn, metering_point.c.id)).all())
        peak = uow.execute(
            select(consumption_peak.c.hour_start, consumption_peak.c.wh).where(
                consumption_peak.c.person_id == pid
            )
        ).first()
    register_months = [(t.period, t.wh, t.readings, t.missing) for t in months.totals]
    assert _job_by(rows, 7) == register_months, pid
    assert _job_by(rows, 4) == [(t.period, t.wh, t.readings, t.missing) for t in years.totals]
    by_point = {
        (gsrns[p.gsrn], t.period): (t.wh, t.readings, t.missing) for p in points for t in p.totals
    }
    assert {(r[0], r[1].isoformat()[:7]): tuple(r[2:5]) for r in rows} == by_point, pid
    total = sum(r[2] for r in rows)
    assert months.night_share == (sum(r[5] for r in rows) / total if total else None), pid
    assert (tuple(peak) if peak else (None, None)) == (
        months.peak_hour.astimezone(dt.UTC) if months.peak_hour else None,
        months.peak_hour_wh,
    ), pid
    assert _point_peaks(register, pid) == _register_point_peaks(register, pid, start, end), pid
    return [t.period for t in months.totals]


def _point_peaks(register: RegisterApp, pid: int) -> dict[tuple[str, str], tuple[Any, int]]:
    m = consumption_month.c
    with register.engine.connect() as conn:
        rows = conn.execute(
            select(m.gsrn, m.month, m.peak_start, m.peak_wh).where(
                m.person_id == pid, m.peak_wh.is_not(None)
            )
        ).all()
    return {(g, f"{month:%Y-%m}"): (at, wh) for g, month, at, wh in rows}


def _register_point_peaks(
    register: RegisterApp, pid: int, start: dt.datetime, end: dt.datetime
) -> dict[tuple[str, str], tuple[Any, int]]:
    """Each month's highest hour at each of the person's points, from the register's own
    readings of the person (the attribution), added up by hour with polars."""
    with register.unit_of_work(Actor("test")) as uow:
        frame = reading_frame_of(uow, pid, start, end)
    hourly = (
        frame.filter(pl.col("wh").is_not_null())
        .group_by("gsrn", (pl.col("ts") - pl.col("ts") % 3600).alias("hour"))
        .agg(pl.col("wh").sum())
        .with_columns(
            pl.from_epoch("hour", time_unit="s")
            .dt.convert_time_zone(HELSINKI.key)
            .dt.strftime("%Y-%m")
            .alias("month")
        )
        .sort(["wh", "hour"], descending=[True, False])
        .group_by("gsrn", "month", maintain_order=True)
        .first()
    )
    return {
        (g, month): (dt.datetime.fromtimestamp(hour, dt.UTC), wh)
        for g, month, hour, wh in hourly.select("gsrn", "month", "hour", "wh").iter_rows()
    }


def test_the_jobs_results_equal_the_registers_own_summary_for_every_person(
    register: RegisterApp, tmp_path: Path, spark: SparkSession
) -> None:
    persons = _build(register, tmp_path)
    result = _run(register, spark)
    assert result.persons == 3 and result.left_out == []
    for name, pid in persons.items():
        months = _equal_to_the_registers(register, pid, FAR_START, FAR_END)
        # Both clock changes' months for each (March, April, October; November but for the
        # person who moved out on 27 October).
        assert len(months) == (3 if name == "next" else 4), name
    # The person with two homes has both in the same months (their hours added for the peak).
    both = defaultdict(set)
    for point, month, *_ in _job_rows(register, persons["two_homes"]):
        both[month].add(point)
    assert max(len(points) for points in both.values()) == 2


def test_the_same_for_every_person_of_a_demo_register(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path, spark: SparkSession
) -> None:
    """`rekisteri demo` (its customers and contracts, ended ones among them; 45 days of its
    quarter-hour readings to today, across a month end always and across the autumn's clock
    change when run in November or early December), then the job: every person with readings
    as the register says. The moves and clock changes that are always there are in the test
    above."""
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }
    made = CliRunner().invoke(
        cli,
        ["demo", "--customers", "40", "--seed", "3", "--readings-days", "45",
         "--resolution", "PT15M"],
        env=env,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    register.settings.archive_dir = tmp_path / "archive"
    _sync(register)
    result = _run(register, spark)
    assert result.persons >= 20 and result.left_out == []
    with register.engine.connect() as conn:
        pids = sorted(set(conn.execute(select(consumption_month.c.person_id)).scalars()))
    start = dt.datetime(2020, 1, 1, tzinfo=HELSINKI)
    end = dt.datetime.now(HELSINKI) + dt.timedelta(days=2)
    months = {m for pid in pids for m in _equal_to_the_registers(register, pid, start, end)}
    assert len(months) >= 2  # a month end at least


def test_the_person_page_shows_the_metered_year_in_the_readers_language(
    register: RegisterApp, tmp_path: Path, spark: SparkSession, clock: FakeClock
) -> None:
    persons = _build(register, tmp_path)
    _run(register, spark)
    token = tokens_per_role(register)[Role.CUSTOMER_SERVICE]
    first, end = last_whole_months(clock().astimezone(HELSINKI).date())
    pid = persons["two_homes"]
    wh = sum(r[2] for r in _job_rows(register, pid) if first <= r[1] < end)
    with register.unit_of_work(STAFF) as uow:
        number = uow.execute(select(person.c.customer_number).where(person.c.id == pid)).scalar()
    with TestClient(create_app(register)) as client:
        for lang, words in (("fi", "Mitattu kulutus"), ("sv", "Uppmätt förbrukning")):
            page = client.get(
                f"/console/persons/{number}",
                params={"lang": lang},
                headers={"Authorization": f"Bearer {token}", "Accept": "text/html"},
            )
            assert page.status_code == 200, page.text[:300]
            found = re.search(r'<p id="consumption-measured">(.*?)</p>', page.text, re.S)
            assert found, lang
            line = re.sub(r"<[^>]+>", "", found[1])
            kwh = f"{wh / 1000:,.1f}".replace(",", "\u00a0").replace(".", ",")
            assert line.startswith(f"{words} {first.month}/{first.year}"), line
            assert kwh in line, (kwh, line)
            assert "kk)" in line if lang == "fi" else "mån)" in line


def test_a_second_run_replaces_the_first_and_an_erased_person_has_nothing_back(
    register: RegisterApp, tmp_path: Path, spark: SparkSession
) -> None:
    persons = _build(register, tmp_path)
    _run(register, spark)
    with register.unit_of_work(Actor("test")) as uow:
        erasure.erase_person(uow, persons["next"], prov(uow), reason="a rights request")
    assert _job_rows(register, persons["next"]) == []  # the erasure took the totals too
    # The erasure took their readings from the database: the archive is no longer current.
    with pytest.raises(RuleViolation, match="run archive sync first"):
        _run(register, spark)
    _sync(register)
    again = _run(register, spark)
    # The erasure removed the person's periods from the archive: the job finds none of theirs,
    # and the run removed the totals of the first.
    assert again.persons == 2
    assert _job_rows(register, persons["next"]) == []
    assert _job_rows(register, persons["mover"])


def test_a_measured_consumption_segment_places_by_the_jobs_totals_but_never_an_objector(
    register: RegisterApp, tmp_path: Path, spark: SparkSession, clock: FakeClock
) -> None:
    persons = _build(register, tmp_path, whole_year=True)
    _run(register, spark)
    first, end = last_whole_months(clock().astimezone(HELSINKI).date())
    # Metered in each of the 12 months: those who held a point the whole year.
    whole = {"mover", "two_homes"}  # not the one who moved out on 27 October
    kwh = {
        name: sum(r[2] for r in _job_rows(register, pid) if first <= r[1] < end) / 1000
        for name, pid in persons.items()
        if name in whole
    }
    assert all(kwh.values())
    lowest = min(kwh, key=lambda n: kwh[n])
    below = int(sorted(kwh.values())[1]) - 1  # all but the lowest above it
    with register.unit_of_work(STAFF) as uow:
        segments.add(uow, SegmentDefinition("small", (parse_rule(f"measured_kwh=..{below}"),)))
        segments.add(uow, SegmentDefinition("any", (parse_rule("measured_kwh=0.."),)))

    def placed(name: str) -> set[str]:
        with register.unit_of_work(STAFF) as uow:
            return {m["segment"] for m in segments.memberships_of(uow, persons[name])}

    # A part of the year is not a year: the others are in neither segment.
    assert {name: placed(name) for name in persons} == {
        name: ({"any", "small"} if name == lowest else {"any"}) if name in whole else set()
        for name in persons
    }
    with register.unit_of_work(STAFF) as uow:
        _, any_kwh = segments.get(uow, "any")
    spec = AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.LETTER, segment=any_kwh)

    def explained(name: str) -> audience.Explanation:
        with register.unit_of_work(STAFF) as uow:
            found = audience.explain(uow, spec, persons[name])
        assert found is not None
        return found

    assert explained(lowest).segment_rules == [("measured_kwh=0..", True)]
    with register.unit_of_work(STAFF) as uow:
        objection.record_objection(
            uow,
            persons[lowest],
            Provenance.of("customer_contact", uow.now()),
            captured_how="letter",
            wording="Ei profilointia",
            purposes=(ConsentPurpose.PROFILING,),
        )
    assert placed(lowest) == set()
    # Nor does an audience's explanation evaluate the rule for them (it would profile them).
    after = explained(lowest)
    assert after.facts.profiling_objection and after.segment_rules == []
    # Placing or explaining by metered consumption is a read of it, audited as one.
    with register.engine.connect() as conn:
        entries = conn.execute(
            select(audit_entry.c.what, audit_entry.c.categories).where(
                audit_entry.c.what.in_(("audience explanation", "segments of the person"))
            )
        ).all()
    assert entries and all("consumption" in categories.split() for _, categories in entries)


def test_a_restriction_after_the_sync_refuses_the_job_until_the_next_sync(
    register: RegisterApp, tmp_path: Path, spark: SparkSession
) -> None:
    persons = _build(register, tmp_path)
    with register.unit_of_work(STAFF) as uow:
        restriction.restrict(uow, persons["next"], "the person asked", prov(uow))
    with pytest.raises(RuleViolation, match="run archive sync first"):
        _run(register, spark)
    _sync(register)
    done = _run(register, spark)
    assert done.persons == 2 and _job_rows(register, persons["next"]) == []


def test_of_two_equal_hours_the_earlier_is_the_peak(tmp_path: Path, spark: SparkSession) -> None:
    archive = Archive(tmp_path / "archive")
    start = local_midnight(dt.date(2025, 3, 3))
    hours = [start + 3600 * h for h in range(4)]
    wh = [100, 700, 300, 700]
    archive.write_month(
        "2025-03",
        pa.table(
            {
                "metering_point_id": [1] * 4,
                "gsrn": ["643000000000000017"] * 4,
                "ts": hours,
                "wh": wh,
                "quality": [0] * 4,
                "resolution": [3600] * 4,
            }
        ),
    )
    archive.write_periods(
        pa.table(
            {
                "person_id": [5],
                "metering_point_id": [1],
                "gsrn": ["643000000000000017"],
                "start_ts": [start],
                "end_ts": [start + 86400],
            }
        )
    )
    months, peaks = spark_jobs.consumption_totals(spark, archive.root)
    assert peaks == [spark_jobs.PeakHour(5, hours[1], 700)]
    assert [(m.peak_start, m.peak_wh) for m in months] == [(hours[1], 700)]
    assert [(m.month, m.wh, m.readings, m.night_wh) for m in months] == [("2025-03", 1800, 4, 1800)]


def test_without_an_archive_the_job_is_refused_naming_why(register: RegisterApp) -> None:
    with pytest.raises(InvalidInput, match="archive sync"):
        archive_totals.compute(register, Actor("system:archive"), lambda archive: ([], []))


@pytest.mark.parametrize(
    "master", ["yarn", "local[0]", "spark://", "http://example.org:7077", "local[2]; rm"]
)
def test_a_master_that_is_not_a_spark_master_url_is_refused(master: str) -> None:
    with pytest.raises(InvalidInput, match="master"):
        archive_totals.spark_job(master)


def test_the_retention_run_removes_the_jobs_totals_past_the_readings_period(
    register: RegisterApp, tmp_path: Path, spark: SparkSession, clock: FakeClock
) -> None:
    """P14: the totals are kept as the readings are, from the month's first day: 72 months
    after 15 April 2025, March's and April's totals go, October's and November's stay; a peak
    hour before that day goes too."""
    persons = _build(register, tmp_path)
    _run(register, spark)
    with register.engine.connect() as conn:
        peaks_before = {
            p: at
            for p, at in conn.execute(
                select(consumption_peak.c.person_id, consumption_peak.c.hour_start)
            )
        }
    clock.set(dt.datetime(2031, 4, 15, 12, tzinfo=dt.UTC))
    with register.unit_of_work(STAFF) as uow:
        retention.run(uow)
    cut = dt.datetime(2025, 4, 15, tzinfo=HELSINKI)
    for pid in persons.values():
        months = {f"{r[1]:%Y-%m}" for r in _job_rows(register, pid)}
        assert months and months <= {"2025-10", "2025-11"}, months
    with register.engine.connect() as conn:
        peaks_after = {
            p: at
            for p, at in conn.execute(
                select(consumption_peak.c.person_id, consumption_peak.c.hour_start)
            )
        }
    assert peaks_after == {p: at for p, at in peaks_before.items() if at >= cut}
