"""The access package (Art. 15, P11): everything the register holds on a person
(domain/access_package.py is its shape).

Sections come from small providers in a registry. The catalogue provider walks every personal
table through its subject path and shows every attribute the catalogue declares, so a new column
appears without this code changing; other areas (segments, disclosures) plug in by adding a
provider to SECTION_PROVIDERS. The readings are the consumption area's attribution.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from sqlalchemy import Table, and_, or_, select

from rekisteri.adapters.schema.audit import audit_entry, audit_subject
from rekisteri.adapters.schema.consumption import datahub_file, reading_correction
from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.rights import rights_request
from rekisteri.catalogue import (
    Anchor,
    Attribute,
    Category,
    Lang,
    RetentionRule,
    Sensitivity,
    Source,
    TableSpec,
    Visibility,
    label,
)
from rekisteri.domain import field_words, reasons, rights_words
from rekisteri.domain.access_package import (
    PACKAGE_READING_SCHEMA,
    AccessPackage,
    Consulted,
    Section,
    SitePeriod,
    monthly_totals,
)
from rekisteri.domain.consumption import HELSINKI, Quality
from rekisteri.domain.errors import NotFound
from rekisteri.domain.register import RESTRICTION
from rekisteri.domain.transfers import EU_EEA
from rekisteri.domain.vocabulary import lang_of
from rekisteri.services.access import disclosures
from rekisteri.services.access.transfers import transfers_in
from rekisteri.services.archive import privacy as archive_privacy
from rekisteri.services.consumption import attribution
from rekisteri.services.marketing import segments
from rekisteri.services.register.history import changes_of
from rekisteri.services.register.presenting import attribute_value
from rekisteri.services.register.subjects import (
    belongs_to,
    only_theirs,
    personal_tables,
    table_of,
)
from rekisteri.services.rights import periods
from rekisteri.services.statement.countries import country_name
from rekisteri.services.statement.recipients import REGULAR_RECIPIENTS
from rekisteri.services.statement.texts import text
from rekisteri.services.unit_of_work import UnitOfWork


@dataclass
class PackageContext:
    uow: UnitOfWork
    person_id: int
    lang: Lang
    reveal: bool  # sensitive values in full: only in the person's own package
    # Until when each category's rows are kept, row by row (None: not fixed while a contract
    # runs): the first page says the latest.
    kept: dict[Category, list[dt.date | None]] = field(default_factory=dict)
    lifetime: periods.Lifetime | None = None  # found once, when a row first needs it


SectionProvider = Callable[[PackageContext], Iterable[Section]]

SECTION_PROVIDERS: list[SectionProvider] = []
# Tables a dedicated provider shows (the generic catalogue walk skips them).
# Readings are never walked by metering point: that would show the readings of whoever held
# the point before or after the person. They come only through the consumption attribution.
# The audit trail is shown by its own provider: the dates and purposes, not who read.
CLAIMED_TABLES: set[str] = {
    "attribute_change",
    "disclosure",
    "reading_block",
    "reading_correction",
    "audit_entry",
}


def readings_of(uow: UnitOfWork, person_id: int) -> pl.DataFrame:
    """The person's readings, only of the periods they held the contract, with each interval's
    length (the readings CSV states it)."""
    frame = attribution.reading_frame_of(uow, person_id, resolution=True)
    frame = frame.select(list(PACKAGE_READING_SCHEMA))
    # Months kept in the archive only (REKISTERI_DB_READING_MONTHS) come from there; where
    # both hold a reading, the database's is the current one.
    archived = archive_privacy.archived_readings_of(uow, person_id)
    if not archived.height:
        return frame
    older = archived.join(frame, on=["gsrn", "ts", "resolution"], how="anti")
    return pl.concat([frame, older.select(list(PACKAGE_READING_SCHEMA))]).sort(["gsrn", "ts"])


def section_provider(fn: SectionProvider) -> SectionProvider:
    SECTION_PROVIDERS.append(fn)
    return fn


def _column_labels(attr: Attribute, lang: Lang) -> list[tuple[str, str]]:
    if attr.sensitivity is Sensitivity.ENCRYPTED or len(attr.columns) == 1:
        return [(attr.name, attr.label(lang))]
    return [(c, field_words.field_label(c, lang)) for c in attr.columns]


def _kept_until(
    ctx: PackageContext, t: Table, attrs: tuple[Attribute, ...], data: Any, shared: bool
) -> dict[Category, dt.date | None]:
    """Until when the row is kept under each of its categories' rules, as the retention run
    keeps it (services/rights/periods): a RECORDED rule from the attribute's anchor column
    (else when the row was received), the others from the end of the person's relationship.
    The latest date of a category's rules wins."""
    out: dict[Category, dt.date | None] = {}
    for attr in attrs:
        rule = attr.retention
        until = None
        if rule.anchor is Anchor.RECORDED:
            column = periods.anchor_column(t, attr, attrs)
            recorded = periods.anchor_day(data[column]) if column else None
            if recorded is None and "received_at" in data:
                recorded = periods.anchor_day(data["received_at"])
            if recorded is None:
                continue
            until = _until(ctx, rule, recorded, outlives=t.name == "audit_entry")
        else:
            until = _until(ctx, rule, None, shared=shared)
        if attr.category in out:
            before = out[attr.category]
            until = None if before is None or until is None else max(before, until)
        out[attr.category] = until
    return out


