"""What the population register's changes mean for marketing, on SQLite and PostgreSQL.

- Its ban on direct marketing with its data: an address it gave is never used in a marketing
  audience (letters, the group hand-over) for a person under the ban; the person's own address
  still may be, and customer communication is not direct marketing.
- A death stops marketing and profiling at once, in every channel and path; the contract
  continues, and the date of death is shown to the roles that deal with the estate.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.marketing import marketing_contact
from rekisteri.adapters.schema.register import contract
from rekisteri.catalogue import Purpose, Role
from rekisteri.domain.consent import Channel
from rekisteri.domain.drafts import ContactPointDraft, PersonDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.marketing import AudiencePurpose
from rekisteri.domain.register import ContactKind, PersonKind, Provenance
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.services.access import disclosures, group_marketing
from rekisteri.services.marketing import audience, campaigns, preferences, segments
from rekisteri.services.marketing.links import LinkKind, LinkPayload, sign
from rekisteri.services.population.changes import apply_change_bytes
from rekisteri.services.register import customers, person_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.marketing_helpers import (
    STAFF,
    add_contract,
    assert_decided_as_looked_up,
    consent,
)
from tests.support.clock import FakeClock

JOB = Actor.system("system:import-population")
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
MOVED_ON = "2026-03-10"
DVV_STREET = "Väestötie 7"


def code(n: int) -> str:
    return f"020370-{n:03d}{CHECK[int(f'020370{n:03d}') % 31]}"


def person_with(reg: RegisterApp, n: int) -> int:
    draft = PersonDraft(
        PersonKind.NATURAL,
        first_names=f"Henkilö{n}",
        last_name="Väestö",
        personal_identity_code=code(n),
        contact_points=(
            ContactPointDraft(ContactKind.EMAIL, f"v{n}@example.fi"),
            ContactPointDraft(ContactKind.PHONE, f"040 777 {n:04d}"),
            ContactPointDraft(
                ContactKind.POSTAL,
                street=f"Omatie {n}",
                postal_code="00100",
                post_office="Helsinki",
            ),
        ),
    )
    with reg.unit_of_work(STAFF) as uow:
        return customers.register_person(uow, draft, Provenance.of("order", uow.now())).person_id


def changes(reg: RegisterApp, *records: dict[str, Any]) -> None:
    doc = {"format": "population-changes/1", "changes": list(records)}
    with reg.unit_of_work(JOB) as uow:
        apply_change_bytes(uow, f"dvv-{len(records)}.json", json.dumps(doc).encode())


def move(n: int) -> dict[str, Any]:
    return {"identity_code": code(n), "kind": "permanent_address", "date": MOVED_ON,
            "street": DVV_STREET, "postal_code": "00200", "post_office": "Helsinki"}  # fmt: skip


def ban(n: int) -> dict[str, Any]:
    return {"identity_code": code(n), "kind": "marketing_ban", "date": MOVED_ON, "in_force": True}


def listed(reg: RegisterApp, purpose: AudiencePurpose, channel: Channel) -> dict[int, Any]:
    """Each person's exclusion reason (None: in the list) and the street the list names."""
    with (
        reg.reading(STAFF) as uow,
        audience.build(uow, audience.AudienceSpec(purpose, channel)) as a,
    ):
        reasons = {int(p): r for p, r in uow.execute(select(a.table.c.person_id, a.reason))}
        streets = {r["id"]: r["street"] for r in a.rows()}
    return {p: streets.get(p, r) for p, r in reasons.items()}


@pytest.fixture
def moved(register: RegisterApp, clock: FakeClock) -> dict[str, int]:
    """Four persons: moved by the population register under its ban, moved without it, under
    the ban without a move, and moved under the ban who then gave their own address."""
    who = {name: person_with(register, n) for n, name in enumerate(
        ("banned_moved", "moved", "banned", "banned_told_us"), start=11)}  # fmt: skip
    clock.set(dt.datetime(2026, 4, 1, 8, 0, tzinfo=dt.UTC))
    changes(register, move(11), ban(11), move(12), ban(13), move(14), ban(14))
    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(
            uow,
            who["banned_told_us"],
            ContactPointDraft(
                ContactKind.POSTAL, street="Oma osoite 1", postal_code="00300", post_office="Espoo"
            ),
            Provenance.of("customer_contact", uow.now()),
        )
    return who


def test_the_population_register_s_address_is_no_marketing_address_under_its_ban(
    register: RegisterApp, moved: dict[str, int]
) -> None:
    for purpose in (AudiencePurpose.OWN_MARKETING, AudiencePurpose.GROUP_MARKETING):
        letters = listed(register, purpose, Channel.LETTER)
        assert letters[moved["banned_moved"]] == "missing_contact_point"
        assert letters[moved["moved"]] == DVV_STREET
        assert letters[moved["banned"]] == "Omatie 13"
        assert letters[moved["banned_told_us"]] == "Oma osoite 1"
    # Customer communication is not direct marketing (P5): the magazine still reaches them.
    consent(register, moved["banned_moved"], "magazine", "letter", "granted")
    magazine = listed(register, AudiencePurpose.MAGAZINE, Channel.LETTER)
    assert magazine[moved["banned_moved"]] == DVV_STREET
    # The audience's SQL, its one-person explanation and the domain's rules over the raw rows.
    for purpose in AudiencePurpose:
        spec = audience.AudienceSpec(purpose, Channel.LETTER)
        assert_decided_as_looked_up(register, spec, list(moved.values()))


