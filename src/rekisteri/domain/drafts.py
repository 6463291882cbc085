"""Drafts: a new person, contact point, site, contract or billing account as a form, a file or
the API gives it, before validation. `validated()` checks each field by its attribute's rule
(domain/attribute_rules.py), the same rule a later change of the value meets, and the rules
that tie fields together (a customer needs an identity code; a prospect a permission, P3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rekisteri.domain import attribute_rules as rules
from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContractKind,
    Gender,
    HeatingType,
    HousingType,
    MotherTongue,
    Ownership,
    PersonKind,
    Relationship,
    SalesCall,
    UsageTiming,
)


@dataclass(frozen=True)
class ContactPointDraft:
    kind: ContactKind
    value: str | None = None  # phone or e-mail
    street: str | None = None
    postal_code: str | None = None
    post_office: str | None = None
    country: str = "FI"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None

    def validated(self) -> ContactPointDraft:
        kind = rules.check("contact_point.kind", self.kind, "contact.kind")
        if kind is ContactKind.PHONE:
            return ContactPointDraft(
                kind,
                rules.check("contact_point.phone", self.value, "contact.phone"),
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
        if kind is ContactKind.EMAIL:
            return ContactPointDraft(
                kind,
                rules.check("contact_point.email", self.value, "contact.email"),
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
        address = "contact_point.postal_address"
        country = rules.check(f"{address}.country", self.country, "contact.country")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise InvalidInput("contact.valid_to", "is before valid_from")
        return ContactPointDraft(
            kind,
            None,
            rules.check(f"{address}.street", self.street, "contact.street"),
            rules.check(
                f"{address}.postal_code",
                self.postal_code,
                "contact.postal_code",
                rules.Given(country=country),
            ),
            rules.check(f"{address}.post_office", self.post_office, "contact.post_office"),
            country,
            self.valid_from,
            self.valid_to,
        )


@dataclass(frozen=True)
class PersonDraft:
    """A new customer or prospect as given by a form, a file or the API, before validation."""

    kind: PersonKind
    relationship: Relationship = Relationship.CUSTOMER
    first_names: str | None = None
    last_name: str | None = None
    organisation_name: str | None = None
    personal_identity_code: str | None = None
    business_id: str | None = None
    birth_year: int | None = None
    gender: Gender | None = None
    mother_tongue: MotherTongue | None = None
    customer_class: str | None = None
    contact_points: tuple[ContactPointDraft, ...] = field(default_factory=tuple)
    allow_temporary_code: bool = False
    # A contact person of an organisation: the register knows them through the organisation's
    # contract, so a natural person needs no identity code of their own.
    acts_for_organisation: bool = False

    def validated(self, today: dt.date) -> PersonDraft:
        given = rules.Given(today=today, temporary_codes=self.allow_temporary_code)

        def check(name: str, value: Any) -> Any:
            return rules.check(f"person.{name}", value, name, given)

        kind = check("kind", self.kind)
        rel = check("relationship", self.relationship)
        gender = check("gender", self.gender)
        tongue = check("mother_tongue", self.mother_tongue)
        birth_year = check("birth_year", self.birth_year)
        hetu = business = first = last = org = None
        if kind is PersonKind.NATURAL:
            first = rules.required(check("first_names", self.first_names), "first_names")
            last = rules.required(check("last_name", self.last_name), "last_name")
            if self.organisation_name:
                raise InvalidInput("organisation_name", "a natural person has no organisation name")
            # A sole trader is a natural person with a business ID, never an organisation: the
            # consumer's rules (marketing permissions, rights) stay theirs.
            business = check("business_id", self.business_id)
            hetu = check("personal_identity_code", self.personal_identity_code)
            if hetu:
                born = identifiers.birth_date_of(hetu).year
                if birth_year is not None and birth_year != born:
                    raise InvalidInput("birth_year", "does not match the personal identity code")
                # In the birth year's bounds: the code's own rule refuses a code outside them.
                birth_year = born
            elif rel is Relationship.CUSTOMER and not self.acts_for_organisation:
                raise InvalidInput(
                    "personal_identity_code", "is required for a natural person who is a customer"
                )
        else:
            org = rules.required(
                check("organisation_name", self.organisation_name), "organisation_name"
            )
            if self.personal_identity_code or gender or self.first_names or self.last_name:
                raise InvalidInput(
                    "personal_identity_code",
                    "a legal person has no identity code, gender or personal name",
                )
            business = check("business_id", self.business_id)
            if business is None and rel is Relationship.CUSTOMER:
                raise InvalidInput("business_id", "is required for an organisation customer")
        return PersonDraft(
            kind,
            rel,
            first,
            last,
            org,
            hetu,
            business,
            birth_year,
            gender,
            tongue,
            check("customer_class", self.customer_class),
            tuple(cp.validated() for cp in self.contact_points),
            self.allow_temporary_code,
            self.acts_for_organisation,
        )


def require_prospect_permission(relationship: Relationship, permissions: int) -> None:
    """P3: prospects are stored only when they have given a marketing or contact permission."""
    if relationship is Relationship.PROSPECT and permissions == 0:
        raise RuleViolation(
            "a prospect can be stored only with a marketing or contact permission (P3)"
        )


@dataclass(frozen=True)
class SiteDraft:
    street: str
    postal_code: str
    post_office: str
    housing_type: HousingType | None = None
    ownership: Ownership | None = None
    usage_timing: UsageTiming | None = None
    heating_type: HeatingType | None = None
    consumption_estimate_kwh: int | None = None
    main_fuse_a: int | None = None
    connection_details: str | None = None
    metering_points: tuple[str, ...] = ()

    def validated(self) -> SiteDraft:
        def check(key: str, value: Any) -> Any:
            return rules.check(f"site.{key}", value, f"site.{key.rsplit('.', 1)[-1]}")

        return SiteDraft(
            check("address.street", self.street),
            check("address.postal_code", self.postal_code),
            check("address.post_office", self.post_office),
            check("housing_type", self.housing_type),
            check("ownership", self.ownership),
            check("usage_timing", self.usage_timing),
            check("heating_type", self.heating_type),
            check("consumption_estimate_kwh", self.consumption_estimate_kwh),
            check("main_fuse_a", self.main_fuse_a),
            check("connection_details", self.connection_details),
            tuple(
                rules.check("metering_point.gsrn", g, "site.metering_points")
                for g in self.metering_points
            ),
        )


@dataclass(frozen=True)
class ContractDraft:
    site_id: int
    kind: ContractKind
    product: str
    start_date: dt.date
    billing_account_id: int | None = None
    fixed_term_end: dt.date | None = None
    # Sold in a telephone call: who called (domain.telephone_sales) and when.
    sales_call: SalesCall | None = None
    sales_call_at: dt.datetime | None = None

    def validated(self) -> ContractDraft:
        kind = values.enum_value(ContractKind, self.kind, "contract.kind")
        if self.fixed_term_end and self.fixed_term_end <= self.start_date:
            raise InvalidInput("contract.fixed_term_end", "must be after start_date")
        call = (
            values.enum_value(SalesCall, self.sales_call, "contract.sales_call")
            if self.sales_call is not None
            else None
        )
        if (call is None) != (self.sales_call_at is None):
            raise InvalidInput(
                "contract.sales_call_at",
                "a telephone sale needs both the call's direction and time",
            )
        return ContractDraft(
            self.site_id,
            kind,
            values.required_text(self.product, "contract.product", max_len=60),
            self.start_date,
            self.billing_account_id,
            self.fixed_term_end,
            call,
            self.sales_call_at,
        )


@dataclass(frozen=True)
class BillingAccountDraft:
    street: str
    postal_code: str
    post_office: str
    due_day: int
    rhythm: BillingRhythm
    method: BillingMethod
    iban: str | None = None
    country: str = "FI"

    def validated(self) -> BillingAccountDraft:
        def check(key: str, value: Any, given: rules.Given = rules.Given()) -> Any:
            field = f"billing.{key.rsplit('.', 1)[-1]}"
            return rules.check(f"billing_account.{key}", value, field, given)

        country = check("billing_address.country", self.country)
        method = check("terms.method", self.method)
        iban = check("iban", self.iban)
        if method is BillingMethod.DIRECT_PAYMENT and not iban:
            raise InvalidInput("billing.iban", "is required for direct payment")
        due_day = check("terms.due_day", self.due_day)
        return BillingAccountDraft(
            check("billing_address.street", self.street),
            check("billing_address.postal_code", self.postal_code, rules.Given(country=country)),
            check("billing_address.post_office", self.post_office),
            due_day,
            check("terms.rhythm", self.rhythm),
            method,
            iban,
            country,
        )


# The rules are written in this module's terms (its enums), so they are imported once the terms
# exist; the drafts use them only when validating.
