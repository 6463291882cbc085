"""`rekisteri import datahub`, `rekisteri consumption show` and GET /persons/{key}/consumption."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.catalogue import Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import with_login
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    readings,
    utc,
    write,
)


def _world(register: RegisterApp, tmp_path: Path) -> tuple[str, Path]:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        person = new_customer(uow)
        new_contract(uow, person, new_site(uow, gsrn), dt.date(2025, 1, 1))
    folder = tmp_path / "datahub"
    folder.mkdir()
    write(folder / "a.csv.gz", readings(gsrn, utc(2025, 1, 31, 22), 96 * 3), compress=True)
    return str(person), folder


def test_import_show_and_repeat(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    person, folder = _world(register, tmp_path)
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": keyring.to_json(),
        }
    )
    runner = CliRunner()
    first = runner.invoke(app, ["import", "datahub", str(folder)], env=env)
    assert first.exit_code == 0, first.output
    assert "a.csv.gz: 288 rows, 288 new readings, 0 corrected" in first.output
    again = runner.invoke(app, ["import", "datahub", str(folder / "a.csv.gz")], env=env)
    assert again.exit_code == 0
    assert "a.csv.gz: already imported, nothing changed" in again.output
    shown = runner.invoke(
        app,
        ["consumption", "show", person, "--from", "2025-02-01", "--to", "2025-02-03", "--by",
         "day", "--json"],
        env=env,
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    body = json.loads(shown.output)
    assert [t["period"] for t in body["totals"]] == ["2025-02-01", "2025-02-02"]
    assert [t["readings"] for t in body["totals"]] == [96, 96]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Mittauspisteen tunnus;Tuotteen tyyppi;Resoluutio;Yksikkötyyppi;Lukeman tyyppi;"
        "Alkuaika;Määrä;Laatu\n643006966022791278;8716867000030;PT15M;kWh;BN01;"
        "2024-12-31T22:00:00Z;2,1;OK\n",
        encoding="utf-8",
    )
    refused = runner.invoke(app, ["import", "datahub", str(bad)], env=env)
    assert refused.exit_code == 2
    assert "bad.csv, line 2" in refused.output and "unknown metering point" in refused.output
    wrong = runner.invoke(app, ["consumption", "show", person, "--by", "week"], env=env)
    assert wrong.exit_code == 2


def test_the_api_serves_consumption_to_customer_service_only(
    register: RegisterApp, tmp_path: Path
) -> None:
    person, folder = _world(register, tmp_path)
    from rekisteri.services.consumption.imports import import_datahub_file

    with register.unit_of_work(Actor("test")) as uow:
        import_datahub_file(uow, folder / "a.csv.gz")
    headers = {}
    with register.unit_of_work(Actor("test")) as uow:
        for role in (Role.CUSTOMER_SERVICE, Role.MARKETING):
            user = accounts.add_user(uow, f"user.{role.value}", role)
            token = accounts.issue_token(uow, user.username, "t", sorted(ROLE_PURPOSES[role]))
            headers[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(register)) as client:
        url = f"/api/v1/persons/{person}/consumption"
        ok = client.get(
            url, params={"by": "day", "readings": "true"}, headers=headers[Role.CUSTOMER_SERVICE]
        )
        assert ok.status_code == 200, ok.text
        body = ok.json()
        assert len(body["readings"]) == 288
        first = body["readings"][0]
        assert first.keys() == {"gsrn", "ts", "wh", "quality"} and first["ts"].endswith("+00:00")
        assert dt.datetime.fromisoformat(first["ts"]).utcoffset() == dt.timedelta(0)
        assert sum(t["readings"] for t in body["totals"]) == 288
        assert client.get(url, headers=headers[Role.MARKETING]).status_code == 403
        assert client.get(url).status_code == 401
