"""Erasure (Art. 17, P14), driven by the catalogue: every attribute's retention rule decides.

ERASE: there is no legal reason to keep it, so it goes now (rows whose every attribute goes are
deleted; otherwise the columns are cleared). KEEP_RESTRICTED: a law keeps it (contracts and
billing ten years after the contract ended), so it stays, the person is restricted, and the
retention run purges it when the period ends. The answer says what went, what stayed, why and
until when. The walk takes the catalogue from the unit of work, so a new attribute is covered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, and_, delete, exists, func, not_, select, update

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import (
    contact_point,
    contract,
    digital_account,
    invoice,
    person,
)
from rekisteri.catalogue import Attribute, Category, Lang, OnErasure, label
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.domain.register import Provenance
from rekisteri.services import reading_retention
from rekisteri.services.rights import periods, suppression, words
from rekisteri.services.rights.restriction import restrict
from rekisteri.services.rights.subjects import only_theirs, personal_tables
from rekisteri.services.unit_of_work import UnitOfWork

OPEN_INVOICE = ("open", "in_collection")
# Columns that record when something was destroyed: stamped, not cleared.
STAMPS = {("call_recording", "file_destroyed_at")}
# Columns naming files outside the database that must be destroyed with the row.
FILE_COLUMNS = {"call_recording": "file_ref"}


@dataclass
class ErasureAnswer:
    person_id: int
    erased: list[dict[str, Any]] = field(default_factory=list)
    kept: list[dict[str, Any]] = field(default_factory=list)
    limited_by: list[str] = field(default_factory=list)
    suppression_entries: int = 0
    files_to_destroy: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "erased": self.erased,
            "kept": self.kept,
            "limited_by": self.limited_by,
            "suppression_entries": self.suppression_entries,
            "files_destroyed": len(self.files_to_destroy),
        }


# Tables the generic walk leaves alone. The audit trail holds only ids and category names and
# must stay whole to stay verifiable; it has its own period. Readings belong to whoever held the
# metering point at the time, so they go by the person's own contract periods
# (reading_retention.erase_periods_of), never by metering point.
# person_reach is written only by its triggers: they empty it with the contact points and
# contacts it copies, and its row goes with the person (ON DELETE CASCADE), so it neither
# holds a person back nor is erased here (it would then disagree with what it copies).
KEPT_BY_TRIGGERS = frozenset({"person_reach"})
SEPARATELY_HANDLED = (
    frozenset({"audit_entry", "audit_subject", "reading_block", "reading_correction"})
    | KEPT_BY_TRIGGERS
)


def tables_children_first(uow: UnitOfWork) -> list[Table]:
    personal = {s.name for s in personal_tables(uow.catalogue)} - SEPARATELY_HANDLED
    return [t for t in reversed(metadata.sorted_tables) if t.name in personal]


def person_exists(uow: UnitOfWork, person_id: int) -> bool:
    return uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is not None


def open_invoices(uow: UnitOfWork, person_id: int) -> int:
    return int(
        uow.execute(
            select(func.count()).where(
                invoice.c.person_id == person_id, invoice.c.status.in_(OPEN_INVOICE)
            )
        ).scalar_one()
    )


def suppress_contact_points(uow: UnitOfWork, persons: int | list[int]) -> int:
    """Suppression entries for the contact points of the person(s): a few statements for a
    whole batch (the retention run passes thousands); returns how many entries were new."""
    ids = [persons] if isinstance(persons, int) else persons
    names: dict[int, str] = {}
    for row in uow.execute(
        select(
            person.c.id, person.c.organisation_name, person.c.first_names, person.c.last_name
        ).where(person.c.id.in_(ids))
    ):
        parts = (row.first_names, row.last_name)
        names[int(row.id)] = row.organisation_name or " ".join(x for x in parts if x)
    entries: list[tuple[str, str]] = []
    points = select(
        contact_point.c.person_id,
        contact_point.c.email,
        contact_point.c.phone,
        contact_point.c.street,
        contact_point.c.postal_code,
    ).where(contact_point.c.person_id.in_(ids))
    for pid, email, phone, street, postal_code in uow.execute(points):
        name = names.get(int(pid), "")
        if email:
            entries.append(("email", email))
        if phone:
            entries.append(("phone", phone))
        if street and postal_code and name:
            entries.append(("name_address", suppression.name_address(name, street, postal_code)))
    for login in uow.execute(
        select(digital_account.c.login).where(digital_account.c.person_id.in_(ids))
    ).scalars():
        if "@" in login:
            entries.append(("email", login))
    return suppression.add(uow, entries)


def _clear_values(
    uow: UnitOfWork, t: Table, attrs: list[Attribute]
) -> tuple[dict[str, Any], set[str]]:
    """Column values that erase `attrs` in place, and the columns that cannot be cleared."""
    values: dict[str, Any] = {}
    required: set[str] = set()
    for a in attrs:
        for c in a.columns:
            if (t.name, c) in STAMPS:
                values[c] = uow.now()
            elif t.c[c].nullable:
                values[c] = None
            else:
                required.add(c)
    return values, required


def erase_rows(uow: UnitOfWork, t: Table, cond: Any, attrs: list[Attribute]) -> str:
    """Delete the rows; rows a kept row still refers to (a NOT NULL foreign key) are cleared in
    place instead. Nullable references to the deleted rows are cleared first."""
    if "id" not in t.c:  # a link table (composite key): nothing refers to its rows
        uow.execute(delete(t).where(cond))
        return "deleted"
    ids = select(t.c.id).where(cond)
    held = []
    for other in metadata.tables.values():
        for fk in other.foreign_keys:
            if fk.column.table is not t or other is t:
                continue
            if other.name in KEPT_BY_TRIGGERS:
                continue
            if fk.parent.nullable:
                uow.execute(update(other).where(fk.parent.in_(ids)).values({fk.parent.name: None}))
            else:
                # Correlated, so each candidate row is one index probe (not a whole table read
                # into an IN list per statement).
                held.append(exists().where(fk.parent == t.c.id))
    if not held:
        uow.execute(delete(t).where(cond))
        return "deleted"
    uow.execute(delete(t).where(and_(cond, *(not_(h) for h in held))))
    values, _ = _clear_values(uow, t, attrs)
    if values:
        uow.execute(update(t).where(cond).values(values))
    return "deleted or cleared"


def erase_person(
    uow: UnitOfWork, person_id: int, provenance: Provenance, *, reason: str, lang: Lang | str = "fi"
) -> ErasureAnswer:
    lang = Lang(lang)
    if uow.execute(select(person.c.id).where(person.c.id == person_id)).first() is None:
        raise NotFound("person", person_id)
    active, _ = periods.contracts_end(uow, person_id)
    if active:
        raise RuleViolation(
            f"person {person_id} has a contract in force: the contract needs the data (Art. "
            "17(1)(a) does not apply); end the contract first, then erase"
        )
    answer = ErasureAnswer(person_id)
    if not _has_records(uow, person_id):
        return _erase_whole(uow, person_id, answer, lang)
    claims = open_invoices(uow, person_id)
    held_categories: set[Category] = set()
    if claims:
        held_categories = {Category.CONTACT}
        answer.limited_by.append(f"{words.word('open_claims', lang)} ({claims})")
    answer.suppression_entries = suppress_contact_points(uow, person_id)
    readings = reading_retention.erase_periods_of(uow, [person_id])
    if readings:
        answer.erased.append(
            {
                "attribute": "reading_block.readings",
                "what": label(Category.CONSUMPTION, lang),
                "rows": readings,
                "how": "deleted",
            }
        )
    cat = uow.catalogue
    specs = {s.name: s for s in personal_tables(cat)}
    for t in tables_children_first(uow):
        spec = specs[t.name]
        attrs = cat.for_table(t.name)
        cond = only_theirs(spec, person_id)
        count = int(uow.execute(select(func.count()).select_from(t).where(cond)).scalar_one())
        if not count or not attrs:
            continue
        erase = [
            a
            for a in attrs
            if a.retention.on_erasure is OnErasure.ERASE and a.category not in held_categories
        ]
        keep = [a for a in attrs if a not in erase]
        if t.name in FILE_COLUMNS:
            col = t.c[FILE_COLUMNS[t.name]]
            answer.files_to_destroy += list(
                uow.execute(select(col).where(cond, col.is_not(None))).scalars()
            )
        required: set[str] = set()
        if erase and not keep:
            how = erase_rows(uow, t, cond, erase)
        elif erase:
            values, required = _clear_values(uow, t, erase)
            if values:
                uow.execute(update(t).where(cond).values(values))
            how = "cleared"
        for a in erase:
            if set(a.columns) & required:
                answer.kept.append(
                    _kept(a, lang, words.word("needed_by_record", lang), None, count)
                )
            else:
                answer.erased.append(
                    {"attribute": a.key, "what": a.label(lang), "rows": count, "how": how}
                )
        for a in keep:
            if a.category in held_categories and a.retention.on_erasure is OnErasure.ERASE:
                answer.kept.append(_kept(a, lang, words.word("open_claims", lang), None, count))
                continue
            until = periods.kept_until(uow, a.retention, person_id)
            answer.kept.append(_kept(a, lang, a.retention.describe(lang), until, count))
    restrict(uow, person_id, f"erasure: {reason}"[:200], provenance)
    return answer


def _has_records(uow: UnitOfWork, person_id: int) -> bool:
    """Whether a law keeps anything of the person: a contract or an invoice."""
    for t in (contract, invoice):
        if uow.execute(select(t.c.id).where(t.c.person_id == person_id).limit(1)).first():
            return True
    return False


def _erase_whole(
    uow: UnitOfWork, person_id: int, answer: ErasureAnswer, lang: Lang
) -> ErasureAnswer:
    """No contract and no invoice (a prospect): nothing has a legal reason to stay."""
    from rekisteri.services.rights.retention import purge  # purge builds on this module

    answer.suppression_entries = suppress_contact_points(uow, person_id)
    for spec in personal_tables(uow.catalogue):
        t = metadata.tables[spec.name]
        n = int(
            uow.execute(
                select(func.count()).select_from(t).where(only_theirs(spec, person_id))
            ).scalar_one()
        )
        if n and spec.name not in ("rights_request", "rights_request_event"):
            answer.erased += [
                {"attribute": a.key, "what": a.label(lang), "rows": n, "how": "deleted"}
                for a in uow.catalogue.for_table(spec.name)
            ]
    purge(uow, select(person.c.id).where(person.c.id == person_id), dry_run=False)
    return answer


def _kept(a: Attribute, lang: Lang, why: str, until: dt.date | None, rows: int) -> dict[str, Any]:
    return {"attribute": a.key, "what": a.label(lang), "why": why, "until": until, "rows": rows}
