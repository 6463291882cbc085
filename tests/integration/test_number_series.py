"""Customer numbers, contract numbers and request references are taken by many writers at once:
every writer gets a number of its own, and none fails for a number another one took."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from rekisteri.adapters.schema.register import contract, person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Source
from rekisteri.domain.drafts import ContactPointDraft, ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.register import ContactKind, ContractKind, PersonKind, Provenance
from rekisteri.domain.requests import ReceivedHow
from rekisteri.services.register import customers
from rekisteri.services.rights import requests
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.registered import nth_hetu
from tests.support.threads import in_threads

THREADS, EACH = 4, 25
STAFF = Actor("asiakaspalvelu.anna")


def test_persons_and_contracts_registered_at_once_get_numbers_of_their_own(
    register: RegisterApp,
) -> None:
    def one_customer(t: int, i: int) -> tuple[str, str]:
        with register.unit_of_work(STAFF) as uow:
            prov = Provenance.of(Source.ORDER, uow.now(), f"order {t}/{i}")
            done = customers.register_person(
                uow,
                PersonDraft(
                    kind=PersonKind.NATURAL,
                    first_names=f"Maija{t}",
                    last_name=f"Virtanen{i}",
                    personal_identity_code=nth_hetu(t * EACH + i),
                    contact_points=(ContactPointDraft(ContactKind.EMAIL, f"m{t}.{i}@example.fi"),),
                ),
                prov,
            )
            site_id = customers.add_site(
                uow, SiteDraft(f"Sähkötie {t * EACH + i + 1}", "00200", "Helsinki"), prov
            )
            _, number = customers.add_contract(
                uow,
                done.person_id,
                ContractDraft(site_id, ContractKind.SALES, "Pörssisähkö", dt.date(2026, 1, 1)),
                prov,
            )
        return done.customer_number, number

    outcomes = in_threads(THREADS, EACH, one_customer)

    assert not outcomes.failures, outcomes.summary()
    customer_numbers = sorted(int(c) for c, _ in outcomes.results)
    assert customer_numbers == list(range(100001, 100001 + THREADS * EACH))
    contract_numbers = sorted(int(k[1:]) for _, k in outcomes.results)
    assert contract_numbers == list(range(1000001, 1000001 + THREADS * EACH))
    with register.engine.connect() as conn:
        stored = conn.execute(select(person.c.customer_number)).scalars().all()
        contracts = conn.execute(select(contract.c.contract_number)).scalars().all()
    assert sorted(int(n) for n in stored) == customer_numbers
    assert len(set(contracts)) == len(contracts) == THREADS * EACH


def test_requests_made_at_once_get_references_of_their_own(register: RegisterApp) -> None:
    def one_request(t: int, i: int) -> str:
        with register.unit_of_work(Actor("web form")) as uow:
            made = requests.new_request(
                uow,
                None,
                "access",
                ReceivedHow.WEB_FORM,
                Provenance.of(Source.CUSTOMER_CONTACT, uow.now(), f"form {t}/{i}"),
                details={"name": f"Maija {t}/{i}", "contact": "maija@example.fi"},
            )
        return made.reference

    outcomes = in_threads(THREADS, EACH, one_request)

    assert not outcomes.failures, outcomes.summary()
    year = register.clock().year
    expected = [f"R{year}-{n:05d}" for n in range(1, THREADS * EACH + 1)]
    assert sorted(outcomes.results) == expected
    with register.engine.connect() as conn:
        stored = conn.execute(select(rights_request.c.reference)).scalars().all()
    assert sorted(stored) == expected
