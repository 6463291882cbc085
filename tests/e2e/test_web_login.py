"""Staff login sessions: cookie flags, CSRF, lock-out, logout, and the guard accepting them."""

from __future__ import annotations

import re
from ipaddress import ip_network

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


@pytest.mark.proves("P7.personal-accounts")
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


def _error(page: object) -> str:
    found = re.search(r'<p role="alert">([^<]*)</p>', page.text)  # type: ignore[attr-defined]
    assert found, page.text  # type: ignore[attr-defined]
    return found[1]


def test_five_failures_lock_the_account_and_unknown_users_read_the_same(
    client: TestClient,
) -> None:
    wrong = _log_in(client, password="wrong password!!")
    for _ in range(4):
        assert _log_in(client, password="wrong password!!").status_code == 401
    locked = _log_in(client)
    assert locked.status_code == 401 and COOKIE not in client.cookies
    token = _form_token(client)
    unknown = client.post(
        "/login", data={"username": "no.such", "password": PASSWORD, "csrf_token": token}
    )
    assert unknown.status_code == 401
    assert _error(wrong) == _error(locked) == _error(unknown)
    assert "Väärä käyttäjätunnus" in _error(locked) and "Wrong user ID" in _error(locked)


def _from(register: RegisterApp, peer: str) -> TestClient:
    return TestClient(create_app(register), base_url="https://testserver", client=(peer, 50000))


def _log_in_from(client: TestClient, forwarded: str, password: str = "wrong password!!") -> int:
    token = _form_token(client)
    answer = client.post(
        "/login",
        data={"username": "maija.cs", "password": password, "csrf_token": token},
        headers={"X-Forwarded-For": forwarded},
        follow_redirects=False,
    )
    if answer.status_code == 429:
        assert "Liian monta" in _error(answer) and "Too many" in _error(answer)
    return answer.status_code


def test_failures_are_counted_per_address_behind_trusted_proxies_only(
    client: TestClient, register: RegisterApp
) -> None:
    register.settings = register.settings.model_copy(
        update={"login_failures_per_address": 2, "trusted_proxies": (ip_network("10.0.0.0/30"),)}
    )
    proxied = _from(register, "10.0.0.1")
    # Through two trusted proxies: the client is the nearest untrusted address.
    for _ in range(2):
        assert _log_in_from(proxied, "6.6.6.6, 198.51.100.7, 10.0.0.2") == 401
    assert _log_in_from(proxied, "198.51.100.7", password=PASSWORD) == 429
    assert _log_in_from(proxied, "203.0.113.9", password=PASSWORD) == 303
    # An untrusted peer's header is ignored: its own address is counted, whatever it claims.
    direct = _from(register, "192.0.2.50")
    for claimed in ("1.1.1.1", "2.2.2.2"):
        assert _log_in_from(direct, claimed) == 401
    assert _log_in_from(direct, "3.3.3.3", password=PASSWORD) == 429


def test_logout_ends_the_session(client: TestClient, register: RegisterApp) -> None:
    from rekisteri.services.access.sessions import csrf_for

    person = add_person(register)
    _log_in(client)
    cookie = client.cookies[COOKIE]
    out = client.post("/logout", data={"csrf_token": csrf_for(cookie)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set(COOKIE, cookie)  # a copy of the cookie no longer works
    assert client.get(f"/api/v1/persons/{person}").status_code == 401


def test_logout_without_the_csrf_token_still_ends_the_session(
    client: TestClient, register: RegisterApp
) -> None:
    person = add_person(register)
    _log_in(client)
    cookie = client.cookies[COOKIE]
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and COOKIE not in client.cookies
    client.cookies.set(COOKIE, cookie)
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
