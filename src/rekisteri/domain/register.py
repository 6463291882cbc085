"""The register's own terms for persons, sites, contracts and billing, and their rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from rekisteri.domain import identifiers, values
from rekisteri.domain.errors import InvalidInput, RuleViolation
from rekisteri.domain.vocabulary import Source


class PersonKind(StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"


class Relationship(StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"


class MotherTongue(StrEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"
    OTHER = "other"


class Gender(StrEnum):
    # Only ever what the person said; never inferred from the identity code.
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    POSTAL = "postal"


class HousingType(StrEnum):
    DETACHED = "detached"
    TERRACED = "terraced"
    APARTMENT = "apartment"
    LEISURE = "leisure"
    OTHER = "other"


class Ownership(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class UsageTiming(StrEnum):
    GENERAL = "general"  # yleissähkö
    TIME_OF_DAY = "time_of_day"  # aikasähkö
    SEASONAL = "seasonal"  # kausisähkö


class HeatingType(StrEnum):
    ELECTRIC = "electric"
    DISTRICT = "district"
    HEAT_PUMP = "heat_pump"
    GROUND_SOURCE = "ground_source"
    OIL = "oil"
    WOOD = "wood"
    OTHER = "other"


class ContractKind(StrEnum):
    SALES = "sales"
    NETWORK = "network"


class EndReason(StrEnum):
    MOVED_OUT = "moved_out"
    SWITCHED_SUPPLIER = "switched_supplier"
    TERMINATED_BY_CUSTOMER = "terminated_by_customer"
    TERMINATED_BY_RETAILER = "terminated_by_retailer"
    DECEASED = "deceased"
    FIXED_TERM_ENDED = "fixed_term_ended"


class BillingRhythm(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"


class BillingMethod(StrEnum):
    E_INVOICE = "e_invoice"
    DIRECT_PAYMENT = "direct_payment"
    EMAIL = "email"
    PAPER = "paper"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    IN_COLLECTION = "in_collection"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Provenance:
    """Where a value came from and when (P2)."""

    source: Source
    received_at: dt.datetime
    detail: str | None = None

    @staticmethod
    def of(
        source: str | Source,
        received_at: dt.datetime,
        detail: str | None = None,
    ) -> Provenance:
        return Provenance(
            values.enum_value(Source, source, "source"),
            received_at,
            values.text(detail, "source_detail", required=False),
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
        kind = values.enum_value(ContactKind, self.kind, "contact.kind")
        if kind is ContactKind.PHONE:
            return ContactPointDraft(
                kind,
                values.phone(self.value or "", "contact.phone"),
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
        if kind is ContactKind.EMAIL:
            return ContactPointDraft(
                kind,
                values.email(self.value or "", "contact.email"),
                valid_from=self.valid_from,
                valid_to=self.valid_to,
            )
        country = values.country(self.country, "contact.country")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise InvalidInput("contact.valid_to", "is before valid_from")
        return ContactPointDraft(
            kind,
            None,
            values.required_text(self.street, "contact.street"),
            values.postal_code(self.postal_code or "", country, "contact.postal_code"),
            values.required_text(self.post_office, "contact.post_office", max_len=100),
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

    def validated(self, today: dt.date) -> PersonDraft:
        kind = values.enum_value(PersonKind, self.kind, "kind")
        rel = values.enum_value(Relationship, self.relationship, "relationship")
        gender = values.enum_value(Gender, self.gender, "gender") if self.gender else None
        tongue = (
            values.enum_value(MotherTongue, self.mother_tongue, "mother_tongue")
            if self.mother_tongue
            else None
        )
        hetu = business = first = last = org = None
        birth_year = self.birth_year
        if kind is PersonKind.NATURAL:
            first = values.required_text(self.first_names, "first_names", max_len=100)
            last = values.required_text(self.last_name, "last_name", max_len=100)
            if self.business_id or self.organisation_name:
                raise InvalidInput(
                    "business_id", "a natural person has no business ID or organisation name"
                )
            if self.personal_identity_code:
                hetu = identifiers.personal_identity_code(
                    self.personal_identity_code, allow_temporary=self.allow_temporary_code
                )
                born = identifiers.birth_date_of(hetu).year
                if birth_year is not None and birth_year != born:
                    raise InvalidInput("birth_year", "does not match the personal identity code")
                birth_year = born
            elif rel is Relationship.CUSTOMER:
                raise InvalidInput(
                    "personal_identity_code", "is required for a natural person who is a customer"
                )
        else:
            org = values.required_text(self.organisation_name, "organisation_name")
            if self.personal_identity_code or gender or self.first_names or self.last_name:
                raise InvalidInput(
                    "personal_identity_code",
                    "a legal person has no identity code, gender or personal name",
                )
            if self.business_id:
                business = identifiers.business_id(self.business_id)
            elif rel is Relationship.CUSTOMER:
                raise InvalidInput("business_id", "is required for an organisation customer")
        if birth_year is not None and not 1850 <= birth_year <= today.year:
            raise InvalidInput("birth_year", f"must be between 1850 and {today.year}")
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
            values.text(self.customer_class, "customer_class", max_len=30, required=False),
            tuple(cp.validated() for cp in self.contact_points),
            self.allow_temporary_code,
        )


def require_prospect_permission(relationship: Relationship, permissions: int) -> None:
    """P3: prospects are stored only when they have given a marketing or contact permission."""
    if relationship is Relationship.PROSPECT and permissions == 0:
        raise RuleViolation(
            "a prospect can be stored only with a marketing or contact permission (P3)"
        )


def _optional(enum: type[values.E], value: str | None, field: str) -> values.E | None:
    return values.enum_value(enum, value, field) if value else None


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
        return SiteDraft(
            values.required_text(self.street, "site.street"),
            values.postal_code(self.postal_code, "FI", "site.postal_code"),
            values.required_text(self.post_office, "site.post_office", max_len=100),
            _optional(HousingType, self.housing_type, "site.housing_type"),
            _optional(Ownership, self.ownership, "site.ownership"),
            _optional(UsageTiming, self.usage_timing, "site.usage_timing"),
            _optional(HeatingType, self.heating_type, "site.heating_type"),
            values.positive_int(self.consumption_estimate_kwh, "site.consumption_estimate_kwh"),
            values.positive_int(self.main_fuse_a, "site.main_fuse_a", maximum=10_000),
            values.text(self.connection_details, "site.connection_details", required=False),
            tuple(identifiers.gsrn(g, field="site.metering_points") for g in self.metering_points),
        )


@dataclass(frozen=True)
class ContractDraft:
    site_id: int
    kind: ContractKind
    product: str
    start_date: dt.date
    billing_account_id: int | None = None
    fixed_term_end: dt.date | None = None

    def validated(self) -> ContractDraft:
        kind = values.enum_value(ContractKind, self.kind, "contract.kind")
        if self.fixed_term_end and self.fixed_term_end <= self.start_date:
            raise InvalidInput("contract.fixed_term_end", "must be after start_date")
        return ContractDraft(
            self.site_id,
            kind,
            values.required_text(self.product, "contract.product", max_len=60),
            self.start_date,
            self.billing_account_id,
            self.fixed_term_end,
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
        country = values.country(self.country, "billing.country")
        method = values.enum_value(BillingMethod, self.method, "billing.method")
        iban = identifiers.iban(self.iban, field="billing.iban") if self.iban else None
        if method is BillingMethod.DIRECT_PAYMENT and not iban:
            raise InvalidInput("billing.iban", "is required for direct payment")
        if not 1 <= self.due_day <= 28:
            raise InvalidInput("billing.due_day", "must be between 1 and 28")
        return BillingAccountDraft(
            values.required_text(self.street, "billing.street"),
            values.postal_code(self.postal_code, country, "billing.postal_code"),
            values.required_text(self.post_office, "billing.post_office", max_len=100),
            self.due_day,
            values.enum_value(BillingRhythm, self.rhythm, "billing.rhythm"),
            method,
            iban,
            country,
        )
