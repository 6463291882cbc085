"""Organisations kept current from the trade register (issue 16, item 3), on both databases:
a match by business ID changes name, postal address and status through the write path with the
trade register as source; no match changes nothing; a name the organisation gave later than the
trade register's entry is kept (a conflict); the same file twice changes nothing; a bad record
stores nothing; a bankrupt or ceased company with contracts in force is a staff task and shows
on the person view."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.register import attribute_change, contact_point, person
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.adapters.schema.updates import update_file
from rekisteri.catalogue import Role
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContractKind,
    PersonKind,
    Provenance,
)
from rekisteri.services.register import customers, tasks
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from rekisteri.services.updates.trade_register import import_trade_register

STAFF = Actor("asiakaspalvelu.anna", Role.CUSTOMER_SERVICE)
JOB = Actor.system("system:import-trade-register")
BID = "1572860-0"
OTHER_BID = "2617416-4"
THIRD_BID = "1234562-0"
ORDERED = dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.UTC)


def organisation(reg: RegisterApp, *, with_contract: bool = True, bid: str = BID) -> int:
    """Konepaja Oy, registered from its order of 2025-01-01 (its own word of its name and
    address then), with its postal address and, if asked, a sales contract in force."""
    prov = Provenance.of("contract", ORDERED, "order form")
    with reg.unit_of_work(STAFF) as uow:
        pid = customers.register_person(
            uow,
            PersonDraft(
                PersonKind.LEGAL,
                organisation_name="Konepaja Oy",
                business_id=bid,
                contact_points=(
                    ContactPointDraft(
                        ContactKind.POSTAL,
                        street="Pajatie 1",
                        postal_code="33100",
                        post_office="Tampere",
                        valid_from=dt.date(2020, 1, 1),
                    ),
                ),
            ),
            prov,
        ).person_id
        if with_contract:
            site = customers.add_site(
                uow, SiteDraft(street="Pajatie 1", postal_code="33100", post_office="Tampere"), prov
            )
            account = customers.add_billing_account(
                uow,
                pid,
                BillingAccountDraft(
                    street="Pajatie 1",
                    postal_code="33100",
                    post_office="Tampere",
                    due_day=15,
                    rhythm=BillingRhythm.MONTHLY,
                    method=BillingMethod.E_INVOICE,
                ),
                prov,
            )
            customers.add_contract(
                uow,
                pid,
                ContractDraft(
                    site, ContractKind.SALES, "Yrityssähkö", dt.date(2024, 1, 1), account
                ),
                prov,
            )
    return pid


def company(
    bid: str = BID,
    *,
    name: str = "Konepaja Oy",
    name_on: str = "2026-03-01",
    street: str = "Pajatie",
    number: str = "1",
    code: str = "33100",
    address_on: str = "2026-03-01",
    situations: list[dict[str, Any]] | None = None,
    end_date: str | None = None,
) -> dict[str, Any]:
    """One company as the open data API v3 answers it (docs/formats/trade-register.md)."""
    return {
        "businessId": {"value": bid, "registrationDate": "2001-05-02", "source": "3"},
        "names": [
            {"name": "Konepaja Ky", "type": "1", "registrationDate": "2001-05-02",
             "endDate": "2010-12-31", "version": 2, "source": "1"},
            {"name": name, "type": "1", "registrationDate": name_on, "version": 1, "source": "1"},
            {"name": "Paja", "type": "3", "registrationDate": "2011-01-01", "version": 1,
             "source": "1"},
        ],
        "addresses": [
            {"type": 1, "street": "Tehdaskatu", "buildingNumber": "9", "postCode": "33100",
             "postOffices": [{"city": "TAMPERE", "languageCode": "1"}],
             "registrationDate": "2015-01-01", "source": "0"},
            {"type": 2, "street": street, "buildingNumber": number, "postCode": code,
             "postOffices": [{"city": "TAMMERFORS", "languageCode": "2"},
                             {"city": "TAMPERE", "languageCode": "1"}],
             "country": "FI", "registrationDate": address_on, "source": "0"},
        ],
        "companySituations": situations or [],
        "endDate": end_date,
        "status": "2",
    }  # fmt: skip


def answer(*companies: dict[str, Any]) -> bytes:
    return json.dumps({"totalResults": len(companies), "companies": list(companies)}).encode()


def apply(reg: RegisterApp, data: bytes, name: str = "ytj.json") -> Any:
    with reg.unit_of_work(JOB) as uow:
        return import_trade_register(uow, name, data)


def postal_points(reg: RegisterApp, pid: int) -> list[Any]:
    with reg.engine.connect() as conn:
        return list(
            conn.execute(
                select(contact_point)
                .where(contact_point.c.person_id == pid, contact_point.c.kind == "postal")
                .order_by(contact_point.c.valid_from)
            )
        )


def row_of(reg: RegisterApp, pid: int) -> Any:
    with reg.engine.connect() as conn:
        return conn.execute(select(person).where(person.c.id == pid)).one()


def count(reg: RegisterApp, table: Any) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_match_takes_name_address_and_status_from_the_trade_register(
    register: RegisterApp,
) -> None:
    pid = organisation(register, with_contract=False)
    done = apply(
        register,
        answer(
            company(name="Konepaja Suomi Oy", street="Teollisuuskatu", number="5", code="33540")
        ),
    )
    assert done.describe() == (
        "trade register ytj.json: 1 records, 1 matched, 1 changed, 0 unchanged, "
        "0 unmatched, 0 conflicts"
    )
    row = row_of(register, pid)
    assert (row.organisation_name, row.trade_status) == ("Konepaja Suomi Oy", "registered")
    old, new = postal_points(register, pid)
    # The postal address (type 2), its Finnish post office, from the day the register entered
    # it; the old one ends the day before.
    assert (new.street, new.postal_code, new.post_office) == (
        "Teollisuuskatu 5",
        "33540",
        "TAMPERE",
    )
    assert (new.valid_from, old.valid_to) == (dt.date(2026, 3, 1), dt.date(2026, 2, 28))
    assert (new.source, new.source_detail) == (
        "trade_register",
        "trade register ytj.json, record 1",
    )
    with register.engine.connect() as conn:
        changes = conn.execute(
            select(attribute_change.c.attribute, attribute_change.c.source).where(
                attribute_change.c.person_id == pid
            )
        ).all()
    assert {(a, s) for a, s in changes} >= {
        ("person.organisation_name", "trade_register"),
        ("person.trade_register_status", "trade_register"),
        ("contact_point.validity", "trade_register"),
    }


def test_a_business_id_nobody_has_changes_nothing(register: RegisterApp) -> None:
    pid = organisation(register)
    done = apply(register, answer(company(OTHER_BID, name="Toinen Oy")))
    assert (done.matched, done.unmatched, done.changed) == (0, 1, 0)
    assert row_of(register, pid).organisation_name == "Konepaja Oy"
    assert len(postal_points(register, pid)) == 1


def test_a_name_and_address_the_organisation_gave_later_are_kept_as_conflicts(
    register: RegisterApp,
) -> None:
    # The organisation told its name and address on 2025-01-01 (its order); the trade register
    # entered other ones on 2024-06-15, before that: the organisation's own stand.
    pid = organisation(register, with_contract=False)
    done = apply(
        register,
        answer(
            company(
                name="Vanha Nimi Oy",
                name_on="2024-06-15",
                street="Vanhatie",
                address_on="2024-06-15",
            )
        ),
    )
    assert (done.matched, done.conflicts) == (1, 1)
    row = row_of(register, pid)
    assert row.organisation_name == "Konepaja Oy"
    assert [p.street for p in postal_points(register, pid)] == ["Pajatie 1"]
    # A later entry in the trade register than the organisation's word is taken.
    done = apply(register, answer(company(name="Uusi Nimi Oy", name_on="2025-01-02")))
    assert (done.conflicts, done.changed) == (0, 1)
    assert row_of(register, pid).organisation_name == "Uusi Nimi Oy"


def test_the_same_file_twice_changes_nothing_the_second_time(register: RegisterApp) -> None:
    pid = organisation(register)
    data = answer(company(street="Teollisuuskatu", situations=[_bankruptcy()]))
    first = apply(register, data)
    assert first.changed == 1
    before = (count(register, attribute_change), count(register, staff_task))
    again = apply(register, data)
    assert again.already_applied
    assert again.describe() == "trade register ytj.json: already applied, nothing changed"
    assert (count(register, attribute_change), count(register, staff_task)) == before
    assert count(register, update_file) == 1
    # The same content under another name is no other file; a new file saying the same is
    # applied and finds everything as it says.
    same = apply(register, data + b"\n", "ytj-2.json")
    assert (same.matched, same.changed, same.unchanged) == (1, 0, 1)
    assert (count(register, attribute_change), count(register, staff_task)) == before
    assert len(postal_points(register, pid)) == 2


def _bankruptcy(on: str = "2026-02-20") -> dict[str, Any]:
    return {"type": "KONK", "registrationDate": on, "source": "1"}


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("businessId.value", lambda c: c["businessId"].update(value="1572860-1")),
        ("addresses[1].postCode", lambda c: c["addresses"][1].update(postCode="3310")),
        ("companySituations[0].registrationDate", lambda c: c.update(
            companySituations=[_bankruptcy("2026-02-30")])),
        ("names[1].name", lambda c: c["names"][1].update(name="Konepaja\u202eOy")),
    ],
)  # fmt: skip
def test_a_bad_record_stores_nothing_of_the_file(
    register: RegisterApp, field: str, change: Any
) -> None:
    pid = organisation(register)
    bad = company(OTHER_BID)
    change(bad)
    before = count(register, attribute_change)
    with pytest.raises(InvalidInput) as refused:
        apply(register, answer(company(name="Muutettu Oy"), bad))
    assert (refused.value.where, refused.value.field) == ("ytj.json, record 2", field)
    assert row_of(register, pid).organisation_name == "Konepaja Oy"
    assert count(register, attribute_change) == before
    assert count(register, update_file) == 0


def test_a_bankrupt_company_with_contracts_in_force_is_a_staff_task_and_on_its_page(
    register: RegisterApp,
) -> None:
    pid = organisation(register)
    quiet = organisation(register, with_contract=False, bid=OTHER_BID)
    going_on = organisation(register, bid=THIRD_BID)
    restructuring = {"type": "SANE", "registrationDate": "2026-01-10", "source": "1"}
    apply(
        register,
        answer(
            company(situations=[_bankruptcy()]),
            company(OTHER_BID, end_date="2026-02-01"),
            company(THIRD_BID, situations=[restructuring]),
        ),
    )
    # Restructuring goes on with its contracts: a status, no task.
    assert row_of(register, going_on).trade_status == "restructuring"
    assert (row_of(register, pid).trade_status, row_of(register, pid).trade_status_on) == (
        "bankrupt",
        dt.date(2026, 2, 20),
    )
    assert row_of(register, quiet).trade_status == "ceased"
    with register.reading(STAFF) as uow:
        [task] = tasks.listing(uow, kind=tasks.ORGANISATION_ENDED)
        view = customer_view(uow, pid, Role.CUSTOMER_SERVICE)
        quiet_view = customer_view(uow, quiet, Role.CUSTOMER_SERVICE)
    # One task per organisation with contracts in force (the ceased one has none).
    assert (task.subject_table, task.subject_id) == ("person", pid)
    assert "bankrupt since 2026-02-20; 1 contracts in force" in task.reason
    [entry] = view["contracts"]
    assert entry["organisation_ended"] == "bankrupt"
    assert quiet_view["contracts"] == []
    # A later file that still says bankrupt opens no second task while the first is open.
    apply(register, answer(company(situations=[_bankruptcy()], name="Konepaja Oy konkurssipesä")))
    with register.reading(STAFF) as uow:
        assert len(tasks.listing(uow, kind=tasks.ORGANISATION_ENDED)) == 1


def test_a_sole_trader_takes_only_the_status(register: RegisterApp) -> None:
    prov = Provenance.of("contract", register.clock())
    with register.unit_of_work(STAFF) as uow:
        pid = customers.register_person(
            uow,
            PersonDraft(
                PersonKind.NATURAL,
                first_names="Pekka",
                last_name="Puuseppä",
                personal_identity_code="311280-888Y",
                business_id=OTHER_BID,
                contact_points=(
                    ContactPointDraft(
                        ContactKind.POSTAL, street="Kotikatu 3", postal_code="33100",
                        post_office="Tampere",
                    ),
                ),
            ),
            prov,
        ).person_id  # fmt: skip
    apply(
        register,
        answer(company(OTHER_BID, name="Puusepänliike P. Puuseppä", end_date="2026-02-01")),
    )
    row = row_of(register, pid)
    assert (row.last_name, row.organisation_name, row.trade_status) == ("Puuseppä", None, "ceased")
    assert [p.street for p in postal_points(register, pid)] == ["Kotikatu 3"]


def test_a_restricted_organisations_update_waits_until_the_restriction_ends(
    register: RegisterApp,
) -> None:
    """Art. 18: while processing is restricted the data is only stored, so the trade
    register's name, address and bankruptcy wait (counted as a conflict): nothing changes, no
    history, no staff task."""
    pid = organisation(register)
    with register.engine.begin() as conn:
        conn.execute(
            person.update()
            .where(person.c.id == pid)
            .values(restricted=True, restricted_reason="objection")
        )
    before = (count(register, attribute_change), count(register, staff_task))
    done = apply(
        register,
        answer(
            company(name="Konepaja Suomi Oy", street="Teollisuuskatu", situations=[_bankruptcy()])
        ),
    )
    assert (done.matched, done.conflicts, done.changed) == (1, 1, 0)
    row = row_of(register, pid)
    assert (row.organisation_name, row.trade_status) == ("Konepaja Oy", None)
    assert [p.street for p in postal_points(register, pid)] == ["Pajatie 1"]
    assert (count(register, attribute_change), count(register, staff_task)) == before
