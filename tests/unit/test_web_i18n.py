"""Languages of the pages: negotiation, complete gettext catalogues, Finnish formats."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from rekisteri.catalogue import Lang
from rekisteri.domain import translatable
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.i18n import LANGUAGES, negotiate, po_path, translations

TEMPLATES = Path(formats.__file__).with_name("templates")
DOMAIN = Path(translatable.__file__).parent
NBSP = "\u00a0"


def test_the_address_decides_then_the_browser_then_finnish() -> None:
    assert negotiate("sv", "en-GB,en;q=0.9") is Lang.SV
    assert negotiate(None, "en-GB,en;q=0.9,fi;q=0.8") is Lang.EN
    assert negotiate(None, "de-DE, sv;q=0.5, en;q=0.4") is Lang.SV
    assert negotiate(None, "fi;q=0.2, sv-FI;q=0.9") is Lang.SV
    assert negotiate("de", None) is Lang.FI
    assert negotiate(None, None) is Lang.FI
    assert negotiate(None, "en;q=0") is Lang.FI


@given(st.one_of(st.none(), st.text()), st.one_of(st.none(), st.text()))
def test_negotiation_never_fails_on_any_input(requested: str | None, header: str | None) -> None:
    assert negotiate(requested, header) in set(Lang)


def _template_messages() -> set[str]:
    found = extract_from_dir(
        str(TEMPLATES),
        method_map=[("**.html", "jinja2.ext:babel_extract")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    in_code = [
        *extract_from_dir(str(TEMPLATES.parent), method_map=[("**.py", "python")]),
        *extract_from_dir(str(DOMAIN), method_map=[("**.py", "python")]),
    ]
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in [*found, *in_code]}


def test_every_word_of_the_pages_is_translated_to_finnish_and_swedish() -> None:
    wanted = _template_messages()
    assert "Skip to content" in wanted and "Language" in wanted
    assert "moved in" in wanted  # words in the web package's Python code count too
    assert "ASML ban" in wanted  # and texts the domain marks with N_
    for lang in ("fi", "sv", "en"):
        with po_path(lang).open("rb") as f:
            catalog = read_po(f)
        have = {m.id: m for m in catalog if m.id}
        missing = wanted - set(have)
        assert not missing, f"{lang}: run `make messages` and translate {sorted(missing)}"
        if lang == "en":
            continue  # the message ids are the English words
        for msgid in wanted:
            message = have[msgid]
            assert message.string and not message.fuzzy, f"{lang}: {msgid!r} untranslated"
            placeholders = set(re.findall(r"%\(\w+\)s", msgid))
            assert set(re.findall(r"%\(\w+\)s", str(message.string))) == placeholders, msgid


def test_the_catalogues_load_from_the_po_files() -> None:
    assert translations("fi").gettext("Skip to content") == "Siirry sisältöön"
    assert translations("sv").gettext("Skip to content") == "Hoppa till innehållet"
    assert translations("en").gettext("Skip to content") == "Skip to content"
    assert [lang.code for lang in LANGUAGES] == [Lang.FI, Lang.SV, Lang.EN]


def test_dates_and_numbers_are_written_the_finnish_way() -> None:
    day = date(2026, 3, 7)
    assert formats.format_date(day, "fi") == "7.3.2026"
    assert formats.format_date(day, "sv") == "7.3.2026"
    assert formats.format_date(day, "fi", "long") == "7. maaliskuuta 2026"
    assert formats.format_date(day, "sv", "long") == "7 mars 2026"
    assert formats.format_number(1234567.891, "fi", 1) == f"1{NBSP}234{NBSP}567,9"
    assert formats.format_number(1234567.891, "sv", 1) == f"1{NBSP}234{NBSP}567,9"
    # Stored times are UTC; pages show Finnish time (UTC+2 in winter, +3 in summer).
    assert (
        formats.format_datetime(datetime(2026, 1, 5, 22, 30, tzinfo=UTC), "fi") == "6.1.2026 0.30"
    )
    assert formats.format_datetime(datetime(2026, 7, 5, 9, 5, tzinfo=UTC), "sv") == "5.7.2026 12.05"
    assert formats.format_date(None, "fi") == "" and formats.format_number(None, "fi") == ""
