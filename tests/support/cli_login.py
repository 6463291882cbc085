"""The command line as staff use it: logged in (REKISTERI_TOKEN), jobs run by enabled actors.

How a test runs a CLI command that reads or changes personal data:

    run(as_staff(env, Role.DPO), "customer", "show", "100001")    # env: the command's env
    monkeypatch.setenv("REKISTERI_TOKEN", login_token(settings, Role.DPO))

and a job (imports, retention run, key rotation, audit verify):

    enable_jobs(env, system_actors.RETENTION)

or, for a test about something else than who may do what, both at once (the DPO, who works
for every purpose, and every job enabled):

    env = with_login(env)

The user is the demo account of the role (accounts.DEMO_USERS), made when it does not exist
yet, so a later `rekisteri demo` on the same register still runs and keeps it. The token is
issued as `rekisteri login` issues it, without the password round and without the second
factor's code the administrator and the DPO give (both tested in test_cli_login; the browser
tests give the code with tests/support/second_factor.give_code).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import select

from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.config import Settings
from rekisteri.services.access import accounts, system_actors
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import Actor, RegisterApp


def _settings(source: Settings | Mapping[str, str]) -> Settings:
    if isinstance(source, Settings):
        return source
    env = {**os.environ, **source}
    given: dict[str, object] = {"database_url": env["REKISTERI_DATABASE_URL"]}
    if env.get("REKISTERI_SECRET_KEY"):
        given["secret_key"] = env["REKISTERI_SECRET_KEY"]
    if env.get("REKISTERI_KEY_FILE"):
        given["key_file"] = Path(env["REKISTERI_KEY_FILE"])
    return Settings(**given)  # type: ignore[arg-type]


@contextmanager
def _with_register(source: Settings | Mapping[str, str] | RegisterApp) -> Iterator[RegisterApp]:
    if isinstance(source, RegisterApp):
        yield source
        return
    reg = open_register(_settings(source))
    try:
        yield reg
    finally:
        reg.engine.dispose()


def login_token(source: Settings | Mapping[str, str] | RegisterApp, role: Role) -> str:
    """A login token of the demo account of `role` (made if missing), valid for 12 hours."""
    name = accounts.DEMO_USERS[role]
    with _with_register(source) as reg, reg.unit_of_work(Actor.system("test login")) as uow:
        exists = uow.execute(select(staff_user.c.id).where(staff_user.c.username == name))
        if exists.first() is None:
            accounts.add_user(uow, name, role)
        return accounts.issue_login_token(uow, name, 12)


def as_staff(env: Mapping[str, str], role: Role) -> dict[str, str]:
    """`env` with REKISTERI_TOKEN of a logged-in user of `role`."""
    return {**env, "REKISTERI_TOKEN": login_token(env, role)}


def with_login(env: Mapping[str, str], role: Role = Role.DPO) -> dict[str, str]:
    """`env` logged in as `role` (the DPO, who works for every purpose, unless said), with every
    job's system actor enabled: for a test about something else than who may do what."""
    enable_jobs(env, *system_actors.KNOWN)
    return as_staff(env, role)


def enable_jobs(source: Settings | Mapping[str, str] | RegisterApp, *names: str) -> None:
    """Enable the system actors of jobs, as an administrator does."""
    with (
        _with_register(source) as reg,
        reg.unit_of_work(Actor.system("test administrator")) as uow,
    ):
        for name in names:
            system_actors.set_enabled(uow, name, True)


def staff_token(source: Settings | Mapping[str, str] | RegisterApp, role: Role = Role.DPO) -> str:
    """with_login for a test that sets the environment itself (monkeypatch.setenv): every job
    enabled, and the token of a logged-in user of `role`."""
    enable_jobs(source, *system_actors.KNOWN)
    return login_token(source, role)
