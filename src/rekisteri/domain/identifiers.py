"""Finnish identifiers: personal identity code, business ID, IBAN, GSRN, invoice reference.

python-stdnum does the HETU, business ID, IBAN and the RF creditor reference (ISO 11649); GSRN
and the Finnish invoice reference (viitenumero) have no stdnum module, so their few lines live
here.
"""

from __future__ import annotations

import datetime as dt
import re

from stdnum import iban as _iban
from stdnum import iso11649 as _iso11649
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
    try:
        code: str = _hetu.validate(text, allow_temporary=allow_temporary)
    except ValidationError as exc:
        if _is_temporary(text) and not allow_temporary:
            raise InvalidInput(field, "is a temporary code (900-999), not allowed here") from exc
        raise InvalidInput(field, f"is not a valid personal identity code ({exc})") from exc
    return code


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


def make_gsrn(body17: str) -> str:
    if not re.fullmatch(r"\d{17}", body17):
        raise InvalidInput("gsrn", "body must be 17 digits")
    return body17 + gs1_check_digit(body17)


_REF_WEIGHTS = (7, 3, 1)


def reference_check_digit(base: str) -> str:
    """Finnish invoice reference check digit: weights 7-3-1 from the right, to the next ten."""
    total = sum(int(d) * _REF_WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def make_invoice_reference(base: int | str) -> str:
    """A Finnish invoice reference (viitenumero) from a base of 3-19 digits."""
    digits = str(base)
    if not re.fullmatch(r"\d{3,19}", digits) or int(digits) == 0:
        raise InvalidInput("invoice_reference", "base must be 3-19 digits and not zero")
    return digits.lstrip("0") + reference_check_digit(digits.lstrip("0"))


def invoice_reference(value: str, *, field: str = "invoice_reference") -> str:
    text = value.replace(" ", "")
    if not re.fullmatch(r"\d{4,20}", text):
        raise InvalidInput(field, "must be 4-20 digits")
    if reference_check_digit(text[:-1]) != text[-1]:
        raise InvalidInput(field, "has a wrong check digit")
    return text.lstrip("0")


def format_invoice_reference(ref: str) -> str:
    """Groups of five from the right, as printed on Finnish bills."""
    groups: list[str] = []
    while ref:
        groups.insert(0, ref[-5:])
        ref = ref[:-5]
    return " ".join(groups)


RF_MAX_LEN = 25  # "RF", two check digits and at most 21 letters or digits (ISO 11649)


def rf_reference(value: str, *, field: str = "invoice_reference") -> str:
    """An RF creditor reference (ISO 11649), compact and upper case: its mod-97 check digits
    must hold."""
    text = value.replace(" ", "").upper()
    if not re.fullmatch(r"RF\d{2}[0-9A-Z]{1,21}", text):
        raise InvalidInput(field, "is not an RF creditor reference (RF, 2 digits, 1-21 more)")
    try:
        return str(_iso11649.validate(text))
    except ValidationError:
        raise InvalidInput(field, "has wrong RF check digits (ISO 11649)") from None


def payment_reference(value: str, *, field: str = "invoice_reference") -> str:
    """A reference a payer quotes: an RF creditor reference when it starts with RF, else a
    Finnish invoice reference; either with its check digits verified."""
    if value.replace(" ", "")[:2].upper() == "RF":
        return rf_reference(value, field=field)
    return invoice_reference(value, field=field)
