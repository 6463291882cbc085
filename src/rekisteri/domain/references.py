"""Creditor references, the one module for their rule: the Finnish reference (viitenumero, check
digit 7-3-1) and the international RF creditor reference (ISO 11649, check digits mod 97).

A Finnish bank builds the RF form of a Finnish reference as "RF" + two check digits + the
Finnish reference (a payer may also write its body with leading zeros), so both forms name the
same invoice. `creditor_reference` gives a reference its one normal form: the Finnish reference
when the RF body is one, else the compact RF reference. Invoices are stored in it (the Finvoice
import, services/billing/invoices) and payments are matched by it (services/billing/payments),
so an invoice and a payment quoting its reference in either form meet on one key.
"""

from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.exceptions import ValidationError

from rekisteri.domain.errors import InvalidInput

_FINNISH = re.compile(r"\d{4,20}")
_RF = re.compile(r"RF\d{2}[0-9A-Z]{1,21}")  # ISO 11649: at most 25 characters
_WEIGHTS = (7, 3, 1)


def reference_check_digit(base: str) -> str:
    """Finnish invoice reference check digit: weights 7-3-1 from the right, to the next ten."""
    total = sum(int(d) * _WEIGHTS[i % 3] for i, d in enumerate(reversed(base)))
    return str((10 - total % 10) % 10)


def make_invoice_reference(base: int | str) -> str:
    """A Finnish invoice reference (viitenumero) from a base of 3-19 digits."""
    digits = str(base)
    if not re.fullmatch(r"\d{3,19}", digits) or int(digits) == 0:
        raise InvalidInput("invoice_reference", "base must be 3-19 digits and not zero")
    return digits.lstrip("0") + reference_check_digit(digits.lstrip("0"))


def format_invoice_reference(ref: str) -> str:
    """Groups of five from the right, as printed on Finnish bills."""
    groups: list[str] = []
    while ref:
        groups.insert(0, ref[-5:])
        ref = ref[:-5]
    return " ".join(groups)


def finnish_reference(value: str, *, field: str = "reference") -> str:
    """A Finnish reference without spaces and leading zeros, or InvalidInput naming `field`."""
    text = value.replace(" ", "")
    if not _FINNISH.fullmatch(text):
        raise InvalidInput(field, "a Finnish reference is 4-20 digits")
    if reference_check_digit(text[:-1]) != text[-1]:
        raise InvalidInput(field, "the Finnish reference has a wrong check digit")
    return text.lstrip("0")


def rf_reference(value: str, *, field: str = "reference") -> str:
    """An RF creditor reference in its compact form (RFkk + body, upper case), or InvalidInput."""
    text = value.replace(" ", "").upper()
    if not _RF.fullmatch(text):
        raise InvalidInput(
            field, "an RF creditor reference is RF, two check digits and 1-21 letters or digits"
        )
    try:
        return str(iso11649.validate(text))
    except ValidationError:
        raise InvalidInput(field, "the RF creditor reference has wrong check digits") from None


def creditor_reference(value: str, *, field: str = "reference") -> str:
    """A reference checked and in its normal form: an RF reference whose body is a valid Finnish
    reference becomes that Finnish reference (one invoice, one key); any other RF reference
    stays in its compact RF form; a Finnish one loses its spaces and leading zeros.
    InvalidInput names `field` for a bad one."""
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


def rf_form(finnish: str) -> str:
    """The RF creditor reference a Finnish bank makes of a Finnish reference: RF, two check
    digits (ISO 7064 mod 97-10 over the reference, then "RF00" as digits: R=27, F=15), the
    reference."""
    check = 98 - int(f"{finnish}271500") % 97
    return f"RF{check:02d}{finnish}"
