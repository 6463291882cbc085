"""Finding a person by every kind of term, including the identity code through the index."""

from __future__ import annotations

import pytest

from rekisteri.domain.drafts import ContractDraft, SiteDraft
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.register import Provenance
from rekisteri.services.register import customers
from rekisteri.services.register.search import search
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.test_customers import GSRN, HETU, draft


@pytest.fixture
def maija(register: RegisterApp) -> int:
    with register.unit_of_work(Actor("t")) as uow:
        prov = Provenance.of("order", uow.now())
        pid = customers.register_person(uow, draft(), prov).person_id
        customers.register_person(
            uow,
            draft(
                personal_identity_code="120300A1234",
                first_names="Eero",
                last_name="Virta",
                contact_points=(),
            ),
            prov,
        )
        site = customers.add_site(
            uow, SiteDraft("Kotikatu 5", "00100", "Helsinki", metering_points=(GSRN,)), prov
        )
        customers.add_contract(
            uow,
            pid,
            ContractDraft(
                site,
                "sales",
                "X",  # type: ignore[arg-type]
                uow.today(),
            ),
            prov,
        )
    return pid


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("virtanen", "name"),
        ("Maija Virt", "name"),
        (HETU, "identity code"),
        ("131052-308t", "identity code"),
        ("maija@EXAMPLE.fi", "e-mail"),
        ("040 123 4567", "phone"),
        ("+358401234567", "phone"),
        ("mannerheimintie 1", "address"),
        (GSRN, "metering point"),
        ("100001", "customer number"),
    ],
)
def test_search_finds_the_person_by_every_kind_of_term(
    register: RegisterApp, maija: int, query: str, kind: str
) -> None:
    with register.reading(Actor("t")) as uow:
        found = search(uow, query)
    assert found.matched_by == kind
    assert [r["id"] for r in found.rows] == [maija]
    assert "hetu_ct" not in found.rows[0]


def test_search_pages_and_refuses_bad_terms(register: RegisterApp, maija: int) -> None:
    with register.reading(Actor("t")) as uow:
        assert search(uow, "vir").total == 2  # Virtanen and Virta
        assert search(uow, "vir", page=2).rows == []
        assert search(uow, "100%").total == 0  # wildcards are escaped
        with pytest.raises(InvalidInput):
            search(uow, "x")
        with pytest.raises(InvalidInput) as err:
            search(uow, "131052-308X")
        assert err.value.field == "q"
