"""Edge input answers 404 or 422 naming the field over HTTP (never 500) and exit 2 with one line
on the command line: ids past 2**63 and digits that are not ASCII (`²`), consumption periods
at the ends of the calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from rekisteri.adapters.crypto import Keyring
from rekisteri.catalogue import Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_cli import run
from tests.support.cli_login import with_login
from tests.support.consumption import new_contract, new_customer, new_gsrn, new_site

# Past a signed 64-bit integer, past it by far, and digits str.isdigit() takes but int() not.
ODD_IDS = ["9223372036854775808", "1" + "0" * 40, "²", "1²", "٣"]


@pytest.fixture
def api(register: RegisterApp) -> Iterator[TestClient]:
    # Server errors become 500 answers here, as a client would see them.
    with TestClient(create_app(register), raise_server_exceptions=False) as client:
        yield client


def bearer(register: RegisterApp, role: Role) -> dict[str, str]:
    with register.unit_of_work(Actor("test")) as uow:
        user = accounts.add_user(uow, f"edge.{role.value}", role)
        token = accounts.issue_token(uow, user.username, "t", sorted(ROLE_PURPOSES[role]))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("key", ODD_IDS)
def test_a_request_id_past_the_integers_or_not_ascii_is_not_found(
    api: TestClient, register: RegisterApp, key: str
) -> None:
    dpo = bearer(register, Role.DPO)
    shown = api.get(f"/api/v1/requests/{key}", headers=dpo)
    assert shown.status_code == 404, shown.text
    closed = api.post(f"/api/v1/requests/{key}/close", headers=dpo)
    assert closed.status_code == 404, closed.text


@pytest.mark.parametrize("key", ODD_IDS)
def test_a_notification_id_past_the_integers_is_422_naming_it(
    api: TestClient, register: RegisterApp, key: str
) -> None:
    dpo = bearer(register, Role.DPO)
    answer = api.post(f"/api/v1/recipient-notifications/{key}", json={}, headers=dpo)
    assert answer.status_code == 422, answer.text
    assert "notification_id" in answer.json()["detail"]


@pytest.mark.parametrize("key", ODD_IDS)
def test_a_person_key_past_the_integers_is_not_found(
    api: TestClient, register: RegisterApp, key: str
) -> None:
    cs = bearer(register, Role.CUSTOMER_SERVICE)
    assert api.get(f"/api/v1/persons/{key}/consumption", headers=cs).status_code == 404


@pytest.mark.parametrize(
    ("field", "day"),
    [("from", "0001-01-01"), ("from", "0001-01-02"), ("to", "9999-12-31"), ("to", "0001-01-01")],
)
def test_a_consumption_period_at_the_ends_of_the_calendar_is_422_naming_the_field(
    api: TestClient, register: RegisterApp, field: str, day: str
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        new_contract(uow, person, new_site(uow, new_gsrn()), dt.date(2025, 1, 1))
    cs = bearer(register, Role.CUSTOMER_SERVICE)
    url = f"/api/v1/persons/{person}/consumption"
    for readings in ("false", "true"):
        answer = api.get(url, params={field: day, "readings": readings}, headers=cs)
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == field
    fine = api.get(url, params={"from": "1900-01-01", "to": "2999-12-31"}, headers=cs)
    assert fine.status_code == 200 and fine.json()["totals"] == []


@pytest.mark.parametrize(
    ("option", "day"), [("--from", "0001-01-01"), ("--to", "9999-12-31"), ("--from", "1²")]
)
def test_consumption_show_refuses_a_day_at_the_ends_of_the_calendar_in_one_line(
    register: RegisterApp, database_url: str, keyring: Keyring, option: str, day: str
) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
    env = {"REKISTERI_DATABASE_URL": database_url, "REKISTERI_SECRET_KEY": keyring.to_json()}
    result = run(with_login(env), "consumption", "show", str(person), option, day)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}: "), result.stderr
