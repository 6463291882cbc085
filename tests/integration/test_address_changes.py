"""Address changes from a mover service (issue 16, item 4), on both databases: matched on name
and previous address (case, spaces and the postal code's spacing do not count); exactly one
match moves the person from the moving day, the old address ending the day before; none or
namesakes hold the notice for staff; a newer address the person gave stands (a conflict); the
same file twice changes nothing; a bad record stores nothing; a move announced ahead becomes
current on its day, and with it the ASML ban of the new address."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import attribute_change, contact_point
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.adapters.schema.updates import address_notice, update_file
from rekisteri.catalogue import Role
from rekisteri.catalogue.retention import ADDRESS_NOTICES
from rekisteri.domain.bans import parse_ban
from rekisteri.domain.consent import Channel
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.services.marketing import audience, ban_matching, bans
from rekisteri.services.register import customers, tasks
from rekisteri.services.rights import erasure, package, retention
from rekisteri.services.rights.periods import add_months
from rekisteri.services.unit_of_work import Actor, RegisterApp
from rekisteri.services.updates.address_changes import import_address_changes
from tests.integration.marketing_helpers import hetu
from tests.support.clock import FakeClock

STAFF = Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE)
JOB = Actor.system("system:import-address-changes")
HEADER = (
    "notice_id;last_name;first_names;previous_street;previous_postal_code;previous_post_office;"
    "new_street;new_postal_code;new_post_office;new_country;moved_on\n"
)
REGISTERED = dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)  # when they gave their addresses


def resident(
    reg: RegisterApp,
    first: str = "Maija Liisa",
    last: str = "Meikäläinen",
    street: str = "Kotikatu 1 A 2",
    code: str = "00100",
) -> int:
    with reg.unit_of_work(STAFF) as uow:
        return customers.register_person(
            uow,
            PersonDraft(
                PersonKind.NATURAL,
                first_names=first,
                last_name=last,
                personal_identity_code=hetu(),
                contact_points=(
                    ContactPointDraft(
                        ContactKind.POSTAL,
                        street=street,
                        postal_code=code,
                        post_office="Helsinki",
                        valid_from=dt.date(2020, 1, 1),
                    ),
                ),
            ),
            Provenance.of("order", REGISTERED, "order form"),
        ).person_id


def notice(
    n: int = 1,
    *,
    last: str = "MEIKÄLÄINEN",
    first: str = "maija  liisa",
    previous: str = "kotikatu 1 a 2",
    code: str = "00100",
    new: str = "Uusitie 5 B 7",
    new_code: str = "33100",
    moved_on: str = "2026-03-01",
) -> str:
    return (
        f"MV-{n};{last};{first};{previous};{code};HELSINKI;{new};{new_code};Tampere;FI;{moved_on}\n"
    )


def apply(reg: RegisterApp, text: str, name: str = "muutot.csv") -> Any:
    with reg.unit_of_work(JOB) as uow:
        return import_address_changes(uow, name, text.encode("utf-8"))


def postal(reg: RegisterApp, pid: int) -> list[Any]:
    with reg.engine.connect() as conn:
        return list(
            conn.execute(
                select(contact_point)
                .where(contact_point.c.person_id == pid, contact_point.c.kind == "postal")
                .order_by(contact_point.c.valid_from)
            )
        )


def count(reg: RegisterApp, table: Any) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_one_match_moves_the_person_from_the_moving_day(register: RegisterApp) -> None:
    pid = resident(register)
    done = apply(register, HEADER + notice())
    assert done.describe() == (
        "address changes muutot.csv: 1 records, 1 matched, 1 changed, 0 unchanged, "
        "0 unmatched, 0 conflicts"
    )
    old, new = postal(register, pid)
    assert (new.street, new.postal_code, new.post_office) == ("Uusitie 5 B 7", "33100", "Tampere")
    assert (new.valid_from, new.valid_to, old.valid_to) == (
        dt.date(2026, 3, 1),
        None,
        dt.date(2026, 2, 28),
    )
    assert (new.source, new.source_detail) == (
        "other_company",
        "address changes muutot.csv, record 1 (MV-1)",
    )
    with register.engine.connect() as conn:
        ended = conn.execute(
            select(attribute_change.c.attribute, attribute_change.c.source).where(
                attribute_change.c.row_id == old.id, attribute_change.c.person_id == pid
            )
        ).one()
    assert tuple(ended) == ("contact_point.validity", "other_company")


def test_no_match_and_namesakes_are_held_for_staff_never_guessed(register: RegisterApp) -> None:
    alone = resident(register)
    twin_a = resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    twin_b = resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    done = apply(
        register,
        HEADER
        + notice(1, last="Virtanen", first="Jussi", previous="Talo 3")
        + notice(2, last="Nieminen", first="Nea")
        + notice(3, previous="Kotikatu 9"),  # the right name, another previous address
    )
    assert (done.matched, done.unmatched, done.changed) == (0, 3, 0)
    for pid in (alone, twin_a, twin_b):
        assert len(postal(register, pid)) == 1
    with register.reading(STAFF) as uow:
        held = tasks.listing(uow, kind=tasks.ADDRESS_NOTICE)
    assert [t.reason for t in held] == [
        "address change record 1 of muutot.csv: 2 persons of this name had the previous "
        "address (namesakes)",
        "address change record 2 of muutot.csv: no person of this name had the previous address",
        "address change record 3 of muutot.csv: no person of this name had the previous address",
    ]
    with register.engine.connect() as conn:
        rows = conn.execute(select(address_notice).order_by(address_notice.c.id)).all()
    assert [(r.record_no, r.person_id, r.last_name, r.new_street) for r in rows] == [
        (1, None, "Virtanen", "Uusitie 5 B 7"),
        (2, None, "Nieminen", "Uusitie 5 B 7"),
        (3, None, "MEIKÄLÄINEN", "Uusitie 5 B 7"),
    ]
    assert {t.subject_id for t in held} == {r.id for r in rows}


def test_a_newer_address_the_person_gave_stands_and_is_a_conflict(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = resident(register)
    # On 2026-03-03 the person told customer service they live elsewhere from March 2nd...
    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(
                ContactKind.POSTAL,
                street="Omatie 4",
                postal_code="00200",
                post_office="Helsinki",
                valid_from=dt.date(2026, 3, 2),
            ),
            Provenance.of("customer_contact", clock()),
        )
    # ...and the mover service's notice says they moved on March 1st: theirs is newer.
    done = apply(register, HEADER + notice())
    assert (done.matched, done.conflicts, done.changed) == (1, 1, 0)
    assert [p.street for p in postal(register, pid)] == ["Kotikatu 1 A 2", "Omatie 4"]
    with register.engine.connect() as conn:
        kept = conn.execute(select(address_notice)).one()
    assert (kept.person_id, kept.reason) == (
        pid,
        "the person gave a newer address after the moving day",
    )
    # The held notice is the person's data: in their access package.
    with register.reading(Actor("tietosuoja.dpo")) as uow:
        answer = package.build(uow, pid)
    assert "Uusitie 5 B 7" in str(answer)


def test_the_same_file_twice_changes_nothing_the_second_time(register: RegisterApp) -> None:
    pid = resident(register)
    resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    text = HEADER + notice() + notice(2, last="Virtanen", first="Jussi", previous="Talo 3")
    apply(register, text)
    before = (count(register, attribute_change), count(register, staff_task))
    points = len(postal(register, pid))
    again = apply(register, text)
    assert again.describe() == "address changes muutot.csv: already applied, nothing changed"
    assert (count(register, attribute_change), count(register, staff_task)) == before
    # The same notice in another file finds the person moved already: unchanged, no task.
    resent = apply(register, HEADER + notice(), "muutot-2.csv")
    assert (resent.matched, resent.unchanged, resent.changed) == (1, 1, 0)
    assert (count(register, attribute_change), count(register, staff_task)) == before
    assert len(postal(register, pid)) == points
    assert count(register, update_file) == 2


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (notice(2, moved_on="2026-02-30"), "moved_on"),
        (notice(2, new_code="3310"), "new_postal_code"),
        (notice(2, last=""), "last_name"),
        (notice(2).replace(";FI;", ";Suomi;"), "new_country"),
        ("MV-2;Virtanen;Jussi\n", "row"),
    ],
)
def test_a_bad_record_stores_nothing_of_the_file(
    register: RegisterApp, line: str, field: str
) -> None:
    pid = resident(register)
    with pytest.raises(InvalidInput) as refused:
        apply(register, HEADER + notice(1) + line)
    assert (refused.value.where, refused.value.field) == ("muutot.csv, record 2 (line 3)", field)
    assert len(postal(register, pid)) == 1
    assert (count(register, update_file), count(register, address_notice)) == (0, 0)


def test_a_move_ahead_becomes_current_on_its_day_and_so_does_the_ban_of_the_new_address(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = resident(register)
    with register.unit_of_work(STAFF) as uow:
        ban = parse_ban(
            {
                "kind": "postal",
                "last_name": "Meikäläinen",
                "first_names": "Maija",
                "street": "Uusitie 5 B 7",
                "postal_code": "33100",
            },
            uow.today(),
        )
        bans.import_bans(uow, [ban], "asml.csv")
    apply(register, HEADER + notice(moved_on="2026-04-01"))  # today is 2026-03-03

    def banned() -> tuple[bool, list[int], str | None, str | None]:
        with register.reading(STAFF) as uow:
            one = ban_matching.is_banned(uow, Channel.LETTER, pid)
            every = ban_matching.postal_matches(uow, uow.today())["person_id"].to_list()
            spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.LETTER)
            with audience.build(uow, spec) as built:
                t = built.table
                why = uow.execute(select(built.reason).where(t.c.person_id == pid)).scalar()
                listed = {r["id"]: r for r in built.rows()}
        street = listed[pid]["street"] if pid in listed else None
        return one, every, why, street

    # Still at the old address, which no ban names: in the letter audience, at that address.
    assert banned() == (False, [], None, "Kotikatu 1 A 2")
    clock.set(dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC))
    assert banned() == (False, [], None, "Kotikatu 1 A 2")  # the day before the move
    clock.set(dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC))
    # From the moving day the new address is theirs, and the ban held for it excludes them.
    assert banned() == (True, [pid], "asml_ban", None)


@pytest.mark.proves("P14.kept.address-notices")
def test_held_notices_go_when_their_stated_period_ends(
    register: RegisterApp, clock: FakeClock
) -> None:
    start = clock().date()
    apply(register, HEADER + notice(1, last="Nieminen") + notice(2, last="Laine"))
    end = add_months(start, ADDRESS_NOTICES.months)
    one_day = dt.timedelta(days=1)
    for day, left in ((end - one_day, 2), (end + one_day, 0)):
        clock.set(dt.datetime.combine(day, dt.time(3), dt.UTC))
        with register.unit_of_work(Actor("retention")) as uow:
            result = retention.run(uow)
        assert count(register, address_notice) == left
    assert result.counts["address_notices: address_notice"] == 2
    # Their tasks close with them: the work no longer exists.
    with register.reading(STAFF) as uow:
        assert tasks.listing(uow, kind=tasks.ADDRESS_NOTICE) == []


def test_a_held_notice_goes_with_the_erasure_of_its_person(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = resident(register)
    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(
                ContactKind.POSTAL, street="Omatie 4", postal_code="00200",
                post_office="Helsinki", valid_from=dt.date(2026, 3, 2),
            ),
            Provenance.of("customer_contact", clock()),
        )  # fmt: skip
    apply(register, HEADER + notice())
    assert count(register, address_notice) == 1
    with register.unit_of_work(Actor("tietosuoja.dpo")) as uow:
        erasure.erase_person(uow, pid, Provenance.of("customer_contact", uow.now()), reason="asked")
    assert count(register, address_notice) == 0
