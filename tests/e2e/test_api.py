"""The HTTP API as an integration uses it: tokens, need to know, 422 with field and reason."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Purpose, Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp

PERSON: dict[str, Any] = {
    "kind": "natural",
    "first_names": "Aino",
    "last_name": "Aalto",
    "personal_identity_code": "131052-308T",
    "mother_tongue": "fi",
    "source": "order",
    "source_detail": "web order 7",
    "contact_points": [
        {"kind": "email", "value": "aino@example.fi"},
        {
            "kind": "postal",
            "street": "Kotikatu 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
        },
    ],
}


@pytest.fixture
def client(register: RegisterApp) -> Iterator[TestClient]:
    with TestClient(create_app(register)) as c:
        yield c


def token_for(
    register: RegisterApp, role: Role, scopes: list[Purpose] | None = None
) -> dict[str, str]:
    with register.unit_of_work(Actor("test")) as uow:
        user = accounts.add_user(uow, f"user.{role.value}", role)
        secret = accounts.issue_token(
            uow, user.username, "test", scopes or sorted(ROLE_PURPOSES[role])
        )
    return {"Authorization": f"Bearer {secret}"}


def test_a_customer_arrives_with_an_order_and_is_read_back(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    created = client.post("/api/v1/persons", json=PERSON, headers=cs)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    site = client.post(
        "/api/v1/sites",
        headers=cs,
        json={
            "street": "Kotikatu 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "heating_type": "electric",
            "metering_points": ["643006966022791278"],
            "source": "contract",
        },
    )
    assert site.status_code == 201, site.text
    contract = client.post(
        f"/api/v1/persons/{created.json()['id']}/contracts",
        headers=cs,
        json={
            "site_id": site.json()["id"],
            "kind": "sales",
            "product": "Pörssisähkö",
            "start_date": "2026-01-01",
            "source": "contract",
        },
    )
    assert contract.status_code == 201, contract.text
    view = client.get(f"/api/v1/persons/{number}", headers=cs).json()
    assert view["person"]["personal_identity_code"] == "131052-****"
    assert view["person"]["_source"]["detail"] == "web order 7"
    assert view["contracts"][0]["contract"]["product"] == "Pörssisähkö"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"personal_identity_code": "131052-308X"}, "personal_identity_code"),
        ({"contact_points": [{"kind": "email", "value": "nope"}]}, "contact.email"),
        ({"kind": "robot"}, "kind"),
    ],
)
def test_bad_input_answers_422_naming_the_field_and_stores_nothing(
    client: TestClient, register: RegisterApp, change: dict[str, Any], field: str
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    answer = client.post("/api/v1/persons", json={**PERSON, **change}, headers=cs)
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert client.get("/api/v1/persons/100001", headers=cs).status_code == 404


def test_shape_errors_are_422_with_a_clear_message(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    answer = client.post("/api/v1/persons", json={**PERSON, "source": "rumour"}, headers=cs)
    assert answer.status_code == 422 and answer.json()["detail"].startswith("source:")


def test_no_token_no_data_and_roles_are_need_to_know(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    number = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["number"]
    assert client.get(f"/api/v1/persons/{number}").status_code == 401
    assert (
        client.get(
            f"/api/v1/persons/{number}", headers={"Authorization": "Bearer rk_forged"}
        ).status_code
        == 401
    )
    marketing = token_for(register, Role.MARKETING)
    assert (
        client.get(f"/api/v1/persons/{number}/identity-code", headers=marketing).status_code == 403
    )
    billing = token_for(register, Role.BILLING)
    full = client.get(f"/api/v1/persons/{number}/identity-code", headers=billing).json()
    assert full["personal_identity_code"] == "131052-308T"
    masked = client.get(f"/api/v1/persons/{number}/identity-code", headers=cs).json()
    assert masked["personal_identity_code"] == "131052-****"
    # Marketing may not write identity data at all.
    assert client.post("/api/v1/persons", json=PERSON, headers=marketing).status_code == 403


def test_a_token_is_limited_to_its_purposes(client: TestClient, register: RegisterApp) -> None:
    narrow = token_for(register, Role.CUSTOMER_SERVICE, [Purpose.SERVICE_DELIVERY])
    assert client.post("/api/v1/persons", json=PERSON, headers=narrow).status_code == 403


def test_rectify_over_http_keeps_history(client: TestClient, register: RegisterApp) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    pid = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["id"]
    done = client.patch(
        f"/api/v1/persons/{pid}",
        headers=cs,
        json={
            "changes": {"last_name": "Korhonen"},
            "reason": "name change",
            "source": "customer_contact",
        },
    )
    assert done.status_code == 200 and done.json()["changed"] == ["person.last_name"]
    history = client.get(f"/api/v1/persons/{pid}", headers=cs).json()["history"]
    assert history[0]["old_value"] == "Aalto" and history[0]["new_value"] == "Korhonen"


PROSPECT: dict[str, Any] = {
    "kind": "natural",
    "relationship": "prospect",
    "first_names": "Pekka",
    "last_name": "Puupää",
    "source": "competition_or_event",
    "permissions": [
        {
            "purpose": "own_marketing",
            "channel": "email",
            "captured_how": "competition_or_event",
            "wording": "Saa lähettää sähköpostitse tarjouksia.",
            "wording_version": "2026-1",
        }
    ],
}


@pytest.mark.parametrize(
    "year", ["abc", "5", "1849", "1987", True, 3000, 1987.5, [1987], {"y": 1987}]
)
def test_a_bad_birth_year_answers_422_naming_it(
    client: TestClient, register: RegisterApp, year: Any
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    created = client.post("/api/v1/persons", json=PROSPECT, headers=cs)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    answer = client.patch(
        f"/api/v1/persons/{pid}",
        headers=cs,
        json={"changes": {"birth_year": year}, "reason": "told", "source": "customer_contact"},
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "birth_year"
    assert client.get(f"/api/v1/persons/{pid}", headers=cs).json()["person"]["birth_year"] is None


def test_a_valid_birth_year_is_stored(client: TestClient, register: RegisterApp) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    pid = client.post("/api/v1/persons", json=PROSPECT, headers=cs).json()["id"]
    done = client.patch(
        f"/api/v1/persons/{pid}",
        headers=cs,
        json={"changes": {"birth_year": 1987}, "reason": "told", "source": "customer_contact"},
    )
    assert done.status_code == 200 and done.json()["changed"] == ["person.birth_year"]
    assert client.get(f"/api/v1/persons/{pid}", headers=cs).json()["person"]["birth_year"] == 1987


def test_site_and_billing_changes_answer_422_naming_the_field(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    pid = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["id"]
    site = client.post(
        "/api/v1/sites",
        headers=cs,
        json={
            "street": "K 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "source": "order",
        },
    ).json()["id"]
    account = client.post(
        f"/api/v1/persons/{pid}/billing-accounts",
        headers=cs,
        json={
            "street": "K 5",
            "postal_code": "00100",
            "post_office": "Helsinki",
            "due_day": 15,
            "rhythm": "monthly",
            "method": "paper",
            "source": "order",
        },
    ).json()["id"]
    for path, field, value in [
        (f"/api/v1/sites/{site}", "main_fuse_a", "abc"),
        (f"/api/v1/sites/{site}", "consumption_estimate_kwh", "many"),
        (f"/api/v1/billing-accounts/{account}", "due_day", "abc"),
        (f"/api/v1/billing-accounts/{account}", "street", ""),
    ]:
        answer = client.patch(
            path,
            headers=cs,
            json={"changes": {field: value}, "reason": "x", "source": "customer_contact"},
        )
        assert answer.status_code == 422 and answer.json()["field"] == field, answer.text


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/persons" in spec["paths"]
