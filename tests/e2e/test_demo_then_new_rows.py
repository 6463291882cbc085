"""After `rekisteri demo` the register goes on as usual: persons, contact points, sites, billing
accounts, contracts and permissions added through the services, the API and the command line
get fresh ids and numbers (the demo loads its rows with ids of its own, in bulk)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Table, create_engine, func, select, text

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import invoice, person
from rekisteri.catalogue import Role, Source
from rekisteri.demo.customers import TABLES, generate
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose, PermissionDraft
from rekisteri.domain.drafts import (
    BillingAccountDraft,
    ContactPointDraft,
    ContractDraft,
    PersonDraft,
    SiteDraft,
)
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContractKind,
    PersonKind,
    Provenance,
)
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_api import PERSON, token_for
from tests.e2e.test_cli import run
from tests.support.cli_login import with_login
from tests.support.clock import FakeClock
from tests.support.registered import nth_hetu

DEMO_CUSTOMERS = 5
STAFF = Actor("asiakaspalvelu.anna")


def _highest_ids(register: RegisterApp) -> dict[str, int]:
    with register.engine.connect() as conn:
        return {t.name: _highest(conn, t) for t in TABLES}


def _highest(conn: Any, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def _demo(register: RegisterApp) -> dict[str, int]:
    made = generate(register, DEMO_CUSTOMERS, seed=1)
    assert made.customers == DEMO_CUSTOMERS
    return _highest_ids(register)


def test_the_services_add_rows_with_fresh_ids_after_the_demo(register: RegisterApp) -> None:
    demo = _demo(register)
    assert all(demo[t] > 0 for t in ("person", "contact_point", "site", "contract"))

    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of(Source.ORDER, uow.now(), "order after the demo")
        done = customers.register_person(
            uow,
            PersonDraft(
                kind=PersonKind.NATURAL,
                first_names="Aino",
                last_name="Aalto",
                personal_identity_code=nth_hetu(0),
                contact_points=(ContactPointDraft(ContactKind.EMAIL, "aino@example.fi"),),
            ),
            prov,
            (
                PermissionDraft(
                    ConsentPurpose.OWN_MARKETING,
                    Channel.EMAIL,
                    CaptureMethod.WEB_FORM,
                    "Saa lähettää tarjouksia sähköpostiin",
                    "v1",
                ),
            ),
        )
        phone = customers.add_contact_point(
            uow, done.person_id, ContactPointDraft(ContactKind.PHONE, "040 123 4567"), prov
        )
        site_id = customers.add_site(
            uow,
            SiteDraft("Sähkötie 1", "00200", "Helsinki", metering_points=("643006966022791278",)),
            prov,
        )
        account = customers.add_billing_account(
            uow,
            done.person_id,
            BillingAccountDraft(
                "Kotikatu 1", "00100", "Helsinki", 15, BillingRhythm.MONTHLY, BillingMethod.EMAIL
            ),
            prov,
        )
        contract_id, contract_number = customers.add_contract(
            uow,
            done.person_id,
            ContractDraft(site_id, ContractKind.SALES, "Pörssisähkö", dt.date(2026, 1, 1), account),
            prov,
        )

    assert done.person_id > demo["person"]
    assert int(done.customer_number) == 100001 + DEMO_CUSTOMERS
    assert phone > demo["contact_point"] and site_id > demo["site"]
    assert account > demo["billing_account"] and contract_id > demo["contract"]
    assert contract_number.startswith("S")
    after = _highest_ids(register)
    for name in ("person", "contact_point", "site", "metering_point", "consent_event"):
        assert after[name] > demo[name], name


def test_the_demo_leaves_every_id_sequence_past_its_rows(register: RegisterApp) -> None:
    """PostgreSQL hands out ids from a sequence, which rows loaded with their own ids do not
    move; SQLite takes the highest id plus one and passes trivially."""
    demo = _demo(register)
    with register.engine.connect() as conn:
        if conn.dialect.name != "postgresql":
            return
        for name, highest in ((n, h) for n, h in demo.items() if h):  # tables it filled
            last = conn.execute(
                text("SELECT pg_sequence_last_value(pg_get_serial_sequence(:t, 'id')::regclass)"),
                {"t": name},
            ).scalar()
            assert last is not None and last >= highest, (name, last, highest)


def test_a_second_demo_continues_every_number_series(
    register: RegisterApp, clock: FakeClock
) -> None:
    """A monthly customer of over a year has 13 invoices when today is past their billing day
    (the month a year back and this month both billed): the block taken must hold them all,
    those the billing system sends through the door (its Finvoice batch) included."""
    clock.set(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC))
    first = generate(register, 1, seed=11)
    assert first.traffic is not None
    # This seed's one customer is billed monthly, on a day before the 20th.
    assert first.rows["invoice"] + len(first.traffic.invoices) == 13
    generate(register, 1, seed=12)
    with register.engine.connect() as conn:
        numbers = conn.execute(select(invoice.c.invoice_number)).scalars().all()
    assert len(set(numbers)) == len(numbers) > 13


def test_the_api_adds_rows_with_fresh_ids_after_the_demo(register: RegisterApp) -> None:
    demo = _demo(register)
    api = TestClient(create_app(register), raise_server_exceptions=False)
    cs = token_for(register, Role.CUSTOMER_SERVICE)

    created = api.post(
        "/api/v1/persons", json={**PERSON, "personal_identity_code": nth_hetu(1)}, headers=cs
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    assert pid > demo["person"]
    assert int(created.json()["number"]) == 100001 + DEMO_CUSTOMERS
    contact = api.post(
        f"/api/v1/persons/{pid}/contact-points",
        json={"kind": "phone", "value": "040 765 4321", "source": "customer_contact"},
        headers=cs,
    )
    assert contact.status_code == 201, contact.text
    assert contact.json()["id"] > demo["contact_point"]
    site = api.post(
        "/api/v1/sites",
        json={
            "street": "Kotikatu 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "metering_points": ["643006966022791278"],
            "source": "contract",
        },
        headers=cs,
    )
    assert site.status_code == 201, site.text
    assert site.json()["id"] > demo["site"]
    contract = api.post(
        f"/api/v1/persons/{pid}/contracts",
        json={
            "site_id": site.json()["id"],
            "kind": "sales",
            "product": "Pörssisähkö",
            "start_date": "2026-01-01",
            "source": "contract",
        },
        headers=cs,
    )
    assert contract.status_code == 201, contract.text
    assert contract.json()["id"] > demo["contract"]


def test_customer_add_works_after_the_demo_command(database_url: str, keyring: Keyring) -> None:
    env = {"REKISTERI_DATABASE_URL": database_url, "REKISTERI_SECRET_KEY": keyring.to_json()}
    made = run(env, "demo", "--customers", str(DEMO_CUSTOMERS), "--readings-days", "0")
    assert made.returncode == 0, made.stderr
    engine = create_engine(database_url)
    with engine.connect() as conn:
        last = conn.execute(select(func.max(person.c.customer_number))).scalar_one()
    engine.dispose()
    assert int(last) >= 100000 + DEMO_CUSTOMERS
    added = run(
        with_login(env),
        *("customer", "add", "--source", "order", "--first-names", "Aino"),
        *("--last-name", "Aalto", "--hetu", nth_hetu(2), "--email", "aino@example.fi"),
    )
    assert added.returncode == 0, added.stderr
    # The next number after every person the demo made: its customers, and the namesake of one
    # of them its update doors add (demo/updates.py).
    assert f"customer number {int(last) + 1}" in added.stdout
