"""The shape of the record of processing activities: words only, in the record's language.

Renderers (the HTML template shared by the console page, the document and its PDF; the JSON
below) lay it out and add no words of their own. `key` fields are stable identifiers for
machines reading the JSON; every value a person reads is in the record's language.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from typing import Any

from rekisteri.catalogue import Lang

SCHEMA = "rekisteri.ropa/1"


@dataclass(frozen=True)
class Party:
    """The controller or its data protection officer, as lines of an address."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DataCategory:
    key: str
    name: str
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class SubjectGroupEntry:
    key: str
    name: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Activity:
    """One purpose of the processing and everything Art. 30(1)(b)-(f) asks of it."""

    key: str
    name: str
    bases: str
    subjects: tuple[str, ...]
    data: tuple[DataCategory, ...]
    recipients: tuple[str, ...]
    retention: tuple[str, ...]


@dataclass(frozen=True)
class RecipientKindEntry:
    name: str
    what: str


@dataclass(frozen=True)
class NamedRecipient:
    name: str
    description: str
    active: bool


@dataclass(frozen=True)
class TransferEntry:
    recipient: str
    safeguard: str


@dataclass(frozen=True)
class RetentionEntry:
    period: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class MeasureEntry:
    key: str
    name: str
    description: str


@dataclass(frozen=True)
class Record:
    lang: Lang
    title: str
    subtitle: str
    generated: str
    generated_on: dt.date
    register_name: str
    controller: Party
    dpo: Party
    subjects: tuple[SubjectGroupEntry, ...]
    activities: tuple[Activity, ...]
    recipient_kinds: tuple[RecipientKindEntry, ...]
    recipients: tuple[NamedRecipient, ...]
    transfers: tuple[TransferEntry, ...]
    transfers_none: str
    retention: tuple[RetentionEntry, ...]
    measures: tuple[MeasureEntry, ...]
    headings: dict[str, str]

    def as_json(self) -> dict[str, Any]:
        """The record as JSON: the same words, keyed by what they are (schema SCHEMA)."""
        whole = asdict(self)
        whole["lang"] = self.lang.value
        whole["generated_on"] = self.generated_on.isoformat()
        # Through JSON once: tuples become lists, so the document equals what a reader parses.
        plain: dict[str, Any] = json.loads(json.dumps({"schema": SCHEMA, **whole}))
        return plain