def test_the_group_hand_over_carries_no_address_the_ban_covers(
    register: RegisterApp, moved: dict[str, int]
) -> None:
    actor = Actor("laskuttaja", purpose=Purpose.BILLING_AND_COLLECTION, via="test")
    with register.unit_of_work(actor) as uow:
        disclosures.add_recipient(uow, "Konserni Kaasu Oy", "subsidiary", "FI", list(Purpose))
    with register.unit_of_work(actor) as uow:
        hand = group_marketing.group_marketing(
            uow, disclosures.find_recipient(uow, "Konserni Kaasu Oy")
        )
    rows = {r[0]: dict(zip(hand.header, r, strict=True)) for r in hand.rows}
    assert rows["Henkilö11 Väestö"]["katuosoite"] is None  # phone only: no letter address
    assert rows["Henkilö12 Väestö"]["katuosoite"] == DVV_STREET
    assert rows["Henkilö14 Väestö"]["katuosoite"] == "Oma osoite 1"
    banned = [r for name, r in rows.items() if name in ("Henkilö11 Väestö", "Henkilö13 Väestö")]
    assert DVV_STREET not in repr(banned)


def _settings_token(reg: RegisterApp, pid: int) -> str:
    with reg.unit_of_work(STAFF) as uow:
        return preferences.settings_link(uow, pid).rsplit("/", 1)[1]


def test_a_death_stops_marketing_and_profiling_in_every_path(
    register: RegisterApp, clock: FakeClock
) -> None:
    dead, alive = person_with(register, 21), person_with(register, 22)
    soon = clock().date() + dt.timedelta(days=30)
    for pid in (dead, alive):
        consent(register, pid, "own_marketing", "email", "granted")
        add_contract(register, pid, heating="electric", fixed_term_end=soon)
    with register.unit_of_work(STAFF) as uow:
        segments.add(uow, SegmentDefinition("electric", (parse_rule("heating_type=electric"),)))
    clock.advance(days=2)
    died = (clock().date() - dt.timedelta(days=1)).isoformat()
    changes(register, {"identity_code": code(21), "kind": "death", "date": died})
    # Every audience: marketing, customer communication, renewal offers, a segment's.
    for purpose in AudiencePurpose:
        for channel in Channel:
            found = listed(register, purpose, channel)
            assert found[dead] == "deceased", (purpose, channel)
            assert found[alive] != "deceased"
    with register.reading(STAFF) as uow:
        segment = segments.get(uow, "electric")[1]
    spec = audience.AudienceSpec(AudiencePurpose.OWN_MARKETING, Channel.LETTER, segment)
    with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
        campaigns.record(built, "Kevät")
    with register.engine.connect() as conn:
        sent = set(conn.execute(select(marketing_contact.c.person_id)).scalars())
    assert sent == {alive}
    # Profiling: the segments the person is in (P6, the access package's) end with the death.
    with register.reading(STAFF) as uow:
        assert segments.memberships_of(uow, dead) == []
        assert segments.memberships_of(uow, alive) != []
    # The preference centre switches nothing on and sends no confirmation mail (none could
    # be sent here: no mail server), nor takes a confirmation link.
    with register.unit_of_work(STAFF) as uow:
        visitor = preferences.Visitor("203.0.113.9", "test")
        wanted = {("group_marketing", "email"), ("group_marketing", "letter")}
        outcome = preferences.change_settings(uow, _settings_token(register, dead), wanted, visitor)
    assert outcome.confirmations_sent == [] and outcome.queued_mail == []
    assert [r for r in outcome.recorded if r[2] == "granted"] == []
    assert ("own_marketing", "email", "withdrawn") in outcome.recorded  # off is still recorded
    with register.unit_of_work(STAFF) as uow:
        payload = LinkPayload(
            LinkKind.CONFIRM,
            dead,
            uow.now() + dt.timedelta(hours=1),
            {"purpose": "group_marketing", "channel": "email", "email": "v21@example.fi"},
        )
        with pytest.raises(InvalidInput):
            preferences.confirm(uow, sign(uow.cipher, payload), visitor)
    # The contract continues (the estate ends it), and the date is shown to those who need it.
    with register.reading(STAFF) as uow:
        ends = uow.execute(select(contract.c.end_date).where(contract.c.person_id == dead))
        assert list(ends.scalars()) == [None]
        for role, shown in ((Role.CUSTOMER_SERVICE, True), (Role.BILLING, True),
                            (Role.DPO, True), (Role.MARKETING, False)):  # fmt: skip
            view = person_view.customer_view(uow, dead, role)["person"]
            assert ("deceased_on" in view) is shown, role
