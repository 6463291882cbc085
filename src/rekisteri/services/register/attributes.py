"""The one way a stored row's personal attributes change, driven by the catalogue.

Rectifying a person and changing a site or billing account all come here: each field is found
as an attribute of the row's table in the catalogue, checked by that attribute's rule
(domain/attribute_rules), sealed when the catalogue marks it ENCRYPTED, and recorded in the
history (P12) with the provenance of the change, whose source the catalogue must allow for the
attribute (P2). A new row's attributes meet the same sources and sealing (`received`). No
attribute is named here: a newly declared encrypted attribute is sealed like the identity code
and the bank account are.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Update, select, update

from rekisteri.adapters.bulk import bulk_insert
from rekisteri.adapters.crypto import Sealed
from rekisteri.adapters.schema.register import attribute_change
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.catalogue import Attribute, Catalogue, Sensitivity
from rekisteri.domain import attribute_rules as rules
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.register import Provenance
from rekisteri.domain.vocabulary import Source
from rekisteri.services.register.history import ChangeRows, record_change
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Written:
    """A field that changed, and the attribute whose history records it."""

    field: str
    attribute: str


@dataclass(frozen=True)
class Target:
    """Where a field of a table is stored, and the rule its value answers to."""

    attribute: Attribute
    rule: str  # the rule's key
    column: str | None  # None: an encrypted attribute, stored sealed in its columns


def target_of(catalogue: Catalogue, table: Table, field: str, writable: Collection[str]) -> Target:
    """The attribute a field names: an encrypted attribute by its name (its columns hold the
    sealed value, never written directly), any other by the column it is stored in."""
    refused = InvalidInput(field, f"is not an attribute of {table.name} that can be changed")
    attr = catalogue.attribute_of(table.name, field) if field in writable else None
    if attr is None:
        raise refused
    if attr.sensitivity is Sensitivity.ENCRYPTED:
        return Target(attr, rules.key_of(attr.key), None)
    return Target(attr, rules.key_of(attr.key, field), field)


def _stored(
    target: Target, field: str, value: Any, given: rules.Given, rule_book: Mapping[str, rules.Rule]
) -> Any:
    new = rules.check(target.rule, value, field, given, rule_book)
    return new.value if isinstance(new, Enum) else new  # the column holds the enum's value


def checked(
    uow: UnitOfWork,
    table: Table,
    field: str,
    value: Any,
    *,
    writable: Collection[str],
    given: rules.Given | None = None,
) -> Any:
    """The value `field` of `table` would be stored as, or InvalidInput naming the field (for
    callers that must look at a value before writing it)."""
    target = target_of(uow.catalogue, table, field, writable)
    return _stored(target, field, value, given or rules.Given(today=uow.today()), rules.RULES)


def checker(
    uow: UnitOfWork,
    table: Table,
    field: str,
    *,
    writable: Collection[str],
    given: rules.Given | None = None,
) -> Callable[[Any], Any]:
    """`checked` for many values of one field: the attribute and its rule found once (an
    import checks each record's values before writing, to name the record that breaks one).
    A text met before is answered as it was then (a rule is a function of the value, the field
    and what it is given): a file's post offices, postal codes and first names repeat."""
    target = target_of(uow.catalogue, table, field, writable)
    context = given or rules.Given(today=uow.today())
    answers: dict[str, Any] = {}

    def check(value: Any) -> Any:
        if type(value) is not str:  # only texts: True and 1 are equal keys, not equal values
            return _stored(target, field, value, context, rules.RULES)
        try:
            return answers[value]
        except KeyError:
            answer = answers[value] = _stored(target, field, value, context, rules.RULES)
            return answer

    _CHECKERS[check] = (table.name, field, context)
    return check


# What each checker `checker` made checks (weakly held): the table, the field and what its rule
# was given. `write_attributes_many` trusts a value as checked only by its field's own checker.
_CHECKERS: weakref.WeakKeyDictionary[Callable[[Any], Any], tuple[str, str, rules.Given]] = (
    weakref.WeakKeyDictionary()
)


def _checked_by_rule(
    check: Callable[[Any], Any] | None, table: Table, field: str, given: rules.Given
) -> bool:
    """Whether `check` is the checker of this table's field under this same context."""
    return check is not None and _CHECKERS.get(check) == (table.name, field, given)


def _sealed_columns(attr: Attribute, sealed: Sealed | None) -> dict[str, Any]:
    # An encrypted attribute declares its columns as ciphertext, key id, blind index, in the
    # order schema.base.encrypted_columns makes them.
    ciphertext, key_id, blind_index = attr.columns
    if sealed is None:
        return dict.fromkeys(attr.columns)
    return {ciphertext: sealed.ciphertext, key_id: sealed.key_id, blind_index: sealed.blind_index}


def sealed_columns(uow: UnitOfWork, attr: Attribute, value: str | None) -> dict[str, Any]:
    """The column values that hold `value` of an encrypted attribute (all None for no value)."""
    return _sealed_columns(attr, None if value is None else uow.cipher.seal(attr.key, value))


def received(
    uow: UnitOfWork, table: Table, fields: Mapping[str, Any], provenance: Provenance
) -> dict[str, Any]:
    """The columns to insert for the attributes a new row of `table` was given: each with a value
    from a source the catalogue allows for it (P2; InvalidInput naming the first that is not),
    an encrypted attribute sealed into its columns. Columns the register makes itself (numbers,
    timestamps, keys) are not given here: no source speaks of them."""
    given = [f for f, v in fields.items() if v is not None]
    uow.catalogue.require_source(table.name, given, provenance.source)
    columns: dict[str, Any] = {}
    for field, value in fields.items():
        attr = uow.catalogue.attribute_of(table.name, field)
        if attr is not None and attr.sensitivity is Sensitivity.ENCRYPTED:
            columns.update(sealed_columns(uow, attr, value))
        else:
            columns[field] = value
    return columns


def received_many(
    uow: UnitOfWork,
    table: Table,
    rows: Sequence[tuple[Mapping[str, Any], Provenance]],
) -> list[dict[str, Any]]:
    """`received` for many new rows of one table (an import's 50,000 addresses): the same
    sources checked (P2) and the same sealing, but each set of given fields is checked against
    each source once, and each field's attribute found once, not for every row."""
    allowed: set[tuple[tuple[str, ...], Source]] = set()
    encrypted: dict[str, Attribute | None] = {}
    out: list[dict[str, Any]] = []
    for fields, provenance in rows:
        given = tuple(f for f, v in fields.items() if v is not None)  # the first refused named
        if (given, provenance.source) not in allowed:
            uow.catalogue.require_source(table.name, given, provenance.source)
            allowed.add((given, provenance.source))
        columns: dict[str, Any] = {}
        for field, value in fields.items():
            if field not in encrypted:
                attr = uow.catalogue.attribute_of(table.name, field)
                sealed = attr is not None and attr.sensitivity is Sensitivity.ENCRYPTED
                encrypted[field] = attr if sealed else None
            attr = encrypted[field]
            if attr is not None:
                columns.update(sealed_columns(uow, attr, value))
            else:
                columns[field] = value
        out.append(columns)
    return out


def blind_index_column(table: Table, attr: Attribute) -> Column[Any]:
    """The column an encrypted attribute is looked up by."""
    return table.c[attr.columns[2]]


def opened(uow: UnitOfWork, row: Any, attr: Attribute) -> str | None:
    """An encrypted attribute's value in a row, opened."""
    return _opened(uow, row._mapping, attr)


def _opened(uow: UnitOfWork, held: Mapping[str, Any], attr: Attribute) -> str | None:
    ciphertext, key_id, _ = (held[c] for c in attr.columns)
    return None if ciphertext is None else uow.cipher.open(attr.key, ciphertext, key_id)


def stored(
    uow: UnitOfWork, table: Table, row: Any, field: str, *, writable: Collection[str]
) -> Any:
    """What `field` holds in a row of `table` now (opened when the attribute is encrypted)."""
    return _current(uow, row, target_of(uow.catalogue, table, field, writable))


def _current(uow: UnitOfWork, row: Any, target: Target) -> Any:
    if target.column is None:
        return opened(uow, row, target.attribute)
    return row._mapping[target.column]


def validated(
    uow: UnitOfWork,
    table: Table,
    changes: Mapping[str, Any],
    provenance: Provenance,
    *,
    writable: Collection[str],
    given: rules.Given | None = None,
    rule_book: Mapping[str, rules.Rule] = rules.RULES,
) -> dict[str, Any]:
    """The values `changes` would be stored as, or InvalidInput naming the first field that is
    not writable, comes from a source the catalogue does not allow, or breaks its rule. Writes
    nothing: a change asked for now and applied later (a rectification request) is checked
    here exactly as `write_attributes` checks it."""
    if not changes:
        raise InvalidInput("changes", "nothing to change")
    targets = {f: target_of(uow.catalogue, table, f, writable) for f in changes}
    uow.catalogue.require_source(table.name, changes, provenance.source)
    context = given or rules.Given(today=uow.today())
    return {f: _stored(targets[f], f, v, context, rule_book) for f, v in changes.items()}


def write_attributes(
    uow: UnitOfWork,
    table: Table,
    row_id: int,
    person_id: int | None,
    changes: Mapping[str, Any],
    reason: str,
    provenance: Provenance,
    *,
    writable: Collection[str],
    given: rules.Given | None = None,
    rule_book: Mapping[str, rules.Rule] = rules.RULES,
) -> list[Written]:
    """Change the fields of one row that differ from `changes`; returns those that changed.

    Every field must be in `writable` and is checked before anything is written. `person_id`
    is whose history the change goes to (None when the row belongs to nobody now).
    """
    why = values.required_text(reason, "reason", max_len=300)
    targets = {f: target_of(uow.catalogue, table, f, writable) for f in changes}
    new = validated(
        uow, table, changes, provenance, writable=writable, given=given, rule_book=rule_book
    )
    row = uow.execute(select(table).where(table.c.id == row_id)).first()
    if row is None:
        raise NotFound(table.name, row_id)
    columns: dict[str, Any] = {}
    written: list[Written] = []
    for field, value in new.items():
        target = targets[field]
        attr = target.attribute
        old = _current(uow, row, target)
        if old == value:
            continue
        if target.column is None:
            columns.update(sealed_columns(uow, attr, value))
        else:
            columns[target.column] = value
        record_change(
            uow,
            person_id=person_id,
            table=table.name,
            row_id=row_id,
            attribute=attr.key,
            old=old,
            new=value,
            reason=why,
            provenance=provenance,
        )
        written.append(Written(field, attr.key))
    if columns:
        # The row keeps the provenance it arrived with; each changed attribute's own source is
        # in its history entry (history.latest_sources).
        uow.execute(update(table).where(table.c.id == row_id).values(**columns))
    return written


@dataclass(frozen=True)
class RowChange:
    """The fields to change in one row, and whose history the change goes to."""

    row_id: int
    person_id: int | None
    changes: Mapping[str, Any]
    # Where this row's values came from, when it is more exact than the call's (a file's
    # record); its source must be the call's, which the catalogue checks once for all rows.
    provenance: Provenance | None = None


def write_attributes_many(
    uow: UnitOfWork,
    table: Table,
    rows: Sequence[RowChange],
    reason: str,
    provenance: Provenance,
    *,
    writable: Collection[str],
    given: rules.Given | None = None,
    rule_book: Mapping[str, rules.Rule] = rules.RULES,
    held: Mapping[int, Mapping[str, Any]] | None = None,
    checked_by: Mapping[str, Callable[[Any], Any]] | None = None,
) -> int:
    """`write_attributes` for many rows of one table (an import settling 100,000 invoices):
    every value checked by the same rules and sources before anything is written, the same
    history entry for each field that changed, but set-based: one read of the rows, one UPDATE
    per set of equal new values and batch of ids (adapters/value_sets: a few hundred on SQLite,
    one array of thousands on PostgreSQL), the history bulk-loaded. Returns how many fields
    changed.

    A caller that has looked at the rows and values first (the population register's changes
    weigh each against the stored one) need not have them read and checked twice: `held` gives
    the rows as it read them in this transaction (by id: each row's columns by name, at least
    those the fields are stored in), and `checked_by` the `checker` of each field it checked
    the values with (each value then already in the form its rule stores; a field without its
    checker here is checked again)."""
    if not rows:
        return 0
    why = values.required_text(reason, "reason", max_len=300)
    fields = sorted({f for r in rows for f in r.changes})
    targets = {f: target_of(uow.catalogue, table, f, writable) for f in fields}
    uow.catalogue.require_source(table.name, fields, provenance.source)
    context = given or rules.Given(today=uow.today())
    trusted = {
        f
        for f in fields
        if checked_by is not None
        and rule_book is rules.RULES
        and _checked_by_rule(checked_by.get(f), table, f, context)
    }
    new = [
        {
            f: v if f in trusted else _stored(targets[f], f, v, context, rule_book)
            for f, v in r.changes.items()
        }
        for r in rows
    ]
    dialect = uow.connection.dialect.name
    current: Mapping[int, Mapping[str, Any]] = held if held is not None else {}
    if held is None:
        ids = sorted({r.row_id for r in rows})
        # Only the columns the fields are stored in: a whole row (provenance, times) costs
        # more to fetch and convert than the change itself, at 100,000 rows.
        needed = dict.fromkeys(
            [table.c.id]
            + [
                table.c[c]
                for t in targets.values()
                for c in ((t.column,) if t.column is not None else t.attribute.columns)
            ]
        )
        read: dict[int, Mapping[str, Any]] = {}
        for chunk in batches(dialect, ids):
            query = select(*needed).where(one_of(dialect, table.c.id, chunk))
            read |= {row.id: row._mapping for row in uow.execute(query)}
        current = read
    history: list[dict[str, Any]] = []
    change_row = ChangeRows(uow)
    same_values: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    for r, stored_as in zip(rows, new, strict=True):
        if r.provenance is not None and r.provenance.source != provenance.source:
            raise InvalidInput("source", "differs between the rows of one change")
        row = current.get(r.row_id)
        if row is None:
            raise NotFound(table.name, r.row_id)
        columns: dict[str, Any] = {}
        for field, value in stored_as.items():
            target = targets[field]
            old = (
                row[target.column]
                if target.column is not None
                else _opened(uow, row, target.attribute)
            )
            if old == value:
                continue
            if target.column is None:
                columns.update(sealed_columns(uow, target.attribute, value))
            else:
                columns[target.column] = value
            history.append(
                change_row(
                    person_id=r.person_id,
                    table=table.name,
                    row_id=r.row_id,
                    attribute=target.attribute.key,
                    old=old,
                    new=value,
                    reason=why,
                    provenance=r.provenance or provenance,
                )
            )
        if columns:
            same_values.setdefault(tuple(sorted(columns.items())), []).append(r.row_id)
    update_rows(uow, table, same_values)
    bulk_insert(uow.connection, attribute_change, history)
    changed = {h["attribute"] for h in history}
    persons = {int(h["person_id"]) for h in history if h["person_id"] is not None}
    if changed:
        uow.note_change(
            persons,
            {uow.catalogue[a].category for a in changed},
            f"change {', '.join(sorted(changed))}",
        )
    return len(history)


# More sets of equal new values than this (names, addresses: nearly one per row) are not sent
# as one UPDATE each: the new values are bulk-loaded into a temporary table and each set of
# changed columns is one UPDATE ... FROM it.
ONE_BY_ONE = 50


def update_rows(
    uow: UnitOfWork, table: Table, same_values: Mapping[tuple[tuple[str, Any], ...], list[int]]
) -> None:
    """Set the rows' columns, given as {((column, new value), ...): ids}: one UPDATE per set and
    batch of ids when the sets are few, else the values loaded and one UPDATE per set of
    columns. Only the statements: the caller records each change's history."""
    if len(same_values) > ONE_BY_ONE:
        _update_from_loaded(uow, table, same_values)
        return
    dialect = uow.connection.dialect.name
    for columns_set, row_ids in same_values.items():
        for chunk in batches(dialect, row_ids):
            uow.execute(
                update(table).where(one_of(dialect, table.c.id, chunk)).values(dict(columns_set))
            )


def _update_from_loaded(
    uow: UnitOfWork, table: Table, same_values: Mapping[tuple[tuple[str, Any], ...], list[int]]
) -> None:
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for columns_set, row_ids in same_values.items():
        names = tuple(c for c, _ in columns_set)
        rows = by_columns.setdefault(names, [])
        rows.extend({"id": i, **dict(columns_set)} for i in row_ids)
    conn = uow.connection
    for n, (names, rows) in enumerate(sorted(by_columns.items())):
        loaded = Table(
            f"write_many_{n}",
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=False),
            *(Column(c, table.c[c].type) for c in names),
            prefixes=["TEMPORARY"],
        )
        # Made and dropped inside the unit's transaction: a failure rolls its creation back.
        loaded.drop(conn, checkfirst=True)
        loaded.create(conn)
        bulk_insert(conn, loaded, rows)  # no table of the catalogue: not itself a change
        # The change audit finds the persons with this same condition (services/change_audit):
        # one look-up for the whole set.
        uow.execute(_update_from(conn.dialect.name, table, loaded, names))
        loaded.drop(conn)


def _update_from(dialect: str, table: Table, loaded: Table, names: Sequence[str]) -> Update:
    """The UPDATE of `table`'s rows named in `loaded` to its values."""
    if dialect == "sqlite":
        # SQLite has no statistics of a table just loaded and plans UPDATE ... FROM (and the
        # change audit's look-up with the same join) as a scan of the whole target table, a
        # million persons for a few thousand changes: its rows are found by id instead.
        return (
            update(table)
            .where(table.c.id.in_(select(loaded.c.id)))
            .values(
                {
                    c: select(loaded.c[c]).where(loaded.c.id == table.c.id).scalar_subquery()
                    for c in names
                }
            )
        )
    return update(table).where(table.c.id == loaded.c.id).values({c: loaded.c[c] for c in names})
