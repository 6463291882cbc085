"""The person page's change history (P12) in the page's words: which attribute (the
catalogue's label), old and new value (a date as d.M.yyyy, a code in words), why, by whom and
from which source, newest first.

The history is the customer view's (`view["history"]`): present only for a role that may read
the history category, with a protected person's address changes already replaced by the
protection's words, and encrypted values never opened for staff.
"""

from __future__ import annotations

from typing import Any

from rekisteri.catalogue import Lang, catalogue
from rekisteri.catalogue.protection import PROTECTED_WORDS
from rekisteri.domain import change_words
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import source_words
from rekisteri.services.register.history import ENCRYPTED
from rekisteri.services.register.person_view import PROTECTED_TEXT


def _value(attribute: str, value: str | None, lang: Lang) -> str:
    """An old or new value as the page shows values."""
    if value is None or value == "":
        return "–"
    if value == ENCRYPTED:
        return translations(lang).gettext("encrypted, not shown")
    if value == PROTECTED_TEXT:
        return PROTECTED_WORDS.in_(lang)
    return change_words.value_words(
        attribute,
        value,
        lang,
        columns=catalogue[attribute].columns if attribute in catalogue else (),
        day=lambda d: formats.format_date(d, lang),
    )


def rows(history: list[dict[str, Any]], lang: Lang) -> list[dict[str, str]]:
    """The history's entries for the page's table, newest first."""
    out = []
    for change in reversed(history):
        key = str(change["attribute"])
        out.append(
            {
                "at": formats.format_datetime(change["at"], lang),
                "what": catalogue[key].label(lang) if key in catalogue else key,
                "old": _value(key, change.get("old_value"), lang),
                "new": _value(key, change.get("new_value"), lang),
                "why": change_words.say(
                    change.get("reason"),
                    lang,
                    attribute=key,
                    day=lambda d: formats.format_date(d, lang),
                ),
                "by": str(change.get("actor") or ""),
                "source": source_words(
                    {
                        "source": change.get("source"),
                        "detail": change.get("source_detail"),
                        "received_at": change.get("received_at"),
                    },
                    lang,
                ),
            }
        )
    return out
