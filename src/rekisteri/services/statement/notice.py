"""The privacy statement (P17), generated from the catalogue and the settings.

`build_notice` returns the statement as structured data: numbered sections (the structure of
seeds 002 and 004) made of paragraphs, address lines, headings and lists. The CLI prints it as
text or Markdown and the public page renders it with Jinja2; neither adds words of its own.
The catalogue is a parameter, so a new attribute, category, purpose, source or retention rule
changes the statement without this module changing.
"""

from __future__ import annotations

from collections.abc import Sequence

from rekisteri.catalogue import Catalogue, Lang
from rekisteri.catalogue.cookies import DECLARED_COOKIES, Cookie
from rekisteri.config import Settings
from rekisteri.services.statement.model import (
    Block,
    Heading,
    Item,
    Items,
    Lines,
    Notice,
    Paragraph,
    Section,
)
from rekisteri.services.statement.recipients import Recipient, Transfer, regular_recipients
from rekisteri.services.statement.sections import SectionWriter, join_words
from rekisteri.services.statement.texts import text

__all__ = [
    "SECTION_KEYS",
    "Block",
    "Heading",
    "Item",
    "Items",
    "Lines",
    "Notice",
    "Paragraph",
    "Section",
    "build_notice",
    "join_words",
]

SECTION_KEYS = (
    "controller",
    "contact",
    "register",
    "purposes",
    "content",
    "sources",
    "disclosures",
    "retention",
    "security",
    "rights",
    "cookies",
)


def build_notice(
    catalogue: Catalogue,
    settings: Settings,
    lang: Lang | str,
    *,
    recipients: Sequence[Recipient] | None = None,
    transfers: Sequence[Transfer] = (),
    cookies: Sequence[Cookie] = DECLARED_COOKIES,
) -> Notice:
    """The privacy statement in `lang` for the register described by `catalogue`.

    `transfers` are the recipients outside the EU/EEA the recipient register holds
    (services/access/transfers.py): none, and the statement says no data leaves the EU/EEA."""
    lang = Lang(lang)
    writer = SectionWriter(catalogue, settings, lang)
    bodies = {
        "controller": writer.controller(),
        "contact": writer.contact(),
        "register": (Paragraph(writer.register_name()),),
        "purposes": writer.purposes(),
        "content": writer.content(),
        "sources": writer.sources(),
        "disclosures": writer.disclosures(
            regular_recipients() if recipients is None else recipients, transfers
        ),
        "retention": writer.retention(),
        "security": writer.security(),
        "rights": writer.rights(),
        "cookies": writer.cookies(cookies),
    }
    sections = tuple(
        Section(key, n, text(f"s.{key}", lang), bodies[key])
        for n, key in enumerate(SECTION_KEYS, start=1)
    )
    return Notice(
        lang=lang,
        title=text("title", lang),
        subtitle=text("subtitle", lang),
        controller=settings.controller_name,
        register_name=writer.register_name(),
        updated_label=text("updated", lang),
        updated_on=settings.notice_updated_on,
        sections=sections,
    )
