"""The console search's results in the page's language: how each was found, the relationship
in words and the current address on one line (or the turvakielto's words in its place).

The enumerated values are in the words of the register's vocabulary (domain/value_words)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rekisteri.catalogue import Lang, Words
from rekisteri.catalogue.protection import PROTECTED_WORDS, is_mark
from rekisteri.domain.value_words import column_value_word
from rekisteri.services.register.search import SearchPage

# How the search understood the term (services/register/search.py's `matched_by`).
MATCHED_BY: Mapping[str, Words] = {
    "name": Words("nimellä", "på namn", "by name"),
    "customer number": Words("asiakasnumerolla", "på kundnummer", "by customer number"),
    "identity code": Words("henkilötunnuksella", "på personbeteckning", "by identity code"),
    "address": Words(
        "osoitteella (käyttöpaikka tai postiosoite, nykyinen tai aiempi)",
        "på adress (förbrukningsställe eller postadress, nuvarande eller tidigare)",
        "by address (supply or postal, current or past)",
    ),
    "postal code": Words("postinumerolla", "på postnummer", "by postal code"),
    "postal code and post office": Words(
        "postinumerolla ja -toimipaikalla",
        "på postnummer och postanstalt",
        "by postal code and post office",
    ),
    "post office": Words("postitoimipaikalla", "på postanstalt", "by post office"),
    "phone": Words("puhelinnumerolla", "på telefonnummer", "by phone"),
    "e-mail": Words("sähköpostiosoitteella", "på e-postadress", "by e-mail"),
    "metering point": Words(
        "mittauspisteen tunnuksella (GSRN)",
        "på mätpunkts-ID (GSRN)",
        "by metering point (GSRN)",
    ),
}


def value_words(field: str, value: str, lang: Lang | str) -> str:
    """An enumerated value of the person row in words (the register's vocabulary)."""
    return column_value_word("person", field, value, lang)


def address_line(address: Any, lang: Lang | str) -> str:
    """'Rantatie 12, 13166 Parainen', or the turvakielto's words for a withheld address."""
    if is_mark(address):
        return PROTECTED_WORDS.in_(lang)
    place = " ".join(p for p in (address.get("postal_code"), address.get("post_office")) if p)
    return ", ".join(p for p in (address.get("street"), place) if p)


def results(found: SearchPage, lang: Lang | str) -> dict[str, Any]:
    """What the results page shows: a column only when the role was given its values."""
    rows = [
        {
            "customer_number": r["customer_number"],
            "name": r["organisation_name"]
            if r["kind"] == "legal"
            else f"{r['last_name']}, {r['first_names']}",
            "birth_year": r.get("birth_year"),
            "relationship": value_words("relationship", r["relationship"], lang)
            if "relationship" in r
            else None,
            "address": address_line(r["address"], lang) if "address" in r else None,
        }
        for r in found.rows
    ]
    return {
        "how": MATCHED_BY[found.matched_by].in_(lang),
        "rows": rows,
        "columns": {
            column: any(column in r for r in found.rows)
            for column in ("birth_year", "relationship", "address")
        },
    }
