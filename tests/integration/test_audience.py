"""Each direct-marketing rule, proven on SQLite and PostgreSQL through the audience query."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from rekisteri.domain.consent import Channel
from rekisteri.domain.marketing import AudiencePurpose, Exclusion
from rekisteri.domain.register import PersonKind
from rekisteri.domain.segments import SegmentDefinition, parse_rule
from rekisteri.services.marketing import audience, campaigns, segments
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import (
    STAFF,
    add_contract,
    add_person,
    assert_decided_as_looked_up,
    consent,
    set_person,
)
from tests.support.clock import FakeClock

OWN = AudiencePurpose.OWN_MARKETING


def reasons(
    reg: RegisterApp, purpose: AudiencePurpose, channel: Channel, segment: str | None = None
) -> dict[int, str | None]:
    with reg.reading(STAFF) as uow:
        definition = segments.get(uow, segment)[1] if segment else None
        spec = audience.AudienceSpec(purpose, channel, definition)
        with audience.build(uow, spec) as built:
            t = built.table
            rows = uow.execute(select(t.c.person_id, built.reason)).all()
            listed = [r["id"] for r in built.rows()]
            counts = built.counts()
    found = {int(r[0]): r[1] for r in rows}
    assert sorted(listed) == sorted(p for p, r in found.items() if r is None)
    assert counts["contactable"] == len(listed)
    assert sum(counts.values()) == len(found)  # exactly one reason per excluded person
    return found


@pytest.mark.proves("P5.electronic-marketing-opt-in")
def test_email_and_sms_marketing_need_an_explicit_opt_in(register: RegisterApp) -> None:
    silent = add_person(register)
    opted = add_person(register)
    consent(register, opted, "own_marketing", "email", "granted")
    consent(register, opted, "own_marketing", "sms", "granted")
    withdrawn = add_person(register)
    consent(register, withdrawn, "own_marketing", "email", "granted")
    consent(register, withdrawn, "own_marketing", "email", "withdrawn")
    other_purpose = add_person(register)
    consent(register, other_purpose, "newsletter", "email", "granted")
    for channel in (Channel.EMAIL, Channel.SMS):
        r = reasons(register, OWN, channel)
        assert r[silent] == "no_consent"
        assert r[opted] is None
        assert r[other_purpose] == "no_consent"
    assert reasons(register, OWN, Channel.EMAIL)[withdrawn] == "withdrawn"


def test_letters_and_calls_unless_objection_ban_death_or_restriction(
    register: RegisterApp,
) -> None:
    free = add_person(register)
    objected = add_person(register)
    consent(register, objected, "own_marketing", "letter", "prohibited")
    dead = add_person(register)
    set_person(register, dead, deceased_on=dt.date(2025, 1, 1))
    restricted = add_person(register)
    set_person(register, restricted, restricted=True)
    no_address = add_person(register, postal=False)
    letters = reasons(register, OWN, Channel.LETTER)
    assert letters[free] is None
    assert letters[objected] == "objection"
    assert letters[dead] == "deceased"
    assert letters[restricted] == "restricted"
    assert letters[no_address] == "missing_contact_point"
    calls = reasons(register, OWN, Channel.PHONE)
    assert calls[objected] is None  # the objection named letters only
    assert calls[no_address] is None


def test_legal_persons_until_they_object(register: RegisterApp) -> None:
    firm = add_person(register, kind=PersonKind.LEGAL)
    objecting = add_person(register, kind=PersonKind.LEGAL)
    consent(register, objecting, "own_marketing", "email", "prohibited")
    r = reasons(register, OWN, Channel.EMAIL)
    assert r[firm] is None
    assert r[objecting] == "objection"


def test_customer_communication_is_not_direct_marketing(
    register: RegisterApp, clock: FakeClock
) -> None:
    reader = add_person(register)
    consent(register, reader, "newsletter", "email", "granted")
    consent(register, reader, "own_marketing", "email", "prohibited")
    consent(register, reader, "magazine", "letter", "granted")
    consent(register, reader, "own_marketing", "letter", "prohibited")
    renewing = add_person(register)
    add_contract(register, renewing, fixed_term_end=clock().date() + dt.timedelta(days=30))
    consent(register, renewing, "own_marketing", "email", "prohibited")
    later = add_person(register)
    add_contract(register, later, fixed_term_end=clock().date() + dt.timedelta(days=200))
    assert reasons(register, AudiencePurpose.NEWSLETTER, Channel.EMAIL)[reader] is None
    assert reasons(register, AudiencePurpose.NEWSLETTER, Channel.EMAIL)[renewing] == (
        "not_subscribed"
    )
    assert reasons(register, AudiencePurpose.MAGAZINE, Channel.LETTER)[reader] is None
    renewal = reasons(register, AudiencePurpose.RENEWAL_OFFER, Channel.EMAIL)
    assert renewal[renewing] is None
    assert renewal[later] == "no_expiring_contract"
    assert renewal[reader] == "no_expiring_contract"


@pytest.mark.proves("P5.contacts-per-year")
def test_the_frequency_cap_counts_sent_contacts_over_a_rolling_year(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    for n in range(4):
        with register.unit_of_work(STAFF) as uow:
            spec = audience.AudienceSpec(OWN, Channel.LETTER)
            with audience.build(uow, spec) as built:
                assert built.counts()["contactable"] == 1, n
                campaigns.record(built, f"Kampanja {n}")
        clock.advance(days=60)
    assert reasons(register, OWN, Channel.LETTER)[pid] == "frequency_cap"
    # Customer communication does not count towards the cap, nor is it capped.
    consent(register, pid, "newsletter", "email", "granted")
    assert reasons(register, AudiencePurpose.NEWSLETTER, Channel.EMAIL)[pid] is None
    clock.advance(days=365 - 4 * 60 + 1)  # the first contact is now over a year old
    assert reasons(register, OWN, Channel.LETTER)[pid] is None


def test_the_frequency_cap_window_is_365_days_to_the_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    pid = add_person(register)
    unsent = add_person(register, postal=False)  # no address: never sent to, never capped
    cap = register.settings.marketing_contacts_per_year
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    for n in range(cap):  # the year's contacts used up at once
        with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
            campaigns.record(built, f"Kampanja {n}")
    sent = clock()
    # Sent this very moment counts; so does the kept copy and the one-person lookup.
    assert reasons(register, OWN, Channel.LETTER)[pid] == "frequency_cap"
    assert_decided_as_looked_up(register, spec, [pid, unsent])
    clock.advance(days=364)  # still inside the window
    assert reasons(register, OWN, Channel.LETTER)[pid] == "frequency_cap"
    assert_decided_as_looked_up(register, spec, [pid, unsent])
    clock.set(sent + dt.timedelta(days=365))  # the window is the year after the contact
    assert reasons(register, OWN, Channel.LETTER)[pid] is None
    assert_decided_as_looked_up(register, spec, [pid, unsent])
    clock.advance(days=1)  # 366 days on: the contacts have left the window
    assert reasons(register, OWN, Channel.LETTER)[pid] is None


def test_an_expired_email_opt_in_is_not_counted(register: RegisterApp, clock: FakeClock) -> None:
    pid = add_person(register)
    consent(
        register,
        pid,
        "own_marketing",
        "email",
        "granted",
        expires_at=clock() + dt.timedelta(days=30),
    )
    assert reasons(register, OWN, Channel.EMAIL)[pid] is None
    clock.advance(days=29)
    assert reasons(register, OWN, Channel.EMAIL)[pid] is None
    clock.advance(days=2)
    assert reasons(register, OWN, Channel.EMAIL)[pid] == "consent_expired"
    assert_decided_as_looked_up(register, audience.AudienceSpec(OWN, Channel.EMAIL), [pid])


def test_asml_bans_apply_to_their_own_channel(register: RegisterApp) -> None:
    from rekisteri.domain.bans import parse_ban
    from rekisteri.services.marketing import bans

    postal_banned = add_person(register, first="Matti Juhani", last="Meikäläinen")
    phone_banned = add_person(register, first="Liisa", last="Korhonen")
    with register.reading(STAFF) as uow:
        from rekisteri.adapters.schema.register import contact_point as cp

        street, phone = (
            uow.execute(
                select(cp.c.street, cp.c.postal_code).where(
                    cp.c.person_id == postal_banned, cp.c.kind == "postal"
                )
            ).one()[0],
            uow.execute(
                select(cp.c.phone).where(cp.c.person_id == phone_banned, cp.c.kind == "phone")
            ).scalar_one(),
        )
    today = register.clock().date()
    rows = [
        parse_ban(
            {
                "kind": "postal",
                "last_name": "MEIKALAINEN",
                "first_names": "Matti",
                "street": street.replace("Mannerheimintie", "Mannerheimin tie").replace(
                    " A 1", " A1"
                ),
                "postal_code": "00100",
            },
            today,
        ),
        parse_ban({"kind": "phone", "phone": "0" + phone[4:]}, today),
    ]
    with register.unit_of_work(STAFF) as uow:
        result = bans.import_bans(uow, rows, "kielto.csv")
    assert result.matched_bans == {"letter": 1, "phone": 1}
    letters = reasons(register, OWN, Channel.LETTER)
    calls = reasons(register, OWN, Channel.PHONE)
    assert letters[postal_banned] == "asml_ban" and calls[postal_banned] is None
    assert calls[phone_banned] == "asml_ban" and letters[phone_banned] is None


def test_segments_never_place_persons_who_objected_to_profiling(
    register: RegisterApp, clock: FakeClock
) -> None:
    electric = add_person(register, tongue="sv")
    add_contract(register, electric, heating="electric", kwh=20000)
    district = add_person(register, tongue="sv")
    add_contract(register, district, heating="district", kwh=20000)
    objector = add_person(register, tongue="sv")
    add_contract(register, objector, heating="electric", kwh=20000)
    consent(register, objector, "profiling", "any", "prohibited")
    withdrew = add_person(register, tongue="sv")  # consented to profiling, then withdrew
    add_contract(register, withdrew, heating="electric", kwh=20000)
    consent(register, withdrew, "profiling", "any", "granted", clock() - dt.timedelta(days=9))
    consent(register, withdrew, "profiling", "any", "withdrawn")
    small = add_person(register, tongue="sv")
    add_contract(register, small, heating="electric", kwh=2000)
    with register.unit_of_work(STAFF) as uow:
        rules = ("heating_type=electric,heat_pump", "consumption_kwh=10000..", "language=sv")
        segments.add(uow, SegmentDefinition("sv-electric", tuple(parse_rule(r) for r in rules)))
    r = reasons(register, OWN, Channel.LETTER, "sv-electric")
    assert r[electric] is None
    assert r[district] == "not_in_segment"
    assert r[small] == "not_in_segment"
    assert r[objector] == r[withdrew] == "profiling_objection"
    with register.reading(STAFF) as uow:
        spec = audience.AudienceSpec(OWN, Channel.LETTER, segments.get(uow, "sv-electric")[1])
        why = audience.explain(uow, spec, district)
        why_not = audience.explain(uow, spec, objector)
    assert why is not None
    assert ("heating_type=electric,heat_pump", False) in why.segment_rules
    assert ("language=sv", True) in why.segment_rules
    # The explanation's facts and its rule-by-rule decision say the same.
    assert not why.facts.in_segment and not why.facts.profiling_objection
    assert why.decision.reason is Exclusion.NOT_IN_SEGMENT
    assert why_not is not None and why_not.facts.profiling_objection
    assert why_not.decision.reason is Exclusion.PROFILING_OBJECTION


def test_the_sql_and_the_domain_agree_for_every_person_purpose_and_channel(
    register: RegisterApp, clock: FakeClock
) -> None:
    people = [add_person(register) for _ in range(3)]
    people.append(add_person(register, kind=PersonKind.LEGAL, email=False))
    people.append(add_person(register, phone=False))
    add_contract(register, people[0], fixed_term_end=clock().date() + dt.timedelta(days=10))
    consent(register, people[0], "own_marketing", "email", "granted")
    expiry = clock() + dt.timedelta(days=1)
    consent(register, people[1], "own_marketing", "sms", "granted", expires_at=expiry)
    consent(register, people[1], "newsletter", "email", "granted")
    consent(register, people[2], "newsletter", "email", "granted", expires_at=expiry)
    # A letter needs no permission: one that lapsed excludes nobody.
    consent(register, people[2], "own_marketing", "letter", "granted", expires_at=expiry)
    consent(register, people[2], "research", "phone", "prohibited")
    consent(register, people[3], "group_marketing", "letter", "withdrawn")
    set_person(register, people[4], restricted=True)
    people.append(add_person(register))
    set_person(register, people[5], deceased_on=clock().date())
    clock.advance(days=2)
    for purpose in AudiencePurpose:
        for channel in Channel:
            assert_decided_as_looked_up(register, audience.AudienceSpec(purpose, channel), people)
    # A subscription that lapsed is said to have lapsed, not never to have been made.
    newsletter = reasons(register, AudiencePurpose.NEWSLETTER, Channel.EMAIL)
    assert (newsletter[people[1]], newsletter[people[2]]) == (None, "consent_expired")
    assert reasons(register, OWN, Channel.LETTER)[people[2]] is None


@pytest.mark.parametrize("channel", list(Channel))
def test_the_contactable_list_names_the_address_for_the_channel(
    register: RegisterApp, channel: Channel
) -> None:
    pid = add_person(register, kind=PersonKind.LEGAL, tongue=None)
    with register.reading(STAFF) as uow:
        with audience.build(uow, audience.AudienceSpec(OWN, channel)) as built:
            rows = list(built.rows())
        assert uow.reads and uow.reads[-1].person_ids == (pid,)
    (row,) = rows
    assert row["name"].startswith("Yritys")
    key = {"email": "email", "sms": "phone", "phone": "phone", "letter": "street"}[channel.value]
    assert row[key]


@pytest.mark.proves("P13.objection-marketing")
def test_an_objection_made_as_a_rights_request_is_effective_for_the_next_audience(
    register: RegisterApp,
) -> None:
    """P13 through the DPO's workflow: the very next audience and segment leave the person out."""
    from rekisteri.domain.consent import ConsentPurpose
    from rekisteri.domain.register import Provenance
    from rekisteri.services.rights import objection

    person = add_person(register, tongue="sv")
    add_contract(register, person, heating="electric", kwh=20000)
    with register.unit_of_work(STAFF) as uow:
        segments.add(uow, SegmentDefinition("electric", (parse_rule("heating_type=electric"),)))
    assert reasons(register, OWN, Channel.LETTER, "electric")[person] is None
    with register.unit_of_work(STAFF) as uow:
        objection.record_objection(
            uow,
            person,
            Provenance.of("customer_contact", uow.now()),
            captured_how="letter",
            wording="Ei profilointia",
            purposes=(ConsentPurpose.PROFILING,),
        )
    assert reasons(register, OWN, Channel.LETTER, "electric")[person] == "profiling_objection"
    assert reasons(register, OWN, Channel.LETTER)[person] is None  # no segment: not profiling
    with register.unit_of_work(STAFF) as uow:
        objection.record_objection(
            uow,
            person,
            Provenance.of("customer_contact", uow.now()),
            captured_how="letter",
            wording="Ei suoramarkkinointia",
        )
    assert reasons(register, OWN, Channel.LETTER)[person] == "objection"


