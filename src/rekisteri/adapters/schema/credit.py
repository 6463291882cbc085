"""Credit information checks made when a contract is made (issue 16, item 2): the answer of the
credit information service and any review of an automated decision on it. The query itself is
also a disclosure of the person's identity code (the disclosure row it names, kept as the
register keeps disclosures); this row, the answer, goes when its retention period ends."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata, provenance_columns

credit_check = Table(
    "credit_check",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("contract_id", ForeignKey("contract.id"), index=True),
    Column("disclosure_id", ForeignKey("disclosure.id"), index=True),
    # The answer: the day of the decision first (the retention period counts from it).
    Column("checked_on", Date, nullable=False, index=True),
    Column("purpose_code", String(20), nullable=False),
    Column("reference", String(64), nullable=False),
    Column("decision", String(8), nullable=False),  # accept | deposit | refuse
    Column("default_entries", Integer, nullable=False),
    Column("deposit_cents", Integer, nullable=False),
    Column("automated", Boolean, nullable=False),
    # A person's review of an automated refusal or deposit (GDPR Art. 22(3)).
    Column("review_requested_at", UtcDateTime()),
    Column("review_outcome", String(16)),  # upheld | accepted | deposit_changed
    Column("review_deposit_cents", Integer),
    Column("reviewed_at", UtcDateTime()),
    Column("reviewed_by", String(60)),
    Column("review_note", String(500)),
    *provenance_columns(),
)
