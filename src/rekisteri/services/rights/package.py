"""The access package (Art. 15, P11): everything the register holds on a person
(domain/access_package.py is its shape).

Sections come from small providers in a registry. The catalogue provider walks every personal
table through its subject path and shows every attribute the catalogue declares, so a new column
appears without this code changing; other areas (segments, disclosures) plug in by adding a
provider to SECTION_PROVIDERS. The readings are the consumption area's attribution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.catalogue import (
    Attribute,
    Category,
    Lang,
    Sensitivity,
    Source,
    TableSpec,
    Visibility,
    label,
)
from rekisteri.domain import rights_words
from rekisteri.domain.access_package import (
    AccessPackage,
    Section,
    monthly_totals,
)
from rekisteri.domain.consumption import READING_SCHEMA
from rekisteri.domain.errors import NotFound
from rekisteri.domain.vocabulary import lang_of
from rekisteri.services.access import disclosures
from rekisteri.services.consumption import attribution
from rekisteri.services.marketing import segments
from rekisteri.services.register.history import changes_of
from rekisteri.services.register.presenting import attribute_value
from rekisteri.services.register.subjects import belongs_to, personal_tables, table_of
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass
class PackageContext:
    uow: UnitOfWork
    person_id: int
    lang: Lang
    reveal: bool  # sensitive values in full: only in the person's own package


SectionProvider = Callable[[PackageContext], Iterable[Section]]

SECTION_PROVIDERS: list[SectionProvider] = []
# Tables a dedicated provider shows (the generic catalogue walk skips them).
# Readings are never walked by metering point: that would show the readings of whoever held
# the point before or after the person. They come only through the consumption attribution.
CLAIMED_TABLES: set[str] = {"attribute_change", "disclosure", "reading_block", "reading_correction"}


def readings_of(uow: UnitOfWork, person_id: int) -> pl.DataFrame:
    """The person's readings, only of the periods they held the contract, in the common schema."""
    return attribution.reading_frame_of(uow, person_id).select(list(READING_SCHEMA))


def section_provider(fn: SectionProvider) -> SectionProvider:
    SECTION_PROVIDERS.append(fn)
    return fn


def _column_labels(attr: Attribute, lang: Lang) -> list[tuple[str, str]]:
    if attr.sensitivity is Sensitivity.ENCRYPTED or len(attr.columns) == 1:
        return [(attr.name, attr.label(lang))]
    return [(c, f"{attr.label(lang)}: {c.replace('_', ' ')}") for c in attr.columns]


