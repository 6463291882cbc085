"""`rekisteri import trade-register` and `rekisteri import address-changes` on the documented
samples: each a job that runs only once its system actor is enabled, reports its counts, says
a file already applied, and refuses a bad record with exit 2 naming the file, the record and
the field, storing nothing. The tasks they open are read with `task list` and `task notice`."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.updates import update_file
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.integration.test_address_changes import resident
from tests.integration.test_trade_register_updates import organisation
from tests.support.cli_login import as_staff, with_login

DATA = Path(__file__).parents[1] / "data"
COMPANIES = DATA / "trade_register" / "companies.json"
MOVERS = DATA / "address_changes" / "movers.csv"


def _files(reg: RegisterApp) -> int:
    with reg.reading(Actor("test")) as uow:
        return int(uow.execute(select(func.count()).select_from(update_file)).scalar_one())


def _env(settings: Settings, keyring: Keyring) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }


def test_the_trade_register_door(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    organisation(register, with_contract=False)  # 1572860-0, named Konepaja Oy
    # Bankrupt in the sample, with a contract; its name as it gave it in 2025 is newer than the
    # trade register's of 2014: kept, a conflict (its status still changes).
    organisation(register, bid="2617416-4")
    base = _env(settings, keyring)
    runner = CliRunner()
    refused = runner.invoke(
        app, ["import", "trade-register", str(COMPANIES)], env=as_staff(base, Role.DPO)
    )
    assert refused.exit_code != 0 and system_actors.IMPORT_TRADE_REGISTER in refused.output
    env = with_login(base)
    first = runner.invoke(app, ["import", "trade-register", str(COMPANIES)], env=env)
    assert first.exit_code == 0, first.output
    assert (
        "trade register companies.json: 3 records, 2 matched, 2 changed, 0 unchanged, "
        "1 unmatched, 1 conflicts" in first.output
    )
    again = runner.invoke(app, ["import", "trade-register", str(COMPANIES)], env=env)
    assert "companies.json: already applied, nothing changed" in again.output
    listed = json.loads(
        runner.invoke(
            app, ["task", "list", "--kind", "organisation_ended", "--json"], env=env
        ).output
    )
    assert [t["reason"][:44] for t in listed] == ["trade register: bankrupt since 2026-02-20; 1"]
    bad = tmp_path / "bad.json"
    doc = json.loads(COMPANIES.read_text(encoding="utf-8"))
    doc["companies"][2]["endDate"] = "31.1.2026"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    done = runner.invoke(app, ["import", "trade-register", str(bad)], env=env)
    assert done.exit_code == 2, done.output
    assert "bad.json, record 3: endDate: is not a date YYYY-MM-DD (got '31.1.2026')" in done.output
    assert _files(register) == 1


def test_the_address_changes_door(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    resident(register)  # Maija Liisa Meikäläinen, Kotikatu 1 A 2, 00100
    resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    resident(register, first="Jussi", last="Virtanen", street="Talo 3")
    base = _env(settings, keyring)
    runner = CliRunner()
    refused = runner.invoke(
        app, ["import", "address-changes", str(MOVERS)], env=as_staff(base, Role.DPO)
    )
    assert refused.exit_code != 0 and system_actors.IMPORT_ADDRESS_CHANGES in refused.output
    env = with_login(base)
    first = runner.invoke(app, ["import", "address-changes", str(MOVERS)], env=env)
    assert first.exit_code == 0, first.output
    assert (
        "address changes movers.csv: 3 records, 1 matched, 1 changed, 0 unchanged, "
        "2 unmatched, 0 conflicts" in first.output
    )
    again = runner.invoke(app, ["import", "address-changes", str(MOVERS)], env=env)
    assert "movers.csv: already applied, nothing changed" in again.output
    listed = json.loads(
        runner.invoke(app, ["task", "list", "--kind", "address_notice", "--json"], env=env).output
    )
    assert len(listed) == 2
    service = as_staff(base, Role.CUSTOMER_SERVICE)
    shown = runner.invoke(app, ["task", "notice", str(listed[0]["id"])], env=service)
    assert shown.exit_code == 0, shown.output
    assert "new_street: Rantatie 8" in shown.output and "namesakes" in shown.output
    bad = tmp_path / "bad.csv"
    lines = MOVERS.read_text(encoding="utf-8").splitlines()
    bad.write_text(
        "\n".join([*lines[:2], lines[2].replace(";20100;", ";2010;")]) + "\n", encoding="utf-8"
    )
    done = runner.invoke(app, ["import", "address-changes", str(bad)], env=env)
    assert done.exit_code == 2, done.output
    assert "bad.csv, record 2 (line 3): new_postal_code: must be five digits" in done.output
    assert _files(register) == 1
