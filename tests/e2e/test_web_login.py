"""Staff login sessions: cookie flags, CSRF, lock-out, logout, and the guard accepting them."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.access.sessions import COOKIE
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.registered import add_person

PASSWORD = "a long enough password"


@pytest.fixture
def client(register: RegisterApp) -> TestClient:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    return TestClient(create_app(register), base_url="https://testserver")


def _form_token(client: TestClient) -> str:
    page = client.get("/login?next=/api/v1/persons/1")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found
    return found[1]


def _log_in(client: TestClient, password: str = PASSWORD, next_path: str = "/x") -> object:
    token = _form_token(client)
    return client.post(
        "/login",
        data={"username": "maija.cs", "password": password, "csrf_token": token, "next": next_path},
        follow_redirects=False,
    )


def test_login_sets_a_strict_httponly_secure_cookie_and_the_guard_accepts_it(
    client: TestClient, register: RegisterApp
) -> None:
    person = add_person(register)
    assert client.get(f"/api/v1/persons/{person}").status_code == 401
    response = _log_in(client, next_path="//evil.example/")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "Secure" in cookie
    read = client.get(f"/api/v1/persons/{person}")
    assert read.status_code == 200 and read.json()["name"] == "Maija0 Virtanen"


def test_a_form_post_needs_the_session_csrf_token(
    client: TestClient, register: RegisterApp
) -> None:
    from rekisteri.services.access.sessions import csrf_for

    person = add_person(register)
    _log_in(client)
    body = {"kind": "email", "value": "uusi@example.fi", "source": "customer_contact"}
    refused = client.post(f"/api/v1/persons/{person}/contact-points", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.text
    token = csrf_for(client.cookies[COOKIE])
    done = client.post(
        f"/api/v1/persons/{person}/contact-points", json=body, headers={"X-CSRF-Token": token}
    )
    assert done.status_code == 201, done.text


def test_a_login_form_without_its_token_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={"username": "maija.cs", "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert response.status_code == 403 and COOKIE not in client.cookies


def test_five_failures_lock_the_account(client: TestClient) -> None:
    for _ in range(5):
        assert _log_in(client, password="wrong password!!").status_code == 401
    locked = _log_in(client)
    assert locked.status_code == 401 and "locked" in locked.text


def test_logout_ends_the_session(client: TestClient, register: RegisterApp) -> None:
    from rekisteri.services.access.sessions import csrf_for

    person = add_person(register)
    _log_in(client)
    cookie = client.cookies[COOKIE]
    out = client.post("/logout", data={"csrf_token": csrf_for(cookie)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set(COOKIE, cookie)  # a copy of the cookie no longer works
    assert client.get(f"/api/v1/persons/{person}").status_code == 401


def test_sessions_expire_when_idle(client: TestClient, register: RegisterApp, clock) -> None:
    person = add_person(register)
    _log_in(client)
    clock.advance(minutes=register.settings.session_idle_minutes + 1)
    assert client.get(f"/api/v1/persons/{person}").status_code == 401


def test_plain_http_development_can_turn_secure_off(register: RegisterApp) -> None:
    register.settings = register.settings.model_copy(update={"session_cookie_secure": False})
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    client = TestClient(create_app(register))
    response = _log_in(client)
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE))
    assert "Secure" not in cookie and "HttpOnly" in cookie