def test_the_access_package_names_the_segments_and_the_rules_that_placed_the_person(
    register: RegisterApp,
) -> None:
    from rekisteri.domain.consent import ConsentPurpose
    from rekisteri.domain.register import Provenance
    from rekisteri.services.rights import objection, package

    person = add_person(register, tongue="sv")
    add_contract(register, person, heating="electric", kwh=20000)
    with register.unit_of_work(STAFF) as uow:
        segments.add(uow, SegmentDefinition("electric", (parse_rule("heating_type=electric"),)))
        segments.add(uow, SegmentDefinition("district", (parse_rule("heating_type=district"),)))
    with register.reading(STAFF) as uow:
        found = {s.key: s for s in package.build(uow, person).sections}
    assert [r["segment"] for r in found["segments"].rows] == ["electric"]
    assert "heating_type=electric" in found["segments"].rows[0]["rules"]
    with register.unit_of_work(STAFF) as uow:
        objection.record_objection(
            uow,
            person,
            Provenance.of("customer_contact", uow.now()),
            captured_how="letter",
            wording="Ei profilointia",
            purposes=(ConsentPurpose.PROFILING,),
        )
    with register.reading(STAFF) as uow:
        assert "segments" not in {s.key for s in package.build(uow, person).sections}


def test_erasing_one_holder_of_a_shared_number_keeps_the_other_s_ban(
    register: RegisterApp,
) -> None:
    """A household's phone is banned once in the ASML register and matches both persons:
    erasing one of them must not lift the other's ban."""
    from rekisteri.domain.bans import parse_ban
    from rekisteri.domain.drafts import ContactPointDraft
    from rekisteri.domain.register import ContactKind, Provenance
    from rekisteri.services.marketing import bans
    from rekisteri.services.register import customers
    from rekisteri.services.rights.erasure import erase_person

    leaving, staying = add_person(register, phone=False), add_person(register, phone=False)
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("customer_contact", uow.now())
        for pid in (leaving, staying):
            draft = ContactPointDraft(ContactKind.PHONE, "09 123 4567")
            customers.add_contact_point(uow, pid, draft, prov)
    with register.unit_of_work(STAFF) as uow:
        ban = parse_ban({"kind": "phone", "phone": "09 123 4567"}, uow.today())
        assert bans.import_bans(uow, [ban], "kielto.csv").matched_bans == {"phone": 1}
    calls = reasons(register, OWN, Channel.PHONE)
    assert calls[leaving] == calls[staying] == "asml_ban"
    with register.unit_of_work(STAFF) as uow:
        erase_person(uow, leaving, Provenance.of("customer_contact", uow.now()), reason="Art. 17")
    assert reasons(register, OWN, Channel.PHONE)[staying] == "asml_ban"


