"""Feedback and satisfaction answers ("asiakaspalautteet ... asiakkaiden tyytyväisyystiedot"):
free text, a score from 1 to 5, the channel, and the contact it is about. Given by hand (CLI,
API) or fed in bulk by the survey system (docs/feeds.md), each through the catalogue's one write
path, as the contact log (services/contacts/log.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select

from rekisteri.adapters import service_feeds
from rekisteri.adapters.schema.register import contact_log, feedback
from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import InvalidInput, NotFound, RegisterError
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.contacts.log import entry_of_person
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

FIELDS = ("at", "channel", "satisfaction", "text")
FEED_COLUMNS = ("ref", "customer_number", "contact_ref", *FIELDS)
FEED_REQUIRED = ("ref", "customer_number", "at", "channel")


def checked_fields(uow: UnitOfWork, given: Mapping[str, Any]) -> dict[str, Any]:
    """The answer's fields as they would be stored, or InvalidInput naming the first bad one.
    An answer says something: a score, a text or both."""
    unknown = [f for f in given if f not in FIELDS]
    if unknown:
        raise InvalidInput(unknown[0], "is not a field of feedback")
    fields = {
        f: attributes.checked(uow, feedback, f, given.get(f), writable=FIELDS) for f in FIELDS
    }
    if fields["satisfaction"] is None and fields["text"] is None:
        raise InvalidInput("satisfaction", "or text is required: the feedback says nothing")
    return fields


def add_feedback(
    uow: UnitOfWork,
    person_id: int,
    given: Mapping[str, Any],
    provenance: Provenance,
    *,
    contact_id: int | None = None,
    feed_ref: str | None = None,
) -> int:
    """Store one piece of feedback of `person_id`, about their contact `contact_id` if given."""
    fields = checked_fields(uow, given)
    if contact_id is not None:
        entry_of_person(uow, contact_id, person_id)
    ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    columns = attributes.received(uow, feedback, fields, provenance)
    return int(
        uow.execute(
            feedback.insert().values(
                person_id=person_id,
                contact_log_id=contact_id,
                feed_ref=feed_ref,
                source=provenance.source,
                source_detail=provenance.detail,
                received_at=provenance.received_at,
                **columns,
            )
        ).inserted_primary_key[0]
    )


def import_feedback(uow: UnitOfWork, path: Path) -> FeedImport:
    """The survey system's feed of answers, whole or not at all."""
    records = service_feeds.read_feed(path, FEED_REQUIRED, FEED_COLUMNS)
    done = FeedImport(path.name, records=len(records))
    seen: dict[str, int] = {}
    known = known_to(uow, feedback, records)
    for record in records:
        try:
            ref = ref_of(record.fields)
            if ref in seen:
                raise InvalidInput("ref", f"{ref} was already given on line {seen[ref]}")
            seen[ref] = record.line
            _one(uow, record.fields, ref, path.name, done, known)
        except RegisterError as exc:
            raise at_record(f"{path.name}, line {record.line}", exc) from None
    return done


def _contact_of(uow: UnitOfWork, fields: dict[str, Any], person_id: int) -> int | None:
    """The contact an answer is about, named by the customer-service system's id of it."""
    if fields.get("contact_ref") is None:
        return None
    ref = ref_of(fields, "contact_ref")
    found = uow.execute(select(contact_log.c.id).where(contact_log.c.feed_ref == ref)).scalar()
    if found is None:
        raise NotFound("contact_ref", ref)
    try:
        return entry_of_person(uow, int(found), person_id)
    except InvalidInput:
        raise InvalidInput("contact_ref", f"{ref} is another person's contact") from None


def _one(
    uow: UnitOfWork,
    fields: dict[str, Any],
    ref: str,
    name: str,
    done: FeedImport,
    known: Known,
) -> None:
    person_id = person_by_number(uow, fields, known)
    contact_id = _contact_of(uow, fields, person_id)
    given = {f: fields.get(f) for f in FIELDS}
    provenance = Provenance(Source.CUSTOMER_CONTACT, uow.now(), f"survey feed {name}"[:200])
    if not sent_again(
        uow,
        done,
        feedback,
        ref,
        person_id,
        lambda: checked_fields(uow, given),
        what="answer",
        reason=coded(Reason.SURVEY_FEED, name),
        provenance=provenance,
        writable=FIELDS,
        known=known,
    ):
        add_feedback(uow, person_id, given, provenance, contact_id=contact_id, feed_ref=ref)
        done.new += 1
