"""The retention run's result in the DPO's words: every count the run can give has words in
each language (the run's own steps here, a rule on a table from the catalogue), and the notes
appear only when there is something to act on."""

from __future__ import annotations

import pytest

from rekisteri.catalogue import Anchor, OnErasure, catalogue
from rekisteri.domain import retention_words as rw
from rekisteri.services.rights import run_words

LANGS = ("fi", "sv", "en")


def _rule_names() -> set[str]:
    """The names the run gives a rule applied to a table (retention._after_relationship and
    _recorded)."""
    return {
        f"{a.retention.name}: {a.table}"
        for a in catalogue.attributes
        if a.retention.anchor is Anchor.RECORDED
        or (
            a.retention.anchor is Anchor.RELATIONSHIP_END
            and a.retention.on_erasure is OnErasure.ERASE
        )
    }


@pytest.mark.parametrize("lang", LANGS)
def test_every_count_has_words_in_each_language(lang: str) -> None:
    for name in sorted(_rule_names() | set(rw.STEPS)):
        said = run_words.count_words(catalogue, name, lang)
        assert said and said != name and "_" not in said, (lang, name, said)


def test_a_rule_on_a_table_says_the_data_and_its_period() -> None:
    assert run_words.count_words(catalogue, "recordings: call_recording", "fi") == (
        "Puhelutallenteet ja niiden tallennusaika (12 kuukautta tallennuksesta)"
    )
    assert run_words.count_words(catalogue, "no_rule: no_table", "fi") is None


def test_the_notes_ask_only_for_what_there_is_to_do() -> None:
    counts = {rw.LOANS_OVERDUE: 0, rw.FILES_DESTROYED: 0, rw.KEPT_OPEN_INVOICES: 0}
    assert run_words.notes(counts, [], "fi") == []
    counts = {rw.LOANS_OVERDUE: 1200, rw.FILES_DESTROYED: 0, rw.KEPT_OPEN_INVOICES: 3}
    said = run_words.notes(counts, ["a.opus", "b.opus"], "sv", lambda n: f"<{n}>")
    assert said == [
        "Kunder vars lagringstid har löpt ut men vars uppgifter sparas för att driva in "
        "obetalda fakturor: <3>.",
        "Forskningslån av inspelningar efter återlämningsdagen: <1200>. Be "
        "forskningsinstitutet att lämna tillbaka eller förstöra inspelningarna.",
        "Ljudfiler av raderade samtalsinspelningar utanför registret: <2>. Förstör dem där de "
        "förvaras (förteckning nedan).",
    ]
    assert run_words.notes({rw.FILES_DESTROYED: 2}, [], "en") == [
        "2 audio files destroyed in the register's encrypted file store (once this run commits)"
    ]


def test_a_name_no_words_know_is_shown_as_stored() -> None:
    run = {"counts": {"an older name": 2, rw.PROSPECTS: 0}, "files": []}
    shown = run_words.shown(catalogue, run, "fi", str)
    assert shown.lines == [("an older name", 2)] and shown.notes == [] and shown.files == []
