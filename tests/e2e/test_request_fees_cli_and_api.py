"""The DPO's fee decisions from outside: `rekisteri request charge` and
POST /api/v1/requests/{reference}/charge answer a fee on a first copy with exit 2 and 422."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.e2e.test_rights_cli_and_api import _token
from tests.support.cli_login import with_login
from tests.support.clock import FakeClock
from tests.support.people import make_customer


def test_the_command_line_takes_a_fee_only_where_the_gdpr_allows_one(
    register: RegisterApp, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = make_customer(register)
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])

    def run(*args: str) -> tuple[int, str, str]:
        done = CliRunner().invoke(cli, ["request", *args])
        return done.exit_code, done.stdout, done.stderr

    new = ["new", c.customer_number, "--kind", "access", "--received-how", "in_person"]
    code, out, _ = run(*new)
    assert code == 0, out
    reference = out.split(":")[0]
    for decision in ("charged", "excessive"):
        code, _, err = run("charge", reference, "--decision", decision, "--reason", "x")
        assert code == 2 and "copy" in err and err.strip().count("\n") == 0, err
    code, out, _ = run("charge", reference, "--decision", "refused", "--reason", "abusive")
    assert code == 0 and "refused" in out, out
    code, out, _ = run("show", reference, "--json")
    assert '"state": "rejected"' in out and "Art. 12(5)(b)" in out


def test_the_api_answers_422_to_a_fee_on_the_first_copy_and_takes_one_where_allowed(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    dpo = _token(register, "tiina.dpo", "dpo")
    body = {"person": c.customer_number, "kind": "access", "received_how": "signed_letter"}

    def charge(reference: str, decision: str) -> int:
        answer = api.post(
            f"/api/v1/requests/{reference}/charge",
            json={"decision": decision, "reason": "a further copy"},
            headers=dpo,
        )
        return answer.status_code

    first = api.post("/api/v1/requests", json=body, headers=dpo).json()["reference"]
    assert charge(first, "charged") == 422 and charge(first, "excessive") == 422
    api.post(f"/api/v1/requests/{first}/verify", json={"how": "identity_document"}, headers=dpo)
    assert api.post(f"/api/v1/requests/{first}/fulfil", headers=dpo).status_code == 200
    clock.advance(days=30)
    again = api.post("/api/v1/requests", json=body, headers=dpo).json()
    assert again["repeat_of"] == first
    assert charge(again["reference"], "charged") == 200
    # A manifestly excessive request of another kind may be charged for, with the reasons.
    body["kind"] = "portability"
    other = api.post("/api/v1/requests", json=body, headers=dpo).json()["reference"]
    assert charge(other, "excessive") == 200
    shown = api.get(f"/api/v1/requests/{other}", headers=dpo).json()
    assert shown["charge_decision"] == "excessive"
