"""What a value of each personal attribute must be: one rule per attribute, keyed by the
catalogue's attribute key.

The drafts (a new person, site, billing account or contact point), a rectification and a change
of a site or billing account all validate through these rules, so the register cannot accept a
value one way that it refuses another. A rule takes the raw value (text from the command line,
any JSON value from the API, or a typed value from a draft), the field to name in an error, and
what it may need beside the value (`Given`); it returns the value to store or raises
InvalidInput, never ValueError or TypeError. A blank value (None, "" or spaces) is "no value"
where the attribute may be empty and "is required" where it may not; whether a person must have
a name or a code depends on the person, so the drafts decide that (`required`).

An attribute held in several columns (an address, billing terms) has a rule per column, keyed
`<attribute key>.<column>` (`key_of`); an encrypted attribute has one rule for the value it seals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rekisteri.domain import identifiers, values
from rekisteri.domain.company_status import CompanyStatus
from rekisteri.domain.credit import MAX_DEPOSIT_CENTS, ReviewOutcome
from rekisteri.domain.errors import InvalidInput, excerpt
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    DeviceKind,
    Direction,
    Gender,
    HeatingType,
    HousingType,
    InvoiceStatus,
    MeteringPointKind,
    MotherTongue,
    Ownership,
    PersonKind,
    Relationship,
    ServiceChannel,
    UsageTiming,
    WrittenHow,
)
from rekisteri.domain.representatives import Evidence, RepresentativeKind
from rekisteri.domain.values import HELSINKI

FIRST_BIRTH_YEAR = 1850  # no living customer was born before
MAX_CONSUMPTION_KWH = 10**9
MAX_FUSE_A = 10_000
DUE_DAYS = (1, 28)  # the 29th-31st do not come every month
MAX_NOTE = 4000  # a contact's summary or a piece of feedback: a few paragraphs, not a document


@dataclass(frozen=True)
class Given:
    """What a rule may need beside the value."""

    today: dt.date | None = None  # a birth year is at most this year's
    country: str = "FI"  # a postal code is five digits in Finland
    temporary_codes: bool = False  # identity codes 900-999, only where the caller allows them


Rule = Callable[[Any, str, Given], Any]


def _text_of(value: Any, field: str) -> str | None:
    """The value as text, or None when blank; anything but text is refused (JSON numbers,
    lists and objects reach the rules from the API), and so is text with a control character
    (domain/values)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(field, "must be text")
    # Controls first: some are whitespace to strip(), and a blank of them is no empty value.
    values.refuse_controls(value, field)
    return value if value.strip() else None


def _absent(field: str, required: bool) -> None:
    if required:
        raise InvalidInput(field, "is required")


def required(value: Any, field: str) -> Any:
    """A value a rule let be empty that this caller needs (a natural person's last name)."""
    if value is None:
        raise InvalidInput(field, "is required")
    return value


def text(*, max_len: int = 200, required: bool = False) -> Rule:
    def rule(value: Any, field: str, _: Given) -> str | None:
        return values.text(_text_of(value, field), field, max_len=max_len, required=required)

    return rule


@dataclass(frozen=True)
class Choice:
    """The rule of a coded attribute: one of an enum's codes. The enum stays readable, so the
    words of the column's codes follow from the rule (choice_columns, domain/value_words)."""

    enum: type[StrEnum]
    required: bool = False

    def __call__(self, value: Any, field: str, _: Given) -> StrEnum | None:
        given = _text_of(value, field)
        if given is None:
            _absent(field, self.required)
            return None
        return values.enum_value(self.enum, given, field)


def choice(enum: type[StrEnum], *, required: bool = False) -> Rule:
    return Choice(enum, required)


_DIGITS = 30
_TOO_LONG: int = 10**_DIGITS


def _whole_number(value: Any, field: str) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):  # JSON true is not 1
        return value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    # Plain ASCII digits only: int() would also take "1_000" and "١٢", and JSON 1980.5 is no year.
    digits = value.strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"-?[0-9]+", digits):
        raise InvalidInput(field, "must be a whole number")
    # A number this long is beyond every range the rules have (and int() refuses thousands of
    # digits with a ValueError): it is checked as the first number that long.
    if len(digits.lstrip("-").lstrip("0")) > _DIGITS:
        return -_TOO_LONG if digits.startswith("-") else _TOO_LONG
    return int(digits)


def whole_number(minimum: int, maximum: int, *, required: bool = False) -> Rule:
    def rule(value: Any, field: str, _: Given) -> int | None:
        number = _whole_number(value, field)
        if number is None:
            _absent(field, required)
            return None
        if not minimum <= number <= maximum:
            raise InvalidInput(field, f"must be between {minimum} and {maximum}")
        return number

    return rule


def birth_year(value: Any, field: str, given: Given) -> int | None:
    assert given.today is not None, "a birth year is checked against today"
    year: int | None = whole_number(FIRST_BIRTH_YEAR, given.today.year)(value, field, given)
    return year


def date(value: Any, field: str, _: Given) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    given = _text_of(value, field)
    return None if given is None else values.date(given, field)


