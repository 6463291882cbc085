"""Datahub's market events on SQLite and PostgreSQL: sites, metering points and contracts follow
the hub (a move in and out, switches both ways, a termination, the point's data), the party
matched by identity code or business ID, unknown parties and points never guessed, the conflict
rule, the same file twice, and a bad event refusing the whole file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters import contracts_in_force
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.market import market_event
from rekisteri.adapters.schema.register import (
    attribute_change,
    contract,
    metering_point,
    site,
)
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.catalogue import catalogue
from rekisteri.domain.drafts import ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import ContractKind, PersonKind, Provenance, Relationship
from rekisteri.services.register import customers, updates
from rekisteri.services.register.person_view import lookup_digest
from rekisteri.services.rights import package, periods
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock
from tests.support.market_events import (
    GRID_OWNER,
    NEW_SITE,
    event,
    events_file,
    gsrn,
    run_import,
)
from tests.support.people import HETU, STAFF, make_customer

SAMPLE = Path(__file__).parents[1] / "data" / "market_events" / "market-events.xml"
BUSINESS_ID = "1572860-0"
OTHER_HETU = "010190-123M"  # nobody in the register


def _rows(reg: RegisterApp, query: Any) -> list[Any]:
    with reg.engine.connect() as conn:
        return list(conn.execute(query).all())


def _count(reg: RegisterApp, table: Any) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _contracts(reg: RegisterApp, person_id: int) -> list[Any]:
    return _rows(
        reg, select(contract).where(contract.c.person_id == person_id).order_by(contract.c.id)
    )


def _state(reg: RegisterApp) -> dict[str, Any]:
    """Every row the import may touch, to show that something changed nothing."""
    return {
        t.name: _rows(reg, select(t).order_by(t.c.id))
        for t in (contract, site, metering_point, attribute_change, staff_task, market_event)
    }


def _organisation(reg: RegisterApp, point: int) -> int:
    """An organisation supplied at site `point` since 2024."""
    prov = Provenance.of("contract", reg.clock(), "order form")
    with reg.unit_of_work(STAFF) as uow:
        org = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.LEGAL,
                relationship=Relationship.CUSTOMER,
                organisation_name="Esimerkki Oy",
                business_id=BUSINESS_ID,
            ),
            prov,
        ).person_id
        site_id = customers.add_site(
            uow,
            SiteDraft("Teollisuustie 4", "00880", "Helsinki", metering_points=(gsrn(point),)),
            prov,
        )
        draft = ContractDraft(site_id, ContractKind.SALES, "Yrityssähkö", dt.date(2024, 1, 1))
        customers.add_contract(uow, org, draft, prov)
    return org


def test_the_sample_moves_the_customer_and_reports_what_it_could_not_match(
    register: RegisterApp, clock: FakeClock
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    c = make_customer(register)  # at site 2 (point ...023) since 2022-06-01
    done = run_import(register, SAMPLE)
    assert (done.events, done.matched, done.changed, done.unchanged) == (4, 2, 2, 0)
    assert (done.unmatched, done.conflicts, done.already_applied) == (2, 0, 0)
    # The unknown organisation's switch goes to staff; the unknown point's data is reported.
    assert done.tasks == 1
    assert any("DH-312-000003" in n and "unmatched" in n for n in done.notes)
    assert any("DH-122-000004" in n and "unmatched" in n for n in done.notes)
    _old, moved, new = _contracts(register, c.person_id)
    assert (moved.end_date, moved.end_reason) == (dt.date(2026, 2, 28), "moved_out")
    assert (new.start_date, new.end_date, new.product) == (dt.date(2026, 3, 1), None, "Pörssisähkö")
    assert new.source == "other_company"  # the hub, as P2 names it
    assert "event 1 (DH-311-000001)" in new.source_detail
    (point,) = _rows(register, select(metering_point).where(metering_point.c.gsrn == gsrn(3)))
    assert (point.site_id, point.kind, point.grid_owner) == (new.site_id, "consumption", GRID_OWNER)
    (made,) = _rows(register, select(site).where(site.c.id == new.site_id))
    assert (made.street, made.postal_code, made.main_fuse_a) == ("Uusikatu 3 B 12", "00500", 25)
    assert made.source == "other_company"
    ended = _rows(
        register,
        select(attribute_change.c.source, attribute_change.c.source_detail).where(
            attribute_change.c.table_name == "contract",
            attribute_change.c.row_id == moved.id,
            attribute_change.c.source == "other_company",
        ),
    )
    assert len(ended) == 1 and "DH-311-000002" in ended[0].source_detail
    (task,) = _rows(register, select(staff_task))
    assert task.kind == "market_event" and task.subject_table == "market_event"
    assert "DH-312-000003" in task.reason and BUSINESS_ID not in task.reason
    # The access package (Art. 15) shows what the hub brought, with its source (P2).
    with register.reading(Actor("test")) as uow:
        sections = {s.key: s for s in package.build(uow, c.person_id, lang="en").sections}
    points = {r["gsrn"]: r for r in sections["metering_point"].rows}
    assert points[gsrn(3)]["grid_owner"] == GRID_OWNER
    assert points[gsrn(3)]["source"] == "other companies"
    assert "Uusikatu 3 B 12" in {r["street"] for r in sections["site"].rows}


def test_the_same_file_twice_changes_nothing(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    make_customer(register)
    run_import(register, SAMPLE)
    before = _state(register)
    again = run_import(register, SAMPLE)
    assert (again.already_applied, again.matched, again.unmatched, again.tasks) == (4, 0, 0, 0)
    # An event repeated in another file is the same event.
    repeated = events_file(
        tmp_path / "later.xml",
        event("DH-311-000002", "move_out", "2026-02-28", gsrn(2), hetu=HETU),
    )
    assert run_import(register, repeated).already_applied == 1
    assert _state(register) == before


def test_an_unknown_person_or_point_is_never_guessed(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    c = make_customer(register)
    sites = _count(register, site)
    f = events_file(
        tmp_path / "unknown.xml",
        # Someone the register does not know moves in: no person, site or contract is made.
        event(
            "U-1", "move_in", "2026-03-01", gsrn(7), hetu=OTHER_HETU, product="Perus", data=NEW_SITE
        ),
        # The customer's contract ends at a point the register does not supply: staff find out
        # (the event is stored as applied and never read again).
        event("U-2", "switch_out", "2026-03-01", gsrn(8), hetu=HETU),
        # The customer starts at a point the register does not know, with no address for it.
        event("U-3", "contract_start", "2026-03-01", gsrn(9), hetu=HETU, product="Perus"),
    )
    done = run_import(register, f)
    assert (done.unmatched, done.matched, done.tasks) == (3, 0, 3)
    assert _count(register, site) == sites
    assert [r.end_date for r in _contracts(register, c.person_id)] == [dt.date(2022, 6, 1), None]
    outcomes = _rows(register, select(market_event.c.event_id, market_event.c.outcome))
    assert sorted(outcomes) == [("U-1", "unmatched"), ("U-2", "unmatched"), ("U-3", "unmatched")]
    # The lookup that found nobody is audited by a keyed digest, never the code itself.
    with register.reading(Actor("test")) as uow:
        digest = lookup_digest(uow, OTHER_HETU)
    lookups = _rows(register, select(audit_entry.c.what).where(audit_entry.c.action == "lookup"))
    assert [w for (w,) in lookups if digest in w] and not any(OTHER_HETU in w for (w,) in lookups)


def test_switches_and_a_termination_follow_the_hub_matched_by_business_id(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    org = _organisation(register, 5)
    c = make_customer(register)
    f = events_file(
        tmp_path / "switches.xml",
        event("S-1", "switch_out", "2026-04-01", gsrn(5), business_id=BUSINESS_ID),
        event(
            "S-2",
            "contract_end",
            "2026-03-31",
            gsrn(2),
            hetu=HETU,
            end_reason="terminated_by_retailer",
        ),
        event(
            "S-3",
            "switch_in",
            "2026-05-01",
            gsrn(2),
            hetu=HETU,
            product="Vihreä",
            data={"street": "Sähkötie 2", "postal_code": "00200", "post_office": "Helsinki"},
        ),
    )
    done = run_import(register, f)
    assert (done.matched, done.changed, done.unmatched, done.conflicts) == (3, 3, 0, 0)
    (ended,) = _contracts(register, org)
    assert (ended.end_date, ended.end_reason) == (dt.date(2026, 4, 1), "switched_supplier")
    _, terminated, back = _contracts(register, c.person_id)
    assert (terminated.end_date, terminated.end_reason) == (
        dt.date(2026, 3, 31),
        "terminated_by_retailer",
    )
    # The switch back is at the known point: its site is the same one, no new site is made.
    assert (back.site_id, back.start_date, back.product) == (
        terminated.site_id,
        dt.date(2026, 5, 1),
        "Vihreä",
    )


def test_a_value_the_person_gave_after_the_events_date_is_kept_and_reported(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 1, 10, 8, tzinfo=dt.UTC))
    c = make_customer(register)
    site_id = c.site_ids[1]
    clock.set(dt.datetime(2026, 3, 18, 8, tzinfo=dt.UTC))
    with register.unit_of_work(STAFF) as uow:
        told = Provenance.of("customer_contact", uow.now(), "phone call")
        updates.update_site(uow, site_id, {"main_fuse_a": 32}, "customer told", told)
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    data = {"main_fuse_a": "35", "connection": "3 x 35 A"}
    f = events_file(
        tmp_path / "data.xml", event("D-1", "metering_point", "2026-03-15", gsrn(2), data=data)
    )
    done = run_import(register, f)
    assert (done.matched, done.conflicts, done.changed) == (1, 1, 0)
    assert "site.main_fuse_a" in done.notes[0] and "conflict" in done.notes[0]
    (row,) = _rows(register, select(site).where(site.c.id == site_id))
    # The person's fuse (told on 18 March) stays; the connection, from 10 January, follows.
    assert (row.main_fuse_a, row.connection_details) == (32, "3 x 35 A")
    (change,) = _rows(
        register,
        select(attribute_change).where(
            attribute_change.c.attribute == "site.connection_details",
        ),
    )
    assert (change.source, change.person_id) == ("other_company", c.person_id)
    # Data of a later day than the person's word follows the hub.
    later = events_file(
        tmp_path / "later.xml", event("D-2", "metering_point", "2026-03-19", gsrn(2), data=data)
    )
    assert run_import(register, later).changed == 1
    (row,) = _rows(register, select(site.c.main_fuse_a).where(site.c.id == site_id))
    assert row.main_fuse_a == 35


def test_an_end_already_recorded_otherwise_is_kept_as_a_conflict(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    c = make_customer(register, ended_on=dt.date(2026, 3, 10))  # the person's own notice
    f = events_file(
        tmp_path / "late.xml",
        event("E-1", "move_out", "2026-03-15", gsrn(2), hetu=HETU),
        event("E-2", "move_out", "2022-06-01", gsrn(1), hetu=HETU),  # as recorded: unchanged
    )
    done = run_import(register, f)
    assert (done.conflicts, done.unchanged, done.tasks) == (1, 1, 1)
    assert [r.end_date for r in _contracts(register, c.person_id)] == [
        dt.date(2022, 6, 1),
        dt.date(2026, 3, 10),
    ]


def test_an_end_for_a_death_not_yet_recorded_goes_to_staff_and_the_file_goes_on(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    c = make_customer(register)
    f = events_file(
        tmp_path / "estate.xml",
        event("D-1", "contract_end", "2026-03-15", gsrn(2), hetu=HETU, end_reason="deceased"),
        event("D-2", "switch_out", "2026-03-15", gsrn(99), hetu=HETU),  # a point not ours
    )
    done = run_import(register, f)
    assert (done.conflicts, done.unmatched, done.tasks) == (1, 1, 2)
    assert [r.end_date for r in _contracts(register, c.person_id)][-1] is None  # still in force


def test_a_bad_event_stores_nothing_of_the_file(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    make_customer(register)
    before = _state(register)
    f = events_file(
        tmp_path / "bad.xml",
        event("B-1", "move_out", "2026-02-28", gsrn(2), hetu=HETU),
        event(
            "B-2",
            "move_in",
            "2026-03-01",
            gsrn(3),
            hetu="131052-308X",
            product="Perus",
            data=NEW_SITE,
        ),
    )
    with pytest.raises(InvalidInput) as err:
        run_import(register, f)
    assert err.value.where == "bad.xml, event 2 (B-2)"
    assert err.value.field == "Party/PersonalIdentityCode"
    assert _state(register) == before


def test_promises_that_hang_on_a_contracts_end_follow_the_hubs_end(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    c = make_customer(register)
    f = events_file(
        tmp_path / "away.xml", event("P-1", "switch_out", "2026-04-01", gsrn(2), hetu=HETU)
    )
    run_import(register, f)
    rule = catalogue["contract.contract"].retention
    with register.reading(Actor("test")) as uow:
        # Retention counts from the hub's end, the customer's last contract.
        assert periods.contracts_end(uow, c.person_id) == (False, dt.date(2026, 4, 1))
        kept = periods.kept_until(uow, rule, c.person_id)
        in_force = select(func.count()).where(
            contract.c.person_id == c.person_id,
            contracts_in_force.in_force(dt.date(2026, 4, 2)),
        )
        # The customer relationship (marketing's basis, renewals) ends with it.
        assert uow.execute(in_force).scalar_one() == 0
    years = periods.months(rule, register.settings) // 12
    assert kept == dt.date(2026 + years, 4, 1)


def test_the_catalogue_takes_the_hub_as_a_source_of_what_it_tells() -> None:
    for key in (
        "site.address",
        "site.main_fuse_a",
        "site.connection_details",
        "metering_point.gsrn",
        "metering_point.grid_owner",
        "contract.contract",
    ):
        assert "other_company" in {s.value for s in catalogue[key].sources}, key
    # What the hub does not tell stays the person's to give.
    assert "other_company" not in {s.value for s in catalogue["site.heating_type"].sources}


def test_a_value_nobody_gave_follows_the_hub_whenever_the_row_was_made(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    make_customer(register)  # the person gave the point today, without its grid owner
    f = events_file(
        tmp_path / "owner.xml",
        event("G-1", "metering_point", "2026-03-15", gsrn(2), data={"grid_owner": GRID_OWNER}),
    )
    assert run_import(register, f).changed == 1
    owner = select(metering_point.c.grid_owner).where(metering_point.c.gsrn == gsrn(2))
    assert _rows(register, owner) == [(GRID_OWNER,)]


def test_a_move_in_while_another_persons_contract_runs_goes_to_staff(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    make_customer(register)  # at site 2 (point ...023), its contract open
    other = make_customer(
        register, hetu="150385-234K", email="toinen@example.fi", site_numbers=(11, 12)
    )
    f = events_file(
        tmp_path / "early.xml",
        event(
            "M-1",
            "move_in",
            "2026-03-01",
            gsrn(2),
            hetu="150385-234K",
            product="Perus",
            data=NEW_SITE,
        ),
    )
    done = run_import(register, f)
    assert (done.conflicts, done.changed, done.tasks) == (1, 0, 1)
    assert "another person's contract" in done.notes[0]
    assert len(_contracts(register, other.person_id)) == 2  # nothing started
    # Nor was the point's data applied: an event that goes to staff changes nothing.
    streets = select(site.c.street).join(metering_point).where(metering_point.c.gsrn == gsrn(2))
    assert _rows(register, streets) == [("Sähkötie 2",)]
