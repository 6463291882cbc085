"""Whose rows are whose: conditions built from each TableSpec's `subject` path to person.id.

A path is ("person_id",) for a direct link, or a column followed by (join column, next column)
pairs, e.g. site: ("id", "contract.site_id", "contract.person_id"). Every rights service finds a
person's rows through these conditions, so a table added to the catalogue is covered at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, exists, not_, select

from rekisteri.adapters.schema import metadata
from rekisteri.catalogue import Catalogue, TableSpec

Persons = int | list[int] | Select[Any]  # one person, some, or a query of them (set-based)


def table_of(name: str) -> Table:
    return metadata.tables[name]


def _match(column: Any, persons: Persons, negate: bool) -> ColumnElement[bool]:
    if isinstance(persons, int):
        return column != persons if negate else column == persons  # type: ignore[no-any-return]
    cond = column.in_(persons)
    return not_(cond) if negate else cond  # type: ignore[no-any-return]


def _hops(spec: TableSpec) -> list[tuple[str, str]]:
    path = spec.subject
    assert path is not None, f"{spec.name} has no subject path"
    return [(path[i], path[i + 1]) for i in range(1, len(path), 2)]


def _chain(hops: list[tuple[str, str]], persons: Persons, others: bool) -> Select[Any]:
    """The join column of the first hop's table, for its rows whose chain ends at the persons
    (or, `others`, at someone outside them)."""
    last_join, last_out = hops[-1]
    t_name, out_col = last_out.split(".")
    cond: ColumnElement[bool] = _match(table_of(t_name).c[out_col], persons, others)
    sub = select(table_of(t_name).c[last_join.split(".")[1]]).where(cond)
    for join, out in reversed(hops[:-1]):
        t_name, out_col = out.split(".")
        t = table_of(t_name)
        sub = select(t.c[join.split(".")[1]]).where(t.c[out_col].in_(sub))
    return sub


def _reach(spec: TableSpec, persons: Persons, *, others: bool) -> ColumnElement[bool]:
    own = table_of(spec.name)
    assert spec.subject is not None, f"{spec.name} has no subject path"
    if len(spec.subject) == 1:
        return _match(own.c[spec.subject[0]], persons, others)
    return own.c[spec.subject[0]].in_(_chain(_hops(spec), persons, others))


def belongs_to(spec: TableSpec, persons: Persons) -> ColumnElement[bool]:
    """Rows of the table that belong to the person(s)."""
    return _reach(spec, persons, others=False)


def only_theirs(spec: TableSpec, persons: Persons) -> ColumnElement[bool]:
    """Rows that belong to the person(s) and to no one else (a site someone else moved into
    afterwards is that person's site too, and is not erased for the first one)."""
    mine = belongs_to(spec, persons)
    assert spec.subject is not None
    if len(spec.subject) == 1:
        return mine
    return and_(mine, not_(_reach_others(spec, persons)))


def _reach_others(spec: TableSpec, persons: Persons) -> ColumnElement[bool]:
    """Rows reached from a person outside `persons` (a path of more than one table). The first
    hop is correlated (an index probe per candidate row, e.g. the contracts of one site) rather
    than a list of every row anyone else reaches."""
    own = table_of(spec.name)
    assert spec.subject is not None
    hops = _hops(spec)
    join, out = hops[0]
    t_name, out_col = out.split(".")
    first = table_of(t_name)
    if len(hops) == 1:
        onward = _match(first.c[out_col], persons, True)
    else:
        onward = first.c[out_col].in_(_chain(hops[1:], persons, True))
    return exists().where(first.c[join.split(".")[1]] == own.c[spec.subject[0]], onward)


def personal_tables(cat: Catalogue) -> Iterator[TableSpec]:
    """The catalogue's personal tables that have a path to a person, in declaration order."""
    for spec in cat.tables.values():
        if spec.personal and spec.subject is not None and spec.name in metadata.tables:
            yield spec
