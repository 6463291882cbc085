"""Representatives (issue 16): who acts for a person, with what powers, from when to when, and on
what evidence (domain/representatives).

A representation is the represented person's data: it is in their access package and goes with
their erasure and retention (the catalogue's TableSpec). The representative's name and address
are kept only to reach them for the person. The register's letters and invoices to the person
go to the representative who receives them (`mail_recipient`): after a death the estate's
contact, for a person under guardianship the guardian.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select

from rekisteri.adapters.schema.register import person, representative
from rekisteri.catalogue import Category, Purpose
from rekisteri.domain import attribute_rules as rules
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.domain.representatives import (
    MAIL_ORDER,
    Evidence,
    Power,
    RepresentativeKind,
    authority,
    check_evidence,
    check_for_person,
    in_force,
    parsed_powers,
    powers_of,
    stored_powers,
)
from rekisteri.services.register import attributes
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

REP = representative
_CATEGORIES = (Category.IDENTITY, Category.CONTACT)
_ADDRESS = ("street", "postal_code", "post_office")


@dataclass(frozen=True)
class RepresentativeDraft:
    """A representative as given by the command line or the API, before validation."""

    kind: str
    name: str
    evidence: str
    evidence_ref: str
    powers: list[str] | str | None = None
    street: str | None = None
    postal_code: str | None = None
    post_office: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None
    valid_from: dt.date | None = None


def _checked(draft: RepresentativeDraft, today: dt.date) -> dict[str, Any]:
    """The draft's values as the attribute rules store them; InvalidInput names the field."""
    given = rules.Given(today=today)

    def check(attribute: str, column: str, value: Any) -> Any:
        stored = rules.check(f"representative.{attribute}.{column}", value, column, given)
        return getattr(stored, "value", stored)

    kind = RepresentativeKind(check("representation", "kind", draft.kind))
    columns = {
        "kind": kind.value,
        "name": check("contact", "name", draft.name),
        "street": check("contact", "street", draft.street),
        "postal_code": check("contact", "postal_code", draft.postal_code),
        "post_office": check("contact", "post_office", draft.post_office),
        "email": check("contact", "email", draft.email),
        "phone": check("contact", "phone", draft.phone),
        "evidence": check("evidence", "evidence", draft.evidence),
        "evidence_ref": check("evidence", "evidence_ref", draft.evidence_ref),
    }
    has_address = [columns[c] is not None for c in _ADDRESS]
    if any(has_address) and not all(has_address):
        missing = next(c for c in _ADDRESS if columns[c] is None)
        raise InvalidInput(missing, "a postal address has a street, postal code and post office")
    columns["country"] = (
        (check("contact", "country", draft.country) or "FI") if all(has_address) else None
    )
    powers = powers_of(kind, draft.powers)
    if Power.RECEIVE_MAIL in powers and not all(has_address):
        raise InvalidInput("street", "a representative who receives the letters needs an address")
    check_evidence(kind, Evidence(columns["evidence"]))
    columns["powers"] = stored_powers(powers)
    return columns


def _person(uow: UnitOfWork, person_id: int) -> Any:
    row = uow.execute(
        select(person.c.id, person.c.kind, person.c.deceased_on).where(person.c.id == person_id)
    ).first()
    if row is None:
        raise NotFound("person", person_id)
    if row.kind != "natural":
        raise InvalidInput("person", "an organisation acts through its contact persons")
    return row


def add(uow: UnitOfWork, person_id: int, draft: RepresentativeDraft, provenance: Provenance) -> int:
    """Record who acts for the person. Returns the representation's id."""
    columns = _checked(draft, uow.today())
    start = draft.valid_from or provenance.received_at.date()
    who = _person(uow, person_id)
    # Recording who may act for the person is what the law asks (a guardian's or an estate's
    # rights), so a restriction of processing does not stop it.
    ensure_processing_allowed(uow, person_id, Purpose.LEGAL_OBLIGATION)
    kind = RepresentativeKind(columns["kind"])
    check_for_person(kind, who.deceased_on, start)
    same = uow.execute(
        select(REP.c.id).where(
            REP.c.person_id == person_id,
            REP.c.kind == kind.value,
            REP.c.name == columns["name"],
            REP.c.valid_to.is_(None),
        )
    ).first()
    if same is not None:
        raise InvalidInput(
            "name", f"{columns['name']} already acts as {kind.value} (representative {same.id})"
        )
    given = attributes.received(
        uow, REP, columns | {"valid_from": start, "valid_to": None}, provenance
    )
    rep_id = uow.execute(
        REP.insert().values(
            person_id=person_id,
            **given,
            source=provenance.source.value,
            source_detail=provenance.detail,
            received_at=provenance.received_at,
        )
    ).inserted_primary_key[0]
    uow.note_change([person_id], _CATEGORIES, f"add representative ({kind.value})")
    return int(rep_id)


def _entry(row: Any, today: dt.date, deceased_on: dt.date | None) -> dict[str, Any]:
    kind = RepresentativeKind(row.kind)
    return {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "powers": row.powers.split(","),
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "in_force": in_force(kind, row.valid_from, row.valid_to, deceased_on, today),
        "address": _address(row),
        "email": row.email,
        "phone": row.phone,
        "evidence": row.evidence,
        "evidence_ref": row.evidence_ref,
        "source": row.source,
        "source_detail": row.source_detail,
    }


