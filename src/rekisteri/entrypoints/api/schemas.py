"""Request bodies of the API. Shapes only; the domain validates meaning and names the field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from rekisteri.catalogue import Source
from rekisteri.domain import attribute_rules as rules
from rekisteri.domain.consent import CaptureMethod, Channel, ConsentPurpose
from rekisteri.domain.register import (
    BillingMethod,
    BillingRhythm,
    ContactKind,
    ContactRole,
    ContractKind,
    EndReason,
    Gender,
    HeatingType,
    HousingType,
    MotherTongue,
    Ownership,
    PersonKind,
    Relationship,
    SalesCall,
    UsageTiming,
    WrittenHow,
)


def _no_nul(value: Any) -> Any:
    """No text may carry a NUL byte: PostgreSQL cannot store one, and no real value has one."""
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("contains a NUL character")
    if isinstance(value, dict):
        for k, v in value.items():
            _no_nul(k)
            _no_nul(v)
    if isinstance(value, list):
        for v in value:
            _no_nul(v)
    return value


def _json_integer(value: Any) -> Any:
    """A JSON Schema integer (17, or 17.0) and nothing else: not "17", not true, which a
    lenient parse would take although the document says integer."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


# The bounds come before the check, so that the document states them (minimum, maximum).
_WHOLE = BeforeValidator(_json_integer)
BirthYear = Annotated[int, Field(ge=rules.FIRST_BIRTH_YEAR), _WHOLE]
Kwh = Annotated[int, Field(ge=0, le=rules.MAX_CONSUMPTION_KWH), _WHOLE]
FuseA = Annotated[int, Field(ge=0, le=rules.MAX_FUSE_A), _WHOLE]
DueDay = Annotated[int, Field(ge=rules.DUE_DAYS[0], le=rules.DUE_DAYS[1]), _WHOLE]
RowRef = Annotated[int, Field(ge=1, le=2**31 - 1), _WHOLE]  # 32-bit ids on both databases


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        return _no_nul(value)


class ProvenanceIn(Strict):
    source: Source = Field(description="where the data came from (P2)")
    source_detail: str | None = Field(None, max_length=200)


class ContactPointIn(Strict):
    kind: ContactKind
    value: str | None = Field(None, max_length=254, description="the number or address")
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=10)
    post_office: str | None = Field(None, max_length=100)
    country: str = Field("FI", max_length=2)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class NewContactPointIn(ContactPointIn):
    source: Source = Field(description="where the data came from (P2)")
    source_detail: str | None = Field(None, max_length=200)


class PermissionIn(Strict):
    purpose: ConsentPurpose
    channel: Channel
    captured_how: CaptureMethod
    wording: str = Field(max_length=2000)
    wording_version: str = Field(max_length=20)


class PersonIn(ProvenanceIn):
    kind: PersonKind
    relationship: Relationship = Relationship.CUSTOMER
    first_names: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    organisation_name: str | None = Field(None, max_length=200)
    personal_identity_code: str | None = Field(None, max_length=11)
    business_id: str | None = Field(None, max_length=9)
    # The domain's rule (domain/attribute_rules) bounds it by this year, which a schema cannot.
    birth_year: BirthYear | None = Field(
        None, description=f"from {rules.FIRST_BIRTH_YEAR} to this year"
    )
    gender: Gender | None = None
    mother_tongue: MotherTongue | None = None
    customer_class: str | None = Field(None, max_length=30)
    contact_points: list[ContactPointIn] = Field(default_factory=list, max_length=20)
    permissions: list[PermissionIn] = Field(default_factory=list, max_length=20)


