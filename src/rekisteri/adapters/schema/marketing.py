"""Direct marketing beside the consent ledger: ASML bans, segments, campaigns, sent contacts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from rekisteri.adapters.schema.base import UtcDateTime, metadata, provenance_columns
from rekisteri.adapters.schema.register import consent_event, contact_point
from rekisteri.domain.consent import MAX_CONTACTS_PER_YEAR

marketing_ban = Table(
    # One row of the ASML ban register as imported: a person's postal or phone ban. The file is
    # the whole register, so an import replaces the previous rows.
    "marketing_ban",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(10), nullable=False),  # postal | phone
    Column("last_name", String(100)),
    Column("first_names", String(100)),
    Column("street", String(200)),
    Column("postal_code", String(10)),
    Column("post_office", String(100)),
    Column("phone", String(20)),  # E.164
    Column("match_key", String(400), nullable=False, index=True),
    Column("registered_on", Date, nullable=False),
    Column("expires_on", Date),  # phone bans last three years
    *provenance_columns(),
    CheckConstraint("kind in ('postal', 'phone')", name="kind"),
)

marketing_ban_match = Table(
    # Which register person a ban was found to concern, for which channel.
    "marketing_ban_match",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ban_id", ForeignKey("marketing_ban.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("channel", String(10), nullable=False),  # letter | phone
    Column("matched_at", UtcDateTime(), nullable=False),
    UniqueConstraint("ban_id", "person_id", name="uq_marketing_ban_match_ban_person"),
)
Index(
    "ix_marketing_ban_match_person_channel",
    marketing_ban_match.c.person_id,
    marketing_ban_match.c.channel,
    marketing_ban_match.c.ban_id,
)

segment = Table(
    # A named target group and its rules (JSON of domain.segments rules); no personal data.
    "segment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False, unique=True),
    Column("description", String(300)),
    Column("rules", Text, nullable=False),
    Column("created_by", String(60), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

campaign = Table(
    "campaign",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("purpose", String(30), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("segment_id", ForeignKey("segment.id")),
    Column("sent_by", String(60), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=False),
    Column("recipients", Integer, nullable=False),
)

marketing_contact = Table(
    # Each direct-marketing contact sent: the frequency cap counts these (P5).
    "marketing_contact",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id"), nullable=False),
    Column("campaign_id", ForeignKey("campaign.id"), nullable=False, index=True),
    Column("purpose", String(30), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("sent_at", UtcDateTime(), nullable=False),
)
Index(
    "ix_marketing_contact_person_sent", marketing_contact.c.person_id, marketing_contact.c.sent_at
)

consent_state = Table(
    # The ledger's latest event per (person, purpose, channel): a copy kept in the same
    # transaction as every append (services.ledger), so an audience reads one row per person
    # instead of ranking the ledger. The ledger stays the evidence and answers "as of".
    # Keyed slice first, so one (purpose, channel) is one contiguous run of the table.
    "consent_state",
    metadata,
    Column("purpose", String(30), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("person_id", ForeignKey("person.id"), nullable=False, index=True),
    Column(
        "event_id", ForeignKey("consent_event.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("event", String(12), nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime()),
    PrimaryKeyConstraint("purpose", "channel", "person_id"),
    sqlite_with_rowid=False,
)

# The audience reads the latest event of one (purpose, channel) per person: this index holds
# everything that query needs, so it never visits the ledger's rows.
Index(
    "ix_consent_event_latest",
    consent_event.c.person_id,
    consent_event.c.purpose,
    consent_event.c.channel,
    consent_event.c.at,
    consent_event.c.id,
    consent_event.c.event,
    consent_event.c.expires_at,
)

# The audience reads one (purpose, channel) slice of the ledger for every person: with the
# slice leading, that slice is one contiguous run of the index (SQLite's per-person lookups
# stay in a few cached pages; PostgreSQL scans just the slice, already in person order).
Index(
    "ix_consent_event_audience",
    consent_event.c.purpose,
    consent_event.c.channel,
    consent_event.c.person_id,
    consent_event.c.at,
    consent_event.c.id,
    consent_event.c.event,
    consent_event.c.expires_at,
)

# The audience picks each person's newest valid contact point of one kind: id before
# valid_to, so the index is already in the (valid_from, id) order asked for and no sort is
# needed per person.
Index(
    "ix_contact_point_newest",
    contact_point.c.person_id,
    contact_point.c.kind,
    contact_point.c.valid_from,
    contact_point.c.id,
    contact_point.c.valid_to,
)

# The kinds of contact point person_reach keeps the newest of, and how many of the latest
# direct-marketing contacts it keeps: as many as the highest frequency cap allowed.
REACH_KINDS = ("postal", "email", "phone")
REACH_CONTACTS = MAX_CONTACTS_PER_YEAR


def _reach_columns() -> list[Column[Any]]:
    points: list[Column[Any]] = [
        Column(f"{kind}_{name}", type_)
        for kind in REACH_KINDS
        for name, type_ in (("point_id", Integer()), ("valid_from", Date()), ("valid_to", Date()))
    ]
    contacts: list[Column[Any]] = [
        Column(f"contacted_{n}_at", UtcDateTime()) for n in range(1, REACH_CONTACTS + 1)
    ]
    return points + contacts


person_reach = Table(
    # How a person can be reached, one row per person so that an audience joins it by key:
    # the newest contact point of each kind (by valid_from, then id) with its validity, and the
    # times of the latest direct-marketing contacts, newest first, leaving out those over 366
    # days older than the newest (they can never count towards the cap again).
    # Kept by database triggers on contact_point and marketing_contact (migration
    # 0008_person_reach), so no writer can forget it; services.reach checks the triggers are
    # in place before an audience trusts the table. A SQLite "batch" migration that copies
    # either table drops its triggers: create them again (and refresh) in that migration.
    "person_reach",
    metadata,
    Column(
        "person_id",
        ForeignKey("person.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    *_reach_columns(),
)

person_reach_deferral = Table(
    # A bulk writer's switch, set inside its own transaction only: while a row is here, the
    # contact-point triggers of person_reach skip their per-row (SQLite) or per-statement
    # (PostgreSQL) refresh, and the writer refreshes the persons it touched in one statement
    # before it commits (adapters/person_reach.deferred). A row set in a transaction is seen by
    # no other writer (PostgreSQL's snapshots; SQLite's single writer), and it cannot be
    # committed: `guard` refers to person_reach_deferral_guard, which can hold no row, by a
    # foreign key checked at commit, so a transaction that forgets to clear its switch fails
    # and leaves the triggers in charge.
    "person_reach_deferral",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "guard",
        ForeignKey("person_reach_deferral_guard.id", deferrable=True, initially="DEFERRED"),
        nullable=False,
    ),
)

person_reach_deferral_guard = Table(
    # Never holds a row (its check can hold for none): what a switch left set at commit
    # refers to in vain.
    "person_reach_deferral_guard",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    CheckConstraint("id < 0 AND id > 0", name="never"),
)
