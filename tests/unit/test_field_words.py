"""Every field the access report labels has words in Finnish, Swedish and English: a column
without them would reach the reader as its English column name."""

from __future__ import annotations

from rekisteri.catalogue import Sensitivity, catalogue
from rekisteri.domain import field_words
from rekisteri.services.rights import package


def test_every_column_of_a_many_column_attribute_has_words() -> None:
    cat = catalogue
    columns = {
        c
        for a in cat.attributes
        if a.sensitivity is not Sensitivity.ENCRYPTED and len(a.columns) > 1
        for c in a.columns
    }
    missing = sorted(c for c in columns if not field_words.known(c))
    assert not missing, missing


def test_the_reports_own_lists_have_words() -> None:
    own = (
        package._CHANGE_COLUMNS
        + package._CORRECTION_COLUMNS
        + package._CONSULTATION_COLUMNS
        + package._KEPT_COLUMNS
        + package._DISCLOSURE_COLUMNS
        + ("segment", "description", "rules", "kept_until", "source")
    )
    assert not [c for c in own if not field_words.known(c)]
    for c in own:
        fi, sv, en = (field_words.field_label(c, lang) for lang in ("fi", "sv", "en"))
        assert fi and sv and en and "_" not in fi + sv


def test_numbered_contacts_are_worded() -> None:
    assert field_words.field_label("contacted_3_at", "fi") == "3. viimeisin yhteydenotto"
    assert not field_words.known("no_such_column")
