"""The shape of the privacy statement: numbered sections of paragraphs, lines, headings and lists.

Renderers (the CLI's text and Markdown, the pages' Jinja2 templates) lay these out and add no
words of their own. A paragraph, list or list item carries the ids of the claims its words make
(services/statement/claims.py), so each promise can be traced to the tests marked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rekisteri.catalogue import Lang


@dataclass(frozen=True)
class Paragraph:
    text: str
    claims: tuple[str, ...] = ()
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Lines:
    """Lines kept apart, such as an address."""

    lines: tuple[str, ...]
    kind: ClassVar[str] = "lines"


@dataclass(frozen=True)
class Heading:
    text: str
    kind: ClassVar[str] = "heading"


@dataclass(frozen=True)
class Item:
    term: str
    text: str
    notes: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()

    def sentence(self) -> str:
        head = f"{self.term}: {self.text}" if self.text else self.term
        return "; ".join((head, *self.notes))


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
    claims: tuple[str, ...] = ()
    kind: ClassVar[str] = "items"


Block = Paragraph | Lines | Heading | Items


@dataclass(frozen=True)
class Section:
    key: str
    number: int
    title: str
    blocks: tuple[Block, ...]

    def words(self) -> str:
        """All the section's text in one string (for searching and tests)."""
        parts = [self.title]
        for b in self.blocks:
            if isinstance(b, Paragraph | Heading):
                parts.append(b.text)
            elif isinstance(b, Lines):
                parts.extend(b.lines)
            else:
                for i in b.items:
                    parts.extend((i.term, i.text, *i.notes))
        return "\n".join(parts)


@dataclass(frozen=True)
class Notice:
    lang: Lang
    title: str
    subtitle: str
    controller: str
    register_name: str
    updated_label: str
    updated_on: date
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def words(self) -> str:
        return "\n".join([self.title, self.subtitle, *(s.words() for s in self.sections)])

    def claims(self) -> list[Claim]:
        """Every claim the statement makes, in reading order, with the words that make it.

        A list's own claims are made by the whole list; an item's by the item."""
        made: list[Claim] = []
        for section in self.sections:
            for b in section.blocks:
                if isinstance(b, Paragraph):
                    made.extend(Claim(c, section.key, b.text) for c in b.claims)
                elif isinstance(b, Items):
                    whole = " | ".join(i.sentence() for i in b.items)
                    made.extend(Claim(c, section.key, whole) for c in b.claims)
                    for i in b.items:
                        made.extend(Claim(c, section.key, i.sentence()) for c in i.claims)
        return made

    def claim_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.claims())


@dataclass(frozen=True)
class Claim:
    """One checkable promise of the statement: its id, the section and the words making it."""

    id: str
    section: str
    sentence: str