class Changes(Strict):
    """The attributes a change may set: only those given are changed (an explicit null clears
    an attribute that may be empty). The domain's rule of each still checks its value (a
    checksum, this year's bound) and names the field."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    @model_validator(mode="after")
    def something(self) -> Changes:
        if not self.model_fields_set:
            raise ValueError("names no attribute to change")
        return self

    def given(self) -> dict[str, Any]:
        """The changes as the domain takes them: the attributes given, as JSON values."""
        return self.model_dump(mode="json", exclude_unset=True)


class PersonChanges(Changes):
    """The person attributes a rectification may change (services.register.customers)."""

    first_names: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    organisation_name: str | None = Field(None, max_length=200)
    personal_identity_code: str | None = Field(None, max_length=11)
    business_id: str | None = Field(None, max_length=9)
    birth_year: BirthYear | None = None
    gender: Gender | None = None
    mother_tongue: MotherTongue | None = None
    customer_class: str | None = Field(None, max_length=30)
    deceased_on: dt.date | None = None
    # A turvakielto (true/false), set by staff on the person's proof of it.
    non_disclosure: bool | None = None


class SiteChanges(Changes):
    """The site details a change may set (services.register.updates)."""

    housing_type: HousingType | None = None
    ownership: Ownership | None = None
    usage_timing: UsageTiming | None = None
    heating_type: HeatingType | None = None
    consumption_estimate_kwh: Kwh | None = None
    main_fuse_a: FuseA | None = None
    connection_details: str | None = Field(None, max_length=200)


class BillingChanges(Changes):
    """The billing account details a change may set (services.register.updates). An account
    always has an address and terms: they may be changed, not cleared (no null)."""

    # Field(None) on a type without None: absent is "unchanged", null is refused.
    street: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    postal_code: str = Field(None, min_length=1, max_length=10)  # type: ignore[assignment]
    post_office: str = Field(None, min_length=1, max_length=100)  # type: ignore[assignment]
    due_day: DueDay = Field(None)  # type: ignore[assignment]
    rhythm: BillingRhythm = Field(None)  # type: ignore[assignment]
    method: BillingMethod = Field(None)  # type: ignore[assignment]
    iban: str | None = Field(None, max_length=42)


class RectificationIn(ProvenanceIn):
    changes: PersonChanges
    reason: str = Field(min_length=1, max_length=300)


class SiteChangeIn(ProvenanceIn):
    changes: SiteChanges
    reason: str = Field(min_length=1, max_length=300)


class BillingChangeIn(ProvenanceIn):
    changes: BillingChanges
    reason: str = Field(min_length=1, max_length=300)


class EndIn(ProvenanceIn):
    end_date: dt.date
    reason: str = Field(min_length=1, max_length=300)


class ContractEndIn(ProvenanceIn):
    end_date: dt.date
    reason: EndReason = Field(description="why the contract ends")


class SiteIn(ProvenanceIn):
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    post_office: str = Field(max_length=100)
    housing_type: HousingType | None = None
    ownership: Ownership | None = None
    usage_timing: UsageTiming | None = None
    heating_type: HeatingType | None = None
    consumption_estimate_kwh: Kwh | None = None
    main_fuse_a: FuseA | None = None
    connection_details: str | None = Field(None, max_length=200)
    metering_points: list[str] = Field(default_factory=list, max_length=10)


class BillingAccountIn(ProvenanceIn):
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    post_office: str = Field(max_length=100)
    country: str = Field("FI", max_length=2)
    due_day: DueDay
    rhythm: BillingRhythm
    method: BillingMethod
    iban: str | None = Field(None, max_length=42)


class ContractIn(ProvenanceIn):
    site_id: RowRef
    kind: ContractKind
    product: str = Field(max_length=60)
    start_date: dt.date
    billing_account_id: RowRef | None = None
    fixed_term_end: dt.date | None = None
    sales_call: SalesCall | None = Field(
        None,
        description="sold in a telephone call: outbound (we called; not in force until the "
        "consumer accepts the written offer in writing) or inbound (the customer called or asked "
        "to be called)",
    )
    sales_call_at: AwareDatetime | None = Field(None, description="when the sales call was")


class WrittenStepIn(ProvenanceIn):
    """A written offer sent, or a written acceptance received (telephone sales)."""

    at: AwareDatetime
    how: WrittenHow


class ContactPersonIn(ProvenanceIn):
    """A contact person of an organisation: an existing natural person (`person_id`) or a new
    one (names and their own contact points)."""

    role: ContactRole
    person_id: RowRef | None = None
    first_names: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    mother_tongue: MotherTongue | None = None
    contact_points: list[ContactPointIn] = Field(default_factory=list, max_length=20)
    valid_from: dt.date | None = None


class Created(BaseModel):
    id: int
    number: str | None = None
