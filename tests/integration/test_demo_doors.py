"""The demo comes in through the same doors as real data, and shows every rule.

Its last days' traffic is written as the outside systems' files and imported by the register's
own import services; its audiences, built by the register's audience service, exclude someone
for each rule that concerns them; nothing in it is dated after its "now", and each consent
event carries the wording version in use on its day.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.credit import credit_check
from rekisteri.adapters.schema.disclosure import disclosure
from rekisteri.adapters.schema.market import market_event
from rekisteri.adapters.schema.marketing import marketing_ban_match
from rekisteri.adapters.schema.payments import payment_file, payment_quarantine
from rekisteri.adapters.schema.population import population_change_file
from rekisteri.adapters.schema.register import (
    attribute_change,
    call_recording,
    consent_event,
    contact_log,
    contact_person,
    contact_point,
    contract,
    device,
    digital_account,
    feedback,
    invoice,
    invoice_file,
    payment,
    person,
    representative,
)
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.adapters.schema.updates import address_notice, update_file
from rekisteri.demo.customers import OLD_WORDINGS, WORDING_SINCE, generate
from rekisteri.demo.doors import DoorsResult, through_the_doors
from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import (
    DIRECT_MARKETING,
    SUBSCRIPTIONS,
    AudiencePurpose,
    Exclusion,
)
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.domain.wording import WORDING_VERSION
from rekisteri.services.marketing import audience
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.databases import Snapshot, register_copy, snapshot

CUSTOMERS = 1200
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
STAFF = Actor("markkinointi.demo")


@dataclass
class Demo:
    register: RegisterApp
    doors: DoorsResult
    scratch: Path


@pytest.fixture(scope="module")
def built(request: pytest.FixtureRequest, backend: str) -> Iterator[tuple[Snapshot, Demo]]:
    """The demo through its doors, built once for the module on each backend (a build of
    1,200 customers is most of these tests' time; each test reads a copy)."""

    def build(register: RegisterApp, directory: Path) -> Demo:
        made = generate(register, CUSTOMERS, seed=1)
        assert made.traffic is not None
        doors = through_the_doors(register, made.traffic, directory / "doors")
        return Demo(register, doors, directory / "doors")

    with snapshot(request, backend, NOW, build) as made:
        yield made


@pytest.fixture
def demo(request: pytest.FixtureRequest, built: tuple[Snapshot, Demo]) -> Iterator[Demo]:
    """The built demo on a copy of its register: the door files as the build left them, which
    the tests only read."""
    snap, made = built
    with register_copy(request, snap) as register:
        yield Demo(register, made.doors, made.scratch)


def _count(reg: RegisterApp, query: object) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(query).scalar_one())  # type: ignore[call-overload]


def _counts(reg: RegisterApp, spec: audience.AudienceSpec) -> dict[str, int]:
    with reg.reading(STAFF) as uow, audience.build(uow, spec) as built:
        return built.counts()


def _expected(purpose: AudiencePurpose) -> set[Exclusion]:
    """The rules of a letter audience, each of which the demo's data must show."""
    expected = {Exclusion.DECEASED, Exclusion.RESTRICTED}
    if purpose is AudiencePurpose.RENEWAL_OFFER:
        return expected | {Exclusion.NO_EXPIRING_CONTRACT}
    expected |= {Exclusion.OBJECTION, Exclusion.WITHDRAWN}
    if purpose in SUBSCRIPTIONS:
        expected.add(Exclusion.NOT_SUBSCRIBED)
    if purpose in DIRECT_MARKETING:
        expected |= {Exclusion.ASML_BAN, Exclusion.MISSING_CONTACT_POINT}
    return expected


def test_every_letter_audience_excludes_someone_for_each_of_its_rules(demo: Demo) -> None:
    for purpose in AudiencePurpose:
        counts = _counts(demo.register, audience.AudienceSpec(purpose, Channel.LETTER))
        missing = {e.value for e in _expected(purpose)} - {r for r, n in counts.items() if n}
        assert not missing, (purpose.value, counts)
        assert counts["contactable"] > 0, (purpose.value, counts)


def test_the_other_channels_and_segments_show_their_rules(demo: Demo) -> None:
    own = AudiencePurpose.OWN_MARKETING
    phone = _counts(demo.register, audience.AudienceSpec(own, Channel.PHONE))
    assert phone.get(Exclusion.ASML_BAN) and phone.get(Exclusion.OBJECTION), phone
    for channel in (Channel.EMAIL, Channel.SMS):
        electronic = _counts(demo.register, audience.AudienceSpec(own, channel))
        assert electronic.get(Exclusion.NO_CONSENT), electronic
        assert electronic.get(Exclusion.WITHDRAWN), electronic
    group = _counts(
        demo.register, audience.AudienceSpec(AudiencePurpose.GROUP_MARKETING, Channel.PHONE)
    )
    assert group.get(Exclusion.OBJECTION), group
    segment = SegmentDefinition("electric", (parse_rule("heating_type=electric"),))
    targeted = _counts(demo.register, audience.AudienceSpec(own, Channel.LETTER, segment))
    assert targeted.get(Exclusion.PROFILING_OBJECTION), targeted


