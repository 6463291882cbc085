"""Art. 19 on every path: a rectification by staff (CLI, API), an erasure and a restriction
outside a request plan a notice to each recipient of the person's data, as a request does; the
DPO lists them and records each as sent (CLI `notices`, the API), and `request show` prints
them. On both databases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.rights import recipient_notification
from rekisteri.catalogue import Purpose
from rekisteri.config import Settings
from rekisteri.domain.register import Provenance
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.rights import erasure, restriction
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import staff_token
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import make_customer
from tests.support.registered import add_person, nth_hetu

DPO = Actor("tietosuoja.dpo")


def _token(reg: RegisterApp, user: str, role: str) -> dict[str, str]:
    with reg.unit_of_work(Actor.system()) as uow:
        add_user(uow, user, role)
        token = issue_token(uow, user, "test", list(Purpose))
    return {"Authorization": f"Bearer {token}"}


def _notices(reg: RegisterApp) -> list[dict]:  # type: ignore[type-arg]
    with reg.reading(DPO) as uow:
        rows = uow.execute(select(recipient_notification).order_by(recipient_notification.c.id))
        return [dict(r._mapping) for r in rows]


@pytest.fixture
def cli_env(register: RegisterApp, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    # After the register: its fixture makes the database the login's user is stored in.
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", staff_token(settings))


@pytest.mark.usefixtures("cli_env")
def test_staff_rectify_by_cli_plans_notices_the_dpo_records_them_sent(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    other = add_person(register, 1, hetu=nth_hetu(1))
    disclose_to(register, "Perintä Oy", [c.person_id, other], reference="P-17")
    disclose_to(register, "Luottotieto Oy", [c.person_id], reference="L-3")
    run = CliRunner().invoke
    out = run(
        cli,
        [
            "customer",
            "rectify",
            c.customer_number,
            "--set",
            "last_name=Virta",
            "--reason",
            "typo",
            "--source",
            "customer_contact",
        ],
    )
    assert out.exit_code == 0, out.output
    assert "recipients to notify: Luottotieto Oy, Perintä Oy" in out.output
    pending = json.loads(run(cli, ["notices", "list", "--json"]).output)
    assert [(n["recipient"], n["event"], n["attributes"]) for n in pending] == [
        ("Luottotieto Oy", "rectification", "person.last_name"),
        ("Perintä Oy", "rectification", "person.last_name"),
    ]
    assert all(n["person_id"] == c.person_id and n["reference"] is None for n in pending)
    assert "P-17" in pending[1]["disclosures"]
    # Nobody else's notice: the other person disclosed with them was not rectified.
    assert all(n["person_id"] != other for n in _notices(register))
    first, second = pending[0]["id"], pending[1]["id"]
    bad_date = run(cli, ["notices", "sent", str(first), "--how", "e-mail", "--on", "eilen"])
    assert bad_date.exit_code == 2 and "on" in bad_date.output
    no_how = run(cli, ["notices", "sent", str(first), "--how", " "])
    assert no_how.exit_code == 2
    tomorrow = str(dt.date.today() + dt.timedelta(days=2))  # the command runs on real time
    early = run(cli, ["notices", "sent", str(first), "--how", "e-mail", "--on", tomorrow])
    assert early.exit_code == 2 and "future" in early.output
    told_on = clock().date() - dt.timedelta(days=1)
    sent = run(cli, ["notices", "sent", str(first), "--how", "e-mail", "--on", str(told_on)])
    assert sent.exit_code == 0, sent.output
    again = run(cli, ["notices", "sent", str(first), "--how", "e-mail"])
    assert again.exit_code == 2 and "already" in again.output
    gone = run(cli, ["notices", "impossible", str(second), "--reason", "recipient dissolved"])
    assert gone.exit_code == 0, gone.output
    assert json.loads(run(cli, ["notices", "list", "--json"]).output) == []
    every = {
        n["id"]: n for n in json.loads(run(cli, ["notices", "list", "--all", "--json"]).output)
    }
    assert every[first]["notified_on"] == str(told_on) and every[first]["how"] == "e-mail"
    assert every[second]["impossible_reason"] == "recipient dissolved"
    assert run(cli, ["notices", "sent", "999999", "--how", "e-mail"]).exit_code == 2
    # Nothing changed, nothing to tell.
    same = run(
        cli,
        [
            "customer",
            "rectify",
            c.customer_number,
            "--set",
            "last_name=Virta",
            "--reason",
            "again",
            "--source",
            "customer_contact",
        ],
    )
    assert same.exit_code == 0 and "recipients" not in same.output
    assert len(_notices(register)) == 2


def test_staff_rectify_by_api_plans_notices_recorded_through_the_api(
    register: RegisterApp,
) -> None:
    c = make_customer(register)
    disclose_to(register, "Perintä Oy", [c.person_id])
    api = TestClient(create_app(register))
    cs, dpo = _token(register, "anna.cs", "customer_service"), _token(register, "tiina.dpo", "dpo")
    body = {"changes": {"first_names": "Maija"}, "reason": "typo", "source": "customer_contact"}
    done = api.patch(f"/api/v1/persons/{c.person_id}", json=body, headers=cs)
    assert done.status_code == 200, done.text
    assert done.json() == {
        "changed": ["person.first_names"],
        "recipients_to_notify": ["Perintä Oy"],
    }
    pending = api.get("/api/v1/recipient-notifications", headers=dpo).json()
    assert [(n["event"], n["recipient"], n["reference"]) for n in pending] == [
        ("rectification", "Perintä Oy", None)
    ]
    url = f"/api/v1/recipient-notifications/{pending[0]['id']}"
    assert api.post(url, json={}, headers=dpo).status_code == 422  # how, or why impossible
    assert api.post(url, json={"how": "interface"}, headers=dpo).status_code == 200
    assert api.get("/api/v1/recipient-notifications", headers=dpo).json() == []


def test_erasure_and_restriction_outside_a_request_plan_notices(register: RegisterApp) -> None:
    customer = make_customer(register, ended_on=dt.date(2024, 1, 31))
    prospect = add_person(register, 2, hetu=nth_hetu(2))
    restricted = add_person(register, 3, hetu=nth_hetu(3))
    nobody_told = add_person(register, 4, hetu=nth_hetu(4))  # never disclosed: no notice
    disclose_to(register, "Perintä Oy", [customer.person_id, prospect, restricted], "P-9")
    with register.unit_of_work(DPO) as uow:
        prov = Provenance.of("customer_contact", uow.now(), "letter")
        kept = erasure.erase_person(uow, customer.person_id, prov, reason="phone call")
        whole = erasure.erase_person(uow, prospect, prov, reason="phone call")
        erasure.erase_person(uow, nobody_told, prov, reason="phone call")
        assert restriction.restrict(uow, restricted, "disputes accuracy", prov)
        assert not restriction.restrict(uow, restricted, "again", prov)  # told once
    assert kept.recipients_to_notify == whole.recipients_to_notify == ["Perintä Oy"]
    found = {(n["event"], n["person_id"]): n for n in _notices(register)}
    assert set(found) == {
        ("erasure", customer.person_id),
        ("erasure", None),  # the prospect was purged whole: the notice outlives the link ...
        ("restriction", restricted),
    }
    assert "P-9" in found[("erasure", None)]["disclosures"]  # ... and says what they got
    assert "contact_point.email" in found[("erasure", None)]["attributes"]
    assert "contact_point.email" in found[("erasure", customer.person_id)]["attributes"]
    assert found[("restriction", restricted)]["attributes"] == "person.restricted"
    assert all(n["request_id"] is None for n in found.values())


@pytest.mark.usefixtures("cli_env")
def test_request_show_prints_the_notices_a_request_planned(register: RegisterApp) -> None:
    c = make_customer(register)
    disclose_to(register, "Perintä Oy", [c.person_id])
    run = CliRunner().invoke
    new = run(
        cli,
        [
            "request",
            "new",
            c.customer_number,
            "--kind",
            "restriction",
            "--received-how",
            "signed_letter",
        ],
    )
    ref = new.output.split(":")[0]
    assert run(cli, ["request", "verify", ref, "--how", "signature_matched"]).exit_code == 0
    assert run(cli, ["request", "fulfil", ref, "--no-pdf"]).exit_code == 0
    shown = run(cli, ["request", "show", ref])
    assert shown.exit_code == 0, shown.output
    assert "Perintä Oy: restriction of person.restricted: pending" in shown.output
    notice_id = json.loads(run(cli, ["request", "show", ref, "--json"]).output)[
        "recipient_notifications"
    ][0]["id"]
    assert run(cli, ["notices", "sent", str(notice_id), "--how", "e-mail"]).exit_code == 0
    assert "restriction of person.restricted: told" in run(cli, ["request", "show", ref]).output
    assert len(_notices(register)) == 1  # one notice per recipient, not one per layer