def flag(value: Any, field: str, _: Given) -> bool:
    """Yes or no: a JSON boolean, or the words true/false (as a file or form gives them)."""
    if isinstance(value, bool):
        return value
    given = _text_of(value, field)
    if given in ("true", "false"):
        return given == "true"
    raise InvalidInput(field, "must be true or false")


def moment(*, required: bool = False) -> Rule:
    """A point in time with its offset (ISO 8601, e.g. 2026-03-01T09:30:00+02:00 or ...Z),
    stored in UTC; a time without an offset is refused (whose 09:30?), and so is one in the
    future, the events these are (contacts, answers, logins) have happened."""

    def rule(value: Any, field: str, given: Given) -> dt.datetime | None:
        if isinstance(value, dt.datetime):
            at = value
        else:
            text = _text_of(value, field)
            if text is None:
                _absent(field, required)
                return None
            try:
                at = dt.datetime.fromisoformat(text.strip())
            except ValueError:
                raise InvalidInput(
                    field, f"is not a time YYYY-MM-DDTHH:MM:SS+HH:MM ({excerpt(text)})"
                ) from None
        if at.tzinfo is None or at.utcoffset() is None:
            raise InvalidInput(field, "needs a time zone offset (+02:00, +03:00 or Z)")
        at = at.astimezone(dt.UTC)
        if given.today is not None and at.astimezone(HELSINKI).date() > given.today:
            raise InvalidInput(field, f"is in the future ({at:%Y-%m-%d})")
        return at

    return rule


def _checked_text(check: Callable[[str, str], str], *, required: bool = False) -> Rule:
    """A rule from a validator of non-blank text (identifiers, phone numbers, e-mail)."""

    def rule(value: Any, field: str, _: Given) -> str | None:
        given = _text_of(value, field)
        if given is None:
            _absent(field, required)
            return None
        return check(given, field)

    return rule


def personal_identity_code(value: Any, field: str, given: Given) -> str | None:
    """A valid code of someone born from 1850 to today: the birth year it sets answers to the
    same bounds, and a code that breaks them is refused naming the code, not the year."""
    text = _text_of(value, field)
    if text is None:
        return None
    code = identifiers.personal_identity_code(
        text, allow_temporary=given.temporary_codes, field=field
    )
    born = identifiers.birth_date_of(code)
    if given.today is not None and born > given.today:
        raise InvalidInput(field, f"gives a birth date in the future ({born})")
    if born.year < FIRST_BIRTH_YEAR:
        raise InvalidInput(field, f"gives a birth year before {FIRST_BIRTH_YEAR}")
    return code


def postal_code(value: Any, field: str, given: Given) -> str:
    code = _text_of(value, field)
    if code is None:
        raise InvalidInput(field, "is required")
    return values.postal_code(code, given.country, field)


def _maybe_postal_code(value: Any, field: str, given: Given) -> str | None:
    """A postal code where an address may be left out (a representative reached by e-mail)."""
    return None if _text_of(value, field) is None else postal_code(value, field, given)


def _business_id(value: str, field: str) -> str:
    return identifiers.business_id(value, field=field)


def _iban(value: str, field: str) -> str:
    return identifiers.iban(value, field=field)


def _gsrn(value: str, field: str) -> str:
    return identifiers.gsrn(value, field=field)


def _party_code(value: str, field: str) -> str:
    return identifiers.party_code(value, field=field)


_STREET = text(required=True)
_POST_OFFICE = text(max_len=100, required=True)
_COUNTRY = _checked_text(values.country, required=True)

