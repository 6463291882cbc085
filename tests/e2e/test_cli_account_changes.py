"""The command line's account changes are entries of the audit trail naming the administrator,
as the web desk's are (both call services/access/admin_desk.py): a user added (the first
administrator too, by the bootstrap), an integration's token issued, a second factor reset, a
role changed. A role change ends the user's logins; an administrator cannot change their own
role, nor that of an account the company sign-on provisioned."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from rekisteri.adapters.schema.access import staff_user
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_cli_login import invoke, one_line, staff_member
from tests.support.cli_login import as_staff, login_token

ADMIN = accounts.DEMO_USERS[Role.ADMINISTRATOR]


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "200",
    }


def changes(reg: RegisterApp) -> list[tuple[str, str]]:
    """The trail's change entries: who, what."""
    with reg.engine.connect() as conn:
        rows = conn.execute(
            select(audit_entry.c.actor, audit_entry.c.what)
            .where(audit_entry.c.action == "change", audit_entry.c.outcome == "allowed")
            .order_by(audit_entry.c.seq)
        ).all()
    return [(r.actor, r.what) for r in rows]


def role_of(reg: RegisterApp, name: str) -> str:
    with reg.engine.connect() as conn:
        found = conn.execute(select(staff_user.c.role).where(staff_user.c.username == name))
        return str(found.scalar_one())


def test_each_account_command_leaves_an_entry_naming_the_administrator(
    env: dict[str, str], register: RegisterApp
) -> None:
    first = invoke(env, "user", "add", "eka.admin", "--role", "administrator")
    assert first.exit_code == 0, first.output
    admin = as_staff(env, Role.ADMINISTRATOR)
    steps = [
        ("user", "add", "liisa.asiakas", "--role", "customer_service"),
        ("user", "token", "liisa.asiakas", "--label", "crm", "--days", "30"),
        ("user", "role", "liisa.asiakas", "--role", "dpo"),
        ("user", "reset-second-factor", "liisa.asiakas"),
    ]
    for step in steps:
        done = invoke(admin, *step)
        assert done.exit_code == 0, (step, done.output)
    secret = invoke(admin, *steps[1]).stdout.strip()
    made = changes(register)
    assert made[0] == ("bootstrap", "staff user eka.admin added (administrator)")
    assert made[1:] == [
        (ADMIN, "staff user liisa.asiakas added (customer_service)"),
        (ADMIN, "API token (crm) issued to liisa.asiakas for 30 days"),
        (ADMIN, "staff user liisa.asiakas: role customer_service changed to dpo"),
        (ADMIN, "staff user liisa.asiakas: second factor reset"),
        (ADMIN, "API token (crm) issued to liisa.asiakas for 30 days"),
    ]
    assert all(secret not in what for _, what in made), "a token's secret is never in the trail"


def test_a_role_change_ends_the_users_logins_and_is_the_administrators_alone(
    env: dict[str, str], register: RegisterApp
) -> None:
    staff_member(register, "rita.cs", Role.CUSTOMER_SERVICE)
    logged_in = login_token(register, Role.CUSTOMER_SERVICE)  # as `rekisteri login` issues it
    cs = accounts.DEMO_USERS[Role.CUSTOMER_SERVICE]
    refused = invoke(as_staff(env, Role.DPO), "user", "role", cs, "--role", "marketing")
    assert refused.exit_code == 1 and role_of(register, cs) == "customer_service"

    admin = as_staff(env, Role.ADMINISTRATOR)
    done = invoke(admin, "user", "role", cs, "--role", "marketing")
    assert done.exit_code == 0 and f"{cs} is now marketing" in done.stdout, done.output
    assert role_of(register, cs) == "marketing"
    with register.reading(Actor("test")) as uow, pytest.raises(Forbidden):
        accounts.resolve_token(uow, logged_in)  # the login under the old role ended
    again = invoke(admin, "user", "role", cs, "--role", "marketing")
    assert again.exit_code == 0 and "(it already was)" in again.stdout

    own = invoke(admin, "user", "role", ADMIN, "--role", "dpo")
    assert own.exit_code == 2 and "cannot change their own role" in one_line(own)
    assert role_of(register, ADMIN) == "administrator"
    with register.engine.begin() as conn:  # an account the company sign-on provisioned
        conn.execute(
            update(staff_user)
            .where(staff_user.c.username == "rita.cs")
            .values(sign_on_issuer="https://sign-on.example", sign_on_subject="rita")
        )
    signed_on = invoke(admin, "user", "role", "rita.cs", "--role", "dpo")
    assert signed_on.exit_code == 2 and "comes from its groups" in one_line(signed_on)
    unknown = invoke(admin, "user", "role", "nobody.here", "--role", "dpo")
    assert unknown.exit_code != 0 and "not found" in one_line(unknown)
    assert [w for _, w in changes(register) if "role" in w] == [
        f"staff user {cs}: role customer_service changed to marketing"
    ]
