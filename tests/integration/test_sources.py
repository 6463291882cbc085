"""P2: a value is stored only from a source the catalogue allows for its attribute. The one write
path and every insert of a person's rows refuse any other, naming the field and the source, and
store nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from rekisteri.adapters.schema.register import site
from rekisteri.catalogue import Source
from rekisteri.demo import customers as demo
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
from tests.integration.test_customers import GSRN, draft, row_counts

STAFF = Actor("asiakaspalvelu.anna")


def _from(source: str, uow: UnitOfWork) -> Provenance:
    return Provenance.of(source, uow.now())


def _refused(register: RegisterApp, call: object, field: str, source: str) -> None:
    """`call(uow)` is refused naming `field` and `source`, and nothing is stored."""
    before = row_counts(register)
    with register.unit_of_work(STAFF) as uow, pytest.raises(InvalidInput) as err:
        call(uow)  # type: ignore[operator]
    assert err.value.field == field and source in err.value.reason, err.value
    assert row_counts(register) == before


def _customer(register: RegisterApp) -> int:
    with register.unit_of_work(STAFF) as uow:
        return customers.register_person(uow, draft(), _from("order", uow)).person_id


@pytest.mark.proves("P2.sources-per-datum")
def test_a_person_from_a_source_not_declared_for_their_data_is_refused(
    register: RegisterApp,
) -> None:
    _refused(
        register,
        lambda uow: customers.register_person(uow, draft(), _from("energy_meter", uow)),
        "first_names",
        "energy_meter",
    )
    # An identity code from the population register is declared; one from a lottery is not.
    lottery = draft(first_names="Liisa", contact_points=())
    _refused(
        register,
        lambda uow: customers.register_person(uow, lottery, _from("competition_or_event", uow)),
        "personal_identity_code",
        "competition_or_event",
    )
    # A permission is given by the person: the trade register does not give one.
    org = PersonDraft(
        kind="legal",  # type: ignore[arg-type]
        organisation_name="Esimerkki Oy",
        business_id="2630573-4",
    )
    permission = PermissionDraft(
        "own_marketing",
        "email",
        "phone_call",  # type: ignore[arg-type]
        "Saa lähettää tarjouksia.",
        "v1",
    )
    _refused(
        register,
        lambda uow: customers.register_person(
            uow, org, _from("trade_register", uow), (permission,)
        ),
        "purpose",
        "trade_register",
    )
    with register.unit_of_work(STAFF) as uow:
        customers.register_person(uow, org, _from("trade_register", uow))


@pytest.mark.proves("P2.sources-per-datum")
def test_a_rectification_from_a_source_not_declared_for_the_attribute_is_refused(
    register: RegisterApp,
) -> None:
    pid = _customer(register)

    def rectify(changes: dict[str, object], source: str) -> object:
        return lambda uow: customers.rectify_person(uow, pid, changes, "told", _from(source, uow))

    # Gender is only ever what the person said.
    _refused(
        register,
        rectify({"gender": "female"}, "population_register"),
        "gender",
        "population_register",
    )
    # Every field is checked before anything is written: the allowed name does not go alone.
    _refused(
        register,
        rectify({"last_name": "Puu", "personal_identity_code": "010101-123N"}, "energy_meter"),
        "last_name",
        "energy_meter",
    )
    with register.unit_of_work(STAFF) as uow:
        assert customers.rectify_person(
            uow, pid, {"gender": "female"}, "told", _from("customer_contact", uow)
        ) == ["person.gender"]
        assert customers.rectify_person(
            uow, pid, {"last_name": "Puu"}, "marriage", _from("population_register", uow)
        ) == ["person.last_name"]


def test_contact_points_sites_billing_and_contracts_name_a_declared_source(
    register: RegisterApp,
) -> None:
    pid = _customer(register)
    email = ContactPointDraft(ContactKind.EMAIL, "uusi@example.fi")
    _refused(
        register,
        lambda uow: customers.add_contact_point(uow, pid, email, _from("energy_meter", uow)),
        "email",
        "energy_meter",
    )
    place = SiteDraft("Sähkötie 1", "00200", "Helsinki", metering_points=(GSRN,))
    _refused(
        register,
        lambda uow: customers.add_site(uow, place, _from("phone_directory", uow)),
        "street",
        "phone_directory",
    )
    account = BillingAccountDraft("Kotikatu 1", "00100", "Helsinki", 15, "monthly", "paper")  # type: ignore[arg-type]
    _refused(
        register,
        lambda uow: customers.add_billing_account(
            uow, pid, account, _from("population_register", uow)
        ),
        "street",
        "population_register",
    )
    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(uow, pid, email, _from("phone_directory", uow))
        site_id = customers.add_site(uow, place, _from("contract", uow))
    agreement = ContractDraft(site_id, "sales", "Pörssisähkö", dt.date(2026, 1, 1))  # type: ignore[arg-type]
    _refused(
        register,
        lambda uow: customers.add_contract(uow, pid, agreement, _from("asiakastieto", uow)),
        "kind",
        "asiakastieto",
    )
    with register.unit_of_work(STAFF) as uow:
        customers.add_contract(uow, pid, agreement, _from("contract", uow))
    _refused(
        register,
        lambda uow: updates.update_site(
            uow, site_id, {"main_fuse_a": 35}, "told", _from("public_internet", uow)
        ),
        "main_fuse_a",
        "public_internet",
    )
    with register.unit_of_work(STAFF) as uow:
        updates.update_site(
            uow, site_id, {"main_fuse_a": 35}, "told", _from("customer_contact", uow)
        )
    with register.engine.connect() as conn:
        assert conn.execute(site.select().where(site.c.id == site_id)).one().main_fuse_a == 35


def test_the_demo_register_names_a_declared_source_for_every_value(register: RegisterApp) -> None:
    """The demo writes in bulk, past the services: its rows must still tell the truth (P2)."""
    demo.generate(register, 150, seed=7)
    catalogue = register.catalogue
    wrong: set[tuple[str, str]] = set()
    with register.engine.connect() as conn:
        for table in demo.TABLES:
            # The register's own values (numbers, times, the relationship) are no source's.
            received = [
                a for a in catalogue.for_table(table.name) if a.sources != {Source.REGISTER_ITSELF}
            ]
            for row in conn.execute(table.select()):
                for attr in received:
                    given = any(row._mapping[c] not in (None, False) for c in attr.columns)
                    if given and Source(row.source) not in attr.sources:
                        wrong.add((attr.key, row.source))
    assert not wrong
