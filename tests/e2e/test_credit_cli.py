"""`contract add` checks the customer's credit when a credit information service is configured
(a real local one here), and says so when none is; a refusal makes no contract and tells the
person of their right to a person's review; `credit review` and billing's `credit decide` record
the review; the contract is then made on the reviewed check. Both databases."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from rekisteri.adapters.schema.credit import credit_check
from rekisteri.adapters.schema.register import contract
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access.disclosures import add_recipient
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.credit_service import running
from tests.support.people import HETU, make_customer
from tests.support.staff import tokens_per_role


def _count(reg: RegisterApp, table: object) -> int:
    with reg.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_contract_add_checks_credit_and_a_refusal_is_reviewed_by_a_person(
    register: RegisterApp, settings: Settings
) -> None:
    c = make_customer(register, ended_on=dt.date(2025, 6, 30))
    with register.unit_of_work(Actor("tietosuoja.dpo", Role.DPO)) as uow:
        add_recipient(
            uow, "Suomen Asiakastieto Oy", "credit_reference", "FI", ["customer_relationship"]
        )
    base = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "COLUMNS": "200",
        }
    )
    sales = as_staff(base, Role.CUSTOMER_SERVICE)
    billing = as_staff(base, Role.BILLING)
    run = CliRunner().invoke
    add = [
        "contract", "add", c.customer_number, "--site", str(c.site_ids[1]), "--product",
        "Kiinteä 24 kk", "--start", "2026-03-01", "--source", "contract",
    ]  # fmt: skip
    with running() as service:
        service.answers[HETU] = {
            "decision": "refuse",
            "payment_default_entries": 4,
            "security_deposit_eur": "0.00",
        }
        env = {
            **sales,
            "REKISTERI_CREDIT_CHECK_URL": service.url,
            "REKISTERI_CREDIT_CHECK_TOKEN": service.token,
        }
        refused = run(cli, add, env=env)
        assert refused.exit_code == 1, refused.output
        assert "contract not made" in refused.output
        # Told in Finnish (the customer's language): where from, and the right to a review.
        assert "Suomen Asiakastieto" in refused.output
        assert "henkilö tarkistaa päätöksen" in refused.output
        assert _count(register, contract) == 2 and _count(register, credit_check) == 1
        shown = run(cli, ["credit", "show", c.customer_number, "--json"], env=env)
        (found,) = json.loads(shown.output)
        assert found["decision"] == "refuse" and found["automated"] is True
        check_id = str(found["id"])
        asked = run(cli, ["credit", "review", check_id], env=env)
        assert asked.exit_code == 0 and "task" in asked.output, asked.output
        decide = ["credit", "decide", check_id, "--outcome", "deposit_changed", "--note",
                  "income verified", "--deposit", "250"]  # fmt: skip
        # The review is billing's: customer service may not decide it.
        assert run(cli, decide, env=env).exit_code == 1
        decided = run(cli, decide, env={**billing, **{k: env[k] for k in env if "CREDIT" in k}})
        assert decided.exit_code == 0, decided.output
        assert "vakuutta" in decided.output
        made = run(cli, [*add, "--credit-check", check_id], env=env)
        assert made.exit_code == 0, made.output
        assert "on a security deposit of 250,00" in made.output
        assert len(service.queries) == 1  # the reviewed check, not a new query
        # A service that fails: exit 1, one line saying what went wrong, no contract.
        service.behaviour = "error"
        failed = run(cli, ["credit", "check", c.customer_number], env=env)
        assert failed.exit_code == 1 and "answered HTTP 503" in failed.output, failed.output
    assert _count(register, contract) == 3
    with register.engine.connect() as conn:
        linked = conn.execute(select(credit_check.c.contract_id)).scalar()
    assert linked is not None
    # Without a configured service the contract is made, and the command says no check was.
    unchecked = run(cli, [*add[:3], "--site", str(c.site_ids[0]), *add[5:]], env=sales)
    assert unchecked.exit_code == 0 and "no credit check" in unchecked.output, unchecked.output


def test_the_api_checks_credit_and_says_what_went_wrong(register: RegisterApp) -> None:
    c = make_customer(register)
    with register.unit_of_work(Actor("tietosuoja.dpo", Role.DPO)) as uow:
        add_recipient(
            uow, "Suomen Asiakastieto Oy", "credit_reference", "FI", ["customer_relationship"]
        )
    tokens = tokens_per_role(register)
    api = TestClient(create_app(register))

    def as_(role: Role) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[role]}"}

    path = f"/api/v1/persons/{c.customer_number}/credit-checks"
    # No service configured: a conflict with how the register is set up, nothing asked.
    unset = api.post(path, headers=as_(Role.CUSTOMER_SERVICE))
    assert unset.status_code == 409 and "REKISTERI_CREDIT_CHECK_URL" in unset.json()["detail"]
    # Marketing may not see credit information.
    assert api.get(path, headers=as_(Role.MARKETING)).status_code == 403
    kept = register.settings
    with running() as service:
        service.answers[HETU] = {
            "decision": "deposit",
            "payment_default_entries": 1,
            "security_deposit_eur": "120.00",
        }
        register.settings = kept.model_copy(
            update={"credit_check_url": service.url, "credit_check_token": service.token}
        )
        try:
            made = api.post(path, headers=as_(Role.CUSTOMER_SERVICE))
            assert made.status_code == 201, made.text
            assert made.json()["automated"] is True and "120,00" in made.json()["told"]
            service.behaviour = "slow"
            service.slow_seconds = 2.0
            register.settings = register.settings.model_copy(
                update={"credit_check_timeout_seconds": 0.5}
            )
            late = api.post(path, headers=as_(Role.CUSTOMER_SERVICE))
        finally:
            register.settings = kept
    assert late.status_code == 502, late.text
    assert late.json()["code"] == "upstream_unavailable" and "0.5 s" in late.json()["detail"]
    check_id = made.json()["id"]
    asked = api.post(f"/api/v1/credit-checks/{check_id}/review", json={}, headers=as_(Role.BILLING))
    assert asked.status_code == 201, asked.text
    decision = {"outcome": "upheld", "note": "two recent defaults"}
    url = f"/api/v1/credit-checks/{check_id}/decision"
    assert api.post(url, json=decision, headers=as_(Role.CUSTOMER_SERVICE)).status_code == 403
    decided = api.post(url, json=decision, headers=as_(Role.BILLING))
    assert decided.status_code == 200 and decided.json()["review_outcome"] == "upheld"
    (listed,) = api.get(path, headers=as_(Role.BILLING)).json()
    assert listed["reviewed_by"] == "t.billing"
