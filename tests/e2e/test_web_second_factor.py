"""The web login's second step over HTTP: the DPO's password leads to the code page, not to the
desk; a wrong code is refused there; a right one opens a new session that reaches the desk. A
user of another role sets a second factor up by choice and needs it from then on. The login page
offers sign-on only when a provider is configured, and the pages then let the logout form go on
to the provider."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient

from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.access.sessions import COOKIE
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.clock import FakeClock

PASSWORD = "a long enough password"


@pytest.fixture
def client(register: RegisterApp) -> TestClient:
    return TestClient(create_app(register), base_url="https://testserver")


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found[1]


def _password(client: TestClient, name: str, target: str) -> object:
    token = _csrf(client.get("/login").text)
    return client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )


def test_the_dpo_reaches_the_desk_only_with_the_code(
    client: TestClient, register: RegisterApp, clock: FakeClock
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        made = accounts.add_user(uow, "olli.dpo", Role.DPO, password=PASSWORD)
    assert made.second_factor is not None
    answer = _password(client, "olli.dpo", "/console/dpo")
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert answer.headers["location"] == "/login/code?next=%2Fconsole%2Fdpo"  # type: ignore[attr-defined]
    waiting = client.cookies[COOKIE]
    desk = client.get("/console/dpo", follow_redirects=False)
    assert desk.status_code == 303 and desk.headers["location"].startswith("/login")
    page = client.get("/login/code?next=/console/dpo")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    token = _csrf(page.text)
    wrong = client.post(
        "/login/code",
        data={"code": "000000", "csrf_token": token, "next": "/console/dpo"},
        follow_redirects=False,
    )
    assert wrong.status_code == 401 and "Wrong or already used code" in wrong.text
    forged = client.post(
        "/login/code",
        data={"code": "000000", "csrf_token": "not the token", "next": "/console/dpo"},
        follow_redirects=False,
    )
    assert forged.status_code == 303 and forged.headers["location"].startswith("/login?")
    code = pyotp.TOTP(made.second_factor.secret).at(clock())
    right = client.post(
        "/login/code",
        data={"code": code, "csrf_token": token, "next": "/console/dpo"},
        follow_redirects=False,
    )
    assert right.status_code == 303 and right.headers["location"] == "/console/dpo"
    assert client.cookies[COOKIE] != waiting  # a new session, not the waiting one
    assert client.get("/console/dpo").status_code == 200


def test_customer_service_sets_one_up_by_choice(
    client: TestClient, register: RegisterApp, clock: FakeClock
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    answer = _password(client, "maija.cs", "/console")
    assert answer.headers["location"] == "/console"  # type: ignore[attr-defined]
    page = client.get("/login/enrol")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.text)
    assert page.status_code == 200 and secret and "otpauth://totp/" in page.text
    wrong = client.post(
        "/login/enrol",
        data={"code": "000000", "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    # A wrong first code shows the set-up again, with the same secret to try once more.
    assert wrong.status_code == 401 and "Wrong or already used code" in wrong.text
    assert f'id="totp-secret">{secret[1]}<' in wrong.text
    done = client.post(
        "/login/enrol",
        data={"code": pyotp.TOTP(secret[1]).at(clock()), "csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/login/enrol", follow_redirects=False).status_code == 303  # not again
    client.post("/logout", follow_redirects=False)
    again = _password(client, "maija.cs", "/console")
    assert again.headers["location"].startswith("/login/code")  # type: ignore[attr-defined]


def test_sign_on_is_offered_only_when_configured(register: RegisterApp) -> None:
    plain = TestClient(create_app(register), base_url="https://testserver").get("/login")
    assert "/login/sso" not in plain.text
    assert "form-action 'self';" in plain.headers["content-security-policy"]
    settings = register.settings.model_copy(
        update={
            "oidc_issuer": "https://login.example.test/realm",
            "oidc_client_id": "rekisteri",
            "oidc_client_secret": "s",
        }
    )
    register.settings = settings
    page = TestClient(create_app(register), base_url="https://testserver").get("/login")
    assert "Log in with the company's account</a>" in page.text
    policy = page.headers["content-security-policy"]
    assert "form-action 'self' https://login.example.test;" in policy


def test_a_half_made_sign_on_configuration_refuses_with_a_page(register: RegisterApp) -> None:
    """An issuer without the client's secret: the sign-on link answers a refusal page in the
    browser's language (the server's log says why), never a server error."""
    register.settings = register.settings.model_copy(
        update={"oidc_issuer": "https://login.example.test", "oidc_client_id": "rekisteri"}
    )
    client = TestClient(create_app(register), base_url="https://testserver")
    page = client.get("/login/sso", headers={"Accept-Language": "sv"}, follow_redirects=False)
    assert page.status_code == 403 and "Inloggningen misslyckades" in page.text
    assert '<html lang="sv">' in page.text
    assert client.post("/logout", follow_redirects=False).headers["location"] == "/login"
