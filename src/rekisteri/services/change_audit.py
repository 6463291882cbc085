"""The audit of changes, made automatic: every INSERT, UPDATE and DELETE a unit of work sends
to a personal table is seen here, and the persons it touches and the categories it changes are
noted for the unit's change entry. No service has to remember to note a change.

A statement's persons are found through the catalogue's subject paths: an UPDATE or DELETE's
rows are looked up with its own WHERE before it runs; an INSERT's from its values (directly for
tables keyed by person, through the path for the others, e.g. a metering point's site). A row
that links other tables to a person (a contract links its site, metering points and devices)
changes those tables' data of the person too, so their categories are noted with it.

Bulk loads through the driver (adapters/bulk) hand their rows to the tracker of their
connection once loaded, so they are noted the same way. Other writes that do not go through
SQLAlchemy statements (the readings store's own loads, database triggers) are not seen here:
their services note them (the readings import names the persons whose contract periods its
readings fall in), and `tests/e2e/test_change_audit.py` walks every
mutating route and command to prove nothing is missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Delete, Insert, Select, Table, Update, event, select
from sqlalchemy.sql.elements import BindParameter, ColumnElement

from rekisteri.adapters.bulk import BULK_LISTENERS
from rekisteri.adapters.value_sets import batches, one_of
from rekisteri.catalogue import Catalogue, Category, TableSpec

# The trail itself, and tables only database triggers write (they copy rows whose own changes
# are noted): nothing to note when they change.
NOT_NOTED = frozenset({"audit_entry", "audit_subject", "person_reach"})


def _hops(spec: TableSpec) -> list[tuple[str, str]]:
    path = spec.subject or ()
    return [(path[i], path[i + 1]) for i in range(1, len(path), 2)]


def _forward(tables: Mapping[str, Table], spec: TableSpec, first: Select[Any]) -> Select[Any]:
    """The person ids reached from values of the path's first column (a select of them)."""
    current = first
    for join, out in _hops(spec):
        table_name, join_col = join.split(".")
        out_col = out.split(".")[1]
        t = tables[table_name]
        current = select(t.c[out_col]).where(t.c[join_col].in_(current.scalar_subquery()))
    return current