def _import_bans(register: RegisterApp, *rows: dict[str, str]) -> None:
    from rekisteri.domain.bans import parse_ban
    from rekisteri.services.marketing import bans

    with register.unit_of_work(STAFF) as uow:
        bans.import_bans(uow, [parse_ban(r, uow.today()) for r in rows], "kielto.csv")


def _add_point(register: RegisterApp, person_id: int, draft) -> None:
    from rekisteri.domain.register import Provenance
    from rekisteri.services.register import customers

    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(
            uow, person_id, draft, Provenance.of("customer_contact", uow.now())
        )


def test_bans_match_persons_added_or_moved_after_the_import(
    register: RegisterApp, clock: FakeClock
) -> None:
    """ASML bans hold whatever happened since the import: a customer added afterwards with a
    banned number or address, one who moved to a banned address, and one whose move to it was
    announced ahead, from the day the new address is current."""
    from rekisteri.domain.drafts import ContactPointDraft
    from rekisteri.domain.register import ContactKind

    def postal(street: str, first: str, last: str) -> dict[str, str]:
        return {
            "kind": "postal",
            "last_name": last,
            "first_names": first,
            "street": street,
            "postal_code": "00500",
        }

    _import_bans(
        register,
        {"kind": "phone", "phone": "050 765 4321"},
        postal("Kielto k. 1 b 2", "Matti", "MAKELA"),
        postal("Muuttajankuja 3", "Mirja", "Salo"),
        postal("Ennakkotie 7 A 9", "Eero", "Lehto"),
    )
    called = add_person(register, first="Pirkko", phone=False)
    _add_point(register, called, ContactPointDraft(ContactKind.PHONE, "+358507654321"))
    written = add_person(register, first="Matti Olavi", last="Mäkelä", postal=False)
    address = {"postal_code": "00500", "post_office": "Helsinki"}
    glued = ContactPointDraft(ContactKind.POSTAL, street="Kieltokatu 1 B2", **address)
    _add_point(register, written, glued)
    moved = add_person(register, first="Mirja", last="Salo")
    _add_point(
        register, moved, ContactPointDraft(ContactKind.POSTAL, street="Muuttajankuja 3", **address)
    )
    ahead = add_person(register, first="Eero", last="Lehto")
    later = clock().date() + dt.timedelta(days=10)
    _add_point(
        register,
        ahead,
        ContactPointDraft(
            ContactKind.POSTAL, street="Ennakkotie 7 a 9", valid_from=later, **address
        ),
    )
    leaving = add_person(register, first="Mirja", last="Salo", postal=False)  # moves away
    _add_point(
        register,
        leaving,
        ContactPointDraft(ContactKind.POSTAL, street="Muuttajankuja 3", **address),
    )
    away = {"postal_code": "00100", "post_office": "Helsinki", "valid_from": later}
    _add_point(register, leaving, ContactPointDraft(ContactKind.POSTAL, street="Pois 1", **away))
    free = add_person(register, first="Vapaa", last="Salo")
    namesake = add_person(register, first="Mirja", last="Salo", postal=False)  # next door
    nextdoor = ContactPointDraft(ContactKind.POSTAL, street="Muuttajankuja 5", **address)
    _add_point(register, namesake, nextdoor)
    add_person(register)  # the newest address of all is another postal code's
    letters = reasons(register, OWN, Channel.LETTER)
    assert letters[namesake] is None
    assert reasons(register, OWN, Channel.PHONE)[called] == "asml_ban"
    assert letters[written] == letters[moved] == letters[leaving] == "asml_ban"
    assert letters[ahead] is None and letters[free] is None  # the banned address is not yet his
    assert reasons(register, OWN, Channel.PHONE)[written] is None  # the letter ban only
    people = [called, written, moved, ahead, leaving, free, namesake]
    for channel in (Channel.LETTER, Channel.PHONE):
        assert_decided_as_looked_up(register, audience.AudienceSpec(OWN, channel), people)
    clock.advance(days=10)
    letters = reasons(register, OWN, Channel.LETTER)
    assert letters[ahead] == "asml_ban" and letters[leaving] is None
    assert_decided_as_looked_up(register, audience.AudienceSpec(OWN, Channel.LETTER), people)


