"""The access report as a person reads it (issue 18): complete to the last row, a PDF that fits
A4 and is tagged for screen readers, no raw code or English word in a Finnish or Swedish one.

The person is the demo's (generated, then the last days through the register's doors) who
has rows in the most personal tables, with readings, a corrected reading and a rectification
from the population register added through the register's own services.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import jsonschema
import pdfplumber
import pytest
from pdfminer.pdftypes import resolve1
from sqlalchemy import func, select

from rekisteri.adapters.reports import access
from rekisteri.demo.customers import RESTRICTED_WHY, generate
from rekisteri.demo.doors import through_the_doors
from rekisteri.domain import field_words, reasons, rights_words
from rekisteri.domain.change_words import say
from rekisteri.domain.reasons import Reason
from rekisteri.domain.register import Provenance
from rekisteri.domain.value_words import coded_columns
from rekisteri.domain.vocabulary import Category, Lang, LawfulBasis, Purpose, Role, Source, label
from rekisteri.services.consumption import attribution
from rekisteri.services.register import customers
from rekisteri.services.register.subjects import belongs_to, personal_tables, table_of
from rekisteri.services.rights import package
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.consumption import readings, run_import, write
from tests.support.databases import Snapshot, register_copy, snapshot

NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.UTC)
DPO = Actor("tietosuoja.dpo")
LANGS = (Lang.FI, Lang.SV, Lang.EN)
# Tables whose rows another row stands for in the package (a link, not data of its own): the
# disclosure, the audit entry and the recording loan they link are in it, by that key.
LINKS = {
    "disclosure_subject": ("disclosure", "disclosure_id"),
    "audit_subject": ("audit_entry", "seq"),
    "recording_loan_item": ("recording_loan", "loan_id"),
}
SECTION_OF = {"disclosure": "disclosures"}
# Readings are attributed by contract period, not by the subject path (which would give the
# metering point's readings of the occupants before and after): the CSV is checked instead.
BY_PERIOD = {"reading_block", "reading_correction"}
SCHEMA = Path(__file__).parents[2] / "docs" / "formats" / "access-package.schema.json"


@dataclass
class Demo:
    register: RegisterApp
    person_id: int
    corrected_ts: list[int]


def _tables_held(reg: RegisterApp, person_id: int) -> set[str]:
    with reg.engine.connect() as conn:
        return {
            spec.name
            for spec in personal_tables(reg.catalogue)
            if conn.execute(
                select(func.count())
                .select_from(table_of(spec.name))
                .where(belongs_to(spec, person_id))
            ).scalar()
        }


@pytest.fixture(scope="module")
def built(
    request: pytest.FixtureRequest, backend: str
) -> Iterator[tuple[Snapshot, tuple[int, list[int]]]]:
    """The demo register with the person's readings and rectification, built once for the
    module on each backend (the build is most of the tests' setup; they only read it)."""
    with snapshot(request, backend, NOW, _fill) as made:
        yield made


def _fill(register: RegisterApp, tmp_path: Path) -> tuple[int, list[int]]:
    """The demo through its doors; the person who has rows in the most personal tables gets a
    rectification and two reading files, the second correcting the first's first day."""
    made = generate(register, 60, seed=1)
    assert made.traffic is not None
    through_the_doors(register, made.traffic, tmp_path / "doors")
    with register.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(select(table_of("person").c.id)).scalars()]
    person_id = max(ids, key=lambda i: (len(_tables_held(register, i)), i))
    with register.unit_of_work(DPO) as uow:
        points = attribution.attributed_points(uow, person_id)
        gsrn = points[-1].gsrn
        customers.rectify_person(
            uow,
            person_id,
            {"birth_year": 1980},
            "väestötietojärjestelmän muutos",
            Provenance.of("population_register", uow.now()),
        )
    start = dt.datetime(2026, 3, 1, 22, tzinfo=dt.UTC)
    run_import(register, write(tmp_path / "first.csv", readings(gsrn, start, 96 * 3)))
    # A later file corrects the first day: the replaced values are kept (reading_correction).
    run_import(
        register,
        write(tmp_path / "second.csv", readings(gsrn, start, 96, wh=lambda i: 400 + i)),
    )
    corrected = [int(start.timestamp()) + 900 * i for i in range(96)]
    return person_id, corrected


@pytest.fixture
def demo(
    request: pytest.FixtureRequest, built: tuple[Snapshot, tuple[int, list[int]]]
) -> Iterator[Demo]:
    """A copy of the built register for this test alone: the audit entries of its reads are
    not another test's."""
    snap, (person_id, corrected) = built
    with register_copy(request, snap) as register:
        yield Demo(register, person_id, corrected)


