"""The one language rule (a person's language from their mother tongue) and the one word type."""

from __future__ import annotations

import pytest

from rekisteri.domain.register import MotherTongue
from rekisteri.domain.vocabulary import Lang, Words, lang_of


def test_each_mother_tongue_has_one_language() -> None:
    expected = {
        MotherTongue.FI: Lang.FI,
        MotherTongue.SV: Lang.SV,
        MotherTongue.EN: Lang.EN,
        # Neither national language: English is likelier to be read than Finnish.
        MotherTongue.OTHER: Lang.EN,
    }
    assert set(expected) == set(MotherTongue), "a new mother tongue needs its language here"
    for tongue, lang in expected.items():
        assert lang_of(tongue) is lang
        assert lang_of(tongue.value) is lang


def test_no_recorded_or_an_unknown_mother_tongue_gets_english() -> None:
    assert lang_of(None) is Lang.EN
    assert lang_of("") is Lang.EN
    assert lang_of("de") is Lang.EN
    assert lang_of("FI") is Lang.EN  # stored values are lower case; nothing is guessed


def test_words_in_each_language() -> None:
    words = Words("kyllä", "ja", "yes")
    assert [words.in_(lang) for lang in Lang] == ["kyllä", "ja", "yes"]
    assert [words.in_(lang.value) for lang in Lang] == ["kyllä", "ja", "yes"]
    assert (words.fi, words.sv, words.en) == words


@pytest.mark.parametrize("unknown", ["de", "", "other", "FI"])
def test_words_in_an_unknown_language_raise_naming_it(unknown: str) -> None:
    with pytest.raises(ValueError, match=repr(unknown)):
        Words("kyllä", "ja", "yes").in_(unknown)
