"""What erasure and the retention run share: which tables the generic walk deletes from, how
rows are deleted or cleared, and how whole persons are purged (P14).

Erasure (one person, on request) and the retention run (the whole register, by date) both build
on this module; neither imports the other.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, and_, delete, exists, func, not_, select, update

from rekisteri.adapters.file_store import FileStore, is_stored
from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.register import (
    contact_person,
    contact_point,
    digital_account,
    invoice,
    person,
)
from rekisteri.adapters.schema.rights import recipient_notification, rights_request
from rekisteri.catalogue import Attribute, Category
from rekisteri.services import erasure_journal
from rekisteri.services.archive import privacy as archive_privacy
from rekisteri.services.consumption import retention as reading_retention
from rekisteri.services.register.subjects import only_theirs, personal_tables, table_of
from rekisteri.services.rights import suppression
from rekisteri.services.rights.periods import OPEN_INVOICE
from rekisteri.services.unit_of_work import UnitOfWork

CHUNK = 5000  # ids per statement (SQLite allows 32766 parameters)
# Columns that record when something was destroyed: stamped, not cleared.
STAMPS = {("call_recording", "file_destroyed_at")}
# Columns naming files outside the database that must be destroyed with the row.
FILE_COLUMNS = {"call_recording": "file_ref", "package_delivery": "file_ref"}


def files_named(uow: UnitOfWork, t: Table, cond: Any) -> list[str]:
    """The files the rows of `t` meeting `cond` name (none for a table without files)."""
    if t.name not in FILE_COLUMNS:
        return []
    col = t.c[FILE_COLUMNS[t.name]]
    return [str(r) for r in uow.execute(select(col).where(cond, col.is_not(None))).scalars()]


def destroy_files(uow: UnitOfWork, t: Table, cond: Any) -> list[str]:
    """Destroy the files of the encrypted store that the rows name, once the unit of work
    commits (a rolled-back erasure keeps its rows, so it must keep their files); they are
    counted in `uow.files_destroyed`. Returns the files named that the store does not hold
    (kept elsewhere: listed for whoever keeps them, never claimed destroyed)."""
    named = files_named(uow, t, cond)
    stored = [r for r in named if is_stored(r)]
    if stored:
        files = uow.files
        uow.after_commit.append(lambda: _destroy(files, stored))
        uow.files_destroyed.extend(stored)
    return [r for r in named if not is_stored(r)]


def _destroy(files: FileStore, refs: list[str]) -> None:
    for ref in refs:
        files.destroy(ref)


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


# Records that the person's rights were answered (requests, notices to recipients): a purge
# unlinks them from the person and their own period removes them later.
UNLINKED = (rights_request, recipient_notification)


def erase_readings(uow: UnitOfWork, person_ids: list[int]) -> int:
    """The readings of the persons' contract periods, from the database and from the archive
    (services/archive/privacy.py); returns the database's count, or the archive's when only
    the archive held them (months kept in the archive only)."""
    ranges = reading_retention.ranges_of(uow, person_ids)
    archived = archive_privacy.erase_periods(uow, person_ids, ranges)
    return reading_retention.erase_periods_of(uow, person_ids) or archived


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
    return suppression.add(uow, contact_point_entries(uow, persons))


def contact_point_entries(uow: UnitOfWork, persons: int | list[int]) -> list[tuple[str, str]]:
    """The (kind, value) suppression entries the person(s)' contact points and logins make."""
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
    return entries


def clear_values(
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
    # A row deleted, or kept as a stub (a recording a research loan still lists), loses its
    # file either way: the file is the recording.
    uow.files_outside.extend(destroy_files(uow, t, cond))
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
    values, _ = clear_values(uow, t, attrs)
    if values:
        uow.execute(update(t).where(cond).values(values))
    return "deleted or cleared"


def purge(uow: UnitOfWork, persons: Select[Any] | list[int], dry_run: bool) -> int:
    """Remove the persons whole, children first. Requests and notices to recipients stay as the
    record that they were answered, unlinked from the person (their own period removes them
    later).

    The persons are fixed first (their selection reads rows the purge removes), then purged in
    chunks of set-based statements."""
    if isinstance(persons, list):
        ids = persons
    elif dry_run:
        return int(uow.execute(select(func.count()).select_from(persons.subquery())).scalar_one())
    else:
        ids = [int(i) for i in uow.execute(persons).scalars()]
    if not dry_run:
        # Journalled (keyed hashes) so a restored backup purges them again.
        erasure_journal.record_purges(uow, ids)
        for i in range(0, len(ids), CHUNK):
            _purge_chunk(uow, ids[i : i + CHUNK])
    return len(ids)


def _unlink_contact_persons(uow: UnitOfWork, organisations: list[int]) -> None:
    """The links of contact persons to organisations purged go with them: a link is the contact
    person's data (their erasure removes it) but cannot outlive the organisation it names. The
    contact persons themselves, their contact points and their rights records stay."""
    links = contact_person.c
    linked = select(links.person_id).where(links.organisation_id.in_(organisations))
    persons = sorted({int(p) for p in uow.execute(linked).scalars()})
    if not persons:
        return
    uow.execute(delete(contact_person).where(links.organisation_id.in_(organisations)))
    uow.note_change(persons, [Category.CONTACT], "organisation erased: contact person link")


def _purge_chunk(uow: UnitOfWork, chunk: list[int]) -> None:
    erase_readings(uow, chunk)
    _unlink_contact_persons(uow, chunk)
    specs = {s.name: s for s in personal_tables(uow.catalogue) if s.name not in SEPARATELY_HANDLED}
    # Rows reached through contracts (sites, metering points, devices) are found before the
    # contracts go; a site someone else also lived at stays.
    reached: dict[str, list[int]] = {}
    for name, spec in specs.items():
        assert spec.subject is not None
        t = table_of(name)
        # (tables keyed otherwise than by id are found live: nothing on their path goes first)
        if len(spec.subject) > 1 and "rights_request.id" not in spec.subject and "id" in t.c:
            reached[name] = list(
                uow.execute(select(t.c.id).where(only_theirs(spec, chunk))).scalars()
            )
    for t in tables_children_first(uow):
        spec = specs[t.name]
        assert spec.subject is not None
        if t in UNLINKED or "rights_request.id" in spec.subject:
            continue
        attrs = list(uow.catalogue.for_table(t.name))
        if t.name in reached:
            rows = reached[t.name]
            for i in range(0, len(rows), CHUNK):
                erase_rows(uow, t, t.c.id.in_(rows[i : i + CHUNK]), attrs)
        else:
            erase_rows(uow, t, only_theirs(spec, chunk), attrs)
    uow.execute(
        update(rights_request)
        .where(rights_request.c.person_id.in_(chunk))
        .values(person_id=None, details=None)
    )
    uow.execute(
        update(recipient_notification)
        .where(recipient_notification.c.person_id.in_(chunk))
        .values(person_id=None)
    )
