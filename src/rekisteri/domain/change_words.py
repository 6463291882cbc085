"""The change history (P12) in the reader's words: an old or new value, and a reason the
register wrote (domain/reasons), by the one rule the person page, the access report and the
command line share.

A date reads as the reader writes dates, a contract's end ("ended 2026-02-01 (moved_out)", as
the register records it) as its day and the words of its reason, a code as the words of the
changed attribute's own column; anything else (a name, a street) is shown as stored, even if it
happens to spell some other column's code.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from enum import Enum

from rekisteri.domain.reasons import DATE, REASON, Detail, parse, spec_of
from rekisteri.domain.register import (
    CONTRACT_ENDED_RECORD,
    RESTRICTED_RECORD,
    RESTRICTION,
    EndReason,
)
from rekisteri.domain.value_words import column_value_word, value_word
from rekisteri.domain.vocabulary import Lang, Words

_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ENDED = Words("päättyi {day} ({why})", "upphörde {day} ({why})", "ended {day} ({why})")


RESTRICTED = Words("käsittely rajoitettu", "behandlingen begränsad", "processing restricted")


def value_words(
    attribute: str | None,
    value: str,
    lang: Lang | str,
    *,
    columns: Iterable[str] = (),
    day: Callable[[dt.date], str],
) -> str:
    """A stored history value as `lang` reads it (dates written by `day`); a code is looked
    up in the changed attribute's own `columns` (the catalogue's: an invoice's status is one
    of the invoice's columns), never in another attribute's."""
    if _ISO_DAY.match(value):
        return day(dt.date.fromisoformat(value))
    ended = CONTRACT_ENDED_RECORD.match(value)
    if ended:
        try:
            why = value_word(EndReason(ended[2]), lang)
        except ValueError:
            why = ended[2]
        return ENDED.in_(lang).format(day=day(dt.date.fromisoformat(ended[1])), why=why)
    if attribute == RESTRICTION and RESTRICTED_RECORD.match(value):
        return RESTRICTED.in_(lang)  # why is the change's reason, beside it
    if not attribute or "." not in attribute:
        return value
    table = attribute.partition(".")[0]
    for column in columns:
        word = column_value_word(table, column, value, lang)
        if word != value:
            return word
    return value


def _numeric_day(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def _detail(kind: Detail, value: str, lang: Lang | str, day: Callable[[dt.date], str]) -> str:
    if kind == DATE:
        try:
            return day(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if kind == REASON:
        return say(value, lang, day=day)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return value_word(kind(value), lang)
        except (ValueError, KeyError):
            return value
    return value


def say(
    stored: str | None,
    lang: Lang | str,
    *,
    attribute: str | None = None,
    day: Callable[[dt.date], str] = _numeric_day,
) -> str:
    """A stored reason as `lang` reads it: one the register wrote in words (its dates written
    by `day`), one a person typed as typed. `attribute`: what the change changed, for the
    older English reasons only that attribute's changes were written with."""
    if stored is None:
        return ""
    found = parse(stored, attribute=attribute)
    if found is None:
        return stored
    reason, details = found
    words, kinds = spec_of(reason)
    shown = [_detail(k, v, lang, day) for k, v in zip(kinds, details, strict=True)]
    return words.in_(lang).format(*shown)