def test_the_last_days_came_in_through_the_doors(demo: Demo) -> None:
    reg = demo.register
    assert _count(reg, select(func.count()).select_from(invoice_file)) == 1
    assert _count(reg, select(func.count()).select_from(payment_file)) == 1
    # Invoices of the last days are the billing system's (its batch's name as the detail).
    assert _count(reg, select(func.count()).where(invoice.c.source_detail.like("Finvoice %"))) > 0
    # Payments the bank could not place are kept for review, each with a staff task.
    quarantined = _count(reg, select(func.count()).select_from(payment_quarantine))
    assert quarantined > 0
    tasks = select(func.count()).where(staff_task.c.subject_table == payment_quarantine.name)
    assert _count(reg, tasks) == quarantined
    assert _count(reg, select(func.count()).where(contact_log.c.feed_ref.is_not(None))) > 0
    assert _count(reg, select(func.count()).where(feedback.c.feed_ref.is_not(None))) > 0
    logins = select(func.count()).where(digital_account.c.last_login_at >= NOW - dt.timedelta(3))
    assert _count(reg, logins) > 0
    _customer_service_came_through_its_doors(demo)
    assert _count(reg, select(func.count(func.distinct(marketing_ban_match.c.person_id)))) > 0
    # Each recording's audio is in the encrypted store, linked to its call in the contact
    # log; no plain copy is left where the phone system's files were written.
    with reg.engine.connect() as conn:
        recordings = conn.execute(
            select(call_recording.c.file_ref, call_recording.c.contact_log_id)
        ).all()
    assert recordings
    files = reg.files
    for ref, contact in recordings:
        assert contact is not None and files.exists(ref)
    stored = [p for p in files.root.rglob("*") if p.is_file()]
    assert len(stored) == len(recordings)
    assert not any(b"WAVEfmt" in p.read_bytes() for p in stored)  # sealed, no plain header
    assert not list(demo.scratch.rglob("*.wav"))
    _credit_checks_came_through_their_door(demo)


def _customer_service_came_through_its_doors(demo: Demo) -> None:
    """Devices installed and taken away, and self-service accounts registered, in the door
    days: each through the door's service (its provenance, and a history entry for a removal),
    none in the bulk history."""
    reg = demo.register
    told = "demo: customer service"
    since = (NOW - dt.timedelta(days=3)).date()
    with reg.engine.connect() as conn:
        installed = conn.execute(select(device).where(device.c.source_detail == told)).all()
        removed = conn.execute(select(device).where(device.c.removed_on.is_not(None))).all()
        removals = conn.execute(
            select(func.count()).where(
                attribute_change.c.table_name == "device",
                attribute_change.c.source_detail == told,
            )
        ).scalar_one()
        accounts = conn.execute(
            select(digital_account).where(digital_account.c.source_detail == told)
        ).all()
        # Devices of the door days in the bulk history: only at the sites of persons whose
        # data may not be processed now (restricted, deceased), who have no door traffic.
        late_bulk = conn.execute(
            select(person.c.restricted, person.c.deceased_on)
            .select_from(device)
            .join(contract, contract.c.site_id == device.c.site_id)
            .join(person, person.c.id == contract.c.person_id)
            .where(
                contract.c.end_date.is_(None),
                device.c.received_at >= NOW - dt.timedelta(days=3),
                device.c.source_detail.is_distinct_from(told),
            )
        ).all()
    assert installed and all(since <= d.installed_on <= NOW.date() for d in installed)
    assert all(d.source == "customer_contact" for d in installed)
    assert removed and all(since <= d.removed_on <= NOW.date() for d in removed)
    assert removals == len(removed)  # each removal has its history entry
    assert accounts and all(a.registered_at >= NOW - dt.timedelta(days=3) for a in accounts)
    assert all(restricted or deceased_on for restricted, deceased_on in late_bulk), late_bulk
    line = next(x for x in demo.doors.lines if x.startswith("customer service: "))
    assert f"{len(installed)} devices recorded, {len(removed)} removed" in line
    assert f"{len(accounts)} self-service accounts registered" in line


