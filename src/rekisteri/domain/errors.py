"""Domain exceptions. Entry points translate them: exit 2 on the CLI, 422/404/403 over HTTP."""

from __future__ import annotations

from typing import Any


class RegisterError(Exception):
    """Base of every error the register raises on purpose."""


def excerpt(value: object, limit: int = 40) -> str:
    """A bad value as an error may echo it: quoted with its control and invisible characters
    escaped (repr), and at most `limit` characters of it, so a 10 MB field or a terminal escape
    never reaches a terminal or a log whole."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text):,} characters)"


class InvalidInput(RegisterError):
    """Bad input: names the field and the reason, and nothing was stored."""

    def __init__(self, field: str, reason: str, *, where: str | None = None) -> None:
        self.field = field
        self.reason = reason
        self.where = where
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}{field}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Made again without calling __init__ (whose arguments are not the message, which is
        # what an exception pickles by default): a file parsed in another process hands its
        # refusal back pickled (adapters/read_ahead).
        return (_unpickled, (type(self), self.args, dict(self.__dict__)))


def _unpickled(kind: type[InvalidInput], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = kind.__new__(kind)
    error.args = args
    error.__dict__.update(state)
    return error


class NotFound(RegisterError):
    def __init__(self, what: str, key: object) -> None:
        self.what = what
        self.key = key
        super().__init__(f"{what} {key} not found")


class Forbidden(RegisterError):
    """The actor may not do this (need to know, P7)."""


class KeyringError(RegisterError):
    """The register's keys are missing or malformed, or lack the key a value was sealed with.
    A matter of the settings (REKISTERI_SECRET_KEY or the key file), not of the data."""


class RuleViolation(RegisterError):
    """A promise of the privacy statement would be broken (e.g. a prospect without permission)."""


class DamagedFile(RegisterError):
    """A file of the encrypted file store failed its check (altered, truncated, reordered, or
    not one of the store's): none of it is used."""


class ServiceUnavailable(RegisterError):
    """An outside service the register asks (the credit information service) did not answer,
    or answered badly: nothing was decided from it. Not the user's input (exit 1, HTTP 502)."""