def _expected_rows(reg: RegisterApp, person_id: int) -> dict[str, set[Any]]:
    """Every row of every personal table that belongs to the person, by its key."""
    found: dict[str, set[Any]] = {}
    with reg.engine.connect() as conn:
        for spec in personal_tables(reg.catalogue):
            if spec.name in BY_PERIOD:
                continue
            t = table_of(spec.name)
            if spec.name in LINKS:  # the linked row's key
                owner, column = LINKS[spec.name]
                keys = conn.execute(select(t.c[column]).where(belongs_to(spec, person_id)))
                found.setdefault(owner, set()).update(keys.scalars())
                continue
            pk = list(t.primary_key.columns)
            rows = conn.execute(select(*pk).where(belongs_to(spec, person_id))).all()
            found.setdefault(spec.name, set()).update(
                r[0] if len(pk) == 1 else tuple(r) for r in rows
            )
    return found


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def test_the_package_holds_every_row_of_the_person_and_every_category(demo: Demo) -> None:
    reg = demo.register
    held = _tables_held(reg, demo.person_id)
    # The demo person has most of the register's kinds of data.
    assert {"invoice", "payment", "contract", "site", "credit_check", "disclosure"} <= held
    assert "reading_correction" in held and "attribute_change" in held
    expected = _expected_rows(reg, demo.person_id)
    for lang in LANGS:
        with reg.reading(DPO) as uow:
            built = package.build(uow, demo.person_id, lang=lang)
        blob = json.loads(access.to_json(built))
        # The published JSON Schema holds for a real package.
        schema = json.loads(SCHEMA.read_text())
        jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
            blob
        )
        sections = blob["sections"]
        for table, keys in expected.items():
            key = SECTION_OF.get(table, table)
            assert key in sections, (lang, table)
            given = {_key(r["row_id"]) for r in sections[key]["rows"]}
            missing = {_key(k) for k in keys} - given
            assert not missing, (lang, table, sorted(missing, key=str)[:5])
        # The corrected readings: each replaced value, and every reading in the CSV.
        replaced = {r["start"] for r in sections["reading_correction"]["rows"]}
        assert len(replaced) == len(demo.corrected_ts)
        lines = access.readings_csv(built.readings).splitlines()
        assert len(lines) - 1 == built.readings.height >= 96 * 3
        # Every category of the catalogue is in the document, in the person's language.
        html = unescape(access.to_html(built))
        for category in reg.catalogue.categories():
            assert label(category, lang) in html, (lang, category)
        cats = {c["category"] for c in blob["information"]["categories"]}
        assert cats == {c.value for c in reg.catalogue.categories()}
        # The change from the population register says so; consultations name no employee.
        change = next(
            r
            for r in sections["attribute_change"]["rows"]
            if r["attribute_code"] == "person.birth_year"
        )
        assert change["source_code"] == "population_register"
        assert change["source"] == label(Source.POPULATION_REGISTER, lang)
        consulted = sections["audit_entry"]["rows"]
        assert consulted and all("actor" not in r and r["at"] for r in consulted)
        assert "tietosuoja.dpo" not in html


