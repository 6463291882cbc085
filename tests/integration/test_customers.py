"""Writing the register: persons, contact points, sites, contracts, billing; provenance and
history; bad input stores nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.catalogue import Role
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.services.register import customers
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock

HETU = "131052-308T"
GSRN = "643006966022791278"


def draft(**over: Any) -> PersonDraft:
    fields: dict[str, Any] = dict(
        kind="natural",
        first_names="Maija Liisa",
        last_name="Virtanen",
        personal_identity_code=HETU,
        mother_tongue="fi",
        contact_points=(
            ContactPointDraft(ContactKind.EMAIL, "maija@example.fi"),
            ContactPointDraft(ContactKind.PHONE, "040 123 4567"),
            ContactPointDraft(
                ContactKind.POSTAL, None, "Mannerheimintie 1 A 2", "00100", "Helsinki"
            ),
        ),
    )
    fields.update(over)
    return PersonDraft(**fields)


def row_counts(register: RegisterApp) -> dict[str, int]:
    with register.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def test_a_customer_is_stored_with_sources_and_shown_masked(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("anna", Role.CUSTOMER_SERVICE)) as uow:
        done = customers.register_person(uow, draft(), Provenance.of("order", uow.now(), "T-1"))
    with register.reading(Actor("anna", Role.CUSTOMER_SERVICE)) as uow:
        view = customer_view(uow, done.person_id, Role.CUSTOMER_SERVICE)
    p = view["person"]
    assert p["personal_identity_code"] == "131052-****"
    assert p["birth_year"] == 1952 and p["gender"] is None  # never inferred from the code
    assert p["_source"]["source"] == "order" and p["_source"]["detail"] == "T-1"
    phones = [c["phone"] for c in view["contact_points"] if c.get("phone")]
    assert phones == ["+358401234567"]
    assert all(c["_source"]["source"] == "order" for c in view["contact_points"])


@pytest.mark.proves("P7.need-to-know")
def test_roles_see_what_the_catalogue_allows(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
        customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft(
                "Katu 1",
                "00100",
                "Helsinki",
                15,
                "monthly",
                "direct_payment",  # type: ignore[arg-type]
                "FI2112345600000785",
            ),
            Provenance.of("contract", uow.now()),
        )
    with register.reading(Actor("t")) as uow:
        marketing = customer_view(uow, pid, Role.MARKETING)
        billing = customer_view(uow, pid, Role.BILLING)
        service = customer_view(uow, pid, Role.CUSTOMER_SERVICE)
    assert "personal_identity_code" not in marketing["person"]
    assert "billing_accounts" not in marketing and "billing" in marketing["withheld_categories"]
    assert billing["person"]["personal_identity_code"] == HETU
    assert billing["billing_accounts"][0]["iban"] == "FI2112345600000785"
    assert service["billing_accounts"][0]["iban"] == "FI21 **** **** 0785"


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"personal_identity_code": "131052-308X"}, "personal_identity_code"),
        (
            {"contact_points": (ContactPointDraft(ContactKind.EMAIL, "not-an-address"),)},
            "contact.email",
        ),
        (
            {
                "contact_points": (
                    ContactPointDraft(ContactKind.POSTAL, None, "Katu 1", "123", "Helsinki"),
                )
            },
            "contact.postal_code",
        ),
        ({"kind": "robot"}, "kind"),
        ({"last_name": " "}, "last_name"),
        ({"birth_year": 1960}, "birth_year"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    register: RegisterApp, over: dict[str, Any], field: str
) -> None:
    before = row_counts(register)
    with pytest.raises(InvalidInput) as err, register.unit_of_work(Actor("t")) as uow:
        customers.register_person(uow, draft(**over), Provenance.of("order", uow.now()))
    assert err.value.field == field
    assert row_counts(register) == before


def test_a_second_person_with_the_same_identity_code_is_refused(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        customers.register_person(uow, draft(), Provenance.of("order", uow.now()))
    with (
        pytest.raises(InvalidInput, match="already registered"),
        register.unit_of_work(Actor("t")) as uow,
    ):
        customers.register_person(
            uow, draft(first_names="Other"), Provenance.of("order", uow.now())
        )


@pytest.mark.proves("P3.prospects-with-permission")
def test_a_prospect_needs_a_permission_p3(register: RegisterApp) -> None:
    prospect = draft(relationship="prospect", personal_identity_code=None)
    before = row_counts(register)
    with pytest.raises(RuleViolation, match="P3"), register.unit_of_work(Actor("t")) as uow:
        customers.register_person(uow, prospect, Provenance.of("competition_or_event", uow.now()))
    assert row_counts(register) == before
    permission = PermissionDraft(
        "own_marketing",
        "email",
        "competition_or_event",  # type: ignore[arg-type]
        "Saa lähettää sähköpostitse tarjouksia.",
        "2026-1",
    )
    with register.unit_of_work(Actor("t")) as uow:
        done = customers.register_person(
            uow, prospect, Provenance.of("competition_or_event", uow.now()), (permission,)
        )
        view = customer_view(uow, done.person_id, Role.CUSTOMER_SERVICE)
    events = view["consent_events"]
    assert len(events) == 1 and events[0]["event"]["event"] == "granted"
    assert events[0]["evidence"]["wording_version"] == "2026-1"


@pytest.mark.proves("P12.rectification", "P12.every-change-recorded")
def test_rectification_keeps_who_when_old_new_and_why(
    register: RegisterApp, clock: FakeClock
) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
    clock.advance(days=40)
    with register.unit_of_work(Actor("maija.dpo", Role.DPO)) as uow:
        changed = customers.rectify_person(
            uow,
            pid,
            {"last_name": "Korhonen", "mother_tongue": "sv"},
            "marriage; told by phone",
            Provenance.of("customer_contact", uow.now()),
        )
        assert changed == ["person.last_name", "person.mother_tongue"]
        assert (
            customers.rectify_person(
                uow,
                pid,
                {"last_name": "Korhonen"},
                "again",
                Provenance.of("customer_contact", uow.now()),
            )
            == []
        )
    with register.reading(Actor("t")) as uow:
        history = customer_view(uow, pid, Role.DPO)["history"]
    assert [(h["attribute"], h["old_value"], h["new_value"]) for h in history] == [
        ("person.last_name", "Virtanen", "Korhonen"),
        ("person.mother_tongue", "fi", "sv"),
    ]
    assert history[0]["actor"] == "maija.dpo" and history[0]["reason"] == "marriage; told by phone"
    assert history[0]["at"] == clock() and history[0]["source"] == "customer_contact"


def test_rectifying_an_identity_code_keeps_the_history_encrypted(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
        customers.rectify_person(
            uow,
            pid,
            {"personal_identity_code": "131052-309U"},
            "typo",
            Provenance.of("population_register", uow.now()),
        )
    with register.engine.connect() as conn:
        stored = conn.execute(select(attribute_change.c.old_value)).scalar_one()
        assert stored.startswith("enc:") and "131052" not in stored
    with register.reading(Actor("t")) as uow:
        assert customer_view(uow, pid, Role.CUSTOMER_SERVICE)["history"][0]["old_value"].startswith(
            "(salattu"
        )
        assert customer_view(uow, pid, None)["history"][0]["old_value"] == HETU


def test_customers_move_a_site_has_successive_contracts(register: RegisterApp) -> None:
    prov = lambda uow: Provenance.of("contract", uow.now())  # noqa: E731
    with register.unit_of_work(Actor("t")) as uow:
        first = customers.register_person(uow, draft(), prov(uow)).person_id
        second = customers.register_person(
            uow,
            draft(personal_identity_code="120300A1234", first_names="Eero", last_name="Nieminen"),
            prov(uow),
        ).person_id
        site_id = customers.add_site(
            uow,
            SiteDraft(
                "Kotikatu 5",
                "00100",
                "Helsinki",
                heating_type="electric",  # type: ignore[arg-type]
                metering_points=(GSRN,),
            ),
            prov(uow),
        )
        c1, _ = customers.add_contract(
            uow,
            first,
            ContractDraft(site_id, "sales", "Pörssisähkö", dt.date(2024, 1, 1)),
            prov(uow),
        )  # type: ignore[arg-type]
        with pytest.raises(RuleViolation, match="already has"):
            customers.add_contract(
                uow,
                second,
                ContractDraft(site_id, "sales", "Pörssisähkö", dt.date(2025, 6, 1)),
                prov(uow),
            )  # type: ignore[arg-type]
        customers.end_contract(uow, c1, dt.date(2025, 6, 1), "moved_out", prov(uow))
        # The next occupant starts on the day of the move.
        customers.add_contract(
            uow,
            second,
            ContractDraft(site_id, "sales", "Kiinteä 12 kk", dt.date(2025, 6, 1)),
            prov(uow),
        )  # type: ignore[arg-type]
        v1 = customer_view(uow, first, Role.CUSTOMER_SERVICE)
        v2 = customer_view(uow, second, Role.CUSTOMER_SERVICE)
    assert v1["contracts"][0]["contract"]["end_date"] == dt.date(2025, 6, 1)
    assert v2["contracts"][0]["contract"]["start_date"] == dt.date(2025, 6, 1)
    assert v1["sites"][0]["metering_points"][0]["gsrn"]["gsrn"] == GSRN
    assert v2["sites"][0]["id"] == v1["sites"][0]["id"]


def test_a_wrong_gsrn_or_iban_is_refused_with_its_field(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
    with pytest.raises(InvalidInput) as err, register.unit_of_work(Actor("t")) as uow:
        customers.add_site(
            uow,
            SiteDraft("Katu 1", "00100", "Helsinki", metering_points=("643006966022791279",)),
            Provenance.of("contract", uow.now()),
        )
    assert err.value.field == "site.metering_points" and "check digit" in err.value.reason
    with pytest.raises(InvalidInput) as err, register.unit_of_work(Actor("t")) as uow:
        customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft(
                "Katu 1",
                "00100",
                "Helsinki",
                15,
                "monthly",
                "direct_payment",  # type: ignore[arg-type]
                "FI2112345600000786",
            ),
            Provenance.of("contract", uow.now()),
        )
    assert err.value.field == "billing.iban"


def test_a_contact_point_ends_and_the_change_is_recorded(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
        cp = customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(ContactKind.PHONE, "+358 9 123 456"),
            Provenance.of("phone_directory", uow.now()),
        )
        customers.end_contact_point(
            uow,
            cp,
            uow.today(),
            "number no longer in use",
            Provenance.of("customer_contact", uow.now()),
        )
        view = customer_view(uow, pid, Role.CUSTOMER_SERVICE)
    ended = next(c for c in view["contact_points"] if c["id"] == cp)
    assert ended["validity"]["valid_to"] == register.clock().date()
    assert ended["_source"]["source"] == "phone_directory"
    assert view["history"][-1]["attribute"] == "contact_point.validity"


def test_legal_person_needs_a_valid_business_id(register: RegisterApp) -> None:
    org = PersonDraft(
        kind="legal",
        organisation_name="Esimerkki Oy",  # type: ignore[arg-type]
        business_id="2630573-4",
    )
    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(
            uow, org, Provenance.of("trade_register", uow.now())
        ).person_id
        row = uow.execute(select(person).where(person.c.id == pid)).one()
    assert row.business_id == "2630573-4" and row.hetu_ct is None
    with pytest.raises(InvalidInput) as err, register.unit_of_work(Actor("t")) as uow:
        customers.register_person(
            uow,
            PersonDraft(kind="legal", organisation_name="X Oy", business_id="2630573-5"),  # type: ignore[arg-type]
            Provenance.of("order", uow.now()),
        )
    assert err.value.field == "business_id"


@pytest.mark.proves("P12.every-change-recorded")
def test_site_and_billing_changes_keep_history_and_their_own_source(
    register: RegisterApp, clock: FakeClock
) -> None:
    from rekisteri.services.register import updates

    with register.unit_of_work(Actor("t")) as uow:
        pid = customers.register_person(uow, draft(), Provenance.of("order", uow.now())).person_id
        site_id = customers.add_site(
            uow,
            SiteDraft("Kotikatu 5", "00100", "Helsinki", heating_type="oil"),  # type: ignore[arg-type]
            Provenance.of("contract", uow.now()),
        )
        customers.add_contract(
            uow,
            pid,
            ContractDraft(
                site_id,
                "sales",
                "Pörssisähkö",  # type: ignore[arg-type]
                dt.date(2026, 1, 1),
            ),
            Provenance.of("contract", uow.now()),
        )
        ba = customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft("Katu 1", "00100", "Helsinki", 15, "monthly", "paper"),  # type: ignore[arg-type]
            Provenance.of("contract", uow.now()),
        )
    clock.advance(days=10)
    with register.unit_of_work(Actor("anna", Role.CUSTOMER_SERVICE)) as uow:
        assert updates.update_site(
            uow,
            site_id,
            {"heating_type": "heat_pump"},
            "new pump",
            Provenance.of("customer_contact", uow.now()),
        ) == ["heating_type"]
        with pytest.raises(InvalidInput) as err:
            updates.update_billing_account(
                uow,
                ba,
                {"method": "direct_payment"},
                "x",
                Provenance.of("customer_contact", uow.now()),
            )
        assert err.value.field == "iban"
        assert updates.update_billing_account(
            uow,
            ba,
            {"method": "direct_payment", "iban": "FI2112345600000785", "due_day": 5},
            "asked by phone",
            Provenance.of("customer_contact", uow.now()),
        ) == ["method", "iban", "due_day"]
        with pytest.raises(InvalidInput) as err:
            updates.update_site(
                uow, site_id, {"owner_name": "x"}, "x", Provenance.of("customer_contact", uow.now())
            )
        assert err.value.field == "owner_name"
        view = customer_view(uow, pid, Role.CUSTOMER_SERVICE)
    site_view = view["sites"][0]
    assert site_view["heating_type"] == "heat_pump"
    assert site_view["_source"]["source"] == "contract"  # the row's own arrival
    assert site_view["_sources_of_changes"]["heating_type"]["source"] == "customer_contact"
    changes = {(h["attribute"], h["old_value"], h["new_value"]) for h in view["history"]}
    assert ("site.heating_type", "oil", "heat_pump") in changes
    assert ("billing_account.terms", "15", "5") in changes
    assert (
        "billing_account.iban",
        "(salattu / krypterad / encrypted)",
        "(salattu / krypterad / encrypted)",
    ) not in changes  # old was empty
    assert view["billing_accounts"][0]["iban"] == "FI21 **** **** 0785"
