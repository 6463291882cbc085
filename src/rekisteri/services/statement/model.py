"""The shape of the privacy statement: numbered sections of paragraphs, lines, headings and lists.

Renderers (the CLI's text and Markdown, the pages' Jinja2 templates) lay these out and add no
words of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rekisteri.catalogue import Lang


@dataclass(frozen=True)
class Paragraph:
    text: str
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


@dataclass(frozen=True)
class Items:
    items: tuple[Item, ...]
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
