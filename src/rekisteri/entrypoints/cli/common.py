"""What every command shares: settings, opening the register, errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import typer
from rich.console import Console

from rekisteri.config import Settings, get_settings
from rekisteri.domain.errors import (
    Forbidden,
    InvalidInput,
    KeyringError,
    NotFound,
    RegisterError,
    RuleViolation,
)
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import RegisterApp

# Lines are never wrapped: a link, a path or an error line piped to another program (or copied
# from a narrow terminal) must stay whole. Tables still fit their cells to the width
# (print them with soft_wrap=False).
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


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


def refusal(exc: RegisterError) -> tuple[str, int]:
    """The one line and the exit status a domain error gets: 2 for bad input (a value, a rule
    of the register, a thing not found, the key setting), 1 for a refusal of the actor."""
    if isinstance(exc, Forbidden):
        return f"not allowed: {exc}", EXIT_FAILURE
    if isinstance(exc, InvalidInput | RuleViolation | NotFound | KeyringError):
        return str(exc), EXIT_BAD_INPUT
    return str(exc), EXIT_FAILURE


def settings() -> Settings:
    return get_settings()


def register() -> RegisterApp:
    try:
        reg = open_register(settings())
    except KeyringError as exc:
        fail(str(exc), EXIT_BAD_INPUT)
    reg.via = command_name()
    return reg


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