RULES: Mapping[str, Rule] = {
    "person.kind": choice(PersonKind, required=True),
    "person.relationship": choice(Relationship, required=True),
    "person.first_names": text(max_len=100),
    "person.last_name": text(max_len=100),
    "person.organisation_name": text(),
    "person.personal_identity_code": personal_identity_code,
    "person.business_id": _checked_text(_business_id),
    "person.birth_year": birth_year,
    "person.gender": choice(Gender),
    "person.mother_tongue": choice(MotherTongue),
    "person.customer_class": text(max_len=30),
    "person.deceased_on": date,
    "person.non_disclosure": flag,
    "person.population_marketing_ban": flag,
    "person.under_guardianship": flag,
    "person.trade_register_status.trade_status": choice(CompanyStatus),
    "person.trade_register_status.trade_status_on": date,
    "contact_point.kind": choice(ContactKind, required=True),
    "contact_point.phone": _checked_text(values.phone, required=True),
    "contact_point.email": _checked_text(values.email, required=True),
    "contact_point.postal_address.street": _STREET,
    "contact_point.postal_address.postal_code": postal_code,
    "contact_point.postal_address.post_office": _POST_OFFICE,
    "contact_point.postal_address.country": _COUNTRY,
    "site.address.street": _STREET,
    "site.address.postal_code": postal_code,
    "site.address.post_office": _POST_OFFICE,
    "site.housing_type": choice(HousingType),
    "site.ownership": choice(Ownership),
    "site.usage_timing": choice(UsageTiming),
    "site.heating_type": choice(HeatingType),
    "site.consumption_estimate_kwh": whole_number(0, MAX_CONSUMPTION_KWH),
    "site.main_fuse_a": whole_number(0, MAX_FUSE_A),
    "site.connection_details": text(),
    "metering_point.gsrn": _checked_text(_gsrn, required=True),
    "metering_point.gsrn.kind": choice(MeteringPointKind, required=True),
    "metering_point.grid_owner": _checked_text(_party_code),
    "billing_account.billing_address.street": _STREET,
    "billing_account.billing_address.postal_code": postal_code,
    "billing_account.billing_address.post_office": _POST_OFFICE,
    "billing_account.billing_address.country": _COUNTRY,
    "billing_account.terms.due_day": whole_number(*DUE_DAYS, required=True),
    "billing_account.terms.rhythm": choice(BillingRhythm, required=True),
    "billing_account.terms.method": choice(BillingMethod, required=True),
    "billing_account.iban": _checked_text(_iban),
    "device.device.kind": choice(DeviceKind, required=True),
    "device.device.description": text(),
    "device.device.installed_on": date,
    "device.device.removed_on": date,
    "contact_log.entry.at": moment(required=True),
    "contact_log.entry.channel": choice(ServiceChannel, required=True),
    "contact_log.entry.direction": choice(Direction, required=True),
    "contact_log.entry.topic": text(max_len=60, required=True),
    "contact_log.entry.note": text(max_len=MAX_NOTE),
    "contact_log.entry.handled_by": text(max_len=60),
    "feedback.feedback.at": moment(required=True),
    "feedback.feedback.channel": choice(ServiceChannel, required=True),
    "feedback.feedback.satisfaction": whole_number(1, 5),
    "feedback.feedback.text": text(max_len=MAX_NOTE),
    "digital_account.account.login": text(max_len=254, required=True),
    "digital_account.account.registered_at": moment(required=True),
    "digital_account.account.last_login_at": moment(),
    "digital_account.account.closed_at": moment(),
    # What a billing system's resend of an invoice may change (services/billing/invoices).
    "invoice.invoice.status": choice(InvoiceStatus, required=True),
    "invoice.invoice.delivery_method": choice(BillingMethod),
    # A payment settles an invoice (services/billing/payments): the day it was paid.
    "invoice.invoice.paid_on": date,
    # A telephone sale's written offer and acceptance (services/register/telephone_sales;
    # domain/telephone_sales checks their order against the call).
    "contract.telephone_sale.offer_sent_at": moment(required=True),
    "contract.telephone_sale.offer_sent_how": choice(WrittenHow, required=True),
    "contract.telephone_sale.accepted_at": moment(required=True),
    "contract.telephone_sale.accepted_how": choice(WrittenHow, required=True),
    # A contact person's link ends (services/register/contact_persons).
    "contact_person.role.valid_to": date,
    # Someone who acts for the person (services/register/representatives).
    "representative.representation.kind": choice(RepresentativeKind, required=True),
    "representative.representation.valid_from": date,
    "representative.representation.valid_to": date,
    "representative.contact.name": text(max_len=200, required=True),
    "representative.contact.street": text(),
    "representative.contact.postal_code": _maybe_postal_code,
    "representative.contact.post_office": text(max_len=100),
    "representative.contact.country": _checked_text(values.country),
    "representative.contact.email": _checked_text(values.email),
    "representative.contact.phone": _checked_text(values.phone),
    "representative.evidence.evidence": choice(Evidence, required=True),
    "representative.evidence.evidence_ref": text(max_len=200, required=True),
    # A person's review of an automated credit decision (services/credit/checks).
    "credit_check.review.review_requested_at": moment(required=True),
    "credit_check.review.review_outcome": choice(ReviewOutcome, required=True),
    "credit_check.review.review_deposit_cents": whole_number(0, MAX_DEPOSIT_CENTS),
    "credit_check.review.reviewed_at": moment(required=True),
    "credit_check.review.reviewed_by": text(max_len=60, required=True),
    "credit_check.review.review_note": text(max_len=500, required=True),
}


def choice_columns() -> dict[tuple[str, str], type[StrEnum]]:
    """(table, column) of every attribute whose rule is a choice, and its enum. A rule's key
    starts with its table and ends with its column (key_of)."""
    return {
        (key.split(".")[0], key.split(".")[-1]): rule.enum
        for key, rule in RULES.items()
        if isinstance(rule, Choice)
    }


def key_of(attribute: str, column: str | None = None) -> str:
    """The rule's key for one column of an attribute: the attribute's own key when the column is
    named like the attribute (or the attribute is one sealed value), else `<key>.<column>`."""
    if column is None or attribute.split(".", 1)[1] == column:
        return attribute
    return f"{attribute}.{column}"


def check(
    key: str,
    value: Any,
    field: str,
    given: Given = Given(),  # frozen, so one shared default is safe
    rules: Mapping[str, Rule] = RULES,
) -> Any:
    """The value to store for attribute `key`, or InvalidInput naming `field`."""
    rule = rules.get(key)
    if rule is None:  # a mistake in the code, not in the input: a test keeps it from happening
        raise LookupError(f"{key} has no rule: a writable attribute needs one in RULES")
    return rule(value, field, given)