def _until(
    ctx: PackageContext,
    rule: RetentionRule,
    recorded: dt.date | None,
    *,
    outlives: bool = False,
    shared: bool = False,
) -> dt.date | None:
    if ctx.lifetime is None:
        ctx.lifetime = periods.lifetime_of(ctx.uow, ctx.person_id)
    return periods.kept_until(
        ctx.uow,
        rule,
        ctx.person_id,
        recorded,
        lifetime=ctx.lifetime,
        outlives_person=outlives,
        shared=shared,
    )


def _row_kept(ctx: PackageContext, key: str, recorded: Any) -> dt.date | None:
    """The last day a row of a table a dedicated provider shows is kept (its attribute `key`'s
    rule, from the row's own date for a RECORDED one)."""
    rule = ctx.uow.catalogue[key].retention
    day = periods.anchor_day(recorded) if rule.anchor is Anchor.RECORDED else None
    return _until(ctx, rule, day, outlives=key.startswith("audit_entry."))


def _row_id(t: Table, data: Any) -> Any:
    keys = [data[c.name] for c in t.primary_key.columns]
    return keys[0] if len(keys) == 1 else keys


def _row(
    ctx: PackageContext, t: Table, attrs: tuple[Attribute, ...], data: Any, shared: bool
) -> dict[str, Any]:
    out: dict[str, Any] = {"row_id": _row_id(t, data)}
    for attr in attrs:
        if attr.sensitivity is Sensitivity.ENCRYPTED:
            vis = Visibility.FULL if ctx.reveal else Visibility.MASKED
            out[attr.name] = attribute_value(ctx.uow, attr, data, vis)
        else:
            for c in attr.columns:
                out[c if len(attr.columns) > 1 else attr.name] = data[c]
    if "restricted_reason" in out:  # the register's own reasons in their coded form
        out["restricted_reason"] = reasons.normal(out["restricted_reason"], attribute=RESTRICTION)
    if "source" in data:
        src = data["source"]
        known = src in {s.value for s in Source}
        out["source"] = label(Source(src), ctx.lang) if known else src
        out["source_code"] = src
        out["source_detail"] = data.get("source_detail")
        out["received_at"] = data["received_at"]
    kept = _kept_until(ctx, t, attrs, data, shared)
    for category, until in kept.items():
        ctx.kept.setdefault(category, []).append(until)
    dates = list(kept.values())
    out["kept_until"] = None if not dates or None in dates else max(d for d in dates if d)
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


def _only_theirs(ctx: PackageContext, spec: TableSpec, t: Table) -> set[Any] | None:
    """The ids of the rows reached through other tables that are the person's alone (None for
    a table linked to the person directly); the others (a site the next customer moved into)
    are kept for them."""
    if spec.subject is None or len(spec.subject) == 1 or "id" not in t.c:
        return None
    return set(ctx.uow.execute(select(t.c.id).where(only_theirs(spec, ctx.person_id))).scalars())


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
        columns.append(("kept_until", rights_words.word("kept_until", ctx.lang)))
        theirs = _only_theirs(ctx, spec, t)
        yield Section(
            spec.name,
            _title(ctx, spec, attrs),
            columns,
            [_row(ctx, t, attrs, r, theirs is not None and r["id"] not in theirs) for r in rows],
            attrs[0].category.value,
        )


_CHANGE_COLUMNS = ("at", "attribute", "old_value", "new_value", "reason", "source")


