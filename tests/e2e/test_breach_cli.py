"""`rekisteri breach ...` as the DPO uses it, against a real SMTP server (aiosmtpd): a breach
of one customer service user's login, its scope, assessment, notification and notices; and
every other role refused, the refusal audited."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.cli.main import app
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import RegisterApp
from tests.integration.marketing_helpers import add_person
from tests.support.cli_login import as_staff, with_login
from tests.support.smtp import Inbox, smtp_server


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as box:
        yield box


@pytest.fixture
def env(settings: Settings, inbox: Inbox) -> dict[str, str]:
    return with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
            "REKISTERI_SMTP_HOST": "127.0.0.1",
            "REKISTERI_SMTP_PORT": str(inbox.port),
            "COLUMNS": "200",
        }
    )


def run(env: dict[str, str], *args: str, code: int = 0) -> str:
    done = CliRunner().invoke(app, list(args), env=env)
    assert done.exit_code == code, (args, done.output)
    return done.output


def _helsinki(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="minutes")


def test_the_dpo_follows_a_breach_from_scope_to_notices(
    register: RegisterApp, env: dict[str, str], inbox: Inbox, tmp_path: Path
) -> None:
    fi = add_person(register, tongue="fi", first="Aino")
    sv = add_person(register, tongue="sv", first="Sven", email=False)
    untouched = add_person(register, tongue="fi", first="Eero")
    cs_env = as_staff(env, Role.CUSTOMER_SERVICE)
    for pid in (fi, sv):
        run(cs_env, "customer", "show", _number(register, pid))
    run(as_staff(env, Role.BILLING), "customer", "show", _number(register, untouched))
    aware = dt.datetime.now(dt.UTC) - dt.timedelta(hours=80)
    opened = run(
        env, "breach", "open", "--summary", "A customer service login was used from abroad",
        "--kind", "confidentiality", "--aware-at", _helsinki(aware),
        "--noticed-by", "the security team",
    )  # fmt: skip
    ref = re.search(r"TL-\d{4}-\d{4}", opened)
    assert ref is not None, opened
    ref_ = ref.group(0)
    listed = json.loads(run(env, "breach", "list", "--json"))
    assert listed[0]["state"] == "overdue" and listed[0]["remaining"].startswith("-8 h")
    assert "overdue" in run(env, "breach", "list")
    scoped = json.loads(
        run(env, "breach", "scope", ref_, "--user", accounts.DEMO_USERS[Role.CUSTOMER_SERVICE],
            "--json")
    )  # fmt: skip
    assert scoped["persons"] == 2
    run(
        env, "breach", "assess", ref_, "--risk", "high", "--notify-authority",
        "--notify-persons", "--reasons", "names and identity codes were read",
        "--consequences-fi", "Tietojasi voidaan käyttää huijauksiin.",
        "--measures-fi", "Tunnus suljettiin. Varo puheluita, joissa kysytään tunnuksia.",
        "--consequences-sv", "Dina uppgifter kan användas för bedrägerier.",
        "--measures-sv", "Kontot stängdes.",
    )  # fmt: skip
    late = run(
        env, "breach", "notify", ref_, "--at", _helsinki(aware + dt.timedelta(hours=75)),
        "--reference", "TSV-1", code=2,
    )  # fmt: skip
    assert "delay_reason" in late and "72 hours" in late
    run(
        env, "breach", "notify", ref_, "--at", _helsinki(aware + dt.timedelta(hours=75)),
        "--reference", "TSV-1", "--delay-reason", "the scope took a weekend",
    )  # fmt: skip
    said = run(env, "breach", "notices", ref_, "--letters", str(tmp_path / "letters"))
    assert "1 e-mails sent, 1 letters" in " ".join(said.split())
    box = inbox
    assert len(box.messages) == 1
    assert "tietoturvaloukkauksesta" in str(box.messages[0]["Subject"])
    assert "Tunnus suljettiin" in box.messages[0].get_content()
    letter = next((tmp_path / "letters").iterdir()).read_text()
    assert "Kontot stängdes." in letter and "Sven" in letter
    shown = json.loads(run(env, "breach", "show", ref_, "--persons", "--json"))
    assert {s["notice_channel"] for s in shown["subjects"]} == {"email", "letter"}
    assert [s["step"] for s in shown["steps"]] == ["open", "scope", "assess", "notify", "notices"]
    assert shown["state"] == "notified late"


def _number(register: RegisterApp, pid: int) -> str:
    from rekisteri.adapters.schema.register import person

    with register.engine.connect() as conn:
        return str(
            conn.execute(select(person.c.customer_number).where(person.c.id == pid)).scalar_one()
        )


@pytest.mark.parametrize(
    "role", [Role.CUSTOMER_SERVICE, Role.BILLING, Role.MARKETING, Role.ADMINISTRATOR]
)
def test_other_roles_are_refused_and_the_refusal_is_audited(
    register: RegisterApp, env: dict[str, str], role: Role
) -> None:
    other = as_staff(env, role)
    for args in (
        ("breach", "list"),
        ("breach", "open", "--summary", "x", "--kind", "integrity", "--aware-at",
         "2026-01-05T10:00", "--noticed-by", "me"),
        ("breach", "show", "TL-2026-0001"),
    ):  # fmt: skip
        said = run(other, *args, code=1)
        assert "not allowed" in said
    with register.engine.connect() as conn:
        denied = conn.execute(
            select(audit_entry.c.actor).where(audit_entry.c.outcome == "denied")
        ).all()
    assert len(denied) >= 3
    assert {d.actor for d in denied} == {accounts.DEMO_USERS[role]}
