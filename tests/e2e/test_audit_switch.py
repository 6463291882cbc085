"""REKISTERI_AUDIT_ENABLED=false is refused outside benchmark mode (every command, and `serve`
before it listens), and a process started with the audit off in benchmark mode writes a keyed
entry saying so, which `audit verify` (CLI and API) reports as a gap in an intact chain."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.audit import verify_trail
from rekisteri.services.bootstrap import open_register
from rekisteri.services.register.person_view import customer_view
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_api import token_for
from tests.e2e.test_cli import run
from tests.support.cli_login import with_login
from tests.support.registered import add_person


def _entries(reg: RegisterApp) -> list[tuple[str, str]]:
    with reg.engine.connect() as conn:
        rows = conn.execute(select(audit_entry.c.action, audit_entry.c.what)).all()
    return [(r.action, r.what) for r in rows]


def test_the_audit_off_is_refused_outside_benchmark_mode(settings: Settings) -> None:
    off = settings.model_copy(update={"audit_enabled": False})
    with pytest.raises(InvalidInput, match="REKISTERI_MODE=benchmark"):
        open_register(off)


def test_a_process_with_the_audit_off_records_it_and_verify_names_the_gap(
    register: RegisterApp, settings: Settings
) -> None:
    person_id = add_person(register)
    before = len(_entries(register))
    bench = open_register(settings.model_copy(update={"audit_enabled": False, "mode": "benchmark"}))
    with bench.reading(Actor("bench", Role.CUSTOMER_SERVICE)) as uow:
        customer_view(uow, person_id, Role.CUSTOMER_SERVICE)  # not recorded: the audit is off
    bench.engine.dispose()
    after = _entries(register)
    assert len(after) == before + 1
    assert after[-1][0] == "off" and "REKISTERI_MODE=benchmark" in after[-1][1]
    assert verify_trail(register).ok  # the entry is keyed and chained like any other

    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    verified = CliRunner().invoke(cli, ["audit", "verify"], env=env)
    assert verified.exit_code == 0, verified.output
    assert "intact" in verified.stdout
    assert "warning: the trail has gaps: 1 process(es) ran with the audit off" in verified.stderr

    api = TestClient(create_app(register))
    answer = api.get("/api/v1/audit/verify", headers=token_for(register, Role.DPO))
    assert answer.status_code == 200, answer.text
    assert answer.json()["ok"] and len(answer.json()["audit_off"]) == 1


def test_commands_and_serve_refuse_the_audit_off_in_one_line(settings: Settings) -> None:
    env = {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "REKISTERI_AUDIT_ENABLED": "false",
        "REKISTERI_MODE": "production",
    }
    for args in (["customer", "show", "100001"], ["serve", "--port", "1"]):
        refused = run(env, *args)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "REKISTERI_AUDIT_ENABLED" in refused.stderr and "benchmark" in refused.stderr
        assert "Traceback" not in refused.stderr and refused.stderr.count("\n") == 1
