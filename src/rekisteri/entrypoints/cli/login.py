"""login | logout | whoami: the staff user the command line acts as (P7).

Commands that read or change personal data act as the logged-in user, with that user's role
(common.staff). The password is read from a prompt, or from standard input when it is not a
terminal (user name on the first line, password on the second); never from an argument, which
other users see in the process list and the shell keeps in its history.
"""

from __future__ import annotations

import os
import sys

import typer

from rekisteri.domain.errors import Forbidden
from rekisteri.entrypoints.cli import credentials
from rekisteri.entrypoints.cli.common import (
    EXIT_FAILURE,
    console,
    fail,
    logged_in_token,
    register,
    register_errors,
)
from rekisteri.services.access import accounts, sessions
from rekisteri.services.unit_of_work import Actor

# Failed command-line logins count against one source, as one client address of the web
# login does: a shell trying many passwords is throttled whatever the accounts it tries.
CLI_SOURCE = "command line"


def _read_login() -> tuple[str, str]:
    if sys.stdin.isatty():
        name = typer.prompt("user")
        password = typer.prompt("password", hide_input=True)
        return name.strip(), password
    lines = sys.stdin.read(4096).splitlines()
    if len(lines) < 2:
        fail("give the user name and the password on two lines of standard input")
    return lines[0].strip(), lines[1]


def install(app: typer.Typer) -> None:
    @app.command()
    def login() -> None:
        """Log in as a staff user (prompts for the user name and password, or reads them from
        two lines of standard input). The token is kept in a file only you can read
        ($XDG_CONFIG_HOME/rekisteri/token, by default ~/.config/rekisteri/token) and lives
        REKISTERI_CLI_TOKEN_HOURS (12 h); the same lockout and throttle as the web login."""
        name, password = _read_login()
        reg = register()
        hours = reg.settings.cli_token_hours
        with register_errors():
            actor, secret = sessions.log_in_then(
                reg,
                name,
                password,
                CLI_SOURCE,
                lambda uow, actor: (actor, accounts.issue_login_token(uow, actor.name, hours)),
            )
        try:
            path = credentials.save_token(secret)
        except (credentials.CredentialsError, OSError) as exc:
            with reg.unit_of_work(Actor.system("logout")) as uow:
                accounts.revoke_token(uow, secret)
            fail(f"the token was not kept, so it was revoked: {exc}", EXIT_FAILURE)
        role = actor.role.value if actor.role else "-"
        console.print(
            f"logged in as {actor.name} ({role}) for {hours} h; token kept in {path}",
            markup=False,
        )
        if os.environ.get(credentials.ENV):
            console.print("note: REKISTERI_TOKEN is set and is used before this file")

    @app.command()
    def logout() -> None:
        """Revoke the login token kept in the token file and remove the file.

        A token given in REKISTERI_TOKEN is not revoked (it may be an integration's token
        that an administrator issued): unset it, or have it revoked."""
        try:
            token = credentials.file_token()
        except credentials.CredentialsError as exc:
            fail(str(exc), EXIT_FAILURE)
        said = "no login token file"
        if token is not None:
            reg = register()
            with reg.unit_of_work(Actor.system("logout")) as uow:
                revoked = accounts.revoke_token(uow, token)
            said = "logged out" if revoked else "the token was no longer valid"
        removed = credentials.remove_token_file()
        if removed is not None:
            said += f"; removed {removed}"
        if os.environ.get(credentials.ENV):
            said += "; REKISTERI_TOKEN is set and was not revoked: unset it"
        console.print(said, markup=False)

    @app.command()
    def whoami() -> None:
        """The staff user and role this shell acts as, and until when."""
        token = logged_in_token()
        reg = register()
        with reg.unit_of_work(Actor.system("auth")) as uow:
            try:
                found = accounts.resolve_token(uow, token)
            except Forbidden as exc:
                fail(f"not logged in ({exc}): run `rekisteri login`", EXIT_FAILURE)
            until = accounts.token_expiry(uow, token)
        role = found.actor.role.value if found.actor.role else "-"
        console.print(f"{found.actor.name} ({role}), login valid until {until:%Y-%m-%d %H:%M} UTC")
