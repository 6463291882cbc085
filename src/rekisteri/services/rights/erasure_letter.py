"""The erasure answer as the person reads it, in their language (fi, sv or en): what was
erased, what is still kept, why and until when, and who is told (Art. 12(1), 17, 19).

Composed from the answer alone (services/rights/erasure), whose `kept` list is what the
database still holds after the erasure: the letter cannot say more or less than that."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rekisteri.catalogue import Lang
from rekisteri.domain.rights_words import word


def _until(until: Any, lang: Lang) -> str:
    if until is None:
        return word("no_end_date", lang)
    day = until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until))
    return f"{word('until', lang)} {day.isoformat()}"


def compose(outcome: dict[str, Any], lang: Lang | str, reference: str) -> str:
    """The letter's text. Kept items with the same reason and end date share a line, each with
    how many records hold it."""
    lang = Lang(lang)
    lines = [f"{word('erasure_title', lang)} — {reference}", ""]
    lines.append(f"{word('erased_heading', lang)}:")
    erased = sorted({e["what"] for e in outcome["erased"]})
    lines += [f"- {what}" for what in erased] or [f"- {word('none', lang)}"]
    lines.append("")
    lines.append(f"{word('kept_heading', lang)}:")
    groups: dict[tuple[str, str], list[str]] = {}
    for k in outcome["kept"]:
        key = (k["why"], _until(k["until"], lang))
        groups.setdefault(key, []).append(f"{k['what']} ({k['rows']})")
    for (why, until), whats in groups.items():
        lines.append(f"- {', '.join(whats)}: {why}; {until}")
    if not groups:
        lines.append(f"- {word('none', lang)}")
    if outcome.get("limited_by"):
        lines += ["", f"{word('limited_heading', lang)}: " + "; ".join(outcome["limited_by"])]
    if outcome.get("recipients_to_notify"):
        told = ", ".join(outcome["recipients_to_notify"])
        lines += ["", f"{word('recipients_told', lang)}: {told}"]
    return "\n".join(lines) + "\n"
