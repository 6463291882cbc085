"""Tables of the person's rights: requests and their events, notices to recipients (Art. 19),
the marketing suppression list of erased persons, and the retention run's record."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)

from rekisteri.adapters.schema.base import (
    UtcDateTime,
    encrypted_columns,
    metadata,
    provenance_columns,
)

rights_request = Table(
    "rights_request",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reference", String(16), nullable=False, unique=True),
    # Null once the person has been purged: the request stays as the record that it was answered.
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("kind", String(14), nullable=False),
    Column("received_how", String(20), nullable=False),
    Column("received_on", Date, nullable=False),
    # Art. 12(3) one calendar month, seed 004's 30 days, and the earlier of the two (the due date).
    Column("due_month_on", Date, nullable=False),
    Column("due_30_days_on", Date, nullable=False),
    Column("due_on", Date, nullable=False, index=True),
    Column("extended_to", Date),
    Column("extension_reason", String(300)),
    Column("extension_notice_on", Date),
    Column("state", String(12), nullable=False, index=True),
    Column("verified_how", String(30)),
    Column("verified_by", String(60)),
    Column("verified_at", UtcDateTime()),
    Column("details", Text),  # what the person asked, as JSON (e.g. the rectification)
    Column("repeat_of", ForeignKey("rights_request.id")),
    Column("charge_decision", String(12)),  # none | waived | charged (the DPO's decision)
    Column("charge_decided_by", String(60)),
    Column("outcome", Text),  # what was done or why it was rejected (JSON or words)
    Column("fulfilled_at", UtcDateTime()),
    Column("closed_at", UtcDateTime()),
    Column("created_by", String(60), nullable=False),
    # Made by a representative for the person (a guardian, the estate's contact, an attorney):
    # whose authority the verification checks and to whom the answer goes. Cleared with the
    # representation when it is erased; the request's events keep who it was.
    Column("representative_id", ForeignKey("representative.id"), index=True),
    *provenance_columns(),
    CheckConstraint(
        "kind in ('access', 'rectification', 'objection', 'restriction', 'portability', 'erasure')",
        name="kind",
    ),
    CheckConstraint(
        "state in ('received', 'verified', 'in_progress', 'fulfilled', 'rejected', 'closed')",
        name="state",
    ),
)

rights_request_event = Table(
    "rights_request_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_request.id"), nullable=False, index=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(60), nullable=False),
    Column("event", String(20), nullable=False),
    Column("note", Text),
)

recipient_notification = Table(
    # Art. 19: each recipient the data was disclosed to is told of a rectification, erasure or
    # restriction (or the record says why telling them was impossible).
    # Planned wherever the change is made (services/rights/recipient_notices.plan): through a
    # request (request_id) or by staff without one (null).
    "recipient_notification",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_request.id"), index=True),
    # Null once the person has been purged: the notice must still be sent, by `disclosures`.
    Column("person_id", ForeignKey("person.id"), index=True),
    Column("event", String(13), nullable=False),  # rectification | erasure | restriction
    Column("recipient", String(200), nullable=False),
    Column("attributes", String(500), nullable=False),  # catalogue keys, space-separated
    # The disclosures the recipient got the person's data in ("id date reference; ..."): what
    # the recipient knows the person by, also after the person is purged.
    Column("disclosures", String(500)),
    Column("notified_on", Date),
    Column("how", String(60)),
    Column("notified_by", String(60)),
    Column("impossible_reason", String(300)),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("event in ('rectification', 'erasure', 'restriction')", name="event"),
)

marketing_suppression = Table(
    # Keeps an erased person out of future marketing imports without keeping who they are:
    # only keyed hashes (HMAC) of normalised contact points, with no link to anyone.
    "marketing_suppression",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(12), nullable=False),  # email | phone | name_address
    Column("digest", String(64), nullable=False, unique=True),
    Column("added_on", Date, nullable=False),
)

retention_run = Table(
    "retention_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=False),
    Column("dry_run", Boolean, nullable=False),
    Column("actor", String(60), nullable=False),
    Column("result", Text, nullable=False),  # JSON: counts by category
)

erasure_journal = Table(
    # Every erasure and retention run, so that a restored backup has them applied again
    # (services/backups): keyed hashes (HMAC) of the persons erased or purged, never who they
    # are; a retention run by its day. The position (id) orders them; a backup records the
    # last position it holds.
    "erasure_journal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("kind", String(9), nullable=False),  # erasure | purge | retention
    Column("digest", String(64)),  # HMAC of the person's id (erasure, purge)
    Column("run_day", Date),  # the retention run's day (retention)
    CheckConstraint("kind in ('erasure', 'purge', 'retention')", name="kind"),
)

package_delivery = Table(
    # An access package offered to the person (issue 18): sealed in the register's file store
    # (file_ref) until it is downloaded once through the link, handed over by the DPO, or its
    # link expires; the row stays as the record of how the answer reached the person.
    "package_delivery",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", ForeignKey("rights_request.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("person.id"), index=True),  # null once purged
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("notice", String(12), nullable=False),  # how the link went: email | letter
    # The categories the package holds (space-separated), for the download's audit entry.
    Column("categories", String(400), nullable=False),
    Column("file_ref", String(40)),  # store:<hex>; null once destroyed
    Column("file_size", Integer),
    # Only the link's hash is kept: the link itself is in the person's mail or letter.
    Column("token_hash", String(64), nullable=False, unique=True),
    # The one-time code, keyed-hashed; when it was sent, until when it holds, and the counts
    # that bound guessing (wrong codes lock the link) and mail sent (codes asked).
    Column("code_hash", String(64)),
    Column("code_sent_at", UtcDateTime()),
    Column("code_expires_at", UtcDateTime()),
    Column("codes_sent", Integer, nullable=False, default=0),
    Column("wrong_codes", Integer, nullable=False, default=0),
    Column("locked_at", UtcDateTime()),
    Column("downloaded_at", UtcDateTime()),
    Column("file_deleted_at", UtcDateTime()),
    # Handed over by the DPO instead (in person or by letter): how, when, by whom, a note.
    Column("handed_over", String(12)),
    Column("handed_over_at", UtcDateTime()),
    Column("handed_over_by", String(60)),
    Column("handed_over_note", String(300)),
    # The notice letter (when no e-mail was on file), sealed until the DPO prints it: it holds
    # the link, which is kept nowhere else.
    *encrypted_columns("letter"),
    CheckConstraint("notice in ('email', 'letter')", name="notice"),
    CheckConstraint("handed_over in ('in_person', 'letter')", name="handed_over"),
    CheckConstraint("wrong_codes >= 0 and codes_sent >= 0", name="counts"),
)
