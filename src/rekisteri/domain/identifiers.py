"""Finnish identifiers: personal identity code, business ID, IBAN, GSRN.

python-stdnum does the HETU, business ID and IBAN; GSRN has no stdnum module, so its few lines
live here. Creditor references (Finnish and RF) have a module of their own: domain/references.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum import iban as _iban
from stdnum.exceptions import ValidationError
from stdnum.fi import hetu as _hetu
from stdnum.fi import ytunnus as _ytunnus

from rekisteri.domain.errors import InvalidInput

# The century sign is part of the code (2023 reform): never strip or normalise it.
_CENTURY = {
    "+": 1800,
    "-": 1900,
    "Y": 1900,
    "X": 1900,
    "W": 1900,
    "V": 1900,
    "U": 1900,
    "A": 2000,
    "B": 2000,
    "C": 2000,
    "D": 2000,
    "E": 2000,
    "F": 2000,
}


def personal_identity_code(
    value: str, *, allow_temporary: bool = False, field: str = "personal_identity_code"
) -> str:
    """Validate a HETU and return it in its canonical form (upper case, sign kept)."""
    text = value.strip()
    if not text:
        raise InvalidInput(field, "is empty")
    if _valid_canonical(text, allow_temporary):
        return text
    try:
        code: str = _hetu.validate(text, allow_temporary=allow_temporary)
    except ValidationError as exc:
        if _is_temporary(text) and not allow_temporary:
            raise InvalidInput(field, "is a temporary code (900-999), not allowed here") from exc
        raise InvalidInput(field, f"is not a valid personal identity code ({exc})") from exc
    return code


# ASCII digits only: `\d` alone also takes other scripts' digits (١, ３), which stdnum
# refuses or rewrites.
_CANONICAL = re.compile(r"(\d\d)(\d\d)(\d\d)([-+A-FU-Y])(\d{3})([0-9A-FHJ-NPR-Y])", re.ASCII)
_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def _valid_canonical(text: str, allow_temporary: bool) -> bool:
    """True when `text` is already in canonical form and passes stdnum's own checks (date,
    individual number 002-899, or 900-999 when allowed, check character). A file of 100,000
    codes spends most of its validation in stdnum's character-by-character cleaning, which a
    canonical code does not need; anything else (and every refusal, for its words) is left to
    stdnum."""
    match = _CANONICAL.fullmatch(text)
    if match is None:
        return False
    day, month, year, sign, individual, check = match.groups()
    number = int(individual)
    if number < 2 or (number >= 900 and not allow_temporary):
        return False
    try:
        dt.date(_CENTURY[sign] + int(year), int(month), int(day))
    except ValueError:
        return False
    return _CHECK[int(day + month + year + individual) % 31] == check


def _is_temporary(text: str) -> bool:
    match = re.fullmatch(r"\d{6}[-+A-FU-Y](\d{3})[0-9A-Y]", text.strip().upper())
    return bool(match) and 900 <= int(match.group(1)) <= 999  # type: ignore[union-attr]


def birth_date_of(code: str) -> dt.date:
    """The birth date a valid HETU encodes. (Gender is never inferred from the code.)"""
    century = _CENTURY[code[6]]
    return dt.date(century + int(code[4:6]), int(code[2:4]), int(code[0:2]))


def business_id(value: str, *, field: str = "business_id") -> str:
    try:
        formatted: str = _ytunnus.format(_ytunnus.validate(value.strip()))
    except ValidationError as exc:
        raise InvalidInput(field, f"is not a valid business ID ({exc})") from exc
    return formatted


def iban(value: str, *, field: str = "iban") -> str:
    """Validate an IBAN and return it compact (no spaces, upper case)."""
    try:
        compact: str = _iban.validate(value)
    except ValidationError as exc:
        raise InvalidInput(field, f"is not a valid IBAN ({exc})") from exc
    return compact


def gs1_check_digit(body: str) -> str:
    """GS1 mod-10: weights 3,1,3,... from the rightmost digit of the body."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def gsrn(value: str, *, field: str = "gsrn") -> str:
    """A metering point (accounting point) identifier: 18 digits with a GS1 check digit."""
    text = value.strip().replace(" ", "")
    if not re.fullmatch(r"\d{18}", text):
        raise InvalidInput(field, "must be exactly 18 digits")
    if gs1_check_digit(text[:17]) != text[17]:
        raise InvalidInput(field, "has a wrong GS1 check digit")
    return text


def party_code(value: str, *, field: str = "party") -> str:
    """A market party (a grid owner, a supplier) as Datahub names it: a GS1 global location
    number, 13 digits with a GS1 check digit."""
    text = value.strip()
    if not re.fullmatch(r"\d{13}", text):
        raise InvalidInput(field, "must be a party code of exactly 13 digits")
    if gs1_check_digit(text[:12]) != text[12]:
        raise InvalidInput(field, "has a wrong GS1 check digit")
    return text


def make_gsrn(body17: str) -> str:
    if not re.fullmatch(r"\d{17}", body17):
        raise InvalidInput("gsrn", "body must be 17 digits")
    return body17 + gs1_check_digit(body17)
