"""/api/v1/breaches over HTTP: the DPO records a breach, its scope and assessment; every other
role gets a 403 problem (audited); bad input a 422 problem naming the field."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.entrypoints.api.app import create_app
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.clock import FakeClock
from tests.support.staff import tokens_per_role

BREACH = {
    "summary": "An export file was sent to the wrong address",
    "kind": "confidentiality",
    "aware_at": "2026-03-03T09:30:00+02:00",
    "noticed_by": "the recipient called",
}


@pytest.fixture
def api(register: RegisterApp) -> tuple[TestClient, dict[Role, str]]:
    return TestClient(create_app(register)), tokens_per_role(register)


def _as(tokens: dict[Role, str], role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[role]}"}


def test_the_dpo_records_a_breach_and_sees_its_deadline(
    api: tuple[TestClient, dict[Role, str]], clock: FakeClock
) -> None:
    client, tokens = api
    dpo = _as(tokens, Role.DPO)
    made = client.post("/api/v1/breaches", json=BREACH, headers=dpo)
    assert made.status_code == 201, made.text
    ref = made.json()["reference"]
    # Aware 07:30 UTC, now 10:00 UTC: 69 h 30 min left, due 2026-03-06 09:30 Helsinki.
    assert made.json()["remaining"] == "69 h 30 min"
    assert made.json()["deadline_local"] == "2026-03-06 09:30 EET"
    scoped = client.post(
        f"/api/v1/breaches/{ref}/scope", json={"from": "2026-03-03T00:00:00Z"}, headers=dpo
    )
    assert scoped.status_code == 200, scoped.text
    clock.advance(hours=70)
    listed = client.get("/api/v1/breaches", headers=dpo).json()
    assert listed[0]["state"] == "overdue"
    told = client.post(
        f"/api/v1/breaches/{ref}/notification",
        json={"at": "2026-03-06T09:45:00+02:00", "reference": "TSV/1"},
        headers=dpo,
    )
    assert told.status_code == 422
    assert told.json()["field"] == "delay_reason"


def test_bad_input_is_a_problem_naming_the_field(
    api: tuple[TestClient, dict[Role, str]],
) -> None:
    client, tokens = api
    naive = client.post(
        "/api/v1/breaches",
        json=BREACH | {"aware_at": "2026-03-03T09:30"},
        headers=_as(tokens, Role.DPO),
    )
    assert naive.status_code == 422
    assert naive.headers["content-type"].startswith("application/problem+json")
    empty = client.post(
        "/api/v1/breaches",
        json=BREACH,
        headers=_as(tokens, Role.DPO),
    ).json()["reference"]
    nothing = client.post(f"/api/v1/breaches/{empty}/scope", json={}, headers=_as(tokens, Role.DPO))
    assert nothing.status_code == 422 and nothing.json()["field"] == "scope"


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_SERVICE, Role.BILLING, Role.MARKETING, Role.ADMINISTRATOR]
)
def test_other_roles_are_refused(
    api: tuple[TestClient, dict[Role, str]], register: RegisterApp, role: Role
) -> None:
    client, tokens = api
    for method, path, body in (
        ("GET", "/api/v1/breaches", None),
        ("POST", "/api/v1/breaches", BREACH),
        ("GET", "/api/v1/breaches/TL-2026-0001", None),
    ):
        answer = client.request(method, path, json=body, headers=_as(tokens, role))
        assert answer.status_code == 403, (method, path, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
    with register.engine.connect() as conn:
        denied = (
            conn.execute(select(audit_entry.c.via).where(audit_entry.c.outcome == "denied"))
            .scalars()
            .all()
        )
    assert len(denied) == 3 and all("/api/v1/breaches" in v for v in denied)
