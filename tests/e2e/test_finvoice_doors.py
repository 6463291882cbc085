"""`rekisteri import invoices` and POST /api/v1/imports/invoices: the same use case behind both
doors, bad input exit 2 / 422 naming file, message and element, the job's actor required, the
route for the billing role only."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import invoice
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support import finvoice as fv
from tests.support.cli_login import as_staff, with_login
from tests.support.people import make_customer
from tests.support.staff import tokens_per_role


def _invoices(reg: RegisterApp) -> int:
    with reg.reading(Actor("test")) as uow:
        return int(uow.execute(select(func.count()).select_from(invoice)).scalar_one())


def test_the_command_imports_refuses_and_repeats(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    make_customer(register)
    base = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": keyring.to_json(),
    }
    runner = CliRunner()
    # Not before an administrator enabled the job's actor.
    token = as_staff(base, Role.DPO)
    refused = runner.invoke(app, ["import", "invoices", str(fv.BATCH)], env=token)
    assert refused.exit_code != 0 and system_actors.IMPORT_INVOICES in refused.output
    env = with_login(base)
    first = runner.invoke(app, ["import", "invoices", str(fv.BATCH)], env=env)
    assert first.exit_code == 0, first.output
    assert "batch.xml: 3 invoices, 3 new, 0 updated by the billing system" in first.output
    again = runner.invoke(app, ["import", "invoices", str(fv.BATCH)], env=env)
    assert "batch.xml: already imported, nothing changed" in again.output
    before = _invoices(register)
    bad = fv.write(tmp_path / "bad.xml", fv.message("311"), fv.message("312", currency="SEK"))
    done = runner.invoke(app, ["import", "invoices", str(bad)], env=env)
    assert done.exit_code == 2
    assert (
        "error: bad.xml, message 2: InvoiceDetails/InvoiceTotalVatIncludedAmount: is in 'SEK', "
        "not EUR" in done.output
    )
    assert _invoices(register) == before


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    b'<Finvoice Version="3.0">&e;</Finvoice>'
)


def test_the_route_takes_the_body_for_the_billing_role_only(register: RegisterApp) -> None:
    make_customer(register)
    tokens = tokens_per_role(register)
    url = "/api/v1/imports/invoices"

    def post(role: Role, body: bytes, name: str = "api.xml") -> object:
        return client.post(
            url,
            content=body,
            params={"name": name},
            headers={"Authorization": f"Bearer {tokens[role]}", "Content-Type": "application/xml"},
        )

    with TestClient(create_app(register)) as client:
        good = fv.batch(fv.message("321"), fv.message("322"))
        assert post(Role.CUSTOMER_SERVICE, good).status_code == 403  # type: ignore[attr-defined]
        assert client.post(url, content=good).status_code == 401
        done = post(Role.BILLING, good)
        assert done.status_code == 200, done.text  # type: ignore[attr-defined]
        assert done.json()["new"] == 2  # type: ignore[attr-defined]
        again = post(Role.BILLING, good).json()  # type: ignore[attr-defined]
        assert again["already_imported"] and again["new"] == 0
        before = _invoices(register)
        bad = fv.batch(fv.message("323"), fv.message("324", customer="999999"))
        refused = post(Role.BILLING, bad, name="feed.xml")
        assert refused.status_code == 422  # type: ignore[attr-defined]
        problem = refused.json()  # type: ignore[attr-defined]
        assert problem["field"] == "BuyerPartyDetails/BuyerPartyIdentifier"
        assert (
            "feed.xml, message 2" in problem["detail"] and "no customer 999999" in problem["detail"]
        )
        xxe = post(Role.BILLING, XXE)
        assert xxe.status_code == 422 and xxe.json()["field"] == "DOCTYPE"  # type: ignore[attr-defined]
        assert _invoices(register) == before
