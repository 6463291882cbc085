"""The record of processing through its two doors, on both databases: `rekisteri ropa` and the
DPO's page /console/ropa (with its PDF and JSON). The recipient register's part is checked
against the register itself: every active recipient is named, under each purpose it receives
data for, and each one outside the EU/EEA among the transfers with its safeguard. Only the DPO
opens it; anyone else is refused, and the refusal is in the audit trail."""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.disclosure import recipient
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.transfers import EU_EEA
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff
from tests.support.staff import tokens_per_role

RECIPIENTS = (
    ("Perintäpalvelu Oy", "collection_agency", "FI", ["billing_and_collection"], None, None),
    ("Pilvipalvelu Inc", "service_provider", "US", ["service_delivery", "customer_relationship"],
     "scc", None),
    ("Tutkimuslaitos Ltd", "research_institute", "GB", ["service_quality"], "adequacy", None),
)  # fmt: skip


def _recipients(reg: RegisterApp) -> list[Any]:
    with reg.unit_of_work(Actor("test")) as uow:
        for name, kind, country, purposes, safeguard, ref in RECIPIENTS:
            add_recipient(uow, name, kind, country, purposes, safeguard=safeguard,
                          safeguard_ref=ref, agreement_ref=f"DPA-{country}")  # fmt: skip
    with reg.engine.connect() as conn:
        return list(conn.execute(select(recipient).where(recipient.c.active)).all())


def _check_recipients(document: dict[str, Any], rows: list[Any]) -> None:
    """Every registered recipient is named, under each of its purposes; each outside the
    EU/EEA is a transfer."""
    named = {r["name"] for r in document["recipients"]}
    assert named == {row.name for row in rows}
    for row in rows:
        for purpose in row.purposes.split():
            activity = next(a for a in document["activities"] if a["key"] == purpose)
            assert any(n.startswith(f"{row.name} (") for n in activity["recipients"]), purpose
    outside = {row.name for row in rows if row.country not in EU_EEA}
    transfers = {t["recipient"].split(" (")[0] for t in document["transfers"]}
    assert transfers == outside and outside


def _env(settings: Settings) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
    }


def _denied(reg: RegisterApp) -> list[Any]:
    with reg.engine.connect() as conn:
        return list(
            conn.execute(select(audit_entry.c.actor).where(audit_entry.c.outcome == "denied"))
        )


def test_the_command_writes_the_record_for_the_dpo_only(
    register: RegisterApp, settings: Settings, tmp_path: Path
) -> None:
    rows = _recipients(register)
    runner = CliRunner()
    dpo = as_staff(_env(settings), Role.DPO)
    done = runner.invoke(cli, ["ropa", "--lang", "sv", "--format", "json"], env=dpo)
    assert done.exit_code == 0, done.output
    document = json.loads(done.output)
    assert document["lang"] == "sv" and document["title"] == "Register över behandling"
    _check_recipients(document, rows)

    html = runner.invoke(cli, ["ropa", "--lang", "fi"], env=dpo)
    assert html.exit_code == 0 and "<h1>Seloste käsittelytoimista</h1>" in html.output
    assert "Perintäpalvelu Oy" in html.output

    out = tmp_path / "ropa.pdf"
    made = runner.invoke(cli, ["ropa", "--format", "pdf", "--out", str(out)], env=dpo)
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if shutil.which("pdftotext"):  # the words are in the PDF, not only in its HTML
        words = subprocess.run(
            ["pdftotext", "-l", "1", str(out), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "Seloste käsittelytoimista" in words

    for role in (Role.CUSTOMER_SERVICE, Role.BILLING, Role.ADMINISTRATOR):
        refused = runner.invoke(cli, ["ropa"], env=as_staff(_env(settings), role))
        assert refused.exit_code == 1 and "not allowed" in refused.output, role
    assert len(_denied(register)) == 3


def test_the_page_is_the_dpos_in_fi_and_sv(register: RegisterApp) -> None:
    rows = _recipients(register)
    client = TestClient(create_app(register), base_url="https://testserver")
    tokens = tokens_per_role(register)

    def get(path: str, role: Role) -> Any:
        return client.get(path, headers={"Authorization": f"Bearer {tokens[role]}"})

    for lang, title in (("fi", "Seloste käsittelytoimista"), ("sv", "Register över behandling")):
        page = get(f"/console/ropa?lang={lang}", Role.DPO)
        assert page.status_code == 200
        assert f"<h1>{title}</h1>" in page.text
        assert all(row.name in page.text for row in rows)
    document = get("/console/ropa.json?lang=en", Role.DPO)
    assert document.status_code == 200 and "attachment" in document.headers["content-disposition"]
    _check_recipients(document.json(), rows)
    pdf = get("/console/ropa.pdf?lang=sv", Role.DPO)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for role in Role:
        if role is Role.DPO:
            continue
        for path in ("/console/ropa", "/console/ropa.json", "/console/ropa.pdf"):
            assert get(path, role).status_code == 403, (role, path)
    assert len(_denied(register)) == 3 * (len(Role) - 1)