def test_a_namesake_cleared_of_a_postal_ban_is_decided_again_by_the_other_rules(
    register: RegisterApp,
) -> None:
    """The postal-ban test flags by surname and postal code; a namesake next door, whose whole
    key is no ban's, is decided again without the ban: here the frequency cap holds them."""
    from rekisteri.domain.drafts import ContactPointDraft
    from rekisteri.domain.register import ContactKind

    free = add_person(register, postal=False)  # the first person: no address until capped
    address = {"postal_code": "00500", "post_office": "Helsinki"}
    namesake = add_person(register, first="Mirja", last="Salo", postal=False)
    _add_point(
        register,
        namesake,
        ContactPointDraft(ContactKind.POSTAL, street="Muuttajankuja 5", **address),
    )
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    for n in range(register.settings.marketing_contacts_per_year):
        with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
            campaigns.record(built, f"Kampanja {n}")
    _add_point(register, free, ContactPointDraft(ContactKind.POSTAL, street="Vapaa 1", **address))
    banned = add_person(register, first="Mirja", last="Salo", postal=False)
    _add_point(
        register,
        banned,
        ContactPointDraft(ContactKind.POSTAL, street="Muuttajankuja 3", **address),
    )
    _import_bans(
        register,
        {
            "kind": "postal",
            "last_name": "Salo",
            "first_names": "Mirja",
            "street": "Muuttajankuja 3",
            "postal_code": "00500",
        },
    )
    letters = reasons(register, OWN, Channel.LETTER)
    assert letters == {free: None, namesake: "frequency_cap", banned: "asml_ban"}


