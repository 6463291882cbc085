"""What the entry points answer to input the register refuses: exit 2 with one line on the
command line, 422 naming the field over HTTP, and nothing stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner, Result

from rekisteri.adapters.crypto import Keyring
from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import PERSON, token_for
from tests.support.cli_login import with_login

HETU = "131052-308T"


@pytest.fixture
def env(database_url: str, keyring: Keyring) -> dict[str, str]:
    return with_login(
        {"REKISTERI_DATABASE_URL": database_url, "REKISTERI_SECRET_KEY": keyring.to_json()}
    )


@pytest.fixture
def client(register: RegisterApp) -> Iterator[TestClient]:
    with TestClient(create_app(register)) as c:
        yield c


def invoke(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().count("\n") == 0, "one clear line"
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


def add(env: dict[str, str], *args: str) -> Result:
    return invoke(env, "customer", "add", "--first-names", "Aino", "--last-name", "Aalto", *args)


def test_the_command_line_refuses_a_source_the_catalogue_does_not_allow(
    env: dict[str, str],
) -> None:
    refused(add(env, "--hetu", HETU, "--source", "energy_meter"), "energy_meter", "first_names")
    assert "registered" in add(env, "--hetu", HETU, "--source", "order").stdout
    args = ["customer", "rectify", "100001", "--set", "gender=female", "--reason", "told"]
    refused(invoke(env, *args, "--source", "population_register"), "gender", "population_register")
    done = invoke(env, *args, "--source", "customer_contact")
    assert done.exit_code == 0 and "person.gender" in done.stdout


def test_the_api_refuses_a_source_the_catalogue_does_not_allow(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    answer = client.post("/api/v1/persons", json={**PERSON, "source": "energy_meter"}, headers=cs)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "first_names" and "energy_meter" in answer.json()["reason"]
    assert client.get("/api/v1/persons/100001", headers=cs).status_code == 404
    pid = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["id"]

    def rectify(source: str) -> Any:
        change = {"changes": {"gender": "female"}, "reason": "told", "source": source}
        return client.patch(f"/api/v1/persons/{pid}", headers=cs, json=change)

    answer = rectify("population_register")
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "gender" and "population_register" in answer.json()["reason"]
    assert client.get(f"/api/v1/persons/{pid}", headers=cs).json()["person"]["gender"] is None
    assert rectify("customer_contact").json()["changed"] == ["person.gender"]


MARKUP = 'x"><script>alert(4)</script>@example.com'
FUTURE_CODE = "311299A1236"  # born on the last day of 2099


def test_the_command_line_refuses_bad_addresses_controls_and_codes_of_the_unborn(
    env: dict[str, str],
) -> None:
    for address in (MARKUP, "a\x1bb@example.com", "a\x7fb@example.com", "x"):
        refused(add(env, "--source", "order", "--hetu", HETU, "--email", address), "email")
    refused(add(env, "--source", "order", "--hetu", FUTURE_CODE), "personal_identity_code")
    named = invoke(
        env, "customer", "add", "--source", "order", "--hetu", HETU,
        "--first-names", "Aino\u202e", "--last-name", "Aalto",
    )  # fmt: skip
    refused(named, "first_names", "U+202E")
    assert "registered" in add(env, "--source", "order", "--hetu", HETU).stdout
    args = ["customer", "rectify", "100001", "--reason", "told", "--source", "customer_contact"]
    refused(invoke(env, *args, "--set", "last_name=Aalto\x1b[2J"), "last_name", "U+001B")
    refused(
        invoke(env, *args, "--set", f"personal_identity_code={FUTURE_CODE}"),
        "personal_identity_code",
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"contact_points": [{"kind": "email", "value": MARKUP}]}, "contact.email"),
        ({"contact_points": [{"kind": "email", "value": "a\x7f@example.com"}]}, "contact.email"),
        ({"first_names": "Aino\u202e"}, "first_names"),
        ({"last_name": "Aalto\x85"}, "last_name"),
        ({"personal_identity_code": FUTURE_CODE}, "personal_identity_code"),
    ],
)
def test_the_api_refuses_bad_addresses_controls_and_codes_of_the_unborn(
    client: TestClient, register: RegisterApp, change: dict[str, Any], field: str
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    answer = client.post("/api/v1/persons", json={**PERSON, **change}, headers=cs)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field
    assert client.get("/api/v1/persons/100001", headers=cs).status_code == 404


def test_the_api_refuses_them_in_changes_and_new_contact_points_too(
    client: TestClient, register: RegisterApp
) -> None:
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    pid = client.post("/api/v1/persons", json=PERSON, headers=cs).json()["id"]
    contact = {"kind": "email", "value": MARKUP, "source": "customer_contact"}
    answer = client.post(f"/api/v1/persons/{pid}/contact-points", headers=cs, json=contact)
    assert answer.status_code == 422 and answer.json()["field"] == "contact.email", answer.text
    for changes, field in [
        ({"personal_identity_code": FUTURE_CODE}, "personal_identity_code"),
        ({"first_names": "\u2066Aino\u2069"}, "first_names"),
    ]:
        body = {"changes": changes, "reason": "told", "source": "customer_contact"}
        answer = client.patch(f"/api/v1/persons/{pid}", headers=cs, json=body)
        assert answer.status_code == 422 and answer.json()["field"] == field, answer.text
    view = client.get(f"/api/v1/persons/{pid}", headers=cs).json()
    assert view["person"]["first_names"] == "Aino" and view["history"] == []
    assert [c["email"] for c in view["contact_points"] if c.get("email")] == ["aino@example.fi"]