def _structure_tags(nodes: Iterable[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for n in nodes:
        out.append(n["type"])
        out += _structure_tags(n.get("children", []))
    return out


A4 = (595.28, 841.89)


def _check_pdf(pdf_bytes: bytes, lang: Lang) -> str:
    """The PDF's pages are A4 and every character lies inside its page; it is tagged, its
    language is set and its headings go down one level at a time. Returns its text."""
    texts = []
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        catalog = pdf.doc.catalog
        assert resolve1(catalog["Lang"]) == lang.value.encode()
        assert resolve1(catalog["MarkInfo"])["Marked"] is True
        assert "StructTreeRoot" in catalog
        tags = _structure_tags(pdf.structure_tree)
        headings = [int(t[1]) for t in tags if re.fullmatch(r"H[1-6]", t)]
        assert headings and headings[0] == 1
        assert all(b <= a + 1 for a, b in itertools.pairwise(headings)), headings
        assert {"P", "Table", "TH", "TD", "Figure"} <= set(tags) | {"Figure"}
        for page in pdf.pages:
            assert (round(page.width, 2), round(page.height, 2)) == A4
            outside = [
                c["text"]
                for c in page.chars
                if c["x0"] < 0 or c["x1"] > page.width or c["top"] < 0 or c["bottom"] > page.height
            ]
            assert not outside, (page.page_number, "".join(outside)[:80])
            texts.append(page.extract_text() or "")
    return "\n".join(texts)


def _codes() -> set[str]:
    """Every code a person must not read raw: each value of the coded columns' enums and of
    the catalogue's vocabulary (not the language codes, which are also words of addresses)."""
    enums: set[type[Any]] = {e for e in coded_columns().values() if e is not Lang}
    enums |= {Category, Purpose, LawfulBasis, Source, Role, Reason}
    return {str(m.value) for e in enums for m in e if len(str(m.value)) > 2}


def _english_labels() -> set[str]:
    """The report's English words (labels and headings) that differ from both other languages,
    and the fixed parts of the register's own reasons in English."""
    words = [*field_words.FIELDS.values(), *rights_words.HEADINGS.values()]
    found = {
        w.en.lower()
        for w in words
        if w.en.lower() not in (w.fi.lower(), w.sv.lower()) and len(w.en) > 3
    }
    for reason in Reason:
        template = reasons.spec_of(reason)[0].en
        found |= {p.strip(" ():;,").lower() for p in re.split(r"\{\d\}", template)}
    return {f for f in found if len(f) > 3}


def _free_text(blob: dict[str, Any]) -> set[str]:
    """The words of the person's own data (names, streets, notes, reasons written with a
    change): those are shown as stored, so they are allowed whatever they say."""
    coded = {(t, c) for t, c in coded_columns()}
    words: set[str] = set()
    for key, section in blob["sections"].items():
        table = "disclosure" if key == "disclosures" else key
        for row in section["rows"]:
            for field, value in row.items():
                if field in ("reason", "restricted_reason"):
                    # The register's own reasons are codes in words: only the details a
                    # person typed or a file named are shown as written.
                    words |= {t for part in reasons.free_text_of(value) for t in _tokens(part)}
                elif isinstance(value, str) and (table, field) not in coded:
                    words |= set(_tokens(value))
    return words


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in re.findall(r"[A-Za-zÅÄÖåäöÉé_]+", text)]


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _keep(pdf: bytes, name: str) -> None:
    """The PDF and its first two pages as PNG in test-artifacts/, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm"):
        first_two = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2"]
        subprocess.run([*first_two, str(path), str(ARTIFACTS / name)], check=True)


def test_the_pdf_fits_a4_is_tagged_and_speaks_the_persons_language(demo: Demo) -> None:
    for lang in LANGS:
        with demo.register.reading(DPO) as uow:
            built = package.build(uow, demo.person_id, lang=lang)
        pdf = access.to_pdf(built)
        _keep(pdf, f"access-{lang.value}-{demo.register.engine.dialect.name}")
        text = _check_pdf(pdf, lang)
        if lang is Lang.EN:
            assert "Right of access" in text
            continue
        allowed = _free_text(json.loads(access.to_json(built)))
        tokens = set(_tokens(text)) - allowed
        raw = sorted(tokens & {c.lower() for c in _codes()})
        assert not raw, (lang, raw)
        flat = " ".join(_tokens(text))
        english = sorted(
            e
            for e in _english_labels()
            if re.search(rf"\b{re.escape(' '.join(_tokens(e)))}\b", flat)
            and not set(_tokens(e)) <= allowed
        )
        assert not english, (lang, english)
    # The consumption chart: one per metering point held, with its axis, unit and move days,
    # and the monthly table in Finnish months.
    with demo.register.reading(DPO) as uow:
        built = package.build(uow, demo.person_id, lang=Lang.FI)
    html = access.to_html(built)
    own = {p.gsrn for p in built.periods}
    assert own and html.count("<svg") == len(own)
    assert "kWh kuukaudessa" in html and "Muutto sisään" in html
    assert "<td>3/2026</td>" in html


# The reasons a person typed in this register (the demo's restriction, the rectification
# above): shown as typed. Any other reason must be one the register wrote, as its code.
TYPED = {RESTRICTED_WHY, "väestötietojärjestelmän muutos"}


def _stored_reasons(reg: RegisterApp) -> dict[str, set[int]]:
    """Every reason stored with a change, a disclosure or a restriction, with its persons."""
    change, told = table_of("attribute_change"), table_of("disclosure")
    told_to, person = table_of("disclosure_subject"), table_of("person")
    queries = [
        select(change.c.reason, change.c.person_id).where(change.c.person_id.is_not(None)),
        select(told.c.reason, told_to.c.person_id).join(
            told_to, told_to.c.disclosure_id == told.c.id
        ),
        select(person.c.restricted_reason, person.c.id).where(
            person.c.restricted_reason.is_not(None)
        ),
    ]
    held: dict[str, set[int]] = {}
    with reg.engine.connect() as conn:
        for query in queries:
            for reason, person_id in conn.execute(query):
                held.setdefault(reason, set()).add(int(person_id))
    return held


def test_every_reason_the_register_wrote_reads_in_the_persons_language(demo: Demo) -> None:
    """After the demo's doors (population and trade registers, bank, Datahub, feeds, credit
    checks, contracts ended), each reason is a code of the register or typed by a person, and
    each code reads in words in a Finnish and a Swedish package of a person who has it."""
    held = _stored_reasons(demo.register)
    typed = {r for r in held if reasons.parse(r) is None}
    assert typed <= TYPED, sorted(typed)
    by_code: dict[Reason, tuple[str, int]] = {}
    for stored, persons in sorted(held.items()):
        found = reasons.parse(stored)
        if found is not None:
            by_code.setdefault(found[0], (stored, min(persons)))
    assert {
        Reason.PAID_BY_BANK,
        Reason.POPULATION_CHANGE,
        Reason.POPULATION_ADDRESS,
        Reason.TRADE_REGISTER,
        Reason.CONTRACT_ENDED,
        Reason.CREDIT_CHECK,
    } <= set(by_code), sorted(by_code)
    for stored, person_id in by_code.values():
        for lang in (Lang.FI, Lang.SV):
            with demo.register.reading(DPO) as uow:
                built = package.build(uow, person_id, lang=lang)
            html = unescape(access.to_html(built))
            assert say(stored, lang) in html, (stored, lang)
            assert stored not in html, (stored, lang)
