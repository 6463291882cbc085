"""Search that finds (issue 17 item 2): every kind of key, current and past supply addresses,
postal code and post office, namesakes told apart, what each role is shown, the turvakielto,
no result, the bound on results, and the audit of each search. On both databases."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Purpose, Role
from rekisteri.catalogue.protection import PROTECTED_MARK
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
from rekisteri.domain.drafts import ContactPointDraft, ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.identifiers import gs1_check_digit, make_gsrn
from rekisteri.domain.register import (
    ContactKind,
    ContractKind,
    EndReason,
    PersonKind,
    Provenance,
    Relationship,
)
from rekisteri.services.register import customers
from rekisteri.services.register import search as search_module
from rekisteri.services.register.search import SearchPage, search
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.protected import make_protected

CS = Actor("anna", Role.CUSTOMER_SERVICE, purpose=Purpose.CUSTOMER_RELATIONSHIP)
BILLING = Actor("bertta", Role.BILLING, purpose=Purpose.CUSTOMER_RELATIONSHIP)
DPO = Actor("tietosuoja", Role.DPO, purpose=Purpose.CUSTOMER_RELATIONSHIP)
GSRN_NOW = "64300696602279" + "123"
GSRN_NOW += gs1_check_digit(GSRN_NOW)
GSRN_BEFORE = "64300696602279" + "456"
GSRN_BEFORE += gs1_check_digit(GSRN_BEFORE)


def hetu(day: str, number: int) -> str:
    """A valid identity code of a man born on `day` (ddmmyy, 1900s)."""
    digits = f"{day}{number:03d}"
    return f"{day}-{number:03d}" + "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(digits) % 31]


@dataclass(frozen=True)
class Town:
    jani_1980: int
    jani_1991: int
    oskari: int
    numbers: dict[int, str]


def _person(
    reg: RegisterApp,
    first: str,
    last: str,
    code: str,
    *contacts: ContactPointDraft,
    relationship: Relationship = Relationship.CUSTOMER,
) -> int:
    with reg.unit_of_work(Actor("t")) as uow:
        draft = PersonDraft(
            kind=PersonKind.NATURAL,
            relationship=relationship,
            first_names=first,
            last_name=last,
            personal_identity_code=code,
            contact_points=contacts,
        )
        # A prospect is kept only with a permission (P3).
        asked = (
            (
                PermissionDraft(
                    ConsentPurpose.OWN_MARKETING,
                    Channel.EMAIL,
                    CaptureMethod.WEB_FORM,
                    "Saa lähettää tarjouksia",
                    "v1",
                ),
            )
            if relationship is Relationship.PROSPECT
            else ()
        )
        prov = Provenance.of("order", uow.now())
        return customers.register_person(uow, draft, prov, asked).person_id


def _lives(
    reg: RegisterApp, pid: int, street: str, code: str, office: str, gsrn: str, since: dt.date
) -> int:
    with reg.unit_of_work(Actor("t")) as uow:
        prov = Provenance.of("order", uow.now())
        site = customers.add_site(
            uow, SiteDraft(street, code, office, metering_points=(gsrn,)), prov
        )
        contract_id, _ = customers.add_contract(
            uow, pid, ContractDraft(site, ContractKind.SALES, "Perus", since), prov
        )
        return contract_id


@pytest.fixture
def town(register: RegisterApp) -> Town:
    """Two namesakes Jani Virtanen, one who moved from Turku to Parainen since he gave his
    postal address, and Oskari Äijälä on a street with an initial Ä."""
    today = register.clock().date()
    older = _person(
        register,
        "Jani Petteri",
        "Virtanen",
        hetu("120380", 123),
        ContactPointDraft(ContactKind.EMAIL, "Jani.Virtanen@Example.fi"),
        ContactPointDraft(ContactKind.PHONE, "040 765 4321"),
        ContactPointDraft(ContactKind.POSTAL, None, "Mannerheimintie 5 B 7", "00100", "Helsinki"),
    )
    before = _lives(
        register, older, "Kauppiaskatu 3", "20100", "Turku", GSRN_BEFORE, today.replace(year=2020)
    )
    moved = today - dt.timedelta(days=40)
    with register.unit_of_work(Actor("t")) as uow:
        customers.end_contract(
            uow, before, moved, EndReason.MOVED_OUT, Provenance.of("order", uow.now())
        )
    _lives(register, older, "Rantatie 12", "13166", "Parainen", GSRN_NOW, moved)
    younger = _person(
        register,
        "Jani",
        "Virtanen",
        hetu("050791", 457),
        ContactPointDraft(ContactKind.POSTAL, None, "Mannerheimintie 55", "00100", "Helsinki"),
        relationship=Relationship.PROSPECT,
    )
    oskari = _person(
        register,
        "Oskari",
        "Äijälä",
        hetu("010160", 311),
        ContactPointDraft(ContactKind.POSTAL, None, "Äyrästie 3", "90100", "Oulu"),
    )
    with register.reading(Actor("t")) as uow:
        numbers = {
            pid: search(uow, name).rows[0]["customer_number"]
            for pid, name in ((older, "Jani Petteri"), (oskari, "Oskari"))
        }
    return Town(older, younger, oskari, numbers)


def _find(reg: RegisterApp, query: str, actor: Actor = CS) -> SearchPage:
    with reg.reading(actor) as uow:
        return search(uow, query)


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("Rantatie 12", "address"),  # the current supply address since the move
        ("rantatie 12, 13166 parainen", "address"),
        ("Kauppiaskatu 3", "address"),  # the supply address before the move
        ("mannerheimintie  5", "address"),  # the postal address; not Mannerheimintie 55
        ("Mannerheimintie 5 B 7", "address"),
        ("13166 Parainen", "postal code and post office"),
        ("13166", "postal code"),
        ("20100", "postal code"),  # where he lived
        ("Parainen", "post office"),
        ("parainen", "post office"),
        (GSRN_NOW, "metering point"),
        (GSRN_BEFORE, "metering point"),
        ("040 765 4321", "phone"),
        ("040-7654321", "phone"),
        ("+358 40 765 4321", "phone"),
        ("+358407654321", "phone"),
        ("00358407654321", "phone"),
        ("358407654321", "phone"),
        ("JANI.VIRTANEN@example.FI", "e-mail"),
        (hetu("120380", 123), "identity code"),
        (hetu("120380", 123).lower(), "identity code"),
        ("Jani Petteri", "name"),
    ],
)
def test_each_kind_of_key_finds_the_person(
    register: RegisterApp, town: Town, query: str, kind: str
) -> None:
    found = _find(register, query)
    assert (found.matched_by, [r["id"] for r in found.rows]) == (kind, [town.jani_1980])


def test_customer_number_and_letters_beyond_ascii(register: RegisterApp, town: Town) -> None:
    found = _find(register, town.numbers[town.jani_1980])
    assert (found.matched_by, [r["id"] for r in found.rows]) == (
        "customer number",
        [town.jani_1980],
    )
    for query in ("äyrästie 3", "ÄYRÄSTIE 3", "äijälä", "Äijälä Oskari", "90100 oulu"):
        assert [r["id"] for r in _find(register, query).rows] == [town.oskari], query


def test_namesakes_are_told_apart(register: RegisterApp, town: Town) -> None:
    for query in ("Virtanen, Jani", "Jani Virtanen", "virtanen jani"):
        found = _find(register, query)
        assert found.matched_by == "name"
        by_id = {r["id"]: r for r in found.rows}
        assert set(by_id) == {town.jani_1980, town.jani_1991}, query
    older, younger = by_id[town.jani_1980], by_id[town.jani_1991]
    assert (older["birth_year"], younger["birth_year"]) == (1980, 1991)
    assert (older["relationship"], younger["relationship"]) == ("customer", "prospect")
    # The current supply address (after the move), else the postal address.
    assert older["address"] == {
        "street": "Rantatie 12",
        "postal_code": "13166",
        "post_office": "Parainen",
    }
    assert younger["address"]["street"] == "Mannerheimintie 55"
    assert "personal_identity_code" not in older and "hetu_ct" not in older


def test_each_role_is_shown_what_it_reads(register: RegisterApp, town: Town) -> None:
    """Billing does not read the customer's classification (the relationship); a role that
    reads no supply addresses is shown the postal address it reads, and one reading neither
    no address at all (the search serves only roles of the customer relationship, but the
    service holds to the catalogue for any role)."""
    billing = {r["id"]: r for r in _find(register, "Jani Virtanen", BILLING).rows}
    assert "relationship" not in billing[town.jani_1980]
    assert billing[town.jani_1980]["birth_year"] == 1980
    assert billing[town.jani_1980]["address"]["street"] == "Rantatie 12"
    processor = Actor("kumppani", Role.PROCESSOR, purpose=Purpose.SERVICE_DELIVERY)
    shown = {r["id"]: r for r in _find(register, "Jani Virtanen", processor).rows}
    assert shown[town.jani_1980]["address"]["street"] == "Mannerheimintie 5 B 7"
    assert "relationship" not in shown[town.jani_1980]
    administrator = Actor("admin", Role.ADMINISTRATOR, purpose=Purpose.LEGAL_OBLIGATION)
    none = {r["id"]: r for r in _find(register, "Jani Virtanen", administrator).rows}
    assert not {"address", "birth_year", "relationship"} & set(none[town.jani_1980])


def test_a_protected_person_is_found_by_name_never_by_address_and_shows_none(
    register: RegisterApp,
) -> None:
    p = make_protected(register)
    for actor in (CS, BILLING, DPO):
        meter = make_gsrn("64300000000000777")  # the protected person's site's metering point
        for query in ("Salakuja 13 B 7", "Piilotie 41", "99870", "99870 Inari", "Inari", meter):
            assert _find(register, query, actor).rows == [], (actor.role, query)
        (row,) = _find(register, "Turvala", actor).rows
        assert row["id"] == p.person_id
        # The protection's mark in the address's place, to every role: never the address.
        assert row["address"] == dict(PROTECTED_MARK), actor.role


def test_no_result_and_bad_terms(register: RegisterApp, town: Town) -> None:
    for query in ("Olematon", "Olematon 7", "99999", "040 000 0000", "ei@example.fi"):
        found = _find(register, query)
        assert (found.total, found.rows, found.more) == (0, [], False), query
    assert _find(register, "Olematon").matched_by == "name"  # not "nobody in a post office"
    with register.reading(CS) as uow:
        with pytest.raises(InvalidInput):
            search(uow, "x")
        with pytest.raises(InvalidInput):
            search(uow, "a" * 101)


def test_more_than_the_bound_asks_to_narrow(
    register: RegisterApp, town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_module, "MAX_RESULTS", 3)
    monkeypatch.setattr(search_module, "PAGE_SIZE", 2)
    for n in range(3):
        _person(register, f"Jani{n}", "Virtanen", hetu(f"0{n + 1}0285", 200 + n))
    first = _find(register, "Virtanen")
    assert (first.total, first.more, first.pages, len(first.rows)) == (3, True, 2, 2)
    with register.reading(CS) as uow:
        second = search(uow, "Virtanen", page=2)
        beyond = search(uow, "Virtanen", page=3)
    assert len(second.rows) == 1 and beyond.rows == []
    assert _find(register, "Jani Petteri").more is False


def test_each_search_is_an_audited_read_of_what_it_showed(
    register: RegisterApp, town: Town
) -> None:
    _find(register, "Virtanen, Jani")
    _find(register, "Virtanen, Jani", BILLING)
    _find(register, "Olematon")
    with register.engine.connect() as conn:
        rows = conn.execute(
            select(audit_entry.c.actor, audit_entry.c.person_ids, audit_entry.c.categories)
            .where(audit_entry.c.what.like("search by %"))
            .order_by(audit_entry.c.seq)
        ).all()
    ids = " ".join(str(i) for i in sorted([town.jani_1980, town.jani_1991]))
    assert [(r.actor, r.person_ids, set(r.categories.split())) for r in rows[-3:]] == [
        ("anna", ids, {"identity", "classification", "site", "contact"}),
        ("bertta", ids, {"identity", "site", "contact"}),
        ("anna", "", {"identity"}),
    ]
