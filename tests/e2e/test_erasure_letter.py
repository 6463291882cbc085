"""The erasure answer reaches the person as a letter in their language, and the DPO through
`request fulfil` (text and --json) and the API: each says what was erased and every item the
database still keeps, why and until when. On both databases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rekisteri.catalogue import Purpose
from rekisteri.config import Settings
from rekisteri.domain.register import MotherTongue
from rekisteri.domain.rights_words import word
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.accounts import add_user, issue_token
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import staff_token
from tests.support.clock import FakeClock
from tests.support.disclosed import disclose_to
from tests.support.people import make_customer
from tests.support.registered import add_person, nth_hetu


def test_the_letter_in_the_persons_language_lists_every_kept_item(
    register: RegisterApp,
    settings: Settings,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ended = clock().date() - dt.timedelta(days=3 * 365)
    c = make_customer(register, ended_on=ended, tongue=MotherTongue.SV)
    disclose_to(register, "Perintä Oy", [c.person_id])
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", staff_token(settings))
    run = CliRunner().invoke
    new = run(
        cli,
        ["request", "new", c.customer_number, "--kind", "erasure", "--received-how", "in_person"],
    )
    ref = new.output.split(":")[0]
    assert run(cli, ["request", "verify", ref, "--how", "identity_document"]).exit_code == 0
    done = run(cli, ["request", "fulfil", ref, "--out", str(tmp_path)])
    assert done.exit_code == 0, done.output
    letter = (tmp_path / f"erasure-{ref}.txt").read_text(encoding="utf-8")
    assert letter in done.output  # the DPO sees what the person gets
    outcome = json.loads(run(cli, ["request", "show", ref, "--json"]).output)["outcome"]
    assert outcome["language"] == "sv"
    assert word("erasure_title", "sv") in letter and word("kept_heading", "sv") in letter
    kept = {k["attribute"]: k for k in outcome["kept"]}
    assert {"contract.contract", "audit_entry.at", "marketing_suppression.digest"} <= set(kept)
    assert "disclosure.recipient_id" in kept  # the disclosure record stays, and is said
    for k in outcome["kept"]:
        line = next(x for x in letter.splitlines() if f"{k['what']} ({k['rows']})" in x)
        assert k["why"] in line
        assert (k["until"] or word("no_end_date", "sv")) in line
    for e in outcome["erased"]:
        assert e["what"] in letter.split(word("kept_heading", "sv"))[0]
    assert "Perintä Oy" in letter and "art. 19" in letter


def test_the_api_and_json_answers_of_a_prospect_name_what_outlives_them(
    register: RegisterApp,
    settings: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = add_person(register, 1, hetu=nth_hetu(1))
    other = add_person(register, 2, hetu=nth_hetu(2))
    with register.unit_of_work(Actor.system()) as uow:
        add_user(uow, "tiina.dpo", "dpo")
        dpo = {"Authorization": f"Bearer {issue_token(uow, 'tiina.dpo', 't', list(Purpose))}"}
    api = TestClient(create_app(register))
    body = {"person": str(pid), "kind": "erasure", "received_how": "signed_letter"}
    ref = api.post("/api/v1/requests", json=body, headers=dpo).json()["reference"]
    api.post(f"/api/v1/requests/{ref}/verify", json={"how": "signature_matched"}, headers=dpo)
    answer = api.post(f"/api/v1/requests/{ref}/fulfil?lang=en", json={}, headers=dpo)
    assert answer.status_code == 200, answer.text
    out = answer.json()["outcome"]
    kept = {k["attribute"].split(".")[0] for k in out["kept"]}
    erased = {e["attribute"].split(".")[0] for e in out["erased"]}
    assert {"audit_entry", "rights_request", "marketing_suppression"} <= kept
    assert "audit_entry" not in erased and "person" in erased
    assert all(k["why"] for k in out["kept"])
    # The CLI's --json gives the same answer for the next one.
    monkeypatch.setenv("REKISTERI_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("REKISTERI_SECRET_KEY", settings.secret_key or "")
    monkeypatch.setenv("REKISTERI_TOKEN", staff_token(settings))
    run = CliRunner().invoke
    new = run(cli, ["request", "new", str(other), "--kind", "erasure", "--received-how", "email"])
    second = new.output.split(":")[0]
    assert run(cli, ["request", "verify", second, "--how", "identity_document"]).exit_code == 0
    printed = run(cli, ["request", "fulfil", second, "--json", "--out", str(tmp_path)])
    assert printed.exit_code == 0, printed.output
    shown = json.loads(printed.output)
    assert {k["attribute"].split(".")[0] for k in shown["kept"]} == kept
    assert Path(shown["files"]["letter"]).is_file()
