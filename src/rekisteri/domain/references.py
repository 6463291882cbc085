"""Creditor references a payment names its invoice by: the Finnish reference (viitenumero, check
digit 7-3-1) and the international RF creditor reference (ISO 11649, check digits mod 97).

A Finnish bank builds the RF form of a Finnish reference as "RF" + two check digits + the
Finnish reference, so both forms of one reference name the same invoice: `invoice_keys` gives
every form an invoice's stored reference may have been written in.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError

from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.identifiers import reference_check_digit

_FINNISH = re.compile(r"\d{4,20}")
_RF_BODY = re.compile(r"[0-9A-Z]{1,21}")


def finnish_reference(value: str, *, field: str = "reference") -> str:
    """A Finnish reference without spaces and leading zeros, or InvalidInput naming `field`."""
    text = value.replace(" ", "")
    if not _FINNISH.fullmatch(text):
        raise InvalidInput(field, "a Finnish reference is 4-20 digits")
    if reference_check_digit(text[:-1]) != text[-1]:
        raise InvalidInput(field, "the Finnish reference has a wrong check digit")
    return text.lstrip("0")


def rf_reference(value: str, *, field: str = "reference") -> str:
    """An RF creditor reference in its compact form (RFkk + body), or InvalidInput."""
    text = value.replace(" ", "").upper()
    if not text.startswith("RF") or not _RF_BODY.fullmatch(text[4:]):
        raise InvalidInput(
            field, "an RF creditor reference is RF, two check digits and 1-21 letters or digits"
        )
    try:
        return str(iso11649.validate(text))
    except ValidationError:
        raise InvalidInput(field, "the RF creditor reference has wrong check digits") from None


def creditor_reference(value: str, *, field: str = "reference") -> str:
    """The reference a payment names, checked: an RF reference whose body is a valid Finnish
    reference becomes that Finnish reference (one invoice, one key); any other RF reference
    stays in its compact RF form. InvalidInput names `field` for a bad one."""
    text = value.replace(" ", "").upper()
    if not text:
        raise InvalidInput(field, "is missing")
    if not text.startswith("RF"):
        return finnish_reference(text, field=field)
    compact = rf_reference(text, field=field)
    body = compact[4:]
    if _FINNISH.fullmatch(body) and reference_check_digit(body[:-1]) == body[-1]:
        return body.lstrip("0")
    return compact


def invoice_key(stored: str) -> str:
    """The key an invoice's stored reference is matched by: the same normal form
    `creditor_reference` gives a payment's (a stored reference was checked when written, so
    one that no longer passes is kept as written, compact)."""
    try:
        return creditor_reference(stored)
    except InvalidInput:
        return stored.replace(" ", "").upper()


def rf_form(finnish: str) -> str:
    """The RF creditor reference a Finnish bank makes of a Finnish reference: RF, two check
    digits (ISO 7064 mod 97-10 over the reference, then "RF00" as digits: R=27, F=15), the
    reference."""
    check = 98 - int(f"{finnish}271500") % 97
    return f"RF{check:02d}{finnish}"