def _credit_checks_came_through_their_door(demo: Demo) -> None:
    """Some newest contracts were made on a credit check asked of the demo's local service:
    a deposit, and a refusal the person asked a person to review; each query a disclosure."""
    with demo.register.engine.connect() as conn:
        rows = conn.execute(select(credit_check)).all()
        queries = conn.execute(
            select(func.count()).where(disclosure.c.kind == "credit_check")
        ).scalar_one()
    decisions = {r.decision for r in rows}
    assert {"accept", "deposit", "refuse"} <= decisions
    assert all(r.source == "asiakastieto" and r.contract_id is not None for r in rows)
    assert queries == len(rows)
    refused = [r for r in rows if r.decision == "refuse"]
    assert refused and all(r.review_requested_at is not None for r in refused)
    tasks = select(func.count()).where(staff_task.c.kind == "credit_review")
    assert _count(demo.register, tasks) == len(refused)
    (answers,) = demo.scratch.glob("credit-answers-*.json")
    assert len(json.loads(answers.read_text(encoding="utf-8"))) == len(rows)
    assert any(line.startswith("credit checks: ") for line in demo.doors.lines)


def test_the_hubs_market_events_moved_and_switched_demo_customers(demo: Demo) -> None:
    reg = demo.register
    today = NOW.date()
    with reg.engine.connect() as conn:
        outcomes = dict(
            conn.execute(
                select(market_event.c.outcome, func.count()).group_by(market_event.c.outcome)
            ).all()
        )
        from_hub = contract.c.source == "other_company"
        started = conn.execute(select(contract.c.start_date).where(from_hub)).scalars().all()
        ended = (
            conn.execute(
                select(attribute_change.c.new_value).where(
                    attribute_change.c.table_name == "contract",
                    attribute_change.c.source == "other_company",
                )
            )
            .scalars()
            .all()
        )
        fuse = conn.execute(
            select(func.count()).where(
                attribute_change.c.attribute == "site.main_fuse_a",
                attribute_change.c.source == "other_company",
            )
        ).scalar_one()
        to_staff = conn.execute(
            select(func.count()).where(staff_task.c.subject_table == market_event.name)
        ).scalar_one()
    # A move in and a switch to us started contracts; a move out and a switch away ended them.
    assert outcomes == {"changed": 5, "unmatched": 1}, outcomes
    assert sorted(started) == [today, today]
    assert sorted(v.split(" ")[-1] for v in ended) == ["(moved_out)", "(switched_supplier)"]
    assert fuse == 1  # the grid owner's new main fuse, through the write path
    assert to_staff == 1  # someone the register does not know, never guessed
    assert any(line.startswith("Datahub market-events-") for line in demo.doors.lines)


def test_the_trade_register_and_a_mover_service_came_in_through_their_doors(demo: Demo) -> None:
    reg = demo.register
    assert _count(reg, select(func.count()).select_from(update_file)) == 2
    # Every organisation has its status from the trade register; the ceased one has contracts
    # in force: a staff task (so has the bankrupt one if it has any); one moved its address.
    legal = person.c.kind == "legal"
    statuses = select(func.count()).where(legal, person.c.trade_status.is_not(None))
    assert _count(reg, statuses) == _count(reg, select(func.count()).where(legal))
    assert _count(reg, select(func.count()).where(person.c.trade_status == "ceased")) == 1
    assert _count(reg, select(func.count()).where(person.c.trade_status == "bankrupt")) == 1
    ended = select(staff_task.c.subject_id).where(staff_task.c.kind == "organisation_ended")
    with reg.engine.connect() as conn:
        flagged = conn.execute(
            select(person.c.trade_status).where(person.c.id.in_(ended))
        ).scalars()
        assert "ceased" in set(flagged) <= {"ceased", "bankrupt"}
    moved = select(func.count()).where(contact_point.c.source == "trade_register")
    assert _count(reg, moved) == 1
    # The mover service: one moved a week ago, one moves ahead (a future address), the
    # namesakes and the stranger held for staff, each with a task.
    movers = contact_point.c.source == "other_company"
    assert _count(reg, select(func.count()).where(movers)) == 2
    ahead = select(func.count()).where(movers, contact_point.c.valid_from > NOW.date())
    assert _count(reg, ahead) == 1
    with reg.engine.connect() as conn:
        held = conn.execute(select(address_notice.c.reason).order_by(address_notice.c.id)).all()
    assert [r[0] for r in held] == [
        "2 persons of this name had the previous address (namesakes)",
        "no person of this name had the previous address",
    ]
    notices = select(func.count()).where(staff_task.c.kind == "address_notice")
    assert _count(reg, notices) == 2
    [line] = [n for n in demo.doors.lines if "address changes" in n]
    assert "4 records, 2 matched, 2 changed, 0 unchanged, 2 unmatched, 0 conflicts" in line


