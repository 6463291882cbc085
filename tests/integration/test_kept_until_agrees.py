"""The day the access package tells the person their data is kept until is the day the
retention run keeps it through (P14, issue 18): for every retention rule with data in a demo
register, rows are taken with the `kept_until` their package gives, and the real retention run
is made on that day (it keeps them) and on the day after (they are gone), each run in a
transaction rolled back. Both databases.

The demo register (generated, then its last days through the register's doors) has customers
whose contracts run and ended, prospects, contact persons, disclosures, credit checks,
feedback, requests; a corrected reading is imported for the readings' rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ColumnElement, and_, or_, select

from rekisteri.adapters.schema.audit import audit_subject
from rekisteri.adapters.schema.disclosure import disclosure_subject
from rekisteri.adapters.schema.register import person
from rekisteri.demo.customers import generate
from rekisteri.demo.doors import through_the_doors
from rekisteri.services.consumption import attribution
from rekisteri.services.register.subjects import belongs_to, table_of
from rekisteri.services.rights import package, retention
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork
from tests.support.clock import FakeClock
from tests.support.consumption import readings, run_import, write

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
DPO = Actor("tietosuoja.dpo")
RUN = Actor("retention")
ONE_DAY = dt.timedelta(days=1)
# Sections whose rows are another table's (the disclosures of the person, by their link row).
TABLE_OF = {"disclosures": "disclosure"}
# A copy its triggers keep of the contact points and contacts (empty when they go): what it
# copies is checked, and it has no period of its own.
NOT_CHECKED = {"person_reach": "a copy kept by triggers"}


class RolledBack(Exception):
    """Ends a unit of work so that the run's changes are rolled back."""


@dataclass(frozen=True)
class Sample:
    person_id: int
    section: str
    row_id: Any
    kept_until: dt.date | None


def _held(uow: UnitOfWork, s: Sample) -> bool:
    """Whether the person's row still holds a value (a row may stay with its values cleared)."""
    if s.section == "audit_entry":
        link = audit_subject.c
        where: Any = and_(link.seq == s.row_id, link.person_id == s.person_id)
        return uow.execute(select(link.seq).where(where)).first() is not None
    if s.section == "disclosures":
        link = disclosure_subject.c
        where = and_(link.disclosure_id == s.row_id, link.person_id == s.person_id)
        return uow.execute(select(link.disclosure_id).where(where)).first() is not None
    name = TABLE_OF.get(s.section, s.section)
    t = table_of(name)
    keys = s.row_id if isinstance(s.row_id, list) else [s.row_id]
    cond: list[ColumnElement[bool]] = [
        c == k for c, k in zip(t.primary_key.columns, keys, strict=True)
    ]
    if name in uow.catalogue.tables and name != "reading_correction":
        cond.append(belongs_to(uow.catalogue.tables[name], s.person_id))
    attrs = uow.catalogue.for_table(name)
    values = or_(*(t.c[c].is_not(None) for a in attrs for c in a.columns))
    return uow.execute(select(t.primary_key.columns[0]).where(*cond, values)).first() is not None


def _samples(reg: RegisterApp) -> list[Sample]:
    """Every row with a kept_until in every person's package."""
    out = []
    with reg.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(select(person.c.id)).scalars()]
    for pid in ids:
        with reg.reading(DPO) as uow:
            built = package.build(uow, pid, lang="en")
        for section in built.sections:
            if section.key in NOT_CHECKED:
                continue
            for r in section.rows:
                if "kept_until" in r:
                    out.append(Sample(pid, section.key, r["row_id"], r["kept_until"]))
    return out


def _check_on(reg: RegisterApp, clock: FakeClock, day: dt.date, samples: list[Sample]) -> list[str]:
    """Run the retention on `day` and say which samples it keeps or removes against their
    kept_until; the run is rolled back."""
    clock.set(dt.datetime.combine(day, dt.time(10), dt.UTC))
    wrong: list[str] = []
    try:
        with reg.unit_of_work(RUN) as uow:
            retention.run(uow)
            for s in samples:
                kept = s.kept_until is None or s.kept_until >= day
                if _held(uow, s) != kept:
                    wrong.append(f"{s} on {day}: {'removed' if kept else 'kept'}")
            raise RolledBack
    except RolledBack:
        pass
    return wrong


@pytest.fixture
def demo(register: RegisterApp, clock: FakeClock, tmp_path: Path) -> RegisterApp:
    clock.set(NOW)
    made = generate(register, 60, seed=1)
    assert made.traffic is not None
    through_the_doors(register, made.traffic, tmp_path / "doors")
    with register.reading(DPO) as uow:
        holders = [
            int(p)
            for p in uow.execute(
                select(person.c.id).where(person.c.relationship == "customer")
            ).scalars()
        ]
        gsrn = next(pts[-1].gsrn for p in holders if (pts := attribution.attributed_points(uow, p)))
    start = dt.datetime(2026, 3, 1, 22, tzinfo=dt.UTC)
    run_import(register, write(tmp_path / "first.csv", readings(gsrn, start, 96)))
    # A later file corrects the day: the replaced values are kept (reading_correction).
    run_import(
        register, write(tmp_path / "second.csv", readings(gsrn, start, 96, wh=lambda i: 7 + i))
    )
    return register


def test_the_run_keeps_every_row_through_its_kept_until_and_removes_it_the_day_after(
    demo: RegisterApp, clock: FakeClock
) -> None:
    samples = _samples(demo)
    rules = {
        a.retention.name
        for s in samples
        for a in demo.catalogue.for_table(TABLE_OF.get(s.section, s.section))
    }
    # The rules the demo register has data of, each with rows whose day is fixed.
    assert {
        "contract_records",
        "customer_data",
        "marketing_data",
        "contact_history",
        "credit_checks",
        "feedback",
        "request_records",
        "disclosure_records",
        "access_log",
        "readings",
    } <= rules
    by_section: dict[str, list[Sample]] = {}
    for s in samples:
        by_section.setdefault(s.section, []).append(s)
    # Each section's first and last dated row, and a row not yet fixed, are checked on each
    # day; the days are each section's dated rows' first and last kept_until and the days after.
    chosen: list[Sample] = []
    days: set[dt.date] = set()
    for section, rows in by_section.items():
        dated = sorted((s for s in rows if s.kept_until), key=lambda s: s.kept_until or NOW.date())
        open_ = [s for s in rows if s.kept_until is None][:1]
        chosen += dated[:1] + dated[-1:] + open_
        for s in dated[:1] + dated[-1:]:
            assert s.kept_until is not None
            days |= {s.kept_until, s.kept_until + ONE_DAY}
    wrong = [w for day in sorted(days) for w in _check_on(demo, clock, day, chosen)]
    firsts = {w.split(" on ")[0]: w for w in wrong}
    assert not wrong, "\n".join(firsts.values())
