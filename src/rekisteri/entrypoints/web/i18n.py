"""Languages of the pages: which one a request gets, and the gettext catalogues of their words.

The language travels in the address (?lang=fi|sv|en), so public pages need no cookie (P15).
Without it the browser's Accept-Language decides, and Finnish is the default. The catalogues are
the .po files under locale/, compiled in memory when first used: a fresh install needs no
compile step and there are no binary files to keep in step with the sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from rekisteri.catalogue import Lang

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT = Lang.FI


@dataclass(frozen=True)
class Language:
    code: Lang
    name: str  # in the language itself, as a language switch shows it
    babel_locale: str  # dates and numbers: Finnish formats for every language of the register


LANGUAGES: tuple[Language, ...] = (
    Language(Lang.FI, "Suomi", "fi_FI"),
    Language(Lang.SV, "Svenska", "sv_FI"),
    Language(Lang.EN, "English", "en_FI"),
)
BY_CODE = {lang.code.value: lang for lang in LANGUAGES}


def po_path(lang: Lang | str) -> Path:
    return LOCALE_DIR / str(lang) / "LC_MESSAGES" / "messages.po"


@cache
def translations(lang: Lang | str) -> Translations:
    """The page words of `lang`, compiled from its .po file (fuzzy entries left out)."""
    with po_path(lang).open("rb") as po:
        catalog = read_po(po, locale=BY_CODE[str(lang)].babel_locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled, domain="messages")


def _accepted(header: str) -> list[str]:
    """Language tags of an Accept-Language header, most wanted first."""
    ranked: list[tuple[float, int, str]] = []
    for n, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, n, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(requested: str | None, accept_language: str | None) -> Lang:
    """?lang= if it names one of ours; else the browser's first language we have; else Finnish."""
    if requested and requested in BY_CODE:
        return Lang(requested)
    for tag in _accepted(accept_language or ""):
        primary = tag.split("-")[0]
        if primary in BY_CODE:
            return Lang(primary)
    return DEFAULT
