"""A lookup by an identity code that finds nobody leaves a trace: the API's and the console's
404 and the CLI's refusal each append an audit entry naming who looked, how, and a keyed digest
of the code (never the code itself), so searches for people not in the register are
accountable. The chain stays intact."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import accounts
from rekisteri.services.access.audit import verify_trail
from rekisteri.services.register.person_view import lookup_digest
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_api import token_for
from tests.e2e.test_web_login import PASSWORD, _log_in
from tests.support.cli_login import with_login
from tests.support.registered import add_person, nth_hetu

UNKNOWN = nth_hetu(500)


def _lookups(reg: RegisterApp) -> list[dict[str, object]]:
    with reg.engine.connect() as conn:
        rows = conn.execute(select(audit_entry).where(audit_entry.c.action == "lookup"))
        return [dict(r._mapping) for r in rows]


def _digest(reg: RegisterApp) -> str:
    with reg.reading(Actor("t")) as uow:
        return lookup_digest(uow, UNKNOWN)


def _everything_stored(reg: RegisterApp) -> str:
    with reg.engine.connect() as conn:
        return " ".join(str(v) for r in conn.execute(select(audit_entry)) for v in r)


def test_the_api_404_for_an_unknown_code_is_audited(register: RegisterApp) -> None:
    add_person(register, 0, hetu=nth_hetu(0))
    headers = token_for(register, Role.CUSTOMER_SERVICE)
    client = TestClient(create_app(register))
    assert client.get(f"/api/v1/persons/{UNKNOWN}", headers=headers).status_code == 404
    path = f"/api/v1/persons/{UNKNOWN}/identity-code"
    assert client.get(path, headers=headers).status_code == 404
    found = _lookups(register)
    assert len(found) == 2, found
    assert all(e["actor"] == f"user.{Role.CUSTOMER_SERVICE.value}" for e in found)
    assert all(_digest(register) in str(e["what"]) for e in found)
    assert all(e["person_ids"] == "" and e["categories"] == "identity" for e in found)
    assert UNKNOWN not in _everything_stored(register)
    assert verify_trail(register).ok


def test_the_cli_refusal_for_an_unknown_code_is_audited(
    register: RegisterApp, settings: Settings
) -> None:
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    result = CliRunner().invoke(cli, ["customer", "show", UNKNOWN], env=env)
    assert result.exit_code == 2 and UNKNOWN not in result.output
    found = _lookups(register)
    assert len(found) == 1 and _digest(register) in str(found[0]["what"])
    assert "customer show" in str(found[0]["via"])


def test_the_console_page_for_an_unknown_code_is_audited(register: RegisterApp) -> None:
    with register.unit_of_work(Actor("test")) as uow:
        accounts.add_user(uow, "maija.cs", Role.CUSTOMER_SERVICE, password=PASSWORD)
    client = TestClient(create_app(register), base_url="https://testserver")
    _log_in(client)
    page = client.get(f"/console/persons/{UNKNOWN}")
    assert page.status_code == 404
    found = _lookups(register)
    assert len(found) == 1 and found[0]["actor"] == "maija.cs"
    assert _digest(register) in str(found[0]["what"])


def test_a_search_by_an_unknown_code_names_its_digest(register: RegisterApp) -> None:
    add_person(register, 0, hetu=nth_hetu(0))
    headers = token_for(register, Role.CUSTOMER_SERVICE)
    client = TestClient(create_app(register))
    answer = client.get("/api/v1/search", params={"q": UNKNOWN}, headers=headers)
    assert answer.status_code == 200, answer.text
    with register.engine.connect() as conn:
        whats = list(conn.execute(select(audit_entry.c.what)).scalars())
    assert any(f"nobody found: {_digest(register)}" in w for w in whats), whats
    assert UNKNOWN not in _everything_stored(register)
