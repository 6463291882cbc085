"""`rekisteri import population` and POST /api/v1/imports/population: the same use case behind
both doors, a bad record exit 2 / 422 naming file, record and field with nothing stored, the
same file twice reported as already applied, the job's actor required."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.people import HETU, make_customer
from tests.support.staff import tokens_per_role

SAMPLE = Path(__file__).parents[1] / "data" / "population" / "population_changes.json"


def _names(reg: RegisterApp) -> list[tuple[str, str]]:
    with reg.reading(Actor("test")) as uow:
        return [tuple(r) for r in uow.execute(select(person.c.first_names, person.c.last_name))]


def _doc(*changes: dict[str, object]) -> bytes:
    return json.dumps({"format": "population-changes/1", "changes": list(changes)}).encode()


NAME = {"identity_code": HETU, "kind": "name", "date": "2026-03-03", "first_names": "Maija",
        "last_name": "Uusi"}  # fmt: skip
BAD = {"identity_code": HETU, "kind": "death", "date": "3.3.2026"}


def test_the_command_applies_refuses_and_repeats(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    make_customer(register)
    base = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }
    runner = CliRunner()
    refused = runner.invoke(
        app, ["import", "population", str(SAMPLE)], env=as_staff(base, Role.DPO)
    )
    assert refused.exit_code != 0 and system_actors.IMPORT_POPULATION in refused.output
    env = with_login(base)
    changes = tmp_path / "dvv.json"
    changes.write_bytes(_doc(NAME, {"identity_code": "280368-1230", "kind": "death",
                                     "date": "2026-03-01"}))  # fmt: skip
    first = runner.invoke(app, ["import", "population", str(changes)], env=env)
    assert first.exit_code == 0, first.output
    assert (
        "dvv.json: 2 changes: 1 matched (1 changed, 0 unchanged, 0 conflicts), 1 unmatched"
        in first.output
    )
    again = runner.invoke(app, ["import", "population", str(changes)], env=env)
    assert again.exit_code == 0
    assert "dvv.json: already applied, nothing changed" in again.output
    before = _names(register)
    bad = tmp_path / "bad.json"
    bad.write_bytes(_doc({**NAME, "last_name": "Toinen"}, BAD))
    done = runner.invoke(app, ["import", "population", str(bad)], env=env)
    assert done.exit_code == 2, done.output
    assert "bad.json record 2: date: must be a date YYYY-MM-DD" in done.output
    assert _names(register) == before == [("Maija", "Uusi")]


def test_the_route_applies_the_body_and_refuses_a_bad_record(register: RegisterApp) -> None:
    make_customer(register)
    tokens = tokens_per_role(register)
    client = TestClient(create_app(register))

    def post(role: Role, body: bytes) -> httpx.Response:
        return client.post(
            "/api/v1/imports/population",
            content=body,
            params={"name": "api.json"},
            headers={
                "Authorization": f"Bearer {tokens[role]}",
                "Content-Type": "application/json",
            },
        )

    assert post(Role.MARKETING, _doc(NAME)).status_code == 403
    bad = post(Role.CUSTOMER_SERVICE, _doc(NAME, BAD))
    assert bad.status_code == 422
    assert "api.json record 2" in bad.text and "date" in bad.text
    assert _names(register) == [("Maija Liisa", "Meikäläinen")]
    done = post(Role.CUSTOMER_SERVICE, _doc(NAME))
    assert done.status_code == 200, done.text
    answer = done.json()
    assert (answer["matched"], answer["changed"], answer["already_applied"]) == (1, 1, False)
    again = post(Role.CUSTOMER_SERVICE, _doc(NAME)).json()
    assert again["already_applied"] is True
    assert _names(register) == [("Maija", "Uusi")]
