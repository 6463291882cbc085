"""The customer-service person page (browser-free): a contract sold in a call the company made
says why it is not in force (fi/sv/en) until it is accepted in writing; an organisation's page
lists its contact persons and a contact person's page names the organisations they act for."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.domain.drafts import ContactPointDraft, ContractDraft, PersonDraft, SiteDraft
from rekisteri.domain.register import (
    ContactKind,
    ContractKind,
    PersonKind,
    Provenance,
    SalesCall,
    WrittenHow,
)
from rekisteri.domain.telephone_sales import WrittenStep
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.register import contact_persons, customers, telephone_sales
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_web_login import PASSWORD, _log_in
from tests.support.registered import add_person

STAFF = Actor("test")
WHY = {
    "fi": "Myyty soittamassamme puhelussa: ei voimassa ennen kuin asiakas hyväksyy kirjallisen",
    "sv": "Sålt i ett samtal vi ringde: gäller inte förrän kunden skriftligen godkänner",
    "en": "Sold in a call we made: not in force until the customer accepts the written offer",
}


def _client(register: RegisterApp) -> TestClient:
    with register.unit_of_work(STAFF) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    client = TestClient(create_app(register), base_url="https://testserver")
    _log_in(client)
    return client


def _page(client: TestClient, key: str, lang: str = "fi") -> str:
    answer = client.get(f"/console/persons/{key}", params={"lang": lang})
    assert answer.status_code == 200, answer.text
    return answer.text


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_says_why_a_telephone_sale_is_not_in_force(
    register: RegisterApp, lang: str
) -> None:
    pid = add_person(register)
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        site = customers.add_site(uow, SiteDraft("Kotitie 1", "00100", "Helsinki"), prov)
        _, number = customers.add_contract(
            uow,
            pid,
            ContractDraft(
                site,
                ContractKind.SALES,
                "Kiinteä 12 kk",
                uow.today(),
                sales_call=SalesCall.OUTBOUND,
                sales_call_at=uow.now() - dt.timedelta(hours=1),
            ),
            prov,
        )
    client = _client(register)
    page = _page(client, str(pid), lang)
    assert WHY[lang] in page and number in page
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        step = WrittenStep(uow.now(), WrittenHow.EMAIL)
        telephone_sales.offer_sent(uow, number, step, prov)
        telephone_sales.accepted(uow, number, step, prov)
    assert WHY[lang] not in _page(client, str(pid), lang)


def test_the_pages_show_the_links_both_ways(register: RegisterApp) -> None:
    with register.unit_of_work(STAFF) as uow:
        prov = Provenance.of("contract", uow.now())
        org = customers.register_person(
            uow,
            PersonDraft(PersonKind.LEGAL, organisation_name="Konepaja Oy", business_id="1572860-0"),
            prov,
        )
        _, cp = contact_persons.add(
            uow,
            org.person_id,
            "invoice_receiver",
            prov,
            draft=PersonDraft(
                PersonKind.NATURAL,
                first_names="Liisa",
                last_name="Laine",
                contact_points=(ContactPointDraft(ContactKind.EMAIL, "liisa@example.fi"),),
            ),
        )
    client = _client(register)
    org_page = _page(client, org.customer_number)
    assert "Yhteyshenkilöt" in org_page and "Liisa Laine" in org_page
    assert "laskun vastaanottaja" in org_page
    own_page = _page(client, str(cp))
    assert "Yhteyshenkilönä yrityksissä" in own_page
    assert f"Konepaja Oy ({org.customer_number})" in own_page


ENDING = {
    "fi": "kaupparekisterin mukaan yritys on konkurssissa",
    "sv": "enligt handelsregistret är företaget i konkurs",
    "en": "the trade register says the organisation is bankrupt",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_says_a_contract_is_of_a_bankrupt_company(
    register: RegisterApp, lang: str
) -> None:
    from tests.integration.test_trade_register_updates import (
        _bankruptcy,
        answer,
        apply,
        company,
        organisation,
    )

    pid = organisation(register)
    client = _client(register)
    assert ENDING[lang] not in _page(client, str(pid), lang)
    apply(register, answer(company(situations=[_bankruptcy()])))
    assert ENDING[lang] in _page(client, str(pid), lang)


HELD = {
    "fi": "Selvitettävät osoitteenmuutokset",
    "sv": "Adressändringar som utreds",
    "en": "Address changes held for review",
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_page_shows_an_address_change_held_for_the_person(
    register: RegisterApp, lang: str
) -> None:
    from tests.integration.test_address_changes import HEADER, notice, resident
    from tests.integration.test_address_changes import apply as apply_moves

    pid = resident(register)
    with register.unit_of_work(STAFF) as uow:
        customers.add_contact_point(
            uow,
            pid,
            ContactPointDraft(
                ContactKind.POSTAL, street="Omatie 4", postal_code="00200",
                post_office="Helsinki", valid_from=dt.date(2026, 3, 2),
            ),
            Provenance.of("customer_contact", uow.now()),
        )  # fmt: skip
    client = _client(register)
    assert HELD[lang] not in _page(client, str(pid), lang)
    apply_moves(register, HEADER + notice())  # the person's own newer address stands
    page = _page(client, str(pid), lang)
    assert HELD[lang] in page and "Uusitie 5 B 7" in page