def _row(ctx: PackageContext, attrs: tuple[Attribute, ...], data: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr in attrs:
        if attr.sensitivity is Sensitivity.ENCRYPTED:
            vis = Visibility.FULL if ctx.reveal else Visibility.MASKED
            out[attr.name] = attribute_value(ctx.uow, attr, data, vis)
        else:
            for c in attr.columns:
                out[c if len(attr.columns) > 1 else attr.name] = data[c]
    if "source" in data:
        src = data["source"]
        known = src in {s.value for s in Source}
        out["source"] = label(Source(src), ctx.lang) if known else src
        out["source_code"] = src
        out["source_detail"] = data.get("source_detail")
        out["received_at"] = data["received_at"]
    return out


def _title(ctx: PackageContext, spec: TableSpec, attrs: tuple[Attribute, ...]) -> str:
    category = attrs[0].category
    shared = sum(
        1
        for t in personal_tables(ctx.uow.catalogue)
        if (a := ctx.uow.catalogue.for_table(t.name)) and a[0].category is category
    )
    base = label(category, ctx.lang)
    return base if shared == 1 else f"{base}: {attrs[0].label(ctx.lang)}"


@section_provider
def catalogue_sections(ctx: PackageContext) -> Iterator[Section]:
    """One section per personal table, every declared attribute, through the subject path."""
    cat = ctx.uow.catalogue
    for spec in personal_tables(cat):
        attrs = cat.for_table(spec.name)
        if spec.name in CLAIMED_TABLES or not attrs:
            continue
        t = table_of(spec.name)
        rows = ctx.uow.execute(
            select(t).where(belongs_to(spec, ctx.person_id)).order_by(*t.primary_key.columns)
        ).mappings()
        columns = [c for a in attrs for c in _column_labels(a, ctx.lang)]
        if "source" in t.c:
            columns.append(("source", rights_words.word("source", ctx.lang)))
        yield Section(
            spec.name,
            _title(ctx, spec, attrs),
            columns,
            [_row(ctx, attrs, r) for r in rows],
            attrs[0].category.value,
        )


@section_provider
def rectification_history(ctx: PackageContext) -> Iterator[Section]:
    attr = ctx.uow.catalogue["attribute_change.change"]
    rows = changes_of(ctx.uow, ctx.person_id, reveal=ctx.reveal)
    columns = [(c, c.replace("_", " ")) for c in attr.columns]
    yield Section(
        "attribute_change",
        label(Category.HISTORY, ctx.lang),
        columns,
        [{c: r[c] for c in attr.columns} for r in rows],
        Category.HISTORY.value,
    )


def information(uow: UnitOfWork, lang: Lang) -> dict[str, Any]:
    """Purposes, lawful bases, sources, retention, recipients and rights, in words, derived
    from the catalogue category by category."""
    cat = uow.catalogue
    categories = []
    for category in cat.categories():
        attrs = [a for a in cat.attributes if a.category is category]
        categories.append(
            {
                "category": category.value,
                "title": label(category, lang),
                "what": [a.label(lang) for a in attrs],
                "purposes": sorted({label(p, lang) for a in attrs for p in a.purposes}),
                "lawful_basis": sorted({label(a.basis, lang) for a in attrs}),
                "sources": sorted({label(s, lang) for a in attrs for s in a.sources}),
                "retention": sorted({a.retention.describe(lang) for a in attrs}),
            }
        )
    s = uow.settings
    return {
        "controller": {
            "name": s.controller_name,
            "business_id": s.controller_business_id,
            "address": s.controller_address,
            "email": s.controller_email,
            "dpo": s.dpo_contact,
        },
        "categories": categories,
        "recipients": [r.in_(lang) for r in rights_words.RECIPIENTS],
        "rights": [r.in_(lang) for r in rights_words.RIGHTS],
    }


def returned_categories(uow: UnitOfWork, sections: Iterable[Section]) -> set[Category]:
    """The categories the package's sections hold rows of (a section of a table holds its
    attributes' categories): what the package really discloses, noted for the audit."""
    found: set[Category] = set()
    for section in sections:
        if not section.rows:
            continue
        if section.key in uow.catalogue.tables:
            found |= {a.category for a in uow.catalogue.for_table(section.key)}
        elif section.category:
            found.add(Category(section.category))
    return found


def language_of(uow: UnitOfWork, person_id: int) -> Lang:
    """The person's language for the access report and answers: the register's one rule
    (`vocabulary.lang_of`), so they match the preference centre and the audiences."""
    tongue = uow.execute(select(person.c.mother_tongue).where(person.c.id == person_id)).scalar()
    return lang_of(tongue)


def build(
    uow: UnitOfWork, person_id: int, *, lang: Lang | str | None = None, reveal: bool = True
) -> AccessPackage:
    """The package for `person_id`; `reveal` False masks sensitive values (a staff preview)."""
    row = uow.execute(select(person).where(person.c.id == person_id)).first()
    if row is None:
        raise NotFound("person", person_id)
    chosen = Lang(lang) if lang else language_of(uow, person_id)
    ctx = PackageContext(uow, person_id, chosen, reveal)
    sections = [s for provider in SECTION_PROVIDERS for s in provider(ctx)]
    readings = readings_of(uow, person_id)  # noted by the consumption area when not empty
    uow.note_read([person_id], returned_categories(uow, sections), "access package")
    name = (
        row.organisation_name
        if row.kind == "legal"
        else " ".join(x for x in (row.first_names, row.last_name) if x)
    )
    return AccessPackage(
        person_id,
        row.customer_number,
        name or "",
        chosen,
        uow.now(),
        reveal,
        sections,
        information(uow, chosen),
        monthly_totals(readings),
        readings,
    )


_DISCLOSURE_COLUMNS = (
    "at",
    "recipient",
    "country",
    "purpose",
    "legal_basis",
    "categories",
    "reason",
    "reference",
)


@section_provider
def _disclosures(ctx: PackageContext) -> list[Section]:
    """To whom the person's data was disclosed, when, what and why (Art. 15(1)(c), P8)."""
    rows = disclosures.disclosures_of(ctx.uow, ctx.person_id)
    if not rows:
        return []
    title = label(Category.DISCLOSURE, ctx.lang)
    return [
        Section(
            "disclosures",
            title,
            [(c, c.replace("_", " ")) for c in _DISCLOSURE_COLUMNS],
            [{c: r[c] for c in _DISCLOSURE_COLUMNS} for r in rows],
            Category.DISCLOSURE.value,
        )
    ]


@section_provider
def _segments(ctx: PackageContext) -> list[Section]:
    """The target groups the person is in and the rules that placed them there (P6)."""
    rows = segments.memberships_of(ctx.uow, ctx.person_id)
    if not rows:
        return []
    title = label(Category.CLASSIFICATION, ctx.lang)
    columns = [("segment", "segment"), ("description", "description"), ("rules", "rules")]
    return [Section("segments", title, columns, rows, Category.CLASSIFICATION.value)]