def test_the_demo_has_each_kind_of_person_and_contract(demo: Demo) -> None:
    reg = demo.register
    natural = person.c.kind == "natural"
    assert _count(reg, select(func.count()).where(natural, person.c.business_id.is_not(None)))
    assert _count(reg, select(func.count()).select_from(contact_person)) > 0
    assert _count(reg, select(func.count()).where(person.c.deceased_on.is_not(None))) > 0
    assert _count(reg, select(func.count()).where(person.c.restricted.is_(True))) > 0
    outbound = contract.c.sales_call == "outbound"
    assert _count(reg, select(func.count()).where(outbound, contract.c.accepted_at.is_(None)))
    assert _count(reg, select(func.count()).where(outbound, contract.c.accepted_at.is_not(None)))
    assert _count(reg, select(func.count()).where(contract.c.sales_call == "inbound"))
    # A telephone sale not accepted in writing is not in force: it is not billed.
    unaccepted = select(contract.c.id).where(outbound, contract.c.accepted_at.is_(None))
    assert _count(reg, select(func.count()).where(invoice.c.contract_id.in_(unaccepted))) == 0
    # Representatives: an estate's contact of a deceased person, a guardian, an attorney, and
    # an access request the attorney made for the person (issue 16).
    with reg.engine.connect() as conn:
        kinds = dict(
            conn.execute(
                select(representative.c.kind, person.c.deceased_on).join(
                    person, person.c.id == representative.c.person_id
                )
            ).all()
        )
        by_attorney = conn.execute(
            select(rights_request.c.kind, representative.c.kind).join(
                representative, representative.c.id == rights_request.c.representative_id
            )
        ).all()
    assert set(kinds) == {"estate_contact", "guardian", "power_of_attorney"}
    assert kinds["estate_contact"] is not None and kinds["guardian"] is None
    assert by_attorney == [("access", "power_of_attorney")]


def test_nothing_is_dated_after_now_and_wordings_match_their_day(demo: Demo) -> None:
    reg = demo.register
    today = NOW.date()
    for column, limit in (
        (consent_event.c.at, NOW),
        (contact_log.c.at, NOW),
        (feedback.c.at, NOW),
        (call_recording.c.recorded_at, NOW),
        (digital_account.c.registered_at, NOW),
        (digital_account.c.last_login_at, NOW),
        (contract.c.sales_call_at, NOW),
        (contract.c.offer_sent_at, NOW),
        (contract.c.accepted_at, NOW),
        (person.c.created_at, NOW),
        (person.c.deceased_on, today),
        (invoice.c.issued_on, today),
        (payment.c.paid_on, today),
    ):
        assert _count(reg, select(func.count()).where(column > limit)) == 0, column
    with reg.engine.connect() as conn:
        events = conn.execute(
            select(consent_event.c.at, consent_event.c.event, consent_event.c.wording_version)
        ).all()
    assert events
    for at, event, version in events:
        assert version == _version_of(at, event), (at, event, version)


def _version_of(at: dt.datetime, event: str) -> str:
    if event == "prohibited":
        return "objection"
    if at.date() >= WORDING_SINCE:
        return WORDING_VERSION
    return next(version for since, version, _ in OLD_WORDINGS if at.date() >= since)


def test_the_population_register_s_changes_came_through_their_door(demo: Demo) -> None:
    """Deaths, turvakielto persons, a guardianship (with its staff task), moves and name and
    language changes, and marketing bans with a move: each a value whose source is the
    population register's file and record."""
    reg = demo.register
    assert _count(reg, select(func.count()).select_from(population_change_file)) == 1
    line = next(x for x in demo.doors.lines if x.startswith("population register"))
    assert " 0 unmatched" in line, line
    for flag in (person.c.non_disclosure, person.c.under_guardianship,
                 person.c.population_marketing_ban):  # fmt: skip
        assert _count(reg, select(func.count()).where(flag.is_(True))) > 0, flag
    changed = select(func.count(func.distinct(attribute_change.c.attribute))).where(
        attribute_change.c.source == "population_register",
        attribute_change.c.source_detail.like("population register changes population-%"),
    )
    # Names, a language, deaths, the three flags, the old addresses' ends.
    assert _count(reg, changed) >= 7
    moved = select(func.count()).where(
        contact_point.c.source == "population_register", contact_point.c.kind == "postal"
    )
    assert _count(reg, moved) > 0
    guardians = select(func.count()).where(staff_task.c.kind == "population_guardian")
    assert _count(reg, guardians) == 1
