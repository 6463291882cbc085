"""user add | token: staff and partner accounts."""

from __future__ import annotations

import typer

from rekisteri.catalogue import Purpose, Role
from rekisteri.entrypoints.cli.common import console, register, register_errors
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor

app = typer.Typer(help="Staff and partner accounts (personal IDs, P7).", no_args_is_help=True)


@app.command()
def add(
    name: str = typer.Argument(..., help="personal user ID, e.g. maija.virtanen"),
    role: Role = typer.Option(..., help="what the person's work needs to see"),
) -> None:
    """Create an account; its generated password is printed once and never stored."""
    reg = register()
    with register_errors(), reg.unit_of_work(Actor("cli")) as uow:
        new = accounts.add_user(uow, name, role)
    console.print(
        f"user {new.username} ({role.value}) created; password: {new.password}", markup=False
    )


@app.command()
def token(
    name: str = typer.Argument(..., help="the user the integration acts as"),
    label: str = typer.Option(..., help="what the token is for"),
    scope: list[Purpose] = typer.Option(None, help="purposes (default: the role's)"),
    days: int = typer.Option(90, help="lifetime in days"),
) -> None:
    """Issue an API token (printed once; only its hash is kept)."""
    reg = register()
    with register_errors(), reg.unit_of_work(Actor("cli")) as uow:
        # Typer gives None, not [], when no --scope is given: then the role's purposes.
        secret = accounts.issue_token(uow, name, label, list(scope or []) or None, days)
    console.print(secret, markup=False)
