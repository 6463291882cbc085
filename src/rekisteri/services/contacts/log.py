"""The contact log: each contact between the customer and customer service (P2: "tietoja
päivitetään ... kontaktien yhteydessä"), entered by hand (CLI, API) or fed in bulk by the
customer-service system (docs/feeds.md).

Every entry goes through the catalogue's one write path: a new entry's fields are checked by
their rules and their source by the catalogue (`attributes.received`); a feed record sent again
with other values changes the stored entry through `write_attributes`, its history kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import service_feeds
from rekisteri.adapters.schema.register import contact_log
from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.errors import InvalidInput, NotFound, RegisterError
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register import attributes
from rekisteri.services.register.feeds import (
    FeedImport,
    Known,
    at_record,
    known_to,
    person_by_number,
    ref_of,
    sent_again,
)
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

FIELDS = ("at", "channel", "direction", "topic", "note", "handled_by")
FEED_COLUMNS = ("ref", "customer_number", *FIELDS)
FEED_REQUIRED = ("ref", "customer_number", "at", "channel", "direction", "topic")


def checked_fields(uow: UnitOfWork, given: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's fields as they would be stored, or InvalidInput naming the first bad one."""
    unknown = [f for f in given if f not in FIELDS]
    if unknown:
        raise InvalidInput(unknown[0], "is not a field of a contact")
    return {
        f: attributes.checked(uow, contact_log, f, given.get(f), writable=FIELDS) for f in FIELDS
    }


def add_contact(
    uow: UnitOfWork,
    person_id: int,
    given: Mapping[str, Any],
    provenance: Provenance,
    *,
    feed_ref: str | None = None,
) -> int:
    """Log one contact with `person_id`; returns the entry's id."""
    fields = checked_fields(uow, given)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    columns = attributes.received(uow, contact_log, fields, provenance)
    return int(
        uow.execute(
            contact_log.insert().values(
                person_id=person_id,
                feed_ref=feed_ref,
                source=provenance.source,
                source_detail=provenance.detail,
                received_at=provenance.received_at,
                **columns,
            )
        ).inserted_primary_key[0]
    )


def entries(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """A person's contacts, newest first (a read of the contact log, audited)."""
    rows = uow.execute(
        select(contact_log)
        .where(contact_log.c.person_id == person_id)
        .order_by(contact_log.c.at.desc(), contact_log.c.id.desc())
    ).all()
    if rows:  # the trail says what was shown: nothing of the person when there is nothing
        uow.note_read([person_id], [Category.CONTACT_LOG], "contact log")
    return [{"id": r.id, **{f: r._mapping[f] for f in FIELDS}, "source": r.source} for r in rows]


def entry_of_person(uow: UnitOfWork, entry_id: int, person_id: int) -> int:
    """A contact-log entry of `person_id` (feedback names the contact it is about)."""
    found = uow.execute(
        select(contact_log.c.person_id).where(contact_log.c.id == entry_id)
    ).scalar()
    if found is None:
        raise NotFound("contact", entry_id)
    if int(found) != person_id:
        raise InvalidInput("contact", f"{entry_id} is another person's contact")
    return entry_id


def import_contacts(uow: UnitOfWork, path: Path) -> FeedImport:
    """The customer-service system's feed of contacts, whole or not at all."""
    records = service_feeds.read_feed(path, FEED_REQUIRED, FEED_COLUMNS)
    done = FeedImport(path.name, records=len(records))
    seen: dict[str, int] = {}
    known = known_to(uow, contact_log, records)
    for record in records:
        where = f"{path.name}, line {record.line}"
        try:
            ref = ref_of(record.fields)
            if ref in seen:
                raise InvalidInput("ref", f"{ref} was already given on line {seen[ref]}")
            seen[ref] = record.line
            _one(uow, record.fields, ref, path.name, done, known)
        except RegisterError as exc:
            raise at_record(where, exc) from None
    return done


def _one(
    uow: UnitOfWork,
    fields: dict[str, Any],
    ref: str,
    name: str,
    done: FeedImport,
    known: Known,
) -> None:
    person_id = person_by_number(uow, fields, known)
    given = {f: fields.get(f) for f in FIELDS}
    provenance = Provenance(Source.CUSTOMER_CONTACT, uow.now(), f"contact feed {name}"[:200])
    if not sent_again(
        uow,
        done,
        contact_log,
        ref,
        person_id,
        lambda: checked_fields(uow, given),
        what="contact",
        reason=coded(Reason.CONTACT_FEED, name),
        provenance=provenance,
        writable=FIELDS,
        known=known,
    ):
        add_contact(uow, person_id, given, provenance, feed_ref=ref)
        done.new += 1