def _address(row: Any) -> str | None:
    if row.street is None:
        return None
    return f"{row.street}, {row.postal_code} {row.post_office}, {row.country}"


def of_person(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """The person's representatives, those not ended first."""
    who = uow.execute(select(person.c.deceased_on).where(person.c.id == person_id)).first()
    if who is None:
        raise NotFound("person", person_id)
    rows = uow.execute(
        select(REP)
        .where(REP.c.person_id == person_id)
        .order_by(REP.c.valid_to.is_not(None), REP.c.valid_from, REP.c.id)
    ).all()
    found = [_entry(r, uow.today(), who.deceased_on) for r in rows]
    if found:
        uow.note_read([person_id], _CATEGORIES, "representatives of the person")
    return found


def end(
    uow: UnitOfWork, rep_id: int, valid_to: dt.date, reason: str, provenance: Provenance
) -> None:
    """The representative acts for the person up to and including `valid_to`, no longer (the
    guardianship ended, the estate was divided, the power of attorney was revoked)."""
    why = values.required_text(reason, "reason", max_len=300)
    row = uow.execute(select(REP).where(REP.c.id == rep_id)).first()
    if row is None:
        raise NotFound("representative", rep_id)
    if row.valid_to is not None:
        raise InvalidInput("end_date", f"representative {rep_id} already ended on {row.valid_to}")
    if valid_to < row.valid_from:
        raise InvalidInput("end_date", "is before the representation began")
    attributes.write_attributes(
        uow,
        REP,
        rep_id,
        row.person_id,
        {"valid_to": valid_to},
        why,
        provenance,
        writable=("valid_to",),
    )


def check_authority(
    uow: UnitOfWork, rep_id: int, person_id: int, needed: Power, on: dt.date
) -> Any:
    """The representation, when it lets its holder do `needed` for the person on the day;
    RuleViolation saying why not otherwise (another person's, not in force, no such power)."""
    row = uow.execute(select(REP).where(REP.c.id == rep_id)).first()
    if row is None:
        raise NotFound("representative", rep_id)
    if row.person_id != person_id:
        raise RuleViolation(f"representative {rep_id} acts for another person")
    deceased_on = uow.execute(select(person.c.deceased_on).where(person.c.id == person_id)).scalar()
    refusal = authority(
        RepresentativeKind(row.kind),
        parsed_powers(row.powers),
        row.valid_from,
        row.valid_to,
        deceased_on,
        needed,
        on,
    )
    if refusal is not None:
        raise RuleViolation(f"representative {rep_id} ({row.name}): {refusal}")
    uow.note_read([person_id], _CATEGORIES, "representative's authority")
    return row


@dataclass(frozen=True)
class MailRecipient:
    """Where a letter or invoice to a person goes instead of their own address."""

    representative_id: int
    kind: RepresentativeKind
    name: str  # the representative's
    street: str
    postal_code: str
    post_office: str
    country: str
    email: str | None

    def addressed(self, person_name: str) -> str:
        """The letter's name line: the person in care of the representative (c/o); an estate
        is addressed as the deceased's estate (kuolinpesä)."""
        if self.kind is RepresentativeKind.ESTATE_CONTACT:
            return f"{person_name} kuolinpesä / dödsbo, c/o {self.name}"
        return f"{person_name}, c/o {self.name}"


def mail_recipients(uow: UnitOfWork, person_ids: list[int]) -> dict[int, MailRecipient]:
    """The representative each of the persons' letters and invoices go to today, for those who
    have one: the estate's contact after a death, else a guardian (MAIL_ORDER), in force and
    with the power to receive them. Persons without one are not in the answer."""
    if not person_ids:
        return {}
    today = uow.today()
    rows = uow.execute(
        select(REP, person.c.deceased_on)
        .join(person, person.c.id == REP.c.person_id)
        .where(
            REP.c.person_id.in_(person_ids),
            REP.c.kind.in_([k.value for k in MAIL_ORDER]),
            REP.c.valid_from <= today,
            or_(REP.c.valid_to.is_(None), REP.c.valid_to >= today),
            REP.c.street.is_not(None),
        )
        .order_by(REP.c.valid_from.desc(), REP.c.id.desc())
    ).all()
    best: dict[int, tuple[int, MailRecipient]] = {}
    for r in rows:
        kind = RepresentativeKind(r.kind)
        refusal = authority(
            kind,
            parsed_powers(r.powers),
            r.valid_from,
            r.valid_to,
            r.deceased_on,
            Power.RECEIVE_MAIL,
            today,
        )
        if refusal is not None:
            continue
        rank = MAIL_ORDER.index(kind)
        pid = int(r.person_id)
        if pid in best and best[pid][0] <= rank:
            continue
        best[pid] = (
            rank,
            MailRecipient(
                int(r.id),
                kind,
                r.name,
                r.street,
                r.postal_code,
                r.post_office,
                r.country,
                r.email,
            ),
        )
    if best:
        uow.note_read(sorted(best), _CATEGORIES, "representatives who receive the letters")
    return {pid: m for pid, (_, m) in best.items()}
