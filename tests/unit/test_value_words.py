"""Every code the register stores has words in Finnish, Swedish and English (issue 17, item 4).

The enums are found by walking the modules of the domain and the catalogue, so a new enum, or a
new member of an old one, without words fails here before any page shows its code.
"""

from __future__ import annotations

import importlib
import pkgutil
from enum import Enum
from types import ModuleType

import pytest

import rekisteri.catalogue
import rekisteri.domain
from rekisteri.catalogue import catalogue
from rekisteri.domain import attribute_rules, reasons
from rekisteri.domain.consent import Channel
from rekisteri.domain.reasons import Reason
from rekisteri.domain.register import EndReason, HeatingType, Ownership, PersonKind
from rekisteri.domain.value_words import (
    coded_columns,
    column_value_word,
    value_word,
    worded_above,
    worded_enums,
    words_of,
)
from rekisteri.domain.vocabulary import Lang

# Words the same as their code in Finnish or Swedish, checked by hand: a loan word, not a code.
SAME_AS_CODE = {("chat", "fi"), ("risk", "sv")}


def _modules(package: ModuleType) -> list[ModuleType]:
    names = [m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + ".")]
    return [package, *(importlib.import_module(n) for n in names)]


def register_enums() -> list[type[Enum]]:
    """Every enum defined in a module of the domain or the catalogue."""
    found: dict[str, type[Enum]] = {}
    for package in (rekisteri.domain, rekisteri.catalogue):
        for module in _modules(package):
            for obj in vars(module).values():
                if (
                    isinstance(obj, type)
                    and issubclass(obj, Enum)
                    and obj.__module__ == module.__name__
                ):
                    found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return [found[name] for name in sorted(found)]


ENUMS = register_enums()


def _word(member: Enum, lang: Lang) -> str:
    """The member's words: the register's reasons keep theirs (templates of their details)
    beside their details' kinds in domain/reasons, the rest in domain/value_words."""
    if isinstance(member, Reason):
        words, details = reasons.spec_of(member)
        return words.in_(lang).format(*["…"] * len(details))
    return value_word(member, lang)


MEMBERS = [(e, m) for e in ENUMS for m in e]


def test_the_walk_finds_the_register_enums() -> None:
    names = {e.__qualname__ for e in ENUMS}
    assert {"HeatingType", "EndReason", "Category", "RequestState", "Anchor"} <= names
    assert len(ENUMS) >= 50


@pytest.mark.parametrize(
    ("enum", "member"), MEMBERS, ids=[f"{e.__qualname__}.{m.name}" for e, m in MEMBERS]
)
def test_every_member_has_words_in_every_language(enum: type[Enum], member: Enum) -> None:
    for lang in Lang:
        word = _word(member, lang)
        assert word.strip() == word and word, f"{enum.__qualname__}.{member.name} in {lang}"
        assert "_" not in word, f"{enum.__qualname__}.{member.name} in {lang} reads as a code"
        if lang is not Lang.EN and isinstance(member.value, str):
            same = word.lower() == member.value and (member.value, lang.value) not in SAME_AS_CODE
            assert not same, f"{enum.__qualname__}.{member.name} in {lang} is its code"


@pytest.mark.parametrize("enum", ENUMS, ids=[e.__qualname__ for e in ENUMS])
def test_members_of_one_enum_read_differently(enum: type[Enum]) -> None:
    """Two codes with the same words could not be told apart on a page."""
    for lang in Lang:
        words = [_word(m, lang) for m in enum]
        assert len(set(words)) == len(words), f"{enum.__qualname__} in {lang}: {words}"


def test_no_words_for_enums_that_are_gone() -> None:
    """The tables hold words only for enums that exist, and for every member of each."""
    names = {f"{e.__module__}.{e.__qualname__}" for e in ENUMS}
    assert set(worded_above()) <= names
    for enum in worded_enums():
        assert enum in ENUMS
        assert all(words_of(m) for m in enum)


