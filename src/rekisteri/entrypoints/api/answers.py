"""Response bodies of the API whose fields are known, so the document states them.

The larger views (a person as a role sees them, a request's file, the desk lists) are built
by the services from the catalogue and stay open objects in the document for now.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from rekisteri.catalogue import Visibility


class Health(BaseModel):
    status: Literal["ok"]
    database: str = Field(description="the database kind: sqlite or postgresql")


class Changed(BaseModel):
    changed: list[str] = Field(description="the attributes that changed (same values are not)")
    recipients_to_notify: list[str] = Field(
        default_factory=list,
        description="Art. 19: recipients of the person's data with a pending notice of the change",
    )


class ContactPointEnded(BaseModel):
    ended: int = Field(description="the contact point's id")
    valid_to: dt.date


class ContractEnded(BaseModel):
    ended: int = Field(description="the contract's id")
    end_date: dt.date


class TelephoneSaleStep(BaseModel):
    contract: str = Field(description="the contract's number")
    recorded: Literal["offer_sent", "accepted"]
    at: dt.datetime
    how: str


class ContactPersonAdded(BaseModel):
    link: int = Field(description="the link's id (to end it)")
    person_id: int = Field(description="the contact person's id")


class ContactPersonEnded(BaseModel):
    ended: int = Field(description="the link's id")
    valid_to: dt.date


class IdentityCode(BaseModel):
    id: int
    personal_identity_code: str | None = Field(description="in full or masked, as the role sees")
    visibility: Visibility


class ConsentRecorded(BaseModel):
    id: int = Field(description="the ledger event's id")
    person_id: int


class RequestRegistered(BaseModel):
    id: int
    reference: str
    due_on: dt.date
    due_month_on: dt.date
    due_30_days_on: dt.date
    repeat_of: str | None = Field(description="a further copy: the access request it repeats")


class NoticeRecorded(BaseModel):
    recorded: int = Field(description="the recipient notification's id")


class AuditOff(BaseModel):
    """A process that ran with the audit off (benchmark mode): a gap in an intact chain."""

    seq: int = Field(description="the keyed entry the process wrote when it started")
    at: dt.datetime
    via: str | None


class TrailVerdict(BaseModel):
    ok: bool
    checked: int = Field(description="entries checked")
    first_bad: int | None = Field(description="the first entry that does not hold")
    reason: str
    audit_off: list[AuditOff] = Field(
        default_factory=list, description="processes that ran with the audit off"
    )
