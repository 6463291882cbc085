"""A request's free-form details are bounded in size, number of keys and depth: past a bound
the API answers 422 and the CLI exits 2, each naming the bound, and nothing is stored; details
as a person writes them still pass."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.requests import DETAILS_MAX_BYTES, DETAILS_MAX_DEPTH, DETAILS_MAX_KEYS
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_api import token_for
from tests.support.cli_login import with_login
from tests.support.people import make_customer

TOO_MANY_KEYS = {f"k{i}": i for i in range(DETAILS_MAX_KEYS + 1)}
TOO_LARGE = {"note": "x" * (DETAILS_MAX_BYTES + 1)}
TOO_DEEP: dict[str, Any] = {"a": {"b": {"c": {"d": "e"}}}}
PAST_A_BOUND = [
    (TOO_MANY_KEYS, f"more than {DETAILS_MAX_KEYS} keys"),
    (TOO_LARGE, f"the limit is {DETAILS_MAX_BYTES}"),
    (TOO_DEEP, f"deeper than {DETAILS_MAX_DEPTH} levels"),
]
IDS = ["keys", "size", "depth"]


def _stored(reg: RegisterApp) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(rights_request)).scalar_one())


@pytest.mark.parametrize(("details", "named"), PAST_A_BOUND, ids=IDS)
def test_the_api_refuses_details_past_a_bound(
    register: RegisterApp, details: dict[str, Any], named: str
) -> None:
    number = make_customer(register).customer_number
    api = TestClient(create_app(register))
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    body = {"person": number, "kind": "access", "received_how": "email", "details": details}
    answer = api.post("/api/v1/requests", json=body, headers=cs)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "details" and named in answer.json()["detail"]
    assert _stored(register) == 0

    fine = {"note": "ä" * 4000, "changes": {"last_name": "Virtanen", "first_names": "Aino"}}
    body = {**body, "details": fine}
    assert api.post("/api/v1/requests", json=body, headers=cs).status_code == 201
    assert _stored(register) == 1


def test_the_api_refuses_a_hundred_thousand_keys(register: RegisterApp) -> None:
    number = make_customer(register).customer_number
    api = TestClient(create_app(register))
    cs = token_for(register, Role.CUSTOMER_SERVICE)
    many = {str(i): 0 for i in range(100_000)}  # under a megabyte as JSON
    body = {"person": number, "kind": "access", "received_how": "email", "details": many}
    answer = api.post("/api/v1/requests", json=body, headers=cs)
    assert answer.status_code in (413, 422), answer.text
    assert _stored(register) == 0


@pytest.mark.parametrize(("details", "named"), PAST_A_BOUND, ids=IDS)
def test_the_cli_refuses_details_past_a_bound(
    register: RegisterApp, settings: Settings, details: dict[str, Any], named: str
) -> None:
    number = make_customer(register).customer_number
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    args = ["request", "new", number, "--kind", "access", "--received-how", "email"]
    result = CliRunner().invoke(cli, [*args, "--details", json.dumps(details)], env=env)
    assert result.exit_code == 2, result.output
    assert "details" in result.stderr and named in result.stderr
    assert _stored(register) == 0
