"""What every command shares: settings, opening the register, errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from rekisteri.catalogue import Category, Purpose, Role
from rekisteri.config import Settings, get_settings
from rekisteri.domain.errors import Forbidden, KeyringError, RegisterError
from rekisteri.entrypoints.cli import credentials
from rekisteri.entrypoints.cli.exits import EXIT_BAD_INPUT as EXIT_BAD_INPUT
from rekisteri.entrypoints.cli.exits import EXIT_FAILURE as EXIT_FAILURE
from rekisteri.entrypoints.cli.exits import refusal as refusal
from rekisteri.services.access import permits, system_actors
from rekisteri.services.access.accounts import resolve_token
from rekisteri.services.access.audit import record_denied
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import Actor, RegisterApp


class _Console(Console):
    """A table is printed as wide as its cells need, never cut with an ellipsis: a reference,
    a customer number or a date the DPO copies from `request list` must be whole, also when
    piped (80 columns) or in a narrow terminal (which then wraps the long line itself)."""

    def print(self, *objects: Any, **options: Any) -> None:
        if len(objects) == 1 and isinstance(objects[0], Table):
            unbounded = self.options.update_width(10_000)
            natural = Measurement.get(self, unbounded, objects[0]).maximum
            if natural > self.width:
                # Console.print never renders wider than the console: a console as wide as
                # the table, on the same output, prints it.
                wide = Console(
                    file=self.file,
                    width=natural,
                    soft_wrap=True,
                    force_terminal=self.is_terminal,
                    color_system=self.color_system,  # type: ignore[arg-type]
                )
                wide.print(*objects, **options)
                return
        super().print(*objects, **options)


# Lines are never wrapped: a link, a path or an error line piped to another program (or copied
# from a narrow terminal) must stay whole. Tables are as wide as their cells (above).
console = _Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    errors.print(f"error: {message}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def register_errors() -> Iterator[None]:
    """Domain errors become one clear line and exit 2 (bad input) or 1 (anything else)."""
    try:
        yield
    except RegisterError as exc:
        fail(*refusal(exc))


def settings() -> Settings:
    return get_settings()


def register() -> RegisterApp:
    try:
        reg = open_register(settings())
    except KeyringError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    reg.via = command_name()
    return reg


LOG_IN = "run `rekisteri login` (or set REKISTERI_TOKEN)"


def logged_in_token() -> str:
    """This shell's login token; exit 1 saying how to log in when there is none."""
    try:
        token = credentials.current_token()
    except credentials.CredentialsError as exc:
        fail(str(exc), EXIT_FAILURE)
    if token is None:
        fail(f"not logged in: {LOG_IN}", EXIT_FAILURE)
    return token


def staff(
    purpose: Purpose, *categories: Category, writes: bool = False
) -> tuple[RegisterApp, Actor]:
    """The register and the logged-in staff user a command acts as, for `purpose` on data of
    `categories` (deny by default: no login, an expired or revoked one, or a role that may not
    do this exits 1; a refusal is written to the audit trail, as the API's guard does)."""
    reg = register()
    return reg, logged_in(reg, purpose, categories, writes=writes)


def logged_in(
    reg: RegisterApp, purpose: Purpose, categories: Iterable[Category] = (), *, writes: bool
) -> Actor:
    token = logged_in_token()
    with reg.unit_of_work(Actor.system("auth")) as uow:
        try:
            found = resolve_token(uow, token)
        except Forbidden as exc:
            fail(f"not logged in ({exc}): {LOG_IN}", EXIT_FAILURE)
    actor = replace(found.actor, purpose=purpose, via=command_name())
    assert actor.role is not None
    wanted = tuple(categories)
    why = permits.refusal(actor.role, purpose, wanted, writes=writes)
    if why is None and purpose not in found.scopes:  # an integration's narrower API token
        why = f"the token is not scoped for {purpose.value}"
    if why is not None:
        record_denied(reg, actor, wanted, (), why, action="change" if writes else "read")
        fail(f"not allowed: {why}", EXIT_FAILURE)
    return actor


def administrator(reg: RegisterApp) -> Actor:
    """The logged-in administrator (accounts and system actors are theirs alone)."""
    actor = logged_in(reg, Purpose.LEGAL_OBLIGATION, writes=True)
    if actor.role is not Role.ADMINISTRATOR:
        why = f"role {actor.role.value if actor.role else '-'} does not administer accounts"
        record_denied(reg, actor, (), (), why, action="change")
        fail(f"not allowed: {why}", EXIT_FAILURE)
    return actor


def dpo(reg: RegisterApp) -> Actor:
    """The logged-in data protection officer (the record of processing is theirs to keep)."""
    actor = logged_in(reg, Purpose.LEGAL_OBLIGATION, writes=False)
    if actor.role is not Role.DPO:
        why = f"role {actor.role.value if actor.role else '-'} does not keep the DPO's records"
        record_denied(reg, actor, (), (), why, action="read")
        fail(f"not allowed: {why}", EXIT_FAILURE)
    return actor


def job(name: str) -> tuple[RegisterApp, Actor]:
    """The register and the system actor a job runs as; exit 1 unless it is enabled."""
    reg = register()
    with register_errors():
        actor = system_actors.job_actor(reg, name)
    return reg, replace(actor, via=command_name())


def command_name() -> str:
    """The command and the operating-system user running it, as the audit trail names it."""
    import getpass

    ctx = _click_context()
    # The command's path only: its arguments may hold identity codes.
    path = ctx.command_path if ctx is not None else "rekisteri"
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{path} (os user {user})"


def _click_context() -> Any:
    # Typer >= 0.20 runs commands under its own copy of click; older ones under click itself.
    import importlib

    try:
        module = importlib.import_module("typer._click.globals")
    except ImportError:  # pragma: no cover - depends on the installed Typer
        module = importlib.import_module("click.globals")
    return module.get_current_context(silent=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def is_terminal() -> bool:
    return console.is_terminal
