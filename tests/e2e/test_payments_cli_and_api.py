"""The payment door from outside: `rekisteri import payments` (a job) and `rekisteri task`, and
POST /api/v1/imports/payments, over one service, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.cli_login import as_staff, login_token, with_login
from tests.support.payments import billed_customer, invoice_row, notification, pay, state
from tests.support.staff import tokens_per_role

XXE = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">&x;</Document>'
)


def _env(settings: Settings) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "COLUMNS": "200",
    }


def test_import_payments_and_the_tasks_from_the_command_line(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    a = billed_customer(register, 1)
    env = with_login(_env(settings))
    run = CliRunner().invoke
    f = notification(
        tmp_path / "bank.xml",
        pay(a.open_reference, "BR-1", "100.00"),
        pay("1234561", "BR-2", payer_name="Tuntematon Maksaja"),
    )
    out = run(cli, ["import", "payments", str(f)], env=env)
    assert out.exit_code == 0, out.output
    assert "2 payments: 0 applied, 1 partial" in out.output
    assert "payment 2: quarantined: no invoice has this reference" in out.output
    again = run(cli, ["import", "payments", str(f)], env=env)
    assert again.exit_code == 0 and "already imported, nothing changed" in again.output
    billing = as_staff(env, Role.BILLING)
    listed = run(cli, ["task", "list", "--json"], env=billing)
    assert listed.exit_code == 0, listed.output
    (task,) = json.loads(listed.output)
    assert task["kind"] == "payment_quarantined" and "Tuntematon" not in listed.output
    assert run(cli, ["task", "list"], env=billing).output.count("payment_quarantine ") == 1
    done = run(cli, ["task", "done", str(task["id"])], env=billing)
    assert done.exit_code == 0 and "done by" in done.output
    assert json.loads(run(cli, ["task", "list", "--json"], env=billing).output) == []
    twice = run(cli, ["task", "done", str(task["id"])], env=billing)
    assert twice.exit_code == 2 and "already done" in twice.output
    marketing = as_staff(env, Role.MARKETING)
    assert run(cli, ["task", "list"], env=marketing).exit_code == 1  # not its purpose


def test_a_hostile_file_exits_2_in_one_line_and_stores_nothing(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    a = billed_customer(register, 1)
    env = with_login(_env(settings))
    good = notification(tmp_path / "good.xml", pay(a.open_reference, "BR-1"))
    hostile = tmp_path / "xxe.xml"
    hostile.write_text(XXE, encoding="utf-8")
    before = state(register)
    out = CliRunner().invoke(cli, ["import", "payments", str(good), str(hostile)], env=env)
    assert out.exit_code == 2
    assert out.output.strip().count("\n") <= 1  # the good file's line, then the refusal
    assert "error: xxe.xml: file: refused: the XML declares" in out.output
    # The good file before it was applied in its own transaction; the hostile one stored nothing.
    after = state(register)
    assert after["files"] == before["files"] + 1
    assert invoice_row(register, a.open_invoice).status == "paid"


def test_the_job_must_be_enabled(register: RegisterApp, settings: Settings, tmp_path) -> None:
    env = _env(settings) | {"REKISTERI_TOKEN": login_token(_env(settings), Role.DPO)}
    f = notification(tmp_path / "bank.xml", pay("1234561", "BR-2"))
    out = CliRunner().invoke(cli, ["import", "payments", str(f)], env=env)
    assert out.exit_code == 1 and system_actors.IMPORT_PAYMENTS in out.output


def test_the_api_applies_a_notification_for_billing_only(
    register: RegisterApp, tmp_path: Path
) -> None:
    a = billed_customer(register, 1)
    tokens = tokens_per_role(register)
    api = TestClient(create_app(register))
    body = notification(tmp_path / "bank.xml", pay(a.open_reference, "BR-1")).read_bytes()

    def post(role: Role, data: bytes, name: str = "bank.xml") -> object:
        return api.post(
            "/api/v1/imports/payments",
            params={"name": name},
            content=data,
            headers={
                "Authorization": f"Bearer {tokens[role]}",
                "Content-Type": "application/xml",
            },
        )

    refused = post(Role.CUSTOMER_SERVICE, body)
    assert refused.status_code == 403  # type: ignore[attr-defined]
    done = post(Role.BILLING, body)
    assert done.status_code == 200, done.text  # type: ignore[attr-defined]
    answer = done.json()  # type: ignore[attr-defined]
    assert (answer["applied"], answer["quarantined"], answer["version"]) == (
        1,
        [],
        "camt.054.001.02",
    )
    assert invoice_row(register, a.open_invoice).status == "paid"
    assert post(Role.BILLING, body).json()["already_imported"] is True  # type: ignore[attr-defined]
    before = state(register)
    bad = post(Role.BILLING, XXE.encode(), "xxe.xml")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    problem = bad.json()  # type: ignore[attr-defined]
    assert problem["field"] == "file" and "xxe.xml" in problem["detail"]
    assert state(register) == before


@pytest.mark.parametrize("name", ["../etc/passwd", "a b.xml"])
def test_the_api_refuses_a_file_name_that_is_not_one(register: RegisterApp, name: str) -> None:
    tokens = tokens_per_role(register)
    api = TestClient(create_app(register))
    out = api.post(
        "/api/v1/imports/payments",
        params={"name": name},
        content=b"<x/>",
        headers={"Authorization": f"Bearer {tokens[Role.BILLING]}"},
    )
    assert out.status_code == 422
