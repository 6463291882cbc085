"""A NUL character anywhere in a request is bad input (422), never a server error: PostgreSQL
cannot store one, and no real value has one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import token_for


def test_nul_in_path_query_or_body_is_refused(register: RegisterApp) -> None:
    headers = token_for(register, Role.CUSTOMER_SERVICE)
    with TestClient(create_app(register)) as client:
        assert client.get("/api/v1/persons/%00", headers=headers).status_code == 422
        assert client.get("/api/v1/search?q=ab%00", headers=headers).status_code == 422
        answer = client.post(
            "/api/v1/requests",
            headers=headers,
            json={"kind": "access", "person": "\u0000", "received_how": "email"},
        )
        assert answer.status_code == 422
        assert "NUL" in answer.json()["detail"]


def test_nul_in_a_login_form_is_refused_and_a_normal_form_still_works(
    register: RegisterApp,
) -> None:
    with TestClient(create_app(register)) as client:
        assert (
            client.post(
                "/login", data={"username": "a\x00b", "password": "x", "csrf_token": ""}
            ).status_code
            == 422
        )
        page = client.get("/login")
        assert page.status_code == 200
        wrong = client.post(
            "/login", data={"username": "nobody", "password": "wrong", "csrf_token": "x"}
        )
        assert wrong.status_code < 500
