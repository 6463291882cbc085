"""Exit statuses and the one line a domain error gets: apart from common.py so that `main`
maps errors without importing what the commands stand on (settings, services, SQLAlchemy)."""

from __future__ import annotations

from rekisteri.domain.errors import (
    Forbidden,
    InvalidInput,
    KeyringError,
    NotFound,
    RegisterError,
    RuleViolation,
)

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


def refusal(exc: RegisterError) -> tuple[str, int]:
    """The one line and the exit status a domain error gets: 2 for bad input (a value, a rule
    of the register, a thing not found, the key setting), 1 for a refusal of the actor."""
    if isinstance(exc, Forbidden):
        return f"not allowed: {exc}", EXIT_FAILURE
    if isinstance(exc, InvalidInput | RuleViolation | NotFound | KeyringError):
        return str(exc), EXIT_BAD_INPUT
    return str(exc), EXIT_FAILURE
