"""The record of processing covers the catalogue: every purpose, every category of data under
each purpose its attributes serve, every attribute, every group of persons and every retention
period, in fi, sv and en, with words, never codes. The expectations are built from the catalogue
given to the record, so a purpose or category the catalogue gains must show in the record."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest

from rekisteri.catalogue import (
    Attribute,
    Catalogue,
    Category,
    Lang,
    LawfulBasis,
    Purpose,
    Source,
    Words,
    catalogue,
    label,
)
from rekisteri.catalogue.retention import FEEDBACK
from rekisteri.catalogue.subjects import SUBJECT_GROUPS
from rekisteri.config import Settings
from rekisteri.domain.register import PersonKind, Relationship
from rekisteri.domain.transfers import RecipientKind, Safeguard
from rekisteri.services.ropa.model import SCHEMA
from rekisteri.services.ropa.record import Registered, build_record
from rekisteri.services.ropa.texts import RECIPIENT_KIND_WORDS, TEXTS
from rekisteri.services.statement.recipients import Transfer

SETTINGS = Settings(database_url="sqlite:///unused.db")
DAY = dt.date(2026, 12, 6)
# A purpose and a category no attribute of the catalogue pairs yet, on an attribute of its own.
NEW = Attribute(
    key="feedback.survey_mood",
    table="feedback",
    columns=("survey_mood",),
    category=Category.FEEDBACK,
    purposes=frozenset({Purpose.LEGAL_OBLIGATION, Purpose.PROFILING}),
    basis=LawfulBasis.CONSENT,
    sources=frozenset({Source.CUSTOMER_CONTACT}),
    retention=FEEDBACK,
    words=Words("kyselyn mieliala", "enkätens stämning", "mood in the survey"),
)


def covered(cat: Catalogue, lang: Lang) -> None:
    record = build_record(cat, SETTINGS, lang, on=DAY)
    purposes = [p for p in Purpose if any(p in a.purposes for a in cat.attributes)]
    assert [a.key for a in record.activities] == [p.value for p in purposes]
    for activity, purpose in zip(record.activities, purposes, strict=True):
        attrs = [a for a in cat.attributes if purpose in a.purposes]
        assert activity.name.lower() == label(purpose, lang).lower()
        shown = {d.key: d for d in activity.data}
        assert set(shown) == {a.category.value for a in attrs}, purpose
        for a in attrs:
            entry = shown[a.category.value]
            assert entry.name == label(a.category, lang)
            assert a.label(lang) in entry.attributes, (purpose, a.key)
            assert any(
                a.retention.describe(lang)[:6].lower() in p.lower() for p in activity.retention
            )
        for basis in {a.basis for a in attrs}:
            assert label(basis, lang).lower() in activity.bases.lower(), (purpose, basis)
        assert activity.subjects
    held = {c for g in record.subjects for c in g.categories}
    assert held == {label(c, lang) for c in cat.categories()}
    periods = " ".join(e.period for e in record.retention).lower()
    for rule in {a.retention for a in cat.attributes}:
        assert rule.describe(lang)[:6].lower() in periods, rule.name


@pytest.mark.parametrize("lang", list(Lang))
def test_every_purpose_category_and_attribute_is_in_the_record(lang: Lang) -> None:
    covered(catalogue, lang)


@pytest.mark.parametrize("lang", list(Lang))
def test_a_purpose_or_category_the_catalogue_gains_is_in_the_record(lang: Lang) -> None:
    grown = catalogue.with_attribute(NEW)
    covered(grown, lang)
    record = build_record(grown, SETTINGS, lang, on=DAY)
    legal = next(a for a in record.activities if a.key == Purpose.LEGAL_OBLIGATION.value)
    feedback = next(d for d in legal.data if d.key == Category.FEEDBACK.value)
    assert NEW.label(lang) in feedback.attributes


def test_each_kind_of_person_row_is_in_one_group() -> None:
    for relationship, kind in itertools.product(Relationship, PersonKind):
        groups = [g for g in SUBJECT_GROUPS if (g.relationship, g.kind) == (relationship, kind)]
        assert len(groups) == 1, (relationship, kind)
    for g in SUBJECT_GROUPS:
        assert not g.not_held or g.why_not_held, g.key


def test_registered_recipients_and_transfers_are_named_under_their_purposes() -> None:
    registered = (
        Registered("Perintä Oy", RecipientKind.COLLECTION_AGENCY, "FI",
                   frozenset({Purpose.BILLING_AND_COLLECTION}), "P-12"),
        Registered("Pilvi Inc", RecipientKind.SERVICE_PROVIDER, "US",
                   frozenset({Purpose.SERVICE_DELIVERY}), None),
    )  # fmt: skip
    transfers = (Transfer("Pilvi Inc", "US", "scc"),)
    record = build_record(
        catalogue, SETTINGS, Lang.SV, on=DAY, registered=registered, transfers=transfers
    )
    assert [r.name for r in record.recipients] == ["Perintä Oy", "Pilvi Inc"]
    assert "Finland" in record.recipients[0].description  # the country's name, not FI
    assert "USA" in record.recipients[1].description
    by_purpose = {a.key: a.recipients for a in record.activities}
    assert by_purpose["billing_and_collection"] == ("Perintä Oy (inkassobyrå)",)
    assert by_purpose["service_delivery"] == (
        "Pilvi Inc (tjänsteleverantör (personuppgiftsbiträde))",
    )
    assert [t.recipient for t in record.transfers] == ["Pilvi Inc (USA)"]
    assert "standardavtalsklausuler" in record.transfers[0].safeguard


def _strings(value: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v, f"{path}[]")]
    return [(path, value)] if isinstance(value, str) else []


CODES = {
    str(m.value)
    for enum in (Category, Purpose, LawfulBasis, Source, RecipientKind, Safeguard)
    for m in enum
}


@pytest.mark.parametrize("lang", list(Lang))
def test_words_never_codes(lang: Lang) -> None:
    registered = (
        Registered("Pilvi Inc", RecipientKind.SERVICE_PROVIDER, "US",
                   frozenset({Purpose.SERVICE_DELIVERY}), None),
    )  # fmt: skip
    record = build_record(
        catalogue, SETTINGS, lang, on=DAY, registered=registered,
        transfers=(Transfer("Pilvi Inc", "US", "scc"),),
    )  # fmt: skip
    for path, value in _strings(record.as_json()):
        if path.endswith(".key") or path in (".schema", ".lang", ".generated_on"):
            continue
        assert value not in CODES, (path, value)
        assert "_" not in value, (path, value)


def test_every_text_and_recipient_kind_has_its_words() -> None:
    assert set(RECIPIENT_KIND_WORDS) == set(RecipientKind)
    for words in (*TEXTS.values(), *RECIPIENT_KIND_WORDS.values()):
        assert all(words), words
        assert len({words.fi, words.sv}) == 2 or words.fi == words.sv == words.en


def _shape(value: Any) -> Any:
    """The JSON's shape: keys and the types of their values (a list by its first item)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