def test_the_list_names_each_person_in_order_and_its_read_names_what_placing_read(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The list gives the name as the person has it (an organisation's name for one), in
    person order; placing by metered consumption makes the list and an explanation reads of
    consumption, audited as such."""
    from rekisteri.adapters.schema.audit import audit_entry
    from rekisteri.adapters.schema.consumption import consumption_month
    from rekisteri.adapters.schema.register import person
    from rekisteri.domain.consumption import last_whole_months
    from rekisteri.domain.values import HELSINKI

    people = [
        add_person(register, first="Anna Liisa", last="Virtanen"),
        add_person(register, kind=PersonKind.LEGAL),
        add_person(register, first="Olli", last="Aho"),
    ]
    first, _ = last_whole_months(clock().astimezone(HELSINKI).date())
    with register.engine.begin() as conn:
        for n in range(12):
            month = first.replace(year=first.year + (first.month + n - 1) // 12)
            month = month.replace(month=(first.month + n - 1) % 12 + 1)
            for pid in people:
                conn.execute(
                    consumption_month.insert().values(
                        person_id=pid,
                        metering_point_id=1,
                        gsrn="643007000000000017",
                        month=month,
                        wh=100_000,
                        readings=720,
                        missing=0,
                        night_wh=30_000,
                        computed_at=clock(),
                    )
                )
    metered = SegmentDefinition("metered", (parse_rule("measured_kwh=1.."),))
    spec = audience.AudienceSpec(OWN, Channel.LETTER, metered)
    with register.reading(STAFF) as uow, audience.build(uow, spec) as built:
        listed = list(built.rows())
    with register.reading(STAFF) as uow:
        audience.explain(uow, spec, people[0])
    with register.engine.connect() as conn:
        organisation = conn.execute(
            select(person.c.organisation_name).where(person.c.id == people[1])
        ).scalar_one()
    assert organisation.endswith(" Oy")
    assert [(r["id"], r["name"]) for r in listed] == [
        (people[0], "Anna Liisa Virtanen"),
        (people[1], organisation),
        (people[2], "Olli Aho"),
    ]
    with register.engine.connect() as conn:
        read = dict(
            conn.execute(
                select(audit_entry.c.what, audit_entry.c.categories).where(
                    audit_entry.c.what.like("%audience %")
                )
            ).all()
        )
    # The explanation's entry also names the ban matching it did for the person.
    assert sorted(read) == [
        "ASML ban matching; audience explanation",
        "audience own_marketing/letter",
    ]
    assert all("consumption" in categories.split() for categories in read.values())


def test_a_contact_point_is_used_through_its_last_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    from rekisteri.adapters.schema.register import contact_point

    today = clock().date()
    ends_today = add_person(register, email=False, phone=False)
    ended = add_person(register, email=False, phone=False)
    with register.engine.begin() as conn:
        for pid, last in ((ends_today, today), (ended, today - dt.timedelta(days=1))):
            conn.execute(
                contact_point.update().where(contact_point.c.person_id == pid).values(valid_to=last)
            )
    letters = reasons(register, OWN, Channel.LETTER)
    assert (letters[ends_today], letters[ended]) == (None, "missing_contact_point")
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    assert_decided_as_looked_up(register, spec, [ends_today, ended])


def test_a_renewal_offer_goes_to_fixed_terms_ending_within_the_window_to_the_day(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The fixed term ends today or within the next 90 days (both ends counted) and the
    contract has not been ended before it: an offer; otherwise none."""
    from sqlalchemy import update

    from rekisteri.adapters.schema.register import contract

    today = clock().date()
    day = dt.timedelta(days=1)
    cases = {
        "ends today": (today, None, None),
        "ends on the window's last day": (today + 90 * day, None, None),
        "ends after the window": (today + 91 * day, None, "no_expiring_contract"),
        "ended yesterday": (today - day, None, "no_expiring_contract"),
        "ended early, yesterday": (today + 10 * day, today - day, "no_expiring_contract"),
        "ends early, today": (today + 10 * day, today, "no_expiring_contract"),
        "ends early, tomorrow": (today + 10 * day, today + day, None),
    }
    people = {}
    for name, (term_end, end_date, _) in cases.items():
        pid = people[name] = add_person(register)
        add_contract(register, pid, fixed_term_end=term_end)
        with register.engine.begin() as conn:
            conn.execute(
                update(contract).where(contract.c.person_id == pid).values(end_date=end_date)
            )
    offers = reasons(register, AudiencePurpose.RENEWAL_OFFER, Channel.LETTER)
    assert {n: offers[p] for n, p in people.items()} == {n: c[2] for n, c in cases.items()}
    spec = audience.AudienceSpec(AudiencePurpose.RENEWAL_OFFER, Channel.LETTER)
    assert_decided_as_looked_up(register, spec, list(people.values()))


def test_the_newest_address_valid_today_is_used_when_the_newest_is_not_yet(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A move announced ahead (an address from a later day) is not used before its day; of the
    addresses valid today the one valid from the latest day is, and of two from the same day
    the later recorded, whatever order they were recorded in."""
    from rekisteri.adapters.schema.register import contact_point

    now, today = clock(), clock().date()
    later, same_day = add_person(register, postal=False), add_person(register, postal=False)
    points = [
        (later, "Uudempi 2", today - dt.timedelta(days=100)),
        (later, "Vanhempi 1", today - dt.timedelta(days=400)),  # recorded after the newer
        (later, "Tuleva 3", today + dt.timedelta(days=10)),
        (same_day, "Ensin 1", today - dt.timedelta(days=50)),
        (same_day, "Sitten 2", today - dt.timedelta(days=50)),
        (same_day, "Tuleva 3", today + dt.timedelta(days=10)),
    ]
    with register.engine.begin() as conn:
        for pid, street, valid_from in points:
            conn.execute(
                contact_point.insert().values(
                    person_id=pid,
                    kind="postal",
                    street=street,
                    postal_code="00100",
                    post_office="Helsinki",
                    country="FI",
                    valid_from=valid_from,
                    source="customer_contact",
                    received_at=now,
                )
            )
    with register.reading(STAFF) as uow:
        spec = audience.AudienceSpec(OWN, Channel.LETTER)
        with audience.build(uow, spec) as built:
            streets = {r["id"]: r["street"] for r in built.rows()}
    assert (streets[later], streets[same_day]) == ("Uudempi 2", "Sitten 2")


def test_the_cap_holds_when_a_contact_is_dated_after_now(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The kept contact times answer only up to now: a contact dated after it (recorded ahead,
    or a clock set back) makes the audience count the sent contacts instead, and the year's
    contacts still hold the person back."""
    from rekisteri.adapters.schema.marketing import marketing_contact

    pid = add_person(register)
    spec = audience.AudienceSpec(OWN, Channel.LETTER)
    for n in range(register.settings.marketing_contacts_per_year):
        with register.unit_of_work(STAFF) as uow, audience.build(uow, spec) as built:
            campaigns.record(built, f"Kampanja {n}")
    with register.engine.begin() as conn:
        sent = conn.execute(select(marketing_contact).limit(1)).one()._mapping
        ahead = {k: v for k, v in sent.items() if k != "id"}
        ahead["sent_at"] = clock() + dt.timedelta(days=30)
        conn.execute(marketing_contact.insert().values(**ahead))
    clock.advance(days=1)
    assert reasons(register, OWN, Channel.LETTER)[pid] == "frequency_cap"
    assert_decided_as_looked_up(register, spec, [pid])


def test_two_audiences_are_built_at_once_each_in_its_own_table(register: RegisterApp) -> None:
    """Two people of the marketing desk at the same moment: each audience is decided in a
    table of its own connection (temporary), so neither waits for nor sees the other's."""
    letters_only = add_person(register, email=False)
    both = add_person(register)
    consent(register, both, "own_marketing", "email", "granted")
    with (
        register.reading(STAFF) as first,
        register.reading(STAFF) as second,
        audience.build(first, audience.AudienceSpec(OWN, Channel.LETTER)) as letters,
    ):
        with audience.build(second, audience.AudienceSpec(OWN, Channel.EMAIL)) as emails:
            assert [r["id"] for r in emails.rows()] == [both]
        assert [r["id"] for r in letters.rows()] == [letters_only, both]
