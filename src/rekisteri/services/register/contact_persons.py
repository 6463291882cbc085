"""Contact persons of organisations (issue 15, item 6): a natural person who acts for an
organisation (a person row of kind `legal`) in a role.

The contact person is the data subject, the organisation is not: the link is their data (it is
in their access package, it goes with their erasure), and they have their own person row and
contact points. A person may be linked to several organisations, or be a customer of their own
as well. The organisation's erasure removes only the links to it (services/rights/deletion).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import contact_person, person
from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import values
from rekisteri.domain.drafts import PersonDraft
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.register import ContactRole, PersonKind, Provenance
from rekisteri.services.register import attributes, customers
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork


def _organisation(uow: UnitOfWork, organisation_id: int) -> Any:
    row = uow.execute(
        select(person.c.id, person.c.kind).where(person.c.id == organisation_id)
    ).first()
    if row is None:
        raise NotFound("person", organisation_id)
    if row.kind != PersonKind.LEGAL.value:
        raise InvalidInput(
            "organisation",
            "is not an organisation: contact persons belong to organisations (a sole trader is "
            "a person with a business ID and acts for themself)",
        )
    return row


def add(
    uow: UnitOfWork,
    organisation_id: int,
    role: ContactRole | str,
    provenance: Provenance,
    *,
    draft: PersonDraft | None = None,
    person_id: int | None = None,
    valid_from: dt.date | None = None,
) -> tuple[int, int]:
    """Link a contact person to an organisation: a new natural person from `draft` (their own
    contact points with it), or a person already registered (`person_id`). Returns (link id,
    contact person's id)."""
    the_role = values.enum_value(ContactRole, role, "role")
    if (draft is None) == (person_id is None):
        raise InvalidInput("person", "give either a new person or an existing one, not both")
    start = valid_from or provenance.received_at.date()
    given = attributes.received(
        uow,
        contact_person,
        {"role": the_role.value, "valid_from": start, "valid_to": None},
        provenance,
    )
    _organisation(uow, organisation_id)
    ensure_processing_allowed(uow, organisation_id, Purpose.CUSTOMER_RELATIONSHIP)
    if draft is not None:
        if draft.kind is not PersonKind.NATURAL:
            raise InvalidInput("kind", "a contact person is a natural person")
        person_id = customers.register_person(
            uow, replace(draft, acts_for_organisation=True), provenance
        ).person_id
    else:
        assert person_id is not None
        kind = uow.execute(select(person.c.kind).where(person.c.id == person_id)).scalar()
        if kind is None:
            raise NotFound("person", person_id)
        if kind != PersonKind.NATURAL.value:
            raise InvalidInput("person", "a contact person is a natural person")
        ensure_processing_allowed(uow, person_id, Purpose.CUSTOMER_RELATIONSHIP)
    same = uow.execute(
        select(contact_person.c.id).where(
            contact_person.c.organisation_id == organisation_id,
            contact_person.c.person_id == person_id,
            contact_person.c.role == the_role.value,
            contact_person.c.valid_to.is_(None),
        )
    ).first()
    if same is not None:
        raise InvalidInput(
            "role", f"the person already has this role (link {same.id}); end it first"
        )
    link_id = uow.execute(
        contact_person.insert().values(
            organisation_id=organisation_id,
            person_id=person_id,
            **given,
            source=provenance.source.value,
            source_detail=provenance.detail,
            received_at=provenance.received_at,
        )
    ).inserted_primary_key[0]
    uow.note_change([person_id], [Category.CONTACT], "add contact person link")
    return int(link_id), person_id


def of_organisation(uow: UnitOfWork, organisation_id: int) -> list[dict[str, Any]]:
    """The organisation's contact persons, links in force first: name, customer number, role
    and period. Reading them is a read of each contact person's identity and contact data."""
    _organisation(uow, organisation_id)
    rows = uow.execute(
        select(
            contact_person.c.id,
            contact_person.c.person_id,
            contact_person.c.role,
            contact_person.c.valid_from,
            contact_person.c.valid_to,
            person.c.customer_number,
            person.c.first_names,
            person.c.last_name,
        )
        .join(person, person.c.id == contact_person.c.person_id)
        .where(contact_person.c.organisation_id == organisation_id)
        .order_by(contact_person.c.valid_to.is_not(None), contact_person.c.id)
    ).all()
    found = [
        {
            "link": r.id,
            "person_id": r.person_id,
            "customer_number": r.customer_number,
            "name": f"{r.first_names} {r.last_name}",
            "role": r.role,
            "valid_from": r.valid_from,
            "valid_to": r.valid_to,
        }
        for r in rows
    ]
    if found:
        uow.note_read(
            sorted({r["person_id"] for r in found}),
            [Category.IDENTITY, Category.CONTACT],
            "contact persons of an organisation",
        )
    return found


def end(
    uow: UnitOfWork, link_id: int, valid_to: dt.date, reason: str, provenance: Provenance
) -> None:
    """The contact person no longer acts for the organisation in this role (from `valid_to`)."""
    why = values.required_text(reason, "reason", max_len=300)
    row = uow.execute(select(contact_person).where(contact_person.c.id == link_id)).first()
    if row is None:
        raise NotFound("contact person link", link_id)
    if row.valid_to is not None:
        raise InvalidInput("end_date", f"link {link_id} already ended on {row.valid_to}")
    if valid_to < row.valid_from:
        raise InvalidInput("valid_to", "is before the link began")
    attributes.write_attributes(
        uow,
        contact_person,
        link_id,
        row.person_id,
        {"valid_to": valid_to},
        why,
        provenance,
        writable=("valid_to",),
    )