# The JSON's schema: a change here is a change of SCHEMA's version.
EXPECTED_SHAPE = {
    "schema": "str",
    "lang": "str",
    "title": "str",
    "subtitle": "str",
    "generated": "str",
    "generated_on": "str",
    "register_name": "str",
    "controller": {"title": "str", "lines": ["str"]},
    "dpo": {"title": "str", "lines": ["str"]},
    "subjects": [{"key": "str", "name": "str", "categories": ["str"]}],
    "activities": [
        {
            "key": "str",
            "name": "str",
            "bases": "str",
            "subjects": ["str"],
            "data": [{"key": "str", "name": "str", "attributes": ["str"]}],
            "recipients": ["str"],
            "retention": ["str"],
        }
    ],
    "recipient_kinds": [{"name": "str", "what": "str"}],
    "recipients": [{"name": "str", "description": "str", "active": "bool"}],
    "transfers": [{"recipient": "str", "safeguard": "str"}],
    "transfers_none": "str",
    "retention": [{"period": "str", "categories": ["str"]}],
    "measures": [{"key": "str", "name": "str", "description": "str"}],
    "headings": dict.fromkeys(
        (
            "s.controller",
            "controller",
            "dpo",
            "register",
            "s.subjects",
            "subjects.intro",
            "s.activities",
            "activities.intro",
            "basis",
            "subjects",
            "data",
            "recipients",
            "retention",
            "s.recipients",
            "recipients.kinds",
            "recipients.named",
            "recipients.none",
            "s.transfers",
            "s.retention",
            "s.security",
            "security.intro",
            "pdf",
            "json",
        ),
        "str",
    ),
}


def test_the_json_schema_is_stable() -> None:
    registered = (
        Registered("Pilvi Inc", RecipientKind.SERVICE_PROVIDER, "US",
                   frozenset({Purpose.SERVICE_DELIVERY}), None),
    )  # fmt: skip
    record = build_record(
        catalogue, SETTINGS, Lang.EN, on=DAY, registered=registered,
        transfers=(Transfer("Pilvi Inc", "US", "scc"),),
    )  # fmt: skip
    document = record.as_json()
    assert document["schema"] == SCHEMA == "rekisteri.ropa/1"
    assert _shape(document) == EXPECTED_SHAPE
    assert json.loads(json.dumps(document)) == document