def test_words_in_each_language() -> None:
    assert value_word(HeatingType.WOOD, "fi") == "puulämmitys"
    assert value_word(HeatingType.WOOD, Lang.SV) == "vedeldning"
    assert value_word(Ownership.TENANT, "en") == "tenant"
    assert value_word(EndReason.MOVED_OUT, "fi") == "muutto pois"
    assert value_word(PersonKind.NATURAL, "sv") == "privatperson"
    with pytest.raises(ValueError):
        value_word(HeatingType.WOOD, "de")


def test_a_coded_column_gives_words_and_any_other_column_the_value() -> None:
    assert column_value_word("site", "heating_type", "wood", "fi") == "puulämmitys"
    assert column_value_word("contract", "end_reason", "moved_out", "sv") == "utflyttning"
    assert column_value_word("consent_event", "channel", "any", "fi") == "kaikki kanavat"
    assert column_value_word("consent_event", "channel", "sms", "en") == "text message"
    # The person's own data is not a code: a street named like a code stays as it is.
    assert column_value_word("site", "street", "wood", "fi") == "wood"
    # A stored value the enum does not know is shown as stored, not hidden.
    assert column_value_word("site", "heating_type", "peat", "fi") == "peat"


def test_coded_columns_are_columns_of_the_catalogue() -> None:
    for (table, column), enum in coded_columns().items():
        columns = {c for a in catalogue.for_table(table) for c in a.columns}
        assert column in columns, f"{table}.{column} ({enum.__qualname__}) is no catalogue column"


def test_every_coded_attribute_has_its_column_words() -> None:
    """Each attribute whose rule is a choice of an enum is a coded column with that enum (the
    map is derived from the rules: this keeps a hand-written entry from overriding one)."""
    checked = 0
    for key, rule in attribute_rules.RULES.items():
        if not isinstance(rule, attribute_rules.Choice):
            continue
        parts = key.split(".")
        where = (parts[0], parts[-1])
        assert coded_columns().get(where) is rule.enum, f"{key}: {where} is {rule.enum}"
        checked += 1
    assert checked >= 20


@pytest.mark.parametrize("where", sorted(coded_columns()), ids=".".join)
def test_every_code_of_a_coded_column_has_words(where: tuple[str, str]) -> None:
    """A code a column may hold with no words would reach a page or a letter raw."""
    for member in coded_columns()[where]:
        words = words_of(member)  # KeyError: a code without words
        assert all(words.in_(lang).strip() for lang in Lang), f"{where}: {member.value}"


def test_channel_words_are_the_preference_centres() -> None:
    from rekisteri.domain.wording import channel_label

    for channel in Channel:
        for lang in Lang:
            assert value_word(channel, lang) == channel_label(channel.value, lang)


def test_the_audit_trails_own_codes_have_words() -> None:
    assert column_value_word("audit_entry", "action", "read", "fi") == "luku"
    assert column_value_word("audit_entry", "outcome", "denied", "sv") == "nekad"
    assert column_value_word("audit_entry", "actor", "person", "en") == "the person themself"
    assert column_value_word("audit_entry", "actor", "maija.cs", "fi") == "maija.cs"


def test_the_access_packages_delivery_ways_have_words() -> None:
    assert column_value_word("package_delivery", "notice", "email", "fi") == "sähköposti"
    assert column_value_word("package_delivery", "handed_over", "in_person", "sv") == "personligen"


def test_a_segment_rule_in_words() -> None:
    from rekisteri.domain.segments import parse_rule
    from rekisteri.domain.value_words import segment_rule_words

    heating = parse_rule("heating_type=heat_pump,electric")
    assert segment_rule_words(heating, "fi") == "lämmitysmuoto: sähkölämmitys, lämpöpumppu"
    band = parse_rule("consumption_kwh=5000..")
    assert segment_rule_words(band, "sv") == "uppskattad årsförbrukning (kWh): 5000–"
    days = parse_rule("contract_ending_within_days=90")
    assert segment_rule_words(days, "en") == "contract ends within (days): 90"


def test_a_payments_method_in_words() -> None:
    assert column_value_word("payment", "method", "bank_transfer", "fi") == "tilisiirto"
