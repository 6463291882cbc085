"""Recipients and the record of every disclosure (P8, P10).

`disclose` is the one way data leaves the register: it refuses a recipient outside the EU/EEA
without a safeguard that holds (a US one under adequacy must name its Data Privacy Framework
listing), or one whose agreement does not cover the purpose, and otherwise records
the recipient, legal basis, categories, persons, time, actor and reason, and audits the read,
all in the caller's transaction (so a failed hand-over leaves no record, and no record means no
hand-over). The ready-made disclosures are in services/access/disclosure_sets.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select

from rekisteri.adapters.schema.disclosure import disclosure, disclosure_subject, recipient
from rekisteri.catalogue import Category, LawfulBasis, Purpose
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound, RuleViolation
from rekisteri.domain.transfers import (
    DisclosureKind,
    RecipientKind,
    Safeguard,
    check_transfer,
    country_code,
    validated_safeguard,
)
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    kind: RecipientKind
    country: str
    purposes: frozenset[Purpose]
    safeguard: Safeguard | None
    agreement_ref: str | None
    safeguard_ref: str | None = None


def add_recipient(
    uow: UnitOfWork,
    name: str,
    kind: RecipientKind | str,
    country: str,
    purposes: Iterable[Purpose | str],
    *,
    agreement_ref: str | None = None,
    safeguard: Safeguard | str | None = None,
    safeguard_ref: str | None = None,
    business_id: str | None = None,
) -> int:
    the_name = values.required_text(name, "name", max_len=200)
    the_kind = values.enum_value(RecipientKind, kind, "kind")
    code = country_code(country)
    chosen = [values.enum_value(Purpose, p, "purpose") for p in purposes]
    if not chosen:
        raise InvalidInput("purpose", "a recipient receives data for at least one purpose")
    guard = values.enum_value(Safeguard, safeguard, "safeguard") if safeguard else None
    guard_ref = values.text(safeguard_ref, "safeguard_ref", required=False)
    if uow.execute(select(recipient.c.id).where(recipient.c.name == the_name)).first():
        raise InvalidInput("name", f"recipient {the_name} already exists")
    new_id = uow.execute(
        recipient.insert().values(
            name=the_name,
            kind=the_kind.value,
            business_id=values.text(business_id, "business_id", max_len=20, required=False),
            country=code,
            agreement_ref=values.text(agreement_ref, "agreement", required=False),
            purposes=" ".join(sorted(p.value for p in chosen)),
            safeguard=(g.value if (g := validated_safeguard(code, guard, guard_ref)) else None),
            safeguard_ref=guard_ref,
            active=True,
            created_at=uow.now(),
            created_by=uow.actor.name,
        )
    ).inserted_primary_key[0]
    return int(new_id)


def _recipient(row: Any) -> Recipient:
    return Recipient(
        int(row.id),
        row.name,
        RecipientKind(row.kind),
        row.country,
        frozenset(Purpose(p) for p in row.purposes.split()),
        Safeguard(row.safeguard) if row.safeguard else None,
        row.agreement_ref,
        row.safeguard_ref,
    )


def find_recipient(uow: UnitOfWork, key: str | int) -> Recipient:
    text = str(key).strip()
    conditions = [recipient.c.name == text]
    if text.isdigit():
        conditions.append(recipient.c.id == int(text))
    row = uow.execute(select(recipient).where(or_(*conditions), recipient.c.active)).first()
    if row is None:
        raise NotFound("recipient", key)
    return _recipient(row)


def list_recipients(uow: UnitOfWork) -> list[dict[str, Any]]:
    rows = uow.execute(select(recipient).order_by(recipient.c.name)).mappings()
    return [dict(r) for r in rows]


@dataclass(frozen=True)
class Disclosed:
    disclosure_id: int
    recipient: Recipient
    person_count: int


def disclose(
    uow: UnitOfWork,
    to: Recipient,
    *,
    kind: DisclosureKind,
    purpose: Purpose,
    basis: LawfulBasis,
    categories: Iterable[Category],
    person_ids: Iterable[int],
    reason: str,
    reference: str | None = None,
    output_name: str | None = None,
    required_kinds: Iterable[RecipientKind] = (),
) -> Disclosed:
    """Check and record one disclosure of the given persons' data to a recipient."""
    kinds = frozenset(required_kinds)
    if kinds and to.kind not in kinds:
        raise RuleViolation(
            f"{to.name} is a {to.kind.value}; this disclosure goes only to "
            + " or ".join(sorted(k.value for k in kinds))
        )
    if purpose not in to.purposes:
        raise RuleViolation(
            f"the agreement with {to.name} does not cover the purpose {purpose.value}"
        )
    check_transfer(to.name, to.country, to.safeguard, to.safeguard_ref)
    why = values.required_text(reason, "reason", max_len=2000)
    persons = sorted(set(person_ids))
    cats = sorted({c.value for c in categories})
    new_id = int(
        uow.execute(
            disclosure.insert().values(
                recipient_id=to.id,
                kind=kind.value,
                at=uow.now(),
                actor=uow.actor.name,
                purpose=purpose.value,
                legal_basis=basis.value,
                categories=" ".join(cats),
                reason=why,
                reference=values.text(reference, "reference", required=False),
                person_count=len(persons),
                output_name=output_name,
            )
        ).inserted_primary_key[0]
    )
    if persons:
        uow.execute(
            disclosure_subject.insert(),
            [{"disclosure_id": new_id, "person_id": p} for p in persons],
        )
    uow.note_read(
        persons,
        [Category(c) for c in cats] + [Category.DISCLOSURE],
        f"disclosure {new_id} ({kind.value}) to {to.name}",
    )
    return Disclosed(new_id, to, len(persons))


def disclosures_of(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    """To whom the person's data was disclosed, when, why and on what basis; newest first."""
    rows = uow.execute(
        select(
            disclosure.c.id,
            disclosure.c.at,
            disclosure.c.kind,
            recipient.c.name.label("recipient"),
            recipient.c.country,
            disclosure.c.purpose,
            disclosure.c.legal_basis,
            disclosure.c.categories,
            disclosure.c.reason,
            disclosure.c.reference,
        )
        .join(disclosure_subject, disclosure_subject.c.disclosure_id == disclosure.c.id)
        .join(recipient, recipient.c.id == disclosure.c.recipient_id)
        .where(disclosure_subject.c.person_id == person_id)
        .order_by(disclosure.c.at.desc(), disclosure.c.id.desc())
    ).mappings()
    found = [dict(r) | {"categories": r["categories"].split()} for r in rows]
    if found:  # an empty answer disclosed nothing
        uow.note_read([person_id], [Category.DISCLOSURE], "disclosures of the person")
    return found


def count_disclosures(uow: UnitOfWork) -> int:
    return int(uow.execute(select(func.count()).select_from(disclosure)).scalar_one())
