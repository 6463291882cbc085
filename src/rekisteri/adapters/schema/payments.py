"""Tables of the bank's payment notifications (camt.054): the files read, and the payments that
could not be applied, kept for review. Applied payments are rows of `payment` (register.py)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, metadata, provenance_columns

payment_file = Table(
    # One row per notification file read: the same file twice is found by its hash and changes
    # nothing. Counts only; no personal data.
    "payment_file",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("message_id", String(35)),
    Column("entries", Integer, nullable=False),
    Column("applied", Integer, nullable=False),
    Column("quarantined", Integer, nullable=False),
    Column("duplicates", Integer, nullable=False),
    Column("imported_at", UtcDateTime(), nullable=False),
    Column("imported_by", String(60), nullable=False),
)

payment_quarantine = Table(
    # A payment the bank notified that could not be applied (no or a bad reference, no invoice
    # with it, a bad amount or currency): kept as the bank stated it, with the reason, until
    # someone reviews it (a staff task points here). Linked to an invoice only when its
    # reference names one exactly, never to a person by a guess from the payer's name.
    "payment_quarantine",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_id", ForeignKey("payment_file.id"), nullable=False, index=True),
    Column("entry_no", Integer, nullable=False),
    Column("invoice_id", ForeignKey("invoice.id"), index=True),
    Column("quarantined_at", UtcDateTime(), nullable=False),
    Column("bank_ref", String(35), unique=True),
    Column("reference", String(35)),
    Column("amount", String(40)),  # as stated, it may be what was wrong
    Column("currency", String(3)),
    Column("booked_on", String(10)),  # as stated (ISO date text), it may be what was wrong
    Column("payer_name", String(140)),
    Column("reason", String(300), nullable=False),
    *provenance_columns(),
)
