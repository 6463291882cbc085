"""Small validated values shared by the domain: names, contact points, addresses, codes.

Every text value is one line: its whitespace (tabs and line breaks too) folds into single spaces,
since no field of the register is multi-line and a line break in a name or a note only breaks
the lines it is printed in. Every other control character is refused (C0, DEL, C1), and so are
the bidirectional embedding, override and isolate controls, which make a value display otherwise
than it is stored (a name that reads backwards, a log line that hides its end).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from rekisteri.domain.errors import InvalidInput, excerpt

# The register's clock: Finnish days and times (the stored times are UTC).
HELSINKI = ZoneInfo("Europe/Helsinki")


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


# Refused in any text: C0 controls but the tab, line feed and carriage return (whitespace that
# folds into a space with the rest), DEL and C1, and the bidi controls U+202A-U+202E (embeddings,
# overrides) and U+2066-U+2069 (isolates). One character class: a file of 100,000 records checks
# a million texts, and a scan in C is many times faster than a test of each character in Python.
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def has_controls(value: str) -> bool:
    """Whether `value` holds a character `refuse_controls` refuses (a whole document at once)."""
    return _REFUSED.search(value) is not None


def refuse_controls(value: str, field: str) -> str:
    """`value` unchanged, or InvalidInput naming the first control character in it."""
    bad = _REFUSED.search(value)
    if bad is not None:
        raise InvalidInput(field, f"contains a control character (U+{ord(bad.group()):04X})")
    return value


def text(value: str | None, field: str, *, max_len: int = 200, required: bool = True) -> str | None:
    # Controls are refused before blanks are judged: str.split() takes some of them (U+001C to
    # U+001F, U+0085) for whitespace and would fold them away unseen.
    if value is not None:
        refuse_controls(value, field)
    if value is None or not value.strip():
        if required:
            raise InvalidInput(field, "is required")
        return None
    cleaned = " ".join(value.split())
    if len(cleaned) > max_len:
        raise InvalidInput(field, f"is longer than {max_len} characters")
    return cleaned


def required_text(value: str | None, field: str, *, max_len: int = 200) -> str:
    result = text(value, field, max_len=max_len)
    assert result is not None
    return result


def email(value: str, field: str = "email") -> str:
    """An address mail can be sent to, as email-validator reads RFC 5321, 5322 and 6531 (syntax
    only: no DNS lookup here): no quoted local part, IP literal, special-use domain (.local,
    .test) or unsafe character. A local part with letters beyond ASCII (Pysyvä@) is an address
    too: smtplib sends it with SMTPUTF8 where the server offers it, and refuses where not.
    Returned with the domain in its lower-case ASCII (IDNA) form, so an ASCII local part makes
    an address every server takes."""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        # The reason only: the value itself may be markup or controls, not for an error line.
        raise InvalidInput(field, f"is not an e-mail address ({exc})") from None
    return f"{checked.local_part}@{checked.ascii_domain}"


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
