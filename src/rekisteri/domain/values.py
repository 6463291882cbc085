"""Small validated values shared by the domain: names, contact points, addresses, codes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar

from rekisteri.domain.errors import InvalidInput, excerpt


def choice(value: str, allowed: Iterable[str], field: str) -> str:
    options = list(allowed)
    if value not in options:
        raise InvalidInput(field, f"must be one of {', '.join(options)} (got {excerpt(value)})")
    return value


E = TypeVar("E", bound=StrEnum)


def enum_value(enum: type[E], value: str | E, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        raise InvalidInput(
            field, f"must be one of {', '.join(e.value for e in enum)} (got {excerpt(value)})"
        ) from None


def text(value: str | None, field: str, *, max_len: int = 200, required: bool = True) -> str | None:
    if value is None or not value.strip():
        if required:
            raise InvalidInput(field, "is required")
        return None
    cleaned = " ".join(value.split())
    if len(cleaned) > max_len:
        raise InvalidInput(field, f"is longer than {max_len} characters")
    if any(ord(ch) < 32 for ch in cleaned):
        raise InvalidInput(field, "contains control characters")
    return cleaned


def required_text(value: str | None, field: str, *, max_len: int = 200) -> str:
    result = text(value, field, max_len=max_len)
    assert result is not None
    return result


_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,252}\.[A-Za-z]{2,}$")


def email(value: str, field: str = "email") -> str:
    cleaned = value.strip()
    if not _EMAIL.match(cleaned) or ".." in cleaned:
        raise InvalidInput(field, f"is not an e-mail address ({excerpt(value)})")
    local, _, domain = cleaned.partition("@")
    return f"{local}@{domain.lower()}"


def phone(value: str, field: str = "phone") -> str:
    """Finnish and international numbers to E.164 (+358...): 040 123 4567 -> +358401234567."""
    digits = re.sub(r"[\s\-()]", "", value.strip())
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+358" + digits[1:]
    if not re.fullmatch(r"\+\d{7,15}", digits):
        raise InvalidInput(field, f"is not a phone number ({excerpt(value)})")
    return digits


def postal_code(value: str, country: str = "FI", field: str = "postal_code") -> str:
    cleaned = value.strip()
    if country == "FI" and not re.fullmatch(r"\d{5}", cleaned):
        raise InvalidInput(field, "must be five digits in Finland")
    if not re.fullmatch(r"[A-Za-z0-9 \-]{2,10}", cleaned):
        raise InvalidInput(field, f"is not a postal code ({excerpt(value)})")
    return cleaned


def country(value: str, field: str = "country") -> str:
    cleaned = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", cleaned):
        raise InvalidInput(field, "must be a two-letter country code")
    return cleaned


def date(value: str | dt.date, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(field, f"is not a date YYYY-MM-DD ({excerpt(value)})") from None


def optional_date(value: str | dt.date | None, field: str) -> dt.date | None:
    return None if value is None or value == "" else date(value, field)


def positive_int(value: int | None, field: str, *, maximum: int = 10**9) -> int | None:
    if value is None:
        return None
    if not 0 <= value <= maximum:
        raise InvalidInput(field, f"must be between 0 and {maximum}")
    return value