@section_provider
def rectification_history(ctx: PackageContext) -> Iterator[Section]:
    """Every changed value: old, new, when, why and from where (P12)."""
    cat = ctx.uow.catalogue
    rows = []
    for r in changes_of(ctx.uow, ctx.person_id, reveal=ctx.reveal):
        attr = cat[r["attribute"]] if r["attribute"] in cat else None  # noqa: SIM401
        src = r.get("source")
        rows.append(
            {
                "row_id": r["id"],
                "at": r["at"],
                "attribute": attr.label(ctx.lang) if attr else r["attribute"],
                "attribute_code": r["attribute"],
                "table": r["table_name"],
                "old_value": r["old_value"],
                "new_value": r["new_value"],
                "reason": reasons.normal(r["reason"], attribute=r["attribute"]),
                "source": label(Source(src), ctx.lang) if src in set(Source) else src,
                "source_code": src,
                "source_detail": r.get("source_detail"),
                "kept_until": _row_kept(ctx, "attribute_change.change", r["at"]),
            }
        )
    yield Section(
        "attribute_change",
        label(Category.HISTORY, ctx.lang),
        [(c, field_words.field_label(c, ctx.lang)) for c in _CHANGE_COLUMNS],
        rows,
        Category.HISTORY.value,
    )


_CORRECTION_COLUMNS = ("gsrn", "start", "old_kwh", "quality", "replaced_at", "replaced_by")


@section_provider
def corrected_readings(ctx: PackageContext) -> Iterator[Section]:
    """Readings a later Datahub file replaced, within the person's own periods: the replaced
    value, when and by which file (the new value is in the readings)."""
    windows = attribution.attributed_points(ctx.uow, ctx.person_id)
    rows: list[dict[str, Any]] = []
    if windows:
        rc = reading_correction
        within = or_(
            *(
                and_(
                    rc.c.metering_point_id == w.metering_point_id,
                    rc.c.ts >= w.period.start,
                    rc.c.ts < w.period.end,
                )
                for w in windows
            )
        )
        gsrn = {w.metering_point_id: w.gsrn for w in windows}
        found = ctx.uow.execute(
            select(rc, datahub_file.c.name.label("file"))
            .join(datahub_file, datahub_file.c.id == rc.c.replaced_by_file_id)
            .where(within)
            .order_by(rc.c.metering_point_id, rc.c.ts, rc.c.id)
        ).mappings()
        names = {int(q): q.name for q in Quality}
        for r in found:
            rows.append(
                {
                    "row_id": r["id"],
                    "gsrn": gsrn[r["metering_point_id"]],
                    "start": dt.datetime.fromtimestamp(r["ts"], dt.UTC),
                    "old_kwh": None if r["wh"] is None else r["wh"] / 1000,
                    "quality": names.get(r["quality"], str(r["quality"])),
                    "replaced_at": r["replaced_at"],
                    "replaced_by": r["file"],
                    # Replaced readings go with the readings: 72 months from the reading.
                    "kept_until": _row_kept(
                        ctx,
                        "reading_correction.replaced_reading",
                        dt.datetime.fromtimestamp(r["ts"], dt.UTC),
                    ),
                }
            )
    if rows:
        ctx.uow.note_read([ctx.person_id], [Category.CONSUMPTION], "access package: corrections")
    yield Section(
        "reading_correction",
        rights_words.word("corrected_readings", ctx.lang),
        [(c, field_words.field_label(c, ctx.lang)) for c in _CORRECTION_COLUMNS],
        rows,
        Category.CONSUMPTION.value,
    )


_CONSULTATION_COLUMNS = ("at", "action", "purpose", "role", "categories")


def _consultations(uow: UnitOfWork, person_id: int) -> list[dict[str, Any]]:
    a = audit_entry
    found = uow.execute(
        select(a.c.seq, a.c.at, a.c.action, a.c.outcome, a.c.purpose, a.c.role, a.c.categories)
        .join(audit_subject, audit_subject.c.seq == a.c.seq)
        .where(audit_subject.c.person_id == person_id)
        .order_by(a.c.seq)
    ).mappings()
    return [
        {
            "row_id": r["seq"],
            "at": r["at"],
            "action": r["action"],
            "outcome": r["outcome"],
            "purpose": r["purpose"],
            "role": r["role"],
            "categories": r["categories"].split(),
        }
        for r in found
    ]


@section_provider
def consultations(ctx: PackageContext) -> Iterator[Section]:
    """When and why the person's data was read or changed: every entry's date, action,
    purpose, role and categories, never the employee's identity (CJEU C-579/21)."""
    rows = _consultations(ctx.uow, ctx.person_id)
    for r in rows:
        r["kept_until"] = _row_kept(ctx, "audit_entry.at", r["at"])
    if rows:
        ctx.uow.note_read([ctx.person_id], [Category.ACCESS_LOG], "access package: consulted")
    yield Section(
        "audit_entry",
        label(Category.ACCESS_LOG, ctx.lang),
        [(c, field_words.field_label(c, ctx.lang)) for c in _CONSULTATION_COLUMNS],
        rows,
        Category.ACCESS_LOG.value,
    )


