"""Datahub's market events from outside: `rekisteri import market-events` (a job) and
POST /api/v1/imports/market-events, over one service, on SQLite and PostgreSQL: the counts
reported, the same file twice, a bad event refused whole naming the file, the event and the
element (exit 2, 422), and the job refused until enabled."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema import metadata
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import system_actors
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.cli_login import login_token, with_login
from tests.support.clock import FakeClock
from tests.support.market_events import NEW_SITE, event, events_file, gsrn
from tests.support.people import HETU, make_customer
from tests.support.staff import tokens_per_role

SAMPLE = Path(__file__).parents[1] / "data" / "market_events" / "market-events.xml"


def _env(settings: Settings) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "COLUMNS": "200",
    }


def _counts(reg: RegisterApp) -> dict[str, Any]:
    with reg.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
            if not t.name.startswith("audit")
        }


def _bad_file(path: Path) -> Path:
    return events_file(
        path,
        event("B-1", "move_out", "2026-02-28", gsrn(2), hetu=HETU),
        event(
            "B-2",
            "move_in",
            "2026-03-01",
            gsrn(3),
            hetu=HETU,
            product="Perus",
            data={**NEW_SITE, "main_fuse_a": "many"},
        ),
    )


def test_the_command_applies_reports_and_refuses_a_bad_file_whole(
    register: RegisterApp, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    make_customer(register)
    env = with_login(_env(settings))
    run = CliRunner().invoke
    bad = _bad_file(tmp_path / "bad.xml")
    before = _counts(register)
    refused = run(cli, ["import", "market-events", str(bad)], env=env)
    assert refused.exit_code == 2, refused.output
    assert refused.output.strip().count("\n") == 0
    assert "bad.xml, event 2 (B-2): MeteringPointData/MainFuseA: must be a whole number" in (
        refused.output
    )
    assert _counts(register) == before
    out = run(cli, ["import", "market-events", str(SAMPLE)], env=env)
    assert out.exit_code == 0, out.output
    assert (
        "market-events.xml: 4 market events: 2 matched (2 changed, 0 unchanged, 0 conflicts), "
        "2 unmatched, 0 already applied; 1 staff tasks"
    ) in out.output
    assert HETU not in out.output and "1572860-0" not in out.output
    again = run(cli, ["import", "market-events", str(SAMPLE)], env=env)
    assert again.exit_code == 0 and "0 matched" in again.output
    assert "4 already applied; 0 staff tasks" in again.output


def test_the_job_must_be_enabled(register: RegisterApp, settings: Settings) -> None:
    env = _env(settings) | {"REKISTERI_TOKEN": login_token(_env(settings), Role.DPO)}
    out = CliRunner().invoke(cli, ["import", "market-events", str(SAMPLE)], env=env)
    assert out.exit_code == 1 and system_actors.IMPORT_MARKET_EVENTS in out.output


def test_the_api_applies_the_events_for_customer_service_not_marketing(
    register: RegisterApp, clock: FakeClock, tmp_path: Path
) -> None:
    clock.set(dt.datetime(2026, 3, 20, 8, tzinfo=dt.UTC))
    make_customer(register)
    tokens = tokens_per_role(register)
    api = TestClient(create_app(register))

    def post(role: Role, data: bytes, name: str = "hub.xml") -> Any:
        return api.post(
            "/api/v1/imports/market-events",
            params={"name": name},
            content=data,
            headers={"Authorization": f"Bearer {tokens[role]}", "Content-Type": "application/xml"},
        )

    body = SAMPLE.read_bytes()
    assert post(Role.MARKETING, body).status_code == 403
    before = _counts(register)
    bad = post(Role.CUSTOMER_SERVICE, _bad_file(tmp_path / "bad.xml").read_bytes(), "bad.xml")
    assert bad.status_code == 422, bad.text
    assert "event 2 (B-2)" in bad.text and "MeteringPointData/MainFuseA" in bad.text
    assert _counts(register) == before
    done = post(Role.CUSTOMER_SERVICE, body)
    assert done.status_code == 200, done.text
    answer = done.json()
    assert (answer["matched"], answer["changed"], answer["unmatched"], answer["tasks"]) == (
        2,
        2,
        2,
        1,
    )
    assert post(Role.CUSTOMER_SERVICE, body).json()["already_applied"] == 4
