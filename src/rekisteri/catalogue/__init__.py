"""The personal-data catalogue: every personal attribute the register stores, declared once.

Access reports, erasure, retention, role visibility, masking, audit categories and the privacy
statement are all derived from here. Feature areas add their own declarations by registering
modules in `_MODULES`; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Iterable

from rekisteri.catalogue import breaches as _breaches
from rekisteri.catalogue import consumption as _consumption
from rekisteri.catalogue import credit as _credit
from rekisteri.catalogue import mail as _mail
from rekisteri.catalogue import marketing as _marketing
from rekisteri.catalogue import need_to_know as _need_to_know
from rekisteri.catalogue import protection
from rekisteri.catalogue import register as _register
from rekisteri.catalogue import rights as _rights
from rekisteri.catalogue.model import (
    Anchor,
    Attribute,
    OnErasure,
    RetentionRule,
    Storage,
    TableSpec,
    ViewSpec,
)
from rekisteri.catalogue.readers import CATEGORY_READERS
from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.vocabulary import (
    Category,
    Lang,
    LawfulBasis,
    Purpose,
    Role,
    Sensitivity,
    Source,
    Visibility,
    Words,
    label,
)

__all__ = [
    "Anchor",
    "Attribute",
    "Catalogue",
    "Category",
    "Lang",
    "LawfulBasis",
    "OnErasure",
    "Purpose",
    "RetentionRule",
    "Role",
    "Sensitivity",
    "Source",
    "Storage",
    "TableSpec",
    "ViewSpec",
    "Visibility",
    "Words",
    "catalogue",
    "label",
]


class Catalogue:
    """An immutable view over the declarations, with the lookups everything else needs."""

    def __init__(
        self,
        attributes: Iterable[Attribute],
        tables: Iterable[TableSpec],
        storages: Iterable[Storage] = (),
    ) -> None:
        self.attributes: tuple[Attribute, ...] = tuple(attributes)
        # Places outside the database that keep copies of attributes (the readings archive).
        self.storages: tuple[Storage, ...] = tuple(storages)
        self.tables: dict[str, TableSpec] = {t.name: t for t in tables}
        self._by_key = {a.key: a for a in self.attributes}
        if len(self._by_key) != len(self.attributes):
            raise ValueError("an attribute key is declared twice")
        self._by_column: dict[tuple[str, str], Attribute] = {}
        # Each table's attributes, found once: the write path asks for every field of every
        # row it receives (a billing file brings 100,000 invoices).
        self._by_table: dict[str, tuple[Attribute, ...]] = {}
        for a in self.attributes:
            self._by_table[a.table] = (*self._by_table.get(a.table, ()), a)
        for a in self.attributes:
            if a.table not in self.tables:
                raise ValueError(f"{a.key}: table {a.table} has no TableSpec")
            for col in a.columns:
                if (a.table, col) in self._by_column:
                    raise ValueError(f"{a.table}.{col} belongs to two attributes")
                self._by_column[(a.table, col)] = a
        for storage in self.storages:
            for key in storage.attributes:
                if key not in self._by_key:
                    raise ValueError(f"storage {storage.key}: no attribute {key}")

    def __getitem__(self, key: str) -> Attribute:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def for_table(self, table: str) -> tuple[Attribute, ...]:
        return self._by_table.get(table, ())

    def for_column(self, table: str, column: str) -> Attribute | None:
        return self._by_column.get((table, column))

    def attribute_of(self, table: str, field: str) -> Attribute | None:
        """The attribute a field of a table names: an encrypted one by its name (its columns
        hold the sealed value), any other by the column it is stored in."""
        for a in self.for_table(table):
            if a.sensitivity is Sensitivity.ENCRYPTED and a.name == field:
                return a
        found = self.for_column(table, field)
        return None if found is None or found.sensitivity is Sensitivity.ENCRYPTED else found

    def require_source(self, table: str, fields: Iterable[str], source: Source) -> None:
        """P2: each field given a value must come from a source its attribute declares; the
        first that does not is refused, naming the field and the source (nothing is written,
        since callers check before they write). A field that is no attribute is left to the
        caller, which refuses it in its own words."""
        for field in fields:
            attr = self.attribute_of(table, field)
            if attr is not None and source not in attr.sources:
                allowed = ", ".join(sorted(s.value for s in attr.sources))
                raise InvalidInput(
                    field,
                    f"cannot come from {source.value}: {attr.key} comes only from {allowed} (P2)",
                )

    def categories(self) -> tuple[Category, ...]:
        seen = dict.fromkeys(a.category for a in self.attributes)
        return tuple(seen)

    def visibility(self, attribute: Attribute, role: Role) -> Visibility:
        """How `role` may read `attribute`: the attribute's own rule, else its category's."""
        if attribute.reading:
            return attribute.reading.get(role, Visibility.NONE)
        return CATEGORY_READERS.get(attribute.category, {}).get(role, Visibility.NONE)

    def visibility_for(self, attribute: Attribute, role: Role, *, protected: bool) -> Visibility:
        """How `role` may read `attribute` of one person: as `visibility` says, except an
        address of a person with a turvakielto (`protected`), which only the roles that
        strictly need it read (catalogue/protection.py)."""
        if protection.withheld(attribute.key, role, protected):
            return Visibility.NONE
        return self.visibility(attribute, role)

    def told_protected(self, attribute: Attribute, role: Role | None, *, protected: bool) -> bool:
        """Whether `role` is shown that this withheld address exists and is protected, in
        its place (a role that would read it but for the turvakielto, and is told)."""
        return (
            role is not None
            and protection.withheld(attribute.key, role, protected)
            and role in protection.TOLD_PROTECTED
            and self.visibility(attribute, role) is not Visibility.NONE
        )

    def category_visibility(self, category: Category, role: Role) -> Visibility:
        return CATEGORY_READERS.get(category, {}).get(role, Visibility.NONE)

    def encrypted(self) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.sensitivity is Sensitivity.ENCRYPTED)

    def with_attribute(self, attribute: Attribute) -> Catalogue:
        """A catalogue with one more attribute (tests use it to show derivation works)."""
        return Catalogue((*self.attributes, attribute), self.tables.values(), self.storages)


# Each feature area declares its attributes and tables in a module of this package, listed here.
_MODULES = (
    _register,
    _rights,
    _need_to_know,
    _consumption,
    _marketing,
    _breaches,
    _credit,
    _mail,
)

catalogue = Catalogue(
    (a for m in _MODULES for a in m.ATTRIBUTES),
    (t for m in _MODULES for t in m.TABLES),
    _consumption.STORAGES,
)
