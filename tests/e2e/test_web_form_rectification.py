"""A rectification sent through the public form says in words what is wrong; the DPO adds the
fields to correct (checked as `customer rectify` checks them) and only then can fulfil it.
Through the CLI and the API, on both databases."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import Purpose
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import staff_token
from tests.support.clock import FakeClock
from tests.support.people import make_customer

WRONG = "Sukunimeni on kirjoitettu väärin: Meikäläinen, oikein Meikäläinen-Virta."


def _dpo(reg: RegisterApp) -> dict[str, str]:
    with reg.unit_of_work(Actor.system()) as uow:
        add_user(uow, "tiina.dpo", "dpo")
        token = issue_token(uow, "tiina.dpo", "test", list(Purpose))
    return {"Authorization": f"Bearer {token}"}


def _post_form(web: TestClient, clock: FakeClock, **fields: str):  # type: ignore[no-untyped-def]
    form = web.get("/request?kind=rectification")
    assert 'name="correction"' in form.text
    started = re.search(r'name="started" value="([^"]+)"', form.text)
    assert started
    clock.advance(seconds=30)
    data = {"kind": "rectification", "name": "Maija Meikäläinen", "contact": "maija@example.fi"}
    return web.post("/request", data=data | {"started": started[1]} | fields)


def _last_name(reg: RegisterApp, person_id: int) -> str:
    with reg.reading(Actor("test")) as uow:
        return str(
            uow.execute(select(person.c.last_name).where(person.c.id == person_id)).scalar_one()
        )


def test_the_form_asks_what_to_correct_in_each_language(
    register: RegisterApp, clock: FakeClock
) -> None:
    web = TestClient(create_app(register))
    missing = _post_form(web, clock)
    assert missing.status_code == 422 and "correction" in missing.text
    too_long = _post_form(web, clock, correction="x" * 1001)
    assert too_long.status_code == 422
    for lang, words in (("fi", "mikä tieto on väärin"), ("sv", "vilken uppgift är fel")):
        assert words in web.get(f"/request?lang={lang}").text
    sent = _post_form(web, clock, correction=WRONG)
    assert sent.status_code == 200, sent.text
    ref = re.search(r"R\d{4}-\d{5}", sent.text)
    assert ref is not None
    shown = web.get(f"/api/v1/requests/{ref.group(0)}", headers=_dpo(register)).json()
    assert shown["details"]["correction"] == WRONG


def test_a_form_rectification_is_refused_until_changes_are_added_then_fulfilled_cli(
    register: RegisterApp,
    settings: Settings,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    c = make_customer(register)
    web = TestClient(create_app(register))
    sent = _post_form(web, clock, correction=WRONG)
    found = re.search(r"R\d{4}-\d{5}", sent.text)
    assert found is not None
    ref = found.group(0)
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", staff_token(settings))
    run = CliRunner().invoke
    # Changes are checked against the person: none before we know whose request it is.
    early = run(cli, ["request", "changes", ref, "--set", "last_name=Meikäläinen-Virta"])
    assert early.exit_code == 2 and "verify" in early.output, early.output
    verified = run(
        cli,
        [
            "request",
            "verify",
            ref,
            "--how",
            "callback_to_known_number",
            "--person",
            c.customer_number,
        ],
    )
    assert verified.exit_code == 0, verified.output
    refused = run(cli, ["request", "fulfil", ref, "--no-pdf"])
    assert refused.exit_code == 2, refused.output
    assert "details.changes" in refused.output and "Traceback" not in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    # The same checks as `customer rectify`: a field that cannot be rectified, a bad value.
    for bad, named in (("customer_number=1", "customer_number"), ("birth_year=abc", "birth_year")):
        out = run(cli, ["request", "changes", ref, "--set", bad])
        assert out.exit_code == 2 and named in out.output, out.output
    assert run(cli, ["request", "changes", ref, "--set", "no_equals_sign"]).exit_code == 2
    added = run(cli, ["request", "changes", ref, "--set", "last_name=Meikäläinen-Virta"])
    assert added.exit_code == 0 and "last_name" in added.output, added.output
    shown = json.loads(run(cli, ["request", "show", ref, "--json"]).output)
    assert shown["details"]["changes"] == {"last_name": "Meikäläinen-Virta"}
    assert shown["details"]["correction"] == WRONG
    assert "changes" in [e["event"] for e in shown["events"]]
    done = run(cli, ["request", "fulfil", ref, "--no-pdf"])
    assert done.exit_code == 0, done.output
    assert _last_name(register, c.person_id) == "Meikäläinen-Virta"
    late = run(cli, ["request", "changes", ref, "--set", "last_name=Joku"])
    assert late.exit_code == 2 and "fulfilled" in late.output


def test_a_form_rectification_is_refused_until_changes_are_added_then_fulfilled_api(
    register: RegisterApp, clock: FakeClock
) -> None:
    c = make_customer(register)
    api = TestClient(create_app(register))
    dpo = _dpo(register)
    found = re.search(r"R\d{4}-\d{5}", _post_form(api, clock, correction=WRONG).text)
    assert found is not None
    ref = found.group(0)
    how = {"how": "callback_to_known_number", "person": c.customer_number}
    assert api.post(f"/api/v1/requests/{ref}/verify", json=how, headers=dpo).status_code == 200
    refused = api.post(f"/api/v1/requests/{ref}/fulfil", json={}, headers=dpo)
    assert refused.status_code == 422 and "details.changes" in refused.text, refused.text
    assert api.get(f"/api/v1/requests/{ref}", headers=dpo).json()["state"] == "verified"
    url = f"/api/v1/requests/{ref}/changes"
    bad = api.put(url, json={"changes": {"gender": "sometimes"}}, headers=dpo)
    assert bad.status_code == 422 and "gender" in bad.text
    empty = api.put(url, json={"changes": {}}, headers=dpo)
    assert empty.status_code == 422
    added = api.put(url, json={"changes": {"last_name": "Meikäläinen-Virta"}}, headers=dpo)
    assert added.status_code == 200, added.text
    assert added.json()["details"]["changes"] == {"last_name": "Meikäläinen-Virta"}
    done = api.post(f"/api/v1/requests/{ref}/fulfil", json={}, headers=dpo)
    assert done.status_code == 200, done.text
    assert done.json()["outcome"]["changed"] == ["person.last_name"]
    assert _last_name(register, c.person_id) == "Meikäläinen-Virta"


def test_a_refused_field_is_named_by_its_label_and_a_quick_fix_is_taken(
    register: RegisterApp, clock: FakeClock
) -> None:
    """The person reads which field to check in their language (never `correction`), and
    sending the corrected form a moment later is not refused as too fast: the start time of
    the form they began keeps counting."""
    web = TestClient(create_app(register))
    form = web.get("/request?lang=sv&kind=rectification")
    clock.advance(seconds=30)
    person = {"kind": "rectification", "name": "Maija Meikäläinen", "contact": "maija@example.fi"}
    started = re.findall(r'name="started" value="([^"]+)"', form.text)[0]
    refused = web.post("/request?lang=sv", data=person | {"started": started})
    assert refused.status_code == 422
    alert = re.search(r'<p class="error" role="alert">([^<]+)</p>', refused.text)
    assert alert is not None
    assert "vilken uppgift är fel" in alert[1] and "correction" not in alert[1], alert[1]
    assert 'id="correction" name="correction" aria-invalid="true"' in refused.text
    kept = re.findall(r'name="started" value="([^"]+)"', refused.text)[0]
    clock.advance(seconds=2)  # a quick fix of the one field
    fixed = web.post("/request?lang=sv", data=person | {"started": kept, "correction": WRONG})
    assert fixed.status_code == 200, fixed.text
    assert re.search(r"R\d{4}-\d{5}", fixed.text)
