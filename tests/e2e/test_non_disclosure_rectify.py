"""Staff record a turvakielto the person shows proof of, by the command line and the API: through
the write path (history with its source, P2, P12), audited, and at once in force (the customer
service's view withholds the address). A source the catalogue does not give the flag is refused.
"""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.adapters.schema.register import attribute_change, person
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.entrypoints.api.app import create_app
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.unit_of_work import RegisterApp
from tests.support.cli_login import as_staff, with_login
from tests.support.protected import MARKS, make_protected
from tests.support.staff import tokens_per_role


def _flag(reg: RegisterApp, pid: int) -> bool:
    with reg.engine.connect() as conn:
        found = conn.execute(select(person.c.non_disclosure).where(person.c.id == pid))
        return bool(found.scalar_one())


def test_staff_set_and_lift_the_flag_by_command_and_api(
    register: RegisterApp, settings: Settings
) -> None:
    p = make_protected(register, flag=False)
    env = with_login(
        {
            "REKISTERI_DATABASE_URL": settings.database_url,
            "REKISTERI_SECRET_KEY": settings.secret_key or "",
        }
    )
    cs = as_staff(env, Role.CUSTOMER_SERVICE)
    refused = CliRunner().invoke(
        cli,
        ["customer", "rectify", p.customer_number, "--set", "non_disclosure=true",
         "--reason", "said so", "--source", "public_internet"],
        env=cs,
    )  # fmt: skip
    assert refused.exit_code == 2 and "non_disclosure" in refused.output
    assert not _flag(register, p.person_id)
    done = CliRunner().invoke(
        cli,
        ["customer", "rectify", p.customer_number, "--set", "non_disclosure=true",
         "--reason", "the population register's decision seen", "--source", "customer_contact"],
        env=cs,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "person.non_disclosure" in done.output and _flag(register, p.person_id)
    shown = CliRunner().invoke(cli, ["customer", "show", p.customer_number], env=cs)
    assert shown.exit_code == 0 and "non_disclosure" in shown.output
    assert not any(mark in shown.output for mark in MARKS.values())

    client = TestClient(create_app(register), base_url="https://testserver")
    dpo = {"Authorization": f"Bearer {tokens_per_role(register)[Role.DPO]}"}
    lifted = client.patch(
        f"/api/v1/persons/{p.customer_number}",
        headers=dpo,
        json={
            "changes": {"non_disclosure": False},
            "reason": "the population register lifted it",
            "source": "customer_contact",
            "source_detail": "decision of 1 March",
        },
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["changed"] == ["person.non_disclosure"]
    assert not _flag(register, p.person_id)
    with register.engine.connect() as conn:
        history = conn.execute(
            select(attribute_change.c.new_value, attribute_change.c.source)
            .where(attribute_change.c.attribute == "person.non_disclosure")
            .order_by(attribute_change.c.id)
        ).all()
        changes = conn.execute(
            select(audit_entry.c.what).where(
                audit_entry.c.action == "change", audit_entry.c.what.like("%non_disclosure%")
            )
        ).all()
    assert [tuple(h) for h in history] == [
        ("True", "customer_contact"),
        ("False", "customer_contact"),
    ]
    assert len(changes) == 2  # each change audited
