"""A retention run's result as the DPO reads it: each count in words, the notes in the reader's
language (domain/retention_words.py for the run's own steps; the catalogue for a rule applied to
a table: the data's own words and the period the privacy statement gives)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rekisteri.catalogue import Catalogue
from rekisteri.domain import retention_words as rw
from rekisteri.domain.vocabulary import Lang


@dataclass(frozen=True)
class Shown:
    lines: list[tuple[str, int]]  # (what, how many), the counts that are not zero
    notes: list[str]
    files: list[str]  # to destroy where they are kept


def count_words(catalogue: Catalogue, name: str, lang: Lang | str) -> str | None:
    """A count's name in words; None when neither the run nor the catalogue knows it."""
    if name in rw.STEPS:
        return rw.STEPS[name].in_(lang)
    rule_name, _, table = name.partition(": ")
    attrs = [a for a in catalogue.for_table(table) if a.retention.name == rule_name]
    if not attrs:
        return None
    what = ", ".join(a.label(lang) for a in attrs)
    return f"{what[:1].upper()}{what[1:]} ({attrs[0].retention.describe(lang)})"


def notes(
    counts: Mapping[str, int],
    files: Sequence[str],
    lang: Lang | str,
    number: Callable[[int], str] = str,
) -> list[str]:
    """What the DPO is asked to act on or know, from the run's counts and files."""
    found = dict(counts) | {rw.FILES_OUTSIDE: len(files)}
    return [
        words.in_(lang).format(n=number(found[name]))
        for name, words in rw.NOTES.items()
        if found.get(name)
    ]


def shown(
    catalogue: Catalogue, run: Mapping[str, Any], lang: Lang | str, number: Callable[[int], str]
) -> Shown:
    """A stored run (retention.last_run, retention_approval.latest) in `lang`. A name from an
    older version that no words know is shown as it was stored."""
    counts: dict[str, int] = run.get("counts", {})
    lines = [(count_words(catalogue, k, lang) or k, n) for k, n in counts.items() if n]
    files = list(run.get("files", []))
    return Shown(lines, notes(counts, files, lang, number), files)
