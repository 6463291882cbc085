"""The categories withheld from a role do not depend on the person's data: a person with data
in every category and a person with a name and an e-mail address get the same list, so the
answer does not tell the reader which hidden categories hold data for that person."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_api import token_for
from tests.support.people import make_customer
from tests.support.registered import add_person, nth_hetu

# Billing sees most, marketing and the processor few: each withholds something.
ROLES = [Role.BILLING, Role.MARKETING, Role.PROCESSOR]


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_the_withheld_list_is_the_same_for_a_full_and_a_sparse_person(
    register: RegisterApp, role: Role
) -> None:
    full = make_customer(register).person_id
    sparse = add_person(register, 1, hetu=nth_hetu(1))
    with register.reading(Actor("t")) as uow:
        of_full = customer_view(uow, full, role)["withheld_categories"]
        of_sparse = customer_view(uow, sparse, role)["withheld_categories"]
    assert of_sparse == of_full
    assert "feedback" in of_full  # none of the roles reads feedback; the sparse person has none


def test_the_api_answers_billing_the_same_list_for_both(register: RegisterApp) -> None:
    full = make_customer(register).person_id
    sparse = add_person(register, 1, hetu=nth_hetu(1))
    client = TestClient(create_app(register))
    headers = token_for(register, Role.BILLING)
    lists = [
        client.get(f"/api/v1/persons/{pid}", headers=headers).json()["withheld_categories"]
        for pid in (full, sparse)
    ]
    assert lists[0] == lists[1]
    assert {"feedback", "recording", "digital_account"} <= set(lists[1])