class ChangeTracker:
    """Listens to one connection for the life of a unit of work; `noted` hands over what it saw
    as (person ids, categories, what) triples."""

    def __init__(self, connection: Connection, catalogue: Catalogue) -> None:
        self.connection = connection
        self.catalogue = catalogue
        self.tables: dict[str, Table] = {}
        self.noted: list[tuple[set[int], set[Category], str]] = []
        self._busy = False
        event.listen(connection, "before_execute", self._before)
        event.listen(connection, "after_execute", self._after)
        connection.info.setdefault(BULK_LISTENERS, []).append(self._bulk)

    def close(self) -> None:
        event.remove(self.connection, "before_execute", self._before)
        event.remove(self.connection, "after_execute", self._after)
        self.connection.info[BULK_LISTENERS].remove(self._bulk)

    # -- what a table's change means -------------------------------------------------------

    def _spec(self, table: Any) -> TableSpec | None:
        if not isinstance(table, Table) or table.name in NOT_NOTED:
            return None
        spec = self.catalogue.tables.get(table.name)
        if spec is None or not spec.personal or spec.subject is None:
            return None
        self.tables.setdefault(table.name, table)
        for other in table.metadata.tables.values():
            self.tables.setdefault(other.name, other)
        return spec

    def _categories(self, spec: TableSpec, columns: Iterable[str] | None) -> set[Category]:
        """The categories a change of `columns` (None: whole rows) of the table changes, with
        those of the tables whose path to a person runs through it."""
        attrs = self.catalogue.for_table(spec.name)
        chosen = {a.category for a in attrs if columns is None or set(a.columns) & set(columns)}
        if not chosen:  # a structural column (a validity, a link) of the table's rows
            chosen = {a.category for a in attrs}
        for other in self.catalogue.tables.values():
            if other.subject and any(p.startswith(f"{spec.name}.") for p in other.subject):
                chosen |= {a.category for a in self.catalogue.for_table(other.name)}
        return chosen

    def _persons(self, spec: TableSpec, first: Select[Any]) -> set[int]:
        query = _forward(self.tables, spec, first)
        return {int(p) for p in self._quietly(query) if p is not None}

    def _quietly(self, query: Select[Any]) -> list[Any]:
        # The tracker's own look-ups are reads of ids, not changes: not tracked themselves.
        self._busy = True
        try:
            return list(self.connection.execute(query).scalars())
        finally:
            self._busy = False

    # -- the listeners ---------------------------------------------------------------------

    def _before(self, conn: Any, clause: Any, multiparams: Any, params: Any, options: Any) -> None:
        if self._busy or not isinstance(clause, Update | Delete):
            return
        spec = self._spec(clause.table)
        if spec is None:
            return
        assert spec.subject is not None
        table = self.tables[spec.name]
        first = select(table.c[spec.subject[0]])
        if clause.whereclause is not None:
            first = first.where(clause.whereclause)
        persons: set[int] = set()
        parameter_sets = _parameter_sets(multiparams, params)
        for bound in parameter_sets:
            query = first.params(bound) if bound else first
            persons |= self._persons(spec, query)
        columns = (
            _set_columns(clause, table, parameter_sets) if isinstance(clause, Update) else None
        )
        verb = "change" if isinstance(clause, Update) else "delete"
        self.noted.append((persons, self._categories(spec, columns), f"{verb} {table.name}"))

    def _after(
        self,
        conn: Any,
        clause: Any,
        multiparams: Any,
        params: Any,
        options: Any,
        result: Any,
    ) -> None:
        if self._busy or not isinstance(clause, Insert):
            return
        spec = self._spec(clause.table)
        if spec is None:
            return
        assert spec.subject is not None
        table = self.tables[spec.name]
        column = spec.subject[0]
        firsts: list[Any] | Select[Any]
        if clause.select is not None:  # INSERT ... SELECT: the link values the select gives
            names = list(clause._select_names or [])
            sub = clause.select.subquery()
            picked = [col for name, col in zip(names, sub.c, strict=False) if name == column]
            firsts = select(picked[0]) if picked else []
        elif column == "id":  # the person table itself: the new row's own id
            firsts = [k[0] for k in (result.inserted_primary_key_rows or []) if k]
        else:
            firsts = [
                self._asked((given | row).get(column))
                for given in _given_rows(clause)
                for row in _parameter_sets(multiparams, params)
            ]
        if isinstance(firsts, Select):
            persons = self._persons(spec, firsts)
        else:
            known = list(dict.fromkeys(v for v in firsts if v is not None))
            if not known:
                persons = set()
            elif len(spec.subject) == 1:
                persons = {int(v) for v in known}
            else:
                persons = self._linked(spec, known)
        self.noted.append((persons, self._categories(spec, None), f"add {table.name}"))

    def _asked(self, value: Any) -> Any:
        """A link value the INSERT gave as SQL (a subquery, a function) asked of the database:
        what it gives now is what the insert stored."""
        if not isinstance(value, ColumnElement):
            return value
        found = self._quietly(select(value))
        return found[0] if found else None

    def _bulk(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Rows a bulk load put in (they are in the table now: multi-hop paths are followed
        from the stored rows, a batch of link values at a time)."""
        spec = self._spec(table)
        if spec is None:
            return
        assert spec.subject is not None
        column = spec.subject[0]
        known = sorted({row[column] for row in rows if row.get(column) is not None})
        direct = len(spec.subject) == 1
        persons = {int(v) for v in known} if direct else self._linked(spec, known)
        self.noted.append((persons, self._categories(spec, None), f"load {table.name}"))

    def _linked(self, spec: TableSpec, known: Sequence[Any]) -> set[int]:
        """The persons stored rows with these link values lead to, a batch of values at a time
        (adapters/value_sets: one array on PostgreSQL, a few hundred on SQLite)."""
        assert spec.subject is not None
        link = self.tables[spec.name].c[spec.subject[0]]
        dialect = self.connection.dialect.name
        persons: set[int] = set()
        for chunk in batches(dialect, known):
            persons |= self._persons(
                spec, select(link).where(one_of(dialect, link, chunk)).distinct()
            )
        return persons


def _given_rows(clause: Insert) -> list[dict[str, Any]]:
    """The rows an INSERT's own VALUES clause gives, read from the statement: compiling every
    INSERT again to read its parameters cost more than the insert itself. A value that is SQL
    stays SQL (`ChangeTracker._asked` asks the database for it)."""

    def row(pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
        return {
            getattr(k, "key", str(k)): v.effective_value if isinstance(v, BindParameter) else v
            for k, v in pairs
        }

    if clause._multi_values:
        return [
            row(r.items() if isinstance(r, Mapping) else zip(clause.table.c, r, strict=False))
            for group in clause._multi_values
            for r in group
        ]
    return [row((clause._values or {}).items())]


def _parameter_sets(multiparams: Any, params: Any) -> list[dict[str, Any]]:
    """The statement's parameter sets (one empty set when the values are in the statement)."""
    found: list[dict[str, Any]] = []
    for item in multiparams or ():
        if isinstance(item, Mapping):
            found.append(dict(item))
        elif isinstance(item, Sequence) and not isinstance(item, str | bytes):
            found.extend(dict(x) for x in item if isinstance(x, Mapping))
    if params:
        found.append(dict(params))
    return found or [{}]


def _set_columns(clause: Update, table: Table, parameter_sets: list[dict[str, Any]]) -> list[str]:
    """The columns an UPDATE sets: its SET clause, or the parameters naming table columns."""
    values: Mapping[Any, Any] = clause._values or {}
    named = [getattr(k, "key", str(k)) for k in values]
    return named or sorted({k for p in parameter_sets for k in p if k in table.c})
