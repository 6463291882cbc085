"""Request bodies of the API. Shapes only; the domain validates meaning and names the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rekisteri.catalogue import Source
from rekisteri.domain import attribute_rules as rules


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
    kind: str = Field(description="phone | email | postal")
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
    purpose: str
    channel: str
    captured_how: str
    wording: str = Field(max_length=2000)
    wording_version: str = Field(max_length=20)


class PersonIn(ProvenanceIn):
    kind: str = Field(description="natural | legal")
    relationship: str = "customer"
    first_names: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    organisation_name: str | None = Field(None, max_length=200)
    personal_identity_code: str | None = Field(None, max_length=11)
    business_id: str | None = Field(None, max_length=9)
    # The domain's rule (domain/attribute_rules) bounds it by this year, which a schema cannot.
    birth_year: int | None = Field(
        None, ge=rules.FIRST_BIRTH_YEAR, description=f"from {rules.FIRST_BIRTH_YEAR} to this year"
    )
    gender: str | None = None
    mother_tongue: str | None = None
    customer_class: str | None = Field(None, max_length=30)
    contact_points: list[ContactPointIn] = Field(default_factory=list, max_length=20)
    permissions: list[PermissionIn] = Field(default_factory=list, max_length=20)


class RectificationIn(ProvenanceIn):
    # Any JSON value: each attribute's rule in the domain says what it accepts, naming the field.
    changes: dict[str, Any] = Field(min_length=1)
    reason: str = Field(min_length=1, max_length=300)


class EndIn(ProvenanceIn):
    end_date: dt.date
    reason: str = Field(min_length=1, max_length=300)


class SiteIn(ProvenanceIn):
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    post_office: str = Field(max_length=100)
    housing_type: str | None = None
    ownership: str | None = None
    usage_timing: str | None = None
    heating_type: str | None = None
    consumption_estimate_kwh: int | None = Field(None, ge=0, le=rules.MAX_CONSUMPTION_KWH)
    main_fuse_a: int | None = Field(None, ge=0, le=rules.MAX_FUSE_A)
    connection_details: str | None = Field(None, max_length=200)
    metering_points: list[str] = Field(default_factory=list, max_length=10)


class BillingAccountIn(ProvenanceIn):
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=10)
    post_office: str = Field(max_length=100)
    country: str = Field("FI", max_length=2)
    due_day: int = Field(ge=rules.DUE_DAYS[0], le=rules.DUE_DAYS[1])
    rhythm: str
    method: str
    iban: str | None = Field(None, max_length=42)


class ContractIn(ProvenanceIn):
    site_id: int = Field(ge=1, le=2**31 - 1)
    kind: str
    product: str = Field(max_length=60)
    start_date: dt.date
    billing_account_id: int | None = Field(None, ge=1, le=2**31 - 1)
    fixed_term_end: dt.date | None = None


class Created(BaseModel):
    id: int
    number: str | None = None
