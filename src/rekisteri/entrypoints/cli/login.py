"""login | logout | whoami: the staff user the command line acts as (P7).

Commands that read or change personal data act as the logged-in user, with that user's role
(common.staff). The password is read from a prompt, or from standard input when it is not a
terminal (user name on the first line, password on the second, the second factor's code on the
third when the account has one); never from an argument, which other users see in the process
list and the shell keeps in its history.
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
from rekisteri.services.access.second_factor import Needs
from rekisteri.services.unit_of_work import Actor, UnitOfWork

# Failed command-line logins count against one source, as one client address of the web
# login does: a shell trying many passwords is throttled whatever the accounts it tries.
CLI_SOURCE = "command line"


def _read_login() -> tuple[str, str, str | None]:
    """The user name, the password and, from standard input, the code line if given."""
    if sys.stdin.isatty():
        name = typer.prompt("user")
        password = typer.prompt("password", hide_input=True)
        return name.strip(), password, None
    lines = sys.stdin.read(4096).splitlines()
    if len(lines) < 2:
        fail("give the user name and the password on two lines of standard input")
    return lines[0].strip(), lines[1], lines[2] if len(lines) > 2 else None


def _read_code(given: str | None) -> str:
    if given is not None:
        return given
    if sys.stdin.isatty():
        return str(typer.prompt("code (from the authenticator app)"))
    fail("the account has a second factor: give its current code on the third line")


def install(app: typer.Typer) -> None:
    @app.command()
    def login() -> None:
        """Log in as a staff user (prompts for the user name and password, or reads them from
        two lines of standard input). The token is kept in a file only you can read
        ($XDG_CONFIG_HOME/rekisteri/token, by default ~/.config/rekisteri/token) and lives
        REKISTERI_CLI_TOKEN_HOURS (12 h); the same lockout and throttle as the web login."""
        name, password, code_line = _read_login()
        reg = register()
        hours = reg.settings.cli_token_hours

        def issue(uow: UnitOfWork, actor: Actor) -> tuple[Actor, str]:
            return actor, accounts.issue_login_token(uow, actor.name, hours)

        with register_errors():
            passed, issued = sessions.log_in_then(
                reg,
                name,
                password,
                CLI_SOURCE,
                lambda uow, p: (p, issue(uow, p.actor) if p.needs is Needs.NOTHING else None),
                via="command-line login",
            )
        if passed.needs is Needs.ENROL:
            fail(
                "the role needs a second factor (TOTP) and the account has none yet: set it up "
                "at the web login page first, then log in here",
                EXIT_FAILURE,
            )
        if issued is None:
            code = _read_code(code_line)
            with register_errors():
                issued = sessions.second_step_then(
                    reg, passed.user_id, code, issue, via="command-line login"
                )
        actor, secret = issued
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
