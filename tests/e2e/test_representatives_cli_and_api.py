"""Representatives from outside (issue 16): `customer representative add|list|end`, a request
made by a representative (`request new --representative`, answered to them by `request fulfil`),
and /api/v1 (problems naming the field, marketing refused); the staff page shows them."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.register import representative
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import Purpose, Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import accounts
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_web_login import PASSWORD, _log_in
from tests.support.cli_login import as_staff, with_login
from tests.support.people import make_customer

GUARDIAN = [
    "--kind", "guardian", "--name", "Eero Edunvalvoja", "--evidence", "court_decision",
    "--evidence-ref", "H 25/1234", "--street", "Valvojankatu 3", "--postal-code", "00500",
    "--post-office", "Helsinki", "--source", "authority",
]  # fmt: skip


def _env(settings: Settings, role: Role) -> dict[str, str]:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "COLUMNS": "200",
        }
    )
    return as_staff(env, role)


def _count(reg: RegisterApp, t: object) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t)).scalar_one())  # type: ignore[arg-type]


def test_the_commands_record_a_guardian_who_makes_a_request_and_gets_the_answer(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    c = make_customer(register)
    cs = _env(settings, Role.CUSTOMER_SERVICE)
    run = CliRunner().invoke
    bad = run(
        cli,
        ["customer", "representative", "add", c.customer_number, *GUARDIAN[:-6], "--street",
         "Valvojankatu 3", "--source", "authority"],
        env=cs,
    )  # fmt: skip
    assert bad.exit_code == 2 and "postal_code" in bad.output, bad.output
    wrong = run(
        cli,
        ["customer", "representative", "add", c.customer_number, *GUARDIAN, "--evidence",
         "estate_inventory"],
        env=cs,
    )  # fmt: skip
    assert wrong.exit_code == 2 and "evidence" in wrong.output, wrong.output
    assert _count(register, representative) == 0
    added = run(cli, ["customer", "representative", "add", c.customer_number, *GUARDIAN], env=cs)
    assert added.exit_code == 0, added.output
    rep = added.output.split(":")[0].split()[-1]
    listed = run(cli, ["customer", "representative", "list", c.customer_number, "--json"], env=cs)
    [shown] = json.loads(listed.output)
    assert shown["kind"] == "guardian" and shown["in_force"] is True
    made = run(
        cli,
        ["request", "new", c.customer_number, "--kind", "access", "--received-how",
         "signed_letter", "--representative", rep],
        env=cs,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    reference = made.output.split(":")[0]
    dpo = _env(settings, Role.DPO)
    verified = run(cli, ["request", "verify", reference, "--how", "identity_document"], env=dpo)
    assert verified.exit_code == 0, verified.output
    done = run(
        cli, ["request", "fulfil", reference, "--out", str(tmp_path / "a"), "--no-pdf"], env=dpo
    )
    assert done.exit_code == 0, done.output
    assert "answer to guardian Eero Edunvalvoja: Valvojankatu 3, 00500 Helsinki, FI" in done.output
    ended = run(
        cli,
        ["customer", "representative", "end", rep, "--reason", "guardianship ended",
         "--source", "authority"],
        env=cs,
    )  # fmt: skip
    assert ended.exit_code == 0, ended.output
    again = run(
        cli,
        ["request", "new", c.customer_number, "--kind", "objection", "--received-how",
         "signed_letter", "--representative", rep],
        env=cs,
    )  # fmt: skip
    # Ended today: still in force today (the last day), so the next day would refuse; a
    # representative of nobody is refused now.
    assert again.exit_code == 0, again.output
    nobody = run(
        cli,
        ["request", "new", c.customer_number, "--kind", "erasure", "--received-how",
         "signed_letter", "--representative", "999"],
        env=cs,
    )  # fmt: skip
    assert nobody.exit_code != 0 and "representative" in nobody.output, nobody.output
    assert _count(register, rights_request) == 2


def _token(reg: RegisterApp, user: str, role: str) -> dict[str, str]:
    with reg.unit_of_work(Actor.system()) as uow:
        add_user(uow, user, role)
        token = issue_token(uow, user, "test", list(Purpose))
    return {"Authorization": f"Bearer {token}"}


def test_the_api_records_lists_and_ends_representatives(register: RegisterApp) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    cs = _token(register, "anna.cs", "customer_service")
    mk = _token(register, "markku.mk", "marketing")
    path = f"/api/v1/persons/{c.customer_number}/representatives"
    body = {
        "kind": "power_of_attorney",
        "name": "Ville Valtuutettu",
        "evidence": "power_of_attorney",
        "evidence_ref": "valtakirja 2026-01-10",
        "powers": ["see_data", "rights_requests"],
        "email": "ville@example.fi",
        "source": "customer_contact",
    }
    assert api.post(path, json=body, headers=mk).status_code == 403
    bad = api.post(path, json=body | {"email": "not an address"}, headers=cs)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert "email" in bad.text
    none = api.post(path, json=body | {"powers": []}, headers=cs)
    assert none.status_code == 422 and "powers" in none.text
    made = api.post(path, json=body, headers=cs)
    assert made.status_code == 201, made.text
    rep = made.json()["id"]
    [listed] = api.get(path, headers=cs).json()
    assert listed["powers"] == ["see_data", "rights_requests"] and listed["in_force"]
    assert api.get(path, headers=mk).status_code == 403
    request = {
        "person": c.customer_number,
        "kind": "access",
        "received_how": "signed_letter",
        "representative_id": rep,
    }
    assert api.post("/api/v1/requests", json=request, headers=cs).status_code == 201
    end = {"end_date": "2026-03-03", "reason": "revoked", "source": "customer_contact"}
    ended = api.post(f"/api/v1/representatives/{rep}/end", json=end, headers=cs)
    assert ended.status_code == 200 and ended.json()["valid_to"] == "2026-03-03"
    twice = api.post(f"/api/v1/representatives/{rep}/end", json=end, headers=cs)
    assert twice.status_code == 422 and "end_date" in twice.text


def test_the_person_page_shows_the_representatives(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    client = TestClient(create_app(register), base_url="https://testserver")
    _log_in(client)
    api = TestClient(create_app(register))
    cs = _token(register, "anna.cs", "customer_service")
    body = {
        "kind": "guardian",
        "name": "Eero Edunvalvoja",
        "evidence": "court_decision",
        "evidence_ref": "H 25/1234",
        "street": "Valvojankatu 3",
        "postal_code": "00500",
        "post_office": "Helsinki",
        "source": "authority",
    }
    path = f"/api/v1/persons/{c.customer_number}/representatives"
    assert api.post(path, json=body, headers=cs).status_code == 201
    for lang, title in (("fi", "Edustajat"), ("sv", "Företrädare"), ("en", "Representatives")):
        page = client.get(f"/console/persons/{c.customer_number}", params={"lang": lang})
        assert page.status_code == 200
        assert title in page.text and "Eero Edunvalvoja" in page.text
