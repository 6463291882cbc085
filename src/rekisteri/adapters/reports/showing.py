"""Values of the access report as a person reads them: codes in words (domain/value_words),
euros, Finnish and Swedish dates (Babel), Helsinki local times, yes and no.

The JSON keeps the stored values (codes, cents, ISO times in UTC) for programs; only the
document is worded here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from rekisteri.catalogue import catalogue
from rekisteri.domain import change_words, field_words, rights_words
from rekisteri.domain.consumption import HELSINKI, Quality
from rekisteri.domain.register import RESTRICTION
from rekisteri.domain.value_words import coded_columns, column_value_word, value_word
from rekisteri.domain.vocabulary import Lang

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
# Finnish and Swedish (in Finland) write 6.3.2025 and 14.05; English 6 Mar 2025, 14:05.
_DATE = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMM yyyy"}
_TIME = {"fi": "%H.%M", "sv": "%H.%M", "en": "%H:%M"}

# The tables whose rows the report's own lists show (their coded columns are worded as the
# stored table's).
TABLE_OF_SECTION = {"disclosures": "disclosure", "audit_entry": "audit_entry"}
# Fields the document leaves to the JSON: keys and codes beside their words, and the sources'
# technical detail (file names, batch numbers) that says nothing a reader could use.
HIDDEN = frozenset(
    {"row_id", "source_code", "source_detail", "attribute_code", "table", "file_ref", "request_id"}
)
_KWH_FIELDS = frozenset({"old_kwh", "kwh"})
_WORDED = frozenset({"action", "outcome"})


def day(value: dt.date, lang: str) -> str:
    return format_date(value, _DATE[lang], locale=LOCALES[lang])


def moment(value: dt.datetime, lang: str) -> str:
    """A time as the person's clock shows it (Helsinki), with its date."""
    local = value.astimezone(HELSINKI) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    local = local.astimezone(HELSINKI)
    return f"{day(local.date(), lang)} {local.strftime(_TIME[lang])}"


def euros(cents: int, lang: str) -> str:
    return format_currency(cents / 100, "EUR", locale=LOCALES[lang])


def kwh(value: float, lang: str) -> str:
    """A reading or a month's total to the watt-hour, always three decimals, so a column of
    them lines up ("12,500" under "3,275")."""
    return format_decimal(
        value, format="#,##0.000", locale=LOCALES[lang], decimal_quantization=True
    )


def kwh_tick(value: float, lang: str) -> str:
    """A value axis's tick (a round figure): no decimals it does not have."""
    return format_decimal(round(value, 3), locale=LOCALES[lang])


def month(yyyy_mm: str, lang: str) -> str:
    """ "2025-03" as "3/2025" (fi, sv) or "Mar 2025" (en)."""
    year, m = (int(x) for x in yyyy_mm.split("-"))
    if lang == "en":
        return format_date(dt.date(year, m, 1), "MMM yyyy", locale=LOCALES[lang])
    return f"{m}/{year}"


def _code(table: str, column: str, value: str, lang: str) -> str:
    if column in _WORDED and value in rights_words.HEADINGS:
        return rights_words.word(value, lang)
    if column == "quality" and value in Quality.__members__:
        return value_word(Quality[value], lang)
    if (table, column) in coded_columns() and re.search(r"[ ,]", value.strip()):
        # A set of codes in one column (a representative's powers, comma-separated).
        parts = [v for v in re.split(r"[ ,]+", value) if v]
        return ", ".join(column_value_word(table, column, v, lang) for v in parts)
    return column_value_word(table, column, value, lang)


# The fields that hold a reason: the register's own are codes (domain/reasons), worded here.
# (The attribute a reason belongs to: a restriction's is the restriction's; a change's, the
# changed attribute's.)
_REASONS: dict[str, str | None] = {"reason": None, "restricted_reason": RESTRICTION}


def show(section: str, field: str, value: Any, lang: Lang | str, row: dict[str, Any]) -> str:
    """One value of a record in words; "" when there is nothing to show."""
    lang = Lang(lang).value
    table = TABLE_OF_SECTION.get(section, section)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, bool):
        return rights_words.word("yes" if value else "no", lang)
    if isinstance(value, dt.datetime):
        return moment(value, lang)
    if isinstance(value, dt.date) and field == "month":  # a month by its first day
        return month(f"{value:%Y-%m}", lang)
    if isinstance(value, dt.date):
        return day(value, lang)
    if isinstance(value, int) and field.endswith("_cents"):
        return euros(value, lang)
    if isinstance(value, int | float) and (field in _KWH_FIELDS or field.endswith("_kwh")):
        return kwh(float(value), lang)
    if isinstance(value, int) and (field == "wh" or field.endswith("_wh")):  # stored in Wh
        return kwh(value / 1000, lang)
    if isinstance(value, list | tuple):
        return ", ".join(show(section, field, v, lang, row) for v in value)
    if isinstance(value, dict):
        return ", ".join(show(section, k, v, lang, row) for k, v in value.items() if v)
    if isinstance(value, str):
        if section == "attribute_change" and field in ("old_value", "new_value"):
            key = str(row.get("attribute_code") or "")
            return change_words.value_words(
                key,
                value,
                lang,
                columns=catalogue[key].columns if key in catalogue else (),
                day=lambda d: day(d, lang),
            )
        if field in _REASONS:
            return change_words.say(
                value,
                lang,
                attribute=_REASONS[field] or row.get("attribute_code"),
                day=lambda d: day(d, lang),
            )
        return _code(table, field, value, lang)
    return str(value)


def record(
    section: str, columns: Iterable[tuple[str, str]], row: dict[str, Any], lang: str
) -> list[tuple[str, str]]:
    """A row as (label, value) pairs, leaving out the empty and the hidden."""
    pairs = []
    for name, heading in columns:
        if name in HIDDEN:
            continue
        if name == "kept_until" and name in row and row[name] is None:
            # Not fixed yet: the period runs from the end of the contract still in force.
            pairs.append((heading, rights_words.word("while_contract", lang)))
            continue
        shown = show(section, name, row.get(name), lang, row)
        if shown:
            pairs.append((heading, shown))
    return pairs


def line_of(
    section: str, columns: Iterable[tuple[str, str]], row: dict[str, Any], lang: str
) -> list[str]:
    """A row's values in the columns' order, for a record a line under a legend of their labels
    (`headings`): an empty value is a dash, so every line has every column in its place."""
    values = []
    for name, _ in columns:
        if name in HIDDEN:
            continue
        if name == "kept_until" and name in row and row[name] is None:
            values.append(rights_words.word("while_contract", lang))
            continue
        values.append(show(section, name, row.get(name), lang, row) or "–")
    return values


def headings(columns: Iterable[tuple[str, str]]) -> list[str]:
    return [heading for name, heading in columns if name not in HIDDEN]


def label(field: str, lang: str) -> str:
    return field_words.field_label(field, lang)
