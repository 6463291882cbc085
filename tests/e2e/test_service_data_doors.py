"""The doors of service data as staff and jobs use them: `rekisteri contact | feedback | device |
self-service` and `rekisteri import contacts | feedback | logins` (exit 2 naming file, line and
field for a bad record, nothing stored), and the API routes (422 problems, 403 for a role that may
not write the category)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.crypto import Keyring
from rekisteri.adapters.schema.register import contact_log, device, feedback
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.people import make_customer
from tests.support.staff import tokens_per_role

SAMPLES = Path(__file__).parents[1] / "samples" / "feeds"
DOCS = Path(__file__).parents[2] / "docs" / "feeds"


def _count(reg: RegisterApp, table: Any) -> int:
    with reg.reading(Actor("test")) as uow:
        return int(uow.execute(select(func.count()).select_from(table)).scalar_one())


def test_the_documentation_shows_the_sample_files_the_tests_import() -> None:
    for sample in sorted(SAMPLES.iterdir()):
        assert (DOCS / sample.name).read_bytes() == sample.read_bytes(), sample.name


def test_commands_and_feeds(
    register: RegisterApp, settings: Settings, keyring: Keyring, tmp_path: Path
) -> None:
    c = make_customer(register)
    env = with_login(
        {"REKISTERI_DATABASE_URL": settings.database_url, "REKISTERI_SECRET_KEY": keyring.to_json()}
    )
    service = as_staff(env, Role.CUSTOMER_SERVICE)
    runner = CliRunner()

    def run(*args: str, as_: dict[str, str] = service) -> Any:
        return runner.invoke(app, list(args), env=as_)

    added = run(
        "contact", "add", c.customer_number, "--channel", "chat", "--topic", "fault",
        "--summary", "Vikailmoitus välitetty verkkoyhtiölle", "--at", "2026-02-01T10:00:00+02:00",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    shown = run("contact", "list", c.customer_number, "--json")
    assert shown.exit_code == 0, shown.output
    mine = next(e for e in json.loads(shown.output) if e["topic"] == "fault")
    assert mine["note"] == "Vikailmoitus välitetty verkkoyhtiölle"
    assert mine["at"] == "2026-02-01 08:00:00+00:00"  # stored in UTC
    assert mine["handled_by"]  # the logged-in user when not said
    # Marketing may not write the contact log (P7): exit 1, nothing stored.
    before = _count(register, contact_log)
    refused = run(
        "contact", "add", c.customer_number, "--channel", "chat", "--topic", "x",
        as_=as_staff(env, Role.MARKETING),
    )  # fmt: skip
    assert refused.exit_code == 1 and "not allowed" in refused.output
    bad_time = run(
        "contact", "add", c.customer_number, "--channel", "chat", "--topic", "x",
        "--at", "2026-02-01 10:00",
    )  # fmt: skip
    assert bad_time.exit_code == 2 and "at: needs a time zone offset" in bad_time.output
    assert _count(register, contact_log) == before
    # The feed: good twice, then a file with a bad last record stores nothing.
    feed = SAMPLES / "contacts.csv"
    first = run("import", "contacts", str(feed), as_=env)
    assert first.exit_code == 0, first.output
    assert "contacts.csv: 2 records, 2 new, 0 corrected" in first.output
    again = run("import", "contacts", str(feed), as_=env)
    assert "2 records, 0 new, 0 corrected, 2 already stored as sent" in again.output
    bad = tmp_path / "contacts-bad.csv"
    bad.write_text(
        feed.read_text(encoding="utf-8")
        + "CS-20260212-0001,100001,2026-02-12T10:00:00+02:00,pigeon,inbound,move,,\n",
        encoding="utf-8",
    )
    stored = _count(register, contact_log)
    refused = run("import", "contacts", str(bad), as_=env)
    assert refused.exit_code == 2
    assert "contacts-bad.csv, line 4: channel: must be one of" in refused.output
    assert _count(register, contact_log) == stored
    # Feedback and logins through their feeds.
    answers = run("import", "feedback", str(SAMPLES / "feedback.csv"), as_=env)
    assert answers.exit_code == 0 and "2 new" in answers.output, answers.output
    score = run("feedback", "add", c.customer_number, "--channel", "web", "--score", "6")
    assert score.exit_code == 2
    assert _count(register, feedback) == 3  # the customer's earlier answer and the two fed
    device_made = run("device", "add", str(c.site_ids[1]), "--kind", "solar_panels")
    assert device_made.exit_code == 0, device_made.output
    device_id = device_made.output.split("id ")[1].split(")")[0]
    removed = run("device", "remove", device_id, "--on", "2026-01-01")
    assert removed.exit_code == 0 and "removed on 2026-01-01" in removed.output
    assert _count(register, device) == 1
    closed = run("self-service", "close", c.customer_number)
    assert closed.exit_code == 0, closed.output
    twice = run("self-service", "close", c.customer_number)
    assert twice.exit_code == 2 and "already closed" in twice.output


def test_api_routes(register: RegisterApp) -> None:
    c = make_customer(register)
    tokens = tokens_per_role(register)
    client = TestClient(create_app(register), base_url="https://testserver")
    cs = {"Authorization": f"Bearer {tokens[Role.CUSTOMER_SERVICE]}"}
    mk = {"Authorization": f"Bearer {tokens[Role.MARKETING]}"}
    path = f"/api/v1/persons/{c.customer_number}/contacts"
    body = {"channel": "phone", "topic": "billing", "at": "2026-03-01T08:00:00Z"}
    made = client.post(path, json=body, headers=cs)
    assert made.status_code == 201, made.text
    listed = client.get(path, headers=cs).json()
    assert made.json()["id"] in [e["id"] for e in listed]
    assert client.post(path, json=body, headers=mk).status_code == 403
    before = _count(register, contact_log)
    for wrong, field in (
        ({**body, "at": "2026-03-01T08:00:00"}, "at"),
        ({**body, "channel": "fax"}, "channel"),
        ({**body, "source": "authority"}, "cannot come from authority"),
    ):
        answer = client.post(path, json=wrong, headers=cs)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert field in answer.text
    assert _count(register, contact_log) == before
    answer = client.post(
        f"/api/v1/persons/{c.customer_number}/feedback",
        json={"channel": "phone", "satisfaction": 4, "contact_id": made.json()["id"]},
        headers=cs,
    )
    assert answer.status_code == 201, answer.text
    device_made = client.post(
        f"/api/v1/sites/{c.site_ids[1]}/devices", json={"kind": "battery"}, headers=cs
    )
    assert device_made.status_code == 201, device_made.text
    removed = client.post(
        f"/api/v1/devices/{device_made.json()['id']}/remove",
        json={"removed_on": "2026-02-01"},
        headers=cs,
    )
    assert removed.status_code == 200 and removed.json()["removed_on"] == "2026-02-01"
    closed = client.post(
        f"/api/v1/persons/{c.customer_number}/digital-account/close", json={}, headers=cs
    )
    assert closed.status_code == 200, closed.text
    again = client.post(
        f"/api/v1/persons/{c.customer_number}/digital-account",
        json={"login": "maija.meikalainen@example.fi"},
        headers=cs,
    )
    assert again.status_code == 422  # one account a person; a closed one is not reopened here
