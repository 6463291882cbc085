"""The command line acts as a logged-in staff user (`rekisteri login`), with that user's role,
and jobs as the system actors an administrator enabled: deny by default."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner, Result

from rekisteri.adapters.schema.access import api_token, staff_user, system_actor
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.domain.errors import Forbidden
from rekisteri.entrypoints.cli.main import app as cli
from rekisteri.services.access import accounts, system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.cli_login import as_staff, login_token
from tests.support.registered import add_person, nth_hetu

PASSWORD = "a password long enough"


@pytest.fixture
def env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    return {
        "REKISTERI_DATABASE_URL": settings.database_url,
        "REKISTERI_SECRET_KEY": settings.secret_key or "",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "COLUMNS": "200",
    }


def invoke(env: dict[str, str], *args: str, given: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, input=given)


def one_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def staff_member(reg: RegisterApp, name: str, role: Role) -> None:
    with reg.unit_of_work(Actor.system("test")) as uow:
        accounts.add_user(uow, name, role, PASSWORD)


def login(env: dict[str, str], name: str, password: str = PASSWORD) -> Result:
    return invoke(env, "login", given=f"{name}\n{password}\n")


def last_entry(reg: RegisterApp) -> dict[str, object]:
    with reg.engine.connect() as conn:
        row = conn.execute(select(audit_entry).order_by(audit_entry.c.seq.desc())).first()
    assert row is not None
    return dict(row._mapping)


def test_without_a_login_a_personal_data_command_is_refused(
    env: dict[str, str], register: RegisterApp
) -> None:
    person = add_person(register)
    for args in (
        ("customer", "show", str(person)),
        ("customer", "search", "Virtanen"),
        ("consumption", "show", str(person)),
        ("request", "list"),
        ("audit", "person", str(person)),
        ("consent", "show", str(person)),
    ):
        refused = invoke(env, *args)
        assert refused.exit_code == 1, (args, refused.output)
        assert "rekisteri login" in one_line(refused) and "Maija" not in refused.stdout


def test_login_keeps_a_private_token_and_acts_as_the_user_until_logout(
    env: dict[str, str], register: RegisterApp, tmp_path: Path
) -> None:
    person = add_person(register, hetu=nth_hetu(7))
    staff_member(register, "liisa.asiakas", Role.CUSTOMER_SERVICE)
    was = os.umask(0o022)  # the usual umask: the file is still the owner's only
    try:
        done = login(env, "liisa.asiakas")
    finally:
        os.umask(was)
    assert done.exit_code == 0, done.output
    token_file = tmp_path / "config" / "rekisteri" / "token"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    assert PASSWORD not in done.output and token_file.read_text().strip() not in done.output

    who = invoke(env, "whoami")
    assert who.exit_code == 0 and "liisa.asiakas (customer_service)" in who.stdout
    shown = invoke(env, "customer", "show", str(person), "--json")
    assert shown.exit_code == 0, shown.output
    assert nth_hetu(7) not in shown.stdout and nth_hetu(7)[:7] in shown.stdout  # masked
    entry = last_entry(register)
    assert (entry["actor"], entry["role"]) == ("liisa.asiakas", "customer_service")
    assert str(entry["via"]).startswith("rekisteri customer show")

    out = invoke(env, "logout")
    assert out.exit_code == 0 and not token_file.exists()
    with register.engine.connect() as conn:
        revoked = conn.execute(select(api_token.c.revoked_at)).scalar_one()
    assert revoked is not None
    again = invoke(env, "customer", "show", str(person))
    assert again.exit_code == 1 and "rekisteri login" in one_line(again)


def test_a_wrong_password_gets_no_token_and_the_account_locks_as_on_the_web(
    env: dict[str, str], register: RegisterApp, tmp_path: Path
) -> None:
    staff_member(register, "liisa.asiakas", Role.CUSTOMER_SERVICE)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        wrong = login(env, "liisa.asiakas", "not the password at all")
        assert wrong.exit_code == 1 and "wrong username or password" in one_line(wrong)
    locked = login(env, "liisa.asiakas")
    assert locked.exit_code == 1, locked.output
    assert not (tmp_path / "config" / "rekisteri" / "token").exists()
    with register.engine.connect() as conn:
        assert conn.execute(select(api_token.c.id)).first() is None
        assert conn.execute(select(staff_user.c.locked_until)).scalar_one() is not None


def test_an_expired_or_revoked_token_is_refused(env: dict[str, str], register: RegisterApp) -> None:
    person = add_person(register)
    expired = as_staff(env, Role.DPO)
    revoked = as_staff(env, Role.DPO)
    with register.engine.begin() as conn:
        conn.execute(
            update(api_token)
            .where(api_token.c.id == 1)
            .values(expires_at=api_token.c.created_at)  # lived no time at all
        )
    with register.unit_of_work(Actor.system("test")) as uow:
        assert accounts.revoke_token(uow, revoked["REKISTERI_TOKEN"])
    for gone, why in ((expired, "expired"), (revoked, "revoked")):
        refused = invoke(gone, "customer", "show", str(person))
        line = one_line(refused)
        assert refused.exit_code == 1 and why in line and "rekisteri login" in line
    assert invoke(as_staff(env, Role.DPO), "customer", "show", str(person)).exit_code == 0


def test_each_role_sees_only_what_its_work_needs(
    env: dict[str, str], register: RegisterApp
) -> None:
    person = add_person(register, hetu=nth_hetu(9))
    dpo = invoke(as_staff(env, Role.DPO), "customer", "show", str(person), "--json")
    assert dpo.exit_code == 0 and nth_hetu(9) in dpo.stdout
    service = invoke(as_staff(env, Role.CUSTOMER_SERVICE), "customer", "show", str(person))
    assert service.exit_code == 0 and nth_hetu(9) not in service.stdout
    # Roles that do not work for the customer relationship, or may not read the access log
    for role, args in (
        (Role.MARKETING, ("customer", "show", str(person))),
        (Role.ADMINISTRATOR, ("customer", "show", str(person))),
        (Role.PROCESSOR, ("consumption", "show", str(person))),
        (Role.CUSTOMER_SERVICE, ("audit", "person", str(person))),
        (Role.CUSTOMER_SERVICE, ("request", "list")),
        (Role.BILLING, ("campaign", "send", "x", "--channel", "email", "--purpose", "own_marketing",
                        "--out", "never.csv")),
    ):  # fmt: skip
        refused = invoke(as_staff(env, role), *args)
        assert refused.exit_code == 1, (role, args, refused.output)
        assert one_line(refused).startswith("error: not allowed: role " + role.value)
        assert "Maija" not in refused.stdout
        entry = last_entry(register)  # the refusal is in the trail, as the API's are
        assert entry["outcome"] == "denied" and entry["actor"] == accounts.DEMO_USERS[role]
    assert not Path("never.csv").exists()


def test_a_token_file_others_can_read_is_refused(
    env: dict[str, str], register: RegisterApp, tmp_path: Path
) -> None:
    person = add_person(register)
    staff_member(register, "liisa.asiakas", Role.CUSTOMER_SERVICE)
    assert login(env, "liisa.asiakas").exit_code == 0
    token_file = tmp_path / "config" / "rekisteri" / "token"
    token_file.chmod(0o640)
    refused = invoke(env, "customer", "show", str(person))
    assert refused.exit_code == 1 and "0640" in one_line(refused)
    token_file.chmod(0o600)
    assert invoke(env, "customer", "show", str(person)).exit_code == 0
    token_file.unlink()
    token_file.symlink_to(tmp_path / "elsewhere")
    linked = invoke(env, "customer", "show", str(person))
    assert linked.exit_code == 1 and "token file" in one_line(linked)


def test_a_job_runs_only_once_an_administrator_enabled_its_system_actor(
    env: dict[str, str], register: RegisterApp
) -> None:
    refused = invoke(env, "retention", "run", "--dry-run")
    line = one_line(refused)
    assert refused.exit_code == 1 and "system:retention is not enabled" in line
    assert "rekisteri user system-actor enable system:retention" in line
    dpo = invoke(as_staff(env, Role.DPO), "user", "system-actor", "enable", "system:retention")
    assert dpo.exit_code == 1 and "does not administer" in one_line(dpo)
    unknown = invoke(as_staff(env, Role.ADMINISTRATOR), "user", "system-actor", "enable", "x")
    assert unknown.exit_code == 2 and "system:retention" in one_line(unknown)

    admin = as_staff(env, Role.ADMINISTRATOR)
    enabled = invoke(admin, "user", "system-actor", "enable", system_actors.RETENTION)
    assert enabled.exit_code == 0, enabled.output
    entry = last_entry(register)
    assert entry["actor"] == accounts.DEMO_USERS[Role.ADMINISTRATOR]
    assert "system actor system:retention enabled" in str(entry["what"])
    ran = invoke(env, "retention", "run", "--dry-run")  # a job needs no login
    assert ran.exit_code == 0, ran.output

    assert invoke(admin, "user", "system-actor", "disable", system_actors.RETENTION).exit_code == 0
    assert invoke(env, "retention", "run", "--dry-run").exit_code == 1
    with register.engine.connect() as conn:
        row = conn.execute(select(system_actor)).one()
    assert not row.enabled and row.changed_by == accounts.DEMO_USERS[Role.ADMINISTRATOR]
    for job in (("keys", "rotate"), ("audit", "verify"), ("import", "datahub", "none.csv")):
        assert invoke(env, *job).exit_code == 1, job


def test_the_first_administrator_needs_no_login_only_on_a_register_without_accounts(
    env: dict[str, str], register: RegisterApp
) -> None:
    clerk = invoke(env, "user", "add", "first.clerk", "--role", "customer_service")
    assert clerk.exit_code == 2 and "administrator" in one_line(clerk)
    first = invoke(env, "user", "add", "first.admin", "--role", "administrator")
    assert first.exit_code == 0 and "password: " in first.stdout, first.output
    second = invoke(env, "user", "add", "second.admin", "--role", "administrator")
    assert second.exit_code == 1 and "rekisteri login" in one_line(second)
    password = first.stdout.split("password: ")[1].split()[0]
    # An administrator's account comes with its second factor, printed once with the password.
    secret = first.stdout.split("second factor (TOTP) secret: ")[1].split()[0]
    assert login(env, "first.admin", password).exit_code == 2  # no code: refused
    wrong = login(env, "first.admin", f"{password}\n000000")
    assert wrong.exit_code == 1 and "wrong or used code" in one_line(wrong)
    code = pyotp.TOTP(secret).now()
    assert login(env, "first.admin", f"{password}\n{code}").exit_code == 0
    made = invoke(env, "user", "add", "liisa.asiakas", "--role", "customer_service")
    assert made.exit_code == 0, made.output
    with register.engine.connect() as conn:
        names = set(conn.execute(select(staff_user.c.username)).scalars())
    assert names == {"first.admin", "liisa.asiakas"}


def test_no_command_takes_a_free_actor_option(env: dict[str, str]) -> None:
    for args in (("customer", "show"), ("customer", "search"), ("request", "verify")):
        helped = invoke(env, *args, "--help")
        assert helped.exit_code == 0
        assert "--role" not in helped.stdout and "--by " not in helped.stdout
    assert "--by" in invoke(env, "consumption", "show", "--help").stdout  # a period, stays


def test_logout_revokes_the_file_login_and_leaves_an_integrations_token(
    env: dict[str, str], register: RegisterApp, tmp_path: Path
) -> None:
    """With REKISTERI_TOKEN exported (an integration's token) and a login in the token file,
    logout revokes the login and removes its file; the exported token keeps working."""
    staff_member(register, "liisa.asiakas", Role.CUSTOMER_SERVICE)
    assert login(env, "liisa.asiakas").exit_code == 0
    token_file = tmp_path / "config" / "rekisteri" / "token"
    logged_in = token_file.read_text().strip()
    integration = {**env, "REKISTERI_TOKEN": login_token(env, Role.DPO)}  # the real clock
    out = invoke(integration, "logout")
    assert out.exit_code == 0, out.output
    assert not token_file.exists() and "REKISTERI_TOKEN" in out.stdout
    with register.reading(Actor("test")) as uow, pytest.raises(Forbidden):
        accounts.resolve_token(uow, logged_in)  # revoked
    assert invoke(integration, "whoami").exit_code == 0  # the integration's token still works


def test_an_administrator_resets_a_lost_second_factor(
    env: dict[str, str], register: RegisterApp
) -> None:
    staff_member(register, "olli.dpo", Role.DPO)
    with register.engine.connect() as conn:
        before = conn.execute(
            select(staff_user.c.totp_confirmed_at).where(staff_user.c.username == "olli.dpo")
        ).scalar_one()
    assert before is not None  # a DPO's account comes with one
    refused = invoke(as_staff(env, Role.DPO), "user", "reset-second-factor", "olli.dpo")
    assert refused.exit_code == 1
    done = invoke(as_staff(env, Role.ADMINISTRATOR), "user", "reset-second-factor", "olli.dpo")
    assert done.exit_code == 0, done.output
    with register.engine.connect() as conn:
        row = conn.execute(
            select(staff_user.c.totp_secret, staff_user.c.totp_confirmed_at).where(
                staff_user.c.username == "olli.dpo"
            )
        ).one()
    assert row.totp_secret is None and row.totp_confirmed_at is None
    # Without one, the DPO's command-line login is refused until it is set up on the web.
    again = login(env, "olli.dpo")
    assert again.exit_code == 1 and "set it up at the web login page" in one_line(again)
    unknown = invoke(as_staff(env, Role.ADMINISTRATOR), "user", "reset-second-factor", "nobody")
    assert unknown.exit_code != 0
