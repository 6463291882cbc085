"""`rekisteri recipient add` and `disclose ...` through the command line (P8, P9, P10, P13)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.disclosure import disclosure
from rekisteri.adapters.schema.register import call_recording
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import STAFF, add_person, consent
from tests.support.cli_login import with_login


@pytest.fixture
def cli(settings: Settings):
    runner = CliRunner()
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )

    def run(*args: str):
        return runner.invoke(app, list(args), env=env)

    return run


def _said(result) -> str:
    return " ".join(result.output.split())


def _disclosures(reg: RegisterApp) -> int:
    with reg.reading(STAFF) as uow:
        return int(uow.execute(select(func.count()).select_from(disclosure)).scalar_one())


def _institute(cli, name: str, *more: str):
    return cli(
        "recipient", "add", name, "--kind", "research_institute", "--purpose", "service_quality",
        *more,
    )  # fmt: skip


def test_a_us_recipient_under_adequacy_is_refused_without_its_dpf_listing(cli) -> None:
    refused = _institute(cli, "Survey Labs Inc", "--country", "US", "--safeguard", "adequacy")
    assert refused.exit_code == 2
    assert "safeguard_ref: the US adequacy decision covers only organisations certified" in (
        _said(refused)
    )
    added = _institute(
        cli, "Survey Labs Inc", "--country", "US", "--safeguard", "adequacy",
        "--safeguard-ref", "DPF list: Survey Labs Inc",
    )  # fmt: skip
    assert added.exit_code == 0, added.output


def test_recordings_of_a_person_who_objected_to_research_are_not_lent(
    cli, register: RegisterApp, tmp_path: Path
) -> None:
    objector, other = add_person(register), add_person(register)
    consent(register, objector, "research", "letter", "prohibited")
    with register.unit_of_work(STAFF) as uow:
        recs = [
            int(
                uow.execute(
                    call_recording.insert().values(
                        person_id=p,
                        recorded_at=uow.now(),
                        duration_seconds=30,
                        file_ref=f"r/{p}.opus",
                        source="customer_contact",
                        received_at=uow.now(),
                    )
                ).inserted_primary_key[0]
            )
            for p in (objector, other)
        ]
    assert _institute(cli, "Tutkimuslaitos Oy", "--country", "FI").exit_code == 0
    out = tmp_path / "lainaus.csv"
    lend = [
        "disclose", "recordings", "--recipient", "Tutkimuslaitos Oy", "--study", "laatu",
        "--due", "2099-01-01", "--out", str(out),
    ]  # fmt: skip
    refused = cli(*lend, "--recording", str(recs[0]), "--recording", str(recs[1]))
    assert refused.exit_code == 2
    assert f"1 person objected to research, which covers this study: recordings {recs[0]}" in (
        _said(refused)
    )
    assert not out.exists() and _disclosures(register) == 0
    lent = cli(*lend, "--recording", str(recs[1]))
    assert lent.exit_code == 0, lent.output
    assert out.exists() and _disclosures(register) == 1


def test_the_group_marketing_file_holds_only_the_channels_each_customer_may_be_reached_on(
    cli, register: RegisterApp, tmp_path: Path
) -> None:
    """The issue's customer: forbade group-marketing calls, granted letters; his phone number
    and his e-mail address (no opt-in) stay out of the file."""
    pekka = add_person(register, first="Pekka")
    consent(register, pekka, "group_marketing", "phone", "prohibited")
    consent(register, pekka, "group_marketing", "letter", "granted")
    quiet = add_person(register, first="Outi", postal=False)  # reachable only by phone
    consent(register, quiet, "group_marketing", "email", "withdrawn")
    added = cli(
        "recipient", "add", "Konserni Kaasu Oy", "--kind", "subsidiary", "--country", "FI",
        "--purpose", "direct_marketing",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    out = tmp_path / "konserni.csv"
    done = cli("disclose", "group-marketing", "--recipient", "Konserni Kaasu Oy", "--out", str(out))
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8") as fh:
        rows = {r["nimi"].split()[0]: r for r in csv.DictReader(fh, delimiter=";")}
    assert (rows["Pekka"]["puhelin"], rows["Pekka"]["sahkoposti"]) == ("", "")
    assert rows["Pekka"]["katuosoite"].startswith("Mannerheimintie")
    assert "2 persons to Konserni Kaasu Oy" in _said(done)
    assert rows["Outi"]["puhelin"].startswith("+358")
    assert rows["Outi"]["sahkoposti"] == rows["Outi"]["katuosoite"] == ""