def consulted_by_month(section: Section | None) -> list[Consulted]:
    """The consultations counted by Helsinki month, purpose and role, newest month first."""
    if section is None:
        return []
    counts: Counter[tuple[str, str | None, str | None]] = Counter()
    for r in section.rows:
        month = r["at"].astimezone(HELSINKI).strftime("%Y-%m")
        counts[(month, r["purpose"], r["role"])] += 1
    ordered = sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or ""))
    return [Consulted(m, p, r, n) for (m, p, r), n in reversed(ordered)]


_KEPT_COLUMNS = ("what", "rows", "why", "until")


@section_provider
def kept_after_erasure(ctx: PackageContext) -> Iterator[Section]:
    """After an erasure: what the register still keeps (audit entries, disclosure records,
    the suppression list's hashes...), why and until when, as the erasure answer said."""
    outcomes = ctx.uow.execute(
        select(rights_request.c.id, rights_request.c.outcome).where(
            rights_request.c.person_id == ctx.person_id,
            rights_request.c.kind == "erasure",
            rights_request.c.fulfilled_at.is_not(None),
        )
    ).all()
    rows = []
    for request_id, outcome in outcomes:
        kept = json.loads(outcome).get("kept", []) if outcome else []
        attrs = ctx.uow.catalogue
        for k in kept:
            key = k.get("attribute", "")
            what = attrs[key].label(ctx.lang) if key in attrs else k.get("what")
            if key == "marketing_suppression.digest":
                what = rights_words.word("suppression_what", ctx.lang)
            rows.append(
                {
                    "request_id": request_id,
                    "attribute": key,
                    "what": what,
                    "rows": k.get("rows"),
                    "why": k.get("why"),
                    # Stored as ISO text in the outcome: a date again, shown as dates are.
                    "until": dt.date.fromisoformat(k["until"]) if k.get("until") else None,
                }
            )
    if rows:
        yield Section(
            "kept_after_erasure",
            rights_words.word("kept_heading", ctx.lang),
            [(c, field_words.field_label(c, ctx.lang)) for c in _KEPT_COLUMNS],
            rows,
            Category.RIGHTS_REQUEST.value,
        )


def _latest(dates: list[dt.date | None]) -> dt.date | None:
    return None if not dates or None in dates else max(d for d in dates if d)


def _given_to(uow: UnitOfWork, sections: Iterable[Section], lang: Lang) -> dict[str, set[str]]:
    """For each category, the recipients the person's data of it was disclosed to."""
    given: dict[str, set[str]] = {}
    for section in sections:
        if section.key != "disclosures":
            continue
        for r in section.rows:
            where = r["country"]
            outside = where not in EU_EEA
            name = f"{r['recipient']} ({country_name(where, lang)})" if outside else r["recipient"]
            for c in r["categories"]:
                given.setdefault(c, set()).add(name)
    return given


def _transfers(uow: UnitOfWork, lang: Lang) -> list[dict[str, Any]]:
    """The recipients outside the EU/EEA, each with the safeguard it receives under (P10)."""
    out = []
    for t in transfers_in(uow.connection):
        if t.safeguard == "adequacy" and t.reference and t.country == "US":
            guard = text("safeguard.dpf", lang, reference=t.reference)
        else:
            guard = text(f"safeguard.{t.safeguard}", lang)
        out.append(
            {
                "recipient": t.name,
                "country": t.country,
                "country_name": country_name(t.country, lang),
                "safeguard": t.safeguard,
                "safeguard_words": guard,
            }
        )
    return out


