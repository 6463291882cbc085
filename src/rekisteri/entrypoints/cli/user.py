"""user add | role | reset-second-factor | token | system-actor: staff and partner accounts,
and the actors jobs run as. Each change is an entry of the audit trail naming the
administrator: the commands call the administrator's desk's services, as the web desk does.

All of it is the administrator's (logged in with `rekisteri login`), with one exception that
makes a fresh register usable: while the register has no staff account at all, `user add NAME
--role administrator` needs no login and creates the first administrator (once per register).
"""

from __future__ import annotations

import typer
from rich.table import Table

from rekisteri.catalogue import Purpose, Role
from rekisteri.entrypoints.cli.common import (
    EXIT_FAILURE,
    LOG_IN,
    administrator,
    console,
    fail,
    print_json,
    register,
    register_errors,
)
from rekisteri.services.access import accounts, admin_desk, system_actors
from rekisteri.services.unit_of_work import Actor, RegisterApp

app = typer.Typer(
    help="Staff and partner accounts (personal IDs, P7) and the system actors of jobs; "
    "an administrator's work (rekisteri login).",
    no_args_is_help=True,
)
system_actor_app = typer.Typer(
    help="The named system actors jobs run as (imports, retention, key rotation, audit "
    "verification): a job runs only once its actor is enabled.",
    no_args_is_help=True,
)
app.add_typer(system_actor_app, name="system-actor")

FIRST = "first administrator"  # the number series that lets the bootstrap happen once


def _acting(reg: RegisterApp, role: Role) -> Actor:
    """The logged-in administrator; on a register that has no account yet (where no token
    can be valid), the bootstrap of its first administrator, and of nothing else."""
    with reg.reading(Actor.system("bootstrap")) as uow:
        fresh = not accounts.user_names(uow)
    if not fresh:
        return administrator(reg)
    if role is not Role.ADMINISTRATOR:
        fail("a register without accounts gets an administrator first: --role administrator")
    return Actor.system("bootstrap")


@app.command()
def add(
    name: str = typer.Argument(..., help="personal user ID, e.g. maija.virtanen"),
    role: Role = typer.Option(..., help="what the person's work needs to see"),
) -> None:
    """Create an account; its generated password is printed once and never stored. The first
    account of a fresh register (an administrator) needs no login. An administrator's and a
    DPO's account get a second factor (TOTP) at once: its secret is printed once too, for the
    user's authenticator app."""
    reg = register()
    actor = _acting(reg, role)
    with register_errors(), reg.unit_of_work(actor) as uow:
        # Two first administrators started at once: the series gives 1 to one of them only.
        if actor.role is None and uow.next_number(FIRST, 1) != 1:
            fail(f"the register already has its first administrator: {LOG_IN}", EXIT_FAILURE)
        new = admin_desk.add_user(uow, name, role)
    console.print(
        f"user {new.username} ({role.value}) created; password: {new.password}", markup=False
    )
    if new.second_factor is not None:
        console.print(
            f"second factor (TOTP) secret: {new.second_factor.secret}\n"
            f"  for an authenticator app: {new.second_factor.uri}",
            markup=False,
        )


@app.command("role")
def change_role(
    name: str = typer.Argument(..., help="the user whose work changed"),
    role: Role = typer.Option(..., help="the role the new work needs"),
) -> None:
    """Give a user another role; the user's sessions and command-line logins end (their
    permissions changed). Not your own role, nor that of a sign-on account (its groups at
    the sign-on provider give it)."""
    reg = register()
    actor = administrator(reg)
    with register_errors(), reg.unit_of_work(actor) as uow:
        changed = admin_desk.change_role(uow, name, role)
    tail = "" if changed else " (it already was)"
    console.print(f"{name} is now {role.value}{tail}", markup=False)


@app.command("reset-second-factor")
def reset_second_factor(
    name: str = typer.Argument(..., help="the user whose authenticator is lost"),
) -> None:
    """Forget a user's second factor (TOTP), e.g. a lost phone; the user's sessions and
    command-line logins end. An administrator's or a DPO's account sets a new one up at its
    next web login, before anything else."""
    reg = register()
    actor = administrator(reg)
    with register_errors(), reg.unit_of_work(actor) as uow:
        admin_desk.reset_second_factor(uow, name)
    console.print(f"the second factor of {name} was removed", markup=False)


@app.command()
def token(
    name: str = typer.Argument(..., help="the user the integration acts as"),
    label: str = typer.Option(..., help="what the token is for"),
    scope: list[Purpose] = typer.Option(None, help="purposes (default: the role's)"),
    days: int = typer.Option(90, help="lifetime in days"),
) -> None:
    """Issue an API token (printed once; only its hash is kept)."""
    reg = register()
    actor = administrator(reg)
    with register_errors(), reg.unit_of_work(actor) as uow:
        # Typer gives None, not [], when no --scope is given: then the role's purposes.
        secret = admin_desk.issue_token(uow, name, label, list(scope or []) or None, days)
    console.print(secret, markup=False)


def _set(name: str, enabled: bool) -> None:
    reg = register()
    actor = administrator(reg)
    with register_errors(), reg.unit_of_work(actor) as uow:
        changed = system_actors.set_enabled(uow, name, enabled)
    state = "enabled" if enabled else "disabled"
    console.print(f"{name} {state}" + ("" if changed else " (it already was)"), markup=False)


@system_actor_app.command("enable")
def system_actor_enable(
    name: str = typer.Argument(..., help="e.g. system:retention (see `list`)"),
) -> None:
    """Let the job of this system actor run (recorded in the audit trail)."""
    _set(name, True)


@system_actor_app.command("disable")
def system_actor_disable(name: str = typer.Argument(..., help="e.g. system:retention")) -> None:
    """Stop the job of this system actor from running (recorded in the audit trail)."""
    _set(name, False)


@system_actor_app.command("list")
def system_actor_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """Every system actor, whether it is enabled, and who last changed that."""
    reg = register()
    actor = administrator(reg)
    with reg.reading(actor) as uow:
        rows = system_actors.listing(uow)
    if as_json:
        print_json(rows)
        return
    table = Table("system actor", "enabled", "changed", "by", "does")
    for r in rows:
        at = r["changed_at"]
        table.add_row(
            str(r["name"]),
            "yes" if r["enabled"] else "no",
            f"{at:%Y-%m-%d %H:%M}" if at is not None else "-",
            str(r["changed_by"] or "-"),
            str(r["does"]),
        )
    console.print(table)
