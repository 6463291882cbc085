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
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.services.bootstrap import open_register
from rekisteri.services.unit_of_work import RegisterApp

console = Console()
errors = Console(stderr=True)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    errors.print(f"error: {message}", markup=False, highlight=False)
    raise typer.Exit(code)


@contextmanager
def register_errors() -> Iterator[None]:
    """Domain errors become one clear line and exit 2 (bad input) or 1 (anything else)."""
    try:
        yield
    except (InvalidInput, RuleViolation, NotFound) as exc:
        fail(str(exc), EXIT_BAD_INPUT)


def settings() -> Settings:
    return get_settings()


def register() -> RegisterApp:
    from rekisteri.adapters.crypto import KeyError_

    try:
        return open_register(settings())
    except KeyError_ as exc:
        fail(str(exc), EXIT_FAILURE)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def is_terminal() -> bool:
    return console.is_terminal
