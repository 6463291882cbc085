"""The shapes of catalogue entries: personal attributes, retention rules, tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from rekisteri.domain.requests import add_months
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
)


class Anchor(StrEnum):
    """The moment a retention period counts from."""

    RELATIONSHIP_END = (
        "relationship_end"  # the person's last contract ended, or a prospect's permission lapsed
    )
    CONTRACT_END = "contract_end"  # the contract the row belongs to ended
    RECORDED = "recorded"  # the row itself was made (a call, a contact, a reading)


class OnErasure(StrEnum):
    ERASE = "erase"  # no legal reason to keep: erased when the person asks
    KEEP_RESTRICTED = (
        "keep_restricted"  # a law keeps it: restricted now, purged when the period ends
    )


_NO_WORDS = Words("", "", "")


@dataclass(frozen=True)
class RetentionRule:
    name: str
    anchor: Anchor
    months: int
    on_erasure: OnErasure
    legal_reason: str | None = None
    # The name of the setting that overrides `months` (e.g. "contract_retention_years").
    setting: str | None = None
    words: Words = _NO_WORDS

    def describe(self, lang: Lang | str) -> str:
        """How long the data is kept, said in `lang`."""
        return self.words.in_(lang)

    # The two day rules everything shares (services/rights/periods gives them the settings'
    # period): the person is told `last_day`, the retention run removes what is anchored
    # before `first_kept`, and the two agree to the day.
    def last_day(self, anchor: dt.date, months: int | None = None) -> dt.date:
        """The last day data anchored on `anchor` is kept (it goes the day after)."""
        return add_months(anchor, self.months if months is None else months)

    def first_kept(self, today: dt.date, months: int | None = None) -> dt.date:
        """The earliest anchor day whose data is still kept on `today`: what is anchored
        before it goes. Not simply `today` less the period: data anchored on 28 February is
        kept to 28 March, and 31 March less a month is 28 February again."""
        m = self.months if months is None else months
        day = add_months(today, -m)
        while add_months(day, m) < today:
            day += dt.timedelta(days=1)
        return day


Masker = Callable[[str], str]


@dataclass(frozen=True)
class Attribute:
    """One personal attribute, declared once. Everything else is derived from it."""

    key: str  # "<table>.<name>", the name used in history, audit and reports
    table: str
    columns: tuple[str, ...]
    category: Category
    purposes: frozenset[Purpose]
    basis: LawfulBasis
    sources: frozenset[Source]
    retention: RetentionRule
    words: Words
    sensitivity: Sensitivity = Sensitivity.PLAIN
    # Reading roles beyond the category's defaults (for example identity codes).
    reading: Mapping[Role, Visibility] = field(default_factory=dict)
    masker: Masker | None = None
    # Identifies the person directly (erased or anonymised first).
    identifying: bool = False

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    def label(self, lang: Lang | str) -> str:
        """The attribute's name in `lang`."""
        return self.words.in_(lang)


@dataclass(frozen=True)
class ViewSpec:
    """Where a table's rows stand in the person view (`customer show`, the API, the pages).

    `section` names the list of the person's rows; `order` the column they are sorted by;
    `links` the structural columns shown beside the attributes so readers can relate rows (a
    contract's site); `within` a table whose entries hold these rows instead of a section of
    their own (a site's metering points), related by the first column of the subject path.
    """

    section: str
    order: str = "id"
    links: tuple[str, ...] = ()
    within: str | None = None


@dataclass(frozen=True)
class TableSpec:
    """How a table's rows belong to a person, and which of its columns are not personal data.

    `subject` is a join path from the table to person.id: ("person_id",) for a direct link, or
    hops such as ("site_id", "contract.site_id", "contract.person_id") for data reached
    through a contract. Structural columns (keys, provenance) are listed with the reason they are
    not attributes; every other column must be an attribute.
    """

    name: str
    structural: frozenset[str]
    subject: tuple[str, ...] | None
    personal: bool = True
    why_not_personal: str = ""
    # How the person view shows the table's rows; None: not in the view (the person row is
    # its head; history, readings, the audit trail and derived copies have their own).
    view: ViewSpec | None = None


@dataclass(frozen=True)
class Storage:
    """A place outside the database that keeps copies of some attributes (the readings
    archive of columnar files). Erasure, retention and the access package reach it
    (services/archive); the privacy statement says where the copies are kept (`words`, shown
    when the storage is in use)."""

    key: str
    category: Category
    attributes: tuple[str, ...]
    words: Words
