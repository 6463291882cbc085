"""Mail the register sends to persons, queued so a mail server that does not answer delays a
message instead of losing the change that asked for it."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table

from rekisteri.adapters.schema.base import UtcDateTime, encrypted_columns, metadata

mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column("kind", String(30), nullable=False),  # what the message is, e.g. optin_confirmation
    Column("queued_at", UtcDateTime(), nullable=False),
    # The whole message (recipient, subject, body with its link), sealed: it names the person's
    # address and carries a link only they should open.
    *encrypted_columns("message"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime(), nullable=False),
    Column("last_error", String(200)),  # the mail server's kind of failure, never the message
    Column("sent_at", UtcDateTime()),
    Column("gave_up_at", UtcDateTime()),
    CheckConstraint("attempts >= 0", name="attempts"),
)
Index("ix_mail_outbox_due", mail_outbox.c.sent_at, mail_outbox.c.next_attempt_at)