def information(
    uow: UnitOfWork,
    lang: Lang,
    sections: Iterable[Section] = (),
    kept: dict[Category, list[dt.date | None]] | None = None,
) -> dict[str, Any]:
    """Purposes, lawful bases, sources, retention, recipients and rights, in words, derived
    from the catalogue category by category; with the package's sections, how many records of
    each category are held, until when they are kept (the latest of the rows' own dates) and
    to whom they were disclosed."""
    cat = uow.catalogue
    sections = list(sections)
    kept = kept or {}
    # A table's row holds each category of its attributes (a person row: identity and
    # classification...); the other lists hold their own category.
    held: Counter[str] = Counter({c.value: len(dates) for c, dates in kept.items()})
    for section in sections:
        if section.category and (section.key not in cat.tables or section.key in CLAIMED_TABLES):
            held[section.category] += len(section.rows)
    given = _given_to(uow, sections, lang)
    categories = []
    for category in cat.categories():
        attrs = [a for a in cat.attributes if a.category is category]
        dates = kept.get(category, [])
        categories.append(
            {
                "category": category.value,
                "title": label(category, lang),
                "what": [a.label(lang) for a in attrs],
                "purposes": sorted({label(p, lang) for a in attrs for p in a.purposes}),
                "lawful_basis": sorted({label(a.basis, lang) for a in attrs}),
                "sources": sorted({label(s, lang) for a in attrs for s in a.sources}),
                "retention": sorted({a.retention.describe(lang) for a in attrs}),
                "records": held.get(category.value, 0),
                "kept_until": _latest(dates) if dates else None,
                "kept_until_contract_ends": bool(dates) and None in dates,
                "disclosed_to": sorted(given.get(category.value, set())),
            }
        )
    s = uow.settings
    return {
        "controller": {
            "name": s.controller_name,
            "business_id": s.controller_business_id,
            "address": s.controller_address,
            "email": s.controller_email,
            "phone": s.controller_phone,
            "dpo": s.dpo_contact,
        },
        "categories": categories,
        "recipients": [r.in_(lang) for r in rights_words.RECIPIENTS],
        "regular_recipients": [
            {"who": r.who.in_(lang), "what": r.what.in_(lang)} for r in REGULAR_RECIPIENTS
        ],
        "transfers": _transfers(uow, lang),
        "rights": [r.in_(lang) for r in rights_words.RIGHTS],
        "rights_texts": _rights_texts(uow, lang),
    }


_RIGHTS = ("access", "rectification", "erasure", "restriction", "objection")


def _rights_texts(uow: UnitOfWork, lang: Lang) -> list[dict[str, str]]:
    """The person's rights and how to use them, in the privacy statement's own words (so the
    two never differ), ending with the complaint to the Data Protection Ombudsman."""
    s = uow.settings
    years, months = s.contract_retention_years, s.access_repeat_months
    out = [
        {
            "title": text(f"right.{r}", lang),
            "text": text(f"right.{r}.text", lang, years=years, months=months),
        }
        for r in _RIGHTS
    ]
    how = text(
        "right.how.text",
        lang,
        controller=s.controller_name,
        address=s.controller_address,
        dpo=s.dpo_contact,
    )
    out.append({"title": text("right.how", lang), "text": how})
    out.append({"title": text("right.complaint", lang), "text": text("right.complaint.text", lang)})
    return out


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
    if tongue is None:
        # An erasure clears the mother tongue: the language its answer was given in stays
        # the person's, so the report does not switch to English after it.
        answered = uow.execute(
            select(rights_request.c.outcome)
            .where(
                rights_request.c.person_id == person_id,
                rights_request.c.kind == "erasure",
                rights_request.c.outcome.is_not(None),
            )
            .order_by(rights_request.c.id.desc())
            .limit(1)
        ).scalar()
        said = json.loads(answered).get("language") if answered else None
        if said in {lang.value for lang in Lang}:
            return Lang(said)
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
    audit = next((s for s in sections if s.key == "audit_entry"), None)
    return AccessPackage(
        person_id,
        row.customer_number,
        name or "",
        chosen,
        uow.now(),
        reveal,
        sections,
        information(uow, chosen, sections, ctx.kept),
        monthly_totals(readings),
        readings,
        site_periods(uow, person_id),
        consulted_by_month(audit),
    )


def site_periods(uow: UnitOfWork, person_id: int) -> list[SitePeriod]:
    """The person's periods at each metering point as Helsinki days (the chart's move marks)."""
    out = []
    for w in attribution.attributed_points(uow, person_id):
        start = dt.datetime.fromtimestamp(w.period.start, HELSINKI).date()
        end = (
            None
            if w.period.end >= attribution.FAR
            else dt.datetime.fromtimestamp(w.period.end, HELSINKI).date()
        )
        out.append(SitePeriod(w.gsrn, start, end))
    return out


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
            [(c, field_words.field_label(c, ctx.lang)) for c in _DISCLOSURE_COLUMNS],
            [
                {"row_id": r["id"]}
                | {c: r[c] for c in _DISCLOSURE_COLUMNS}
                | {"reason": reasons.normal(r["reason"])}
                | {"kept_until": _row_kept(ctx, "disclosure.at", r["at"])}
                for r in rows
            ],
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
    columns = [
        (c, field_words.field_label(c, ctx.lang)) for c in ("segment", "description", "rules")
    ]
    return [Section("segments", title, columns, rows, Category.CLASSIFICATION.value)]
