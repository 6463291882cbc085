"""The request commands and /api/v1/requests, driven from outside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rekisteri.catalogue import Purpose
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import with_login
from tests.support.people import make_customer

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_request_commands_from_new_to_files(
    register: RegisterApp, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = make_customer(register)
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", with_login({})["REKISTERI_TOKEN"])
    run = CliRunner().invoke
    out = run(
        cli,
        ["request", "new", c.customer_number, "--kind", "access", "--received-how", "in_person"],
    )
    assert out.exit_code == 0, out.output
    reference = out.output.split(":")[0]
    assert "one month" in out.output and "30 days" in out.output
    refused = run(cli, ["request", "fulfil", reference, "--out", str(tmp_path)])
    assert refused.exit_code == 2 and "verified" in refused.output
    bad = run(cli, ["request", "verify", reference, "--how", "a_hunch"])
    assert bad.exit_code == 2
    assert run(cli, ["request", "verify", reference, "--how", "identity_document"]).exit_code == 0
    listed = run(cli, ["request", "list", "--json"])
    assert json.loads(listed.output)[0]["reference"] == reference
    answer = tmp_path / "answer"
    done = run(cli, ["request", "fulfil", reference, "--out", str(answer), "--no-pdf"])
    assert done.exit_code == 0, done.output
    files = sorted(p.suffix for p in answer.iterdir())
    assert files == [".csv", ".html", ".json", ".txt"]  # .txt: the envelope it is posted in
    package = json.loads(next(answer.glob("*.json")).read_text())
    assert package["customer_number"] == c.customer_number
    shown = json.loads(run(cli, ["request", "show", reference, "--json"]).output)
    assert shown["state"] == "fulfilled" and shown["verified_how"] == "identity_document"
    ret = run(cli, ["retention", "run", "--dry-run", "--json"])
    assert ret.exit_code == 0 and json.loads(ret.output)["dry_run"] is True


def _token(reg: RegisterApp, user: str, role: str) -> dict[str, str]:
    with reg.unit_of_work(Actor.system()) as uow:
        add_user(uow, user, role)
        token = issue_token(uow, user, "test", list(Purpose))
    return {"Authorization": f"Bearer {token}"}


def test_requests_api_customer_service_registers_the_dpo_handles(register: RegisterApp) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    cs, dpo, mk = (
        _token(register, "anna.cs", "customer_service"),
        _token(register, "tiina.dpo", "dpo"),
        _token(register, "markku.mk", "marketing"),
    )
    body = {"person": c.customer_number, "kind": "erasure", "received_how": "signed_letter"}
    assert api.post("/api/v1/requests", json=body, headers=mk).status_code == 403
    made = api.post("/api/v1/requests", json=body, headers=cs)
    assert made.status_code == 201, made.text
    ref = made.json()["reference"]
    assert api.post("/api/v1/requests", json=body, headers=cs).status_code == 422  # duplicate
    assert api.get("/api/v1/requests", headers=cs).status_code == 403  # the DPO's desk
    assert (
        api.post(
            f"/api/v1/requests/{ref}/verify", json={"how": "signature_matched"}, headers=cs
        ).status_code
        == 403
    )
    assert [r["reference"] for r in api.get("/api/v1/requests", headers=dpo).json()] == [ref]
    assert api.post(f"/api/v1/requests/{ref}/fulfil", headers=dpo).status_code == 422
    ok = api.post(f"/api/v1/requests/{ref}/verify", json={"how": "signature_matched"}, headers=dpo)
    assert ok.status_code == 200 and ok.json()["state"] == "verified"
    # The customer still has a contract in force: erasure is refused with the reason.
    refused = api.post(f"/api/v1/requests/{ref}/fulfil", headers=dpo)
    assert refused.status_code == 422 and "contract in force" in refused.json()["detail"]
    rejected = api.post(
        f"/api/v1/requests/{ref}/reject", json={"reason": "contract in force"}, headers=dpo
    )
    assert rejected.json()["state"] == "rejected"
    assert api.get("/api/v1/retention/last-run", headers=dpo).json() is None
