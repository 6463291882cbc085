"""The one write path of personal attributes: a rectification and a change of a site or billing
account check every value by its attribute's rule before anything is written, name the field
they refuse, and keep the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change, billing_account, person, site
from rekisteri.domain.consent import PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import ContactKind, Provenance
from rekisteri.services.register import customers, updates
from rekisteri.services.unit_of_work import Actor, RegisterApp, UnitOfWork
from tests.integration.test_customers import draft, row_counts

STAFF = Actor("asiakaspalvelu.anna")


def _prov(uow: UnitOfWork) -> Provenance:
    return Provenance.of("customer_contact", uow.now(), "phone call")


def add_prospect(register: RegisterApp) -> customers.Registered:
    """A person without an identity code, so any birth year may be theirs."""
    permission = PermissionDraft(
        "own_marketing",
        "email",
        "competition_or_event",  # type: ignore[arg-type]
        "Saa lähettää sähköpostitse tarjouksia.",
        "2026-1",
    )
    prospect = PersonDraft(
        kind="natural",  # type: ignore[arg-type]
        relationship="prospect",  # type: ignore[arg-type]
        first_names="Pekka",
        last_name="Puupää",
        contact_points=(ContactPointDraft(ContactKind.EMAIL, "pekka@example.fi"),),
    )
    with register.unit_of_work(STAFF) as uow:
        done = customers.register_person(
            uow, prospect, Provenance.of("competition_or_event", uow.now()), (permission,)
        )
    return done


def stored(register: RegisterApp, table: Any, row_id: int, column: str) -> Any:
    with register.engine.connect() as conn:
        return conn.execute(select(table.c[column]).where(table.c.id == row_id)).scalar_one()


@pytest.mark.parametrize("junk", ["abc", "5", "1849", "2027", 1980.5, True, [1980]])
def test_a_birth_year_is_rectified_only_to_a_year_from_1850_to_this_year(
    register: RegisterApp, junk: Any
) -> None:
    pid = add_prospect(register).person_id
    before = row_counts(register)
    with pytest.raises(InvalidInput) as err, register.unit_of_work(STAFF) as uow:
        customers.rectify_person(
            uow, pid, {"last_name": "Puu", "birth_year": junk}, "told", _prov(uow)
        )
    assert err.value.field == "birth_year"
    assert row_counts(register) == before  # not even the valid last name


def test_a_valid_birth_year_is_stored_as_a_number_with_its_history(
    register: RegisterApp,
) -> None:
    pid = add_prospect(register).person_id
    with register.unit_of_work(STAFF) as uow:
        assert customers.rectify_person(uow, pid, {"birth_year": "1987"}, "told", _prov(uow)) == [
            "person.birth_year"
        ]
        assert customers.rectify_person(uow, pid, {"birth_year": 1987}, "again", _prov(uow)) == []
    assert stored(register, person, pid, "birth_year") == 1987
    with register.engine.connect() as conn:
        history = conn.execute(
            select(attribute_change.c.attribute, attribute_change.c.new_value)
        ).all()
    assert [tuple(h) for h in history] == [("person.birth_year", "1987")]


def test_a_rectified_identity_code_sets_its_birth_year_and_must_agree_with_a_given_one(
    register: RegisterApp,
) -> None:
    with register.unit_of_work(STAFF) as uow:
        pid = customers.register_person(uow, draft(), _prov(uow)).person_id
    with pytest.raises(InvalidInput) as err, register.unit_of_work(STAFF) as uow:
        customers.rectify_person(
            uow,
            pid,
            {"personal_identity_code": "010594Y123W", "birth_year": "1995"},
            "letter",
            _prov(uow),
        )
    assert err.value.field == "birth_year"
    with register.unit_of_work(STAFF) as uow:
        changed = customers.rectify_person(
            uow, pid, {"personal_identity_code": "010594Y123W"}, "letter", _prov(uow)
        )
        assert changed == ["person.personal_identity_code", "person.birth_year"]
        assert customers.find_by_identity_code(uow, "010594Y123W") == pid
    assert stored(register, person, pid, "birth_year") == 1994


def test_an_identity_code_of_another_person_is_refused(register: RegisterApp) -> None:
    with register.unit_of_work(STAFF) as uow:
        first = customers.register_person(uow, draft(), _prov(uow)).person_id
        customers.register_person(
            uow, draft(personal_identity_code="120300A1234", first_names="Eero"), _prov(uow)
        )
    with (
        pytest.raises(InvalidInput, match="already registered"),
        register.unit_of_work(STAFF) as uow,
    ):
        customers.rectify_person(
            uow, first, {"personal_identity_code": "120300A1234"}, "x", _prov(uow)
        )


def _site_and_account(register: RegisterApp, method: str = "direct_payment") -> tuple[int, int]:
    with register.unit_of_work(STAFF) as uow:
        pid = customers.register_person(uow, draft(), _prov(uow)).person_id
        site_id = customers.add_site(
            uow,
            SiteDraft("Kotikatu 5", "00100", "Helsinki", main_fuse_a=25),
            _prov(uow),
        )
        customers.add_contract(
            uow,
            pid,
            ContractDraft(site_id, "sales", "Pörssisähkö", dt.date(2026, 1, 1)),  # type: ignore[arg-type]
            _prov(uow),
        )
        account = customers.add_billing_account(
            uow,
            pid,
            BillingAccountDraft(
                "Katu 1",
                "00100",
                "Helsinki",
                15,
                "monthly",  # type: ignore[arg-type]
                method,  # type: ignore[arg-type]
                "FI2112345600000785" if method == "direct_payment" else None,
            ),
            _prov(uow),
        )
    return site_id, account


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"main_fuse_a": "abc"}, "main_fuse_a"),
        ({"main_fuse_a": "25A"}, "main_fuse_a"),
        ({"consumption_estimate_kwh": "-1"}, "consumption_estimate_kwh"),
        ({"heating_type": 3}, "heating_type"),
        ({"street": "Uusi katu 1"}, "street"),  # a move is a new site, not a change
    ],
)
def test_site_changes_answer_to_the_rules(
    register: RegisterApp, changes: dict[str, Any], field: str
) -> None:
    site_id, _ = _site_and_account(register)
    with pytest.raises(InvalidInput) as err, register.unit_of_work(STAFF) as uow:
        updates.update_site(uow, site_id, changes, "x", _prov(uow))
    assert err.value.field == field


def test_a_site_number_is_stored_as_a_number_and_may_be_cleared(register: RegisterApp) -> None:
    site_id, _ = _site_and_account(register)
    with register.unit_of_work(STAFF) as uow:
        assert updates.update_site(
            uow, site_id, {"main_fuse_a": "35", "consumption_estimate_kwh": ""}, "x", _prov(uow)
        ) == ["main_fuse_a"]
        assert updates.update_site(uow, site_id, {"main_fuse_a": ""}, "y", _prov(uow)) == [
            "main_fuse_a"
        ]
    assert stored(register, site, site_id, "main_fuse_a") is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_day": "abc"}, "due_day"),
        ({"due_day": "31"}, "due_day"),
        ({"due_day": ""}, "due_day"),  # the column has no empty value (was a database error)
        ({"street": ""}, "street"),
        ({"postal_code": "1000"}, "postal_code"),
        ({"iban": "FI2112345600000786"}, "iban"),
        ({"iban": ""}, "iban"),  # direct payment draws from the account
        ({"iban_ct": "x"}, "iban_ct"),  # sealed columns are never written directly
        ({"country": "SE"}, "country"),
    ],
)
def test_billing_changes_answer_to_the_rules(
    register: RegisterApp, changes: dict[str, Any], field: str
) -> None:
    _, account = _site_and_account(register)
    with pytest.raises(InvalidInput) as err, register.unit_of_work(STAFF) as uow:
        updates.update_billing_account(uow, account, changes, "x", _prov(uow))
    assert err.value.field == field


def test_a_bank_account_changes_sealed_and_is_cleared_off_direct_payment(
    register: RegisterApp,
) -> None:
    _, account = _site_and_account(register)
    with register.unit_of_work(STAFF) as uow:
        assert updates.update_billing_account(
            uow, account, {"iban": "FI55 4234 5670 0000 81", "due_day": "20"}, "x", _prov(uow)
        ) == ["iban", "due_day"]
        assert updates.update_billing_account(
            uow, account, {"method": "paper", "iban": ""}, "y", _prov(uow)
        ) == ["method", "iban"]
    assert stored(register, billing_account, account, "due_day") == 20
    assert stored(register, billing_account, account, "iban_ct") is None
    assert stored(register, billing_account, account, "iban_bidx") is None
