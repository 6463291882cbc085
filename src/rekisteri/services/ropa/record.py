"""The record of processing activities (GDPR Art. 30(1)), built from the catalogue, the settings
and the recipient register.

What the privacy statement already derives is taken from its writer (services/statement): the
controller's lines, the lawful bases of a purpose, the retention periods as the settings make
them, the kinds of regular recipient and the transfers with their safeguards. What only the
record needs is derived here: per purpose the persons, data, named recipients and periods; the
groups of persons (catalogue/subjects.py); the security measures (measures.py). The catalogue is
a parameter, so a purpose, category or attribute added to it shows in the record unchanged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from babel import Locale
from babel.dates import format_date
from sqlalchemy import Connection, select

from rekisteri.adapters.reports.pdf import html_to_pdf
from rekisteri.adapters.schema.disclosure import recipient
from rekisteri.catalogue import Catalogue, Category, Lang, Purpose, label
from rekisteri.catalogue.subjects import SUBJECT_GROUPS, SubjectGroup
from rekisteri.config import Settings
from rekisteri.domain.transfers import RecipientKind
from rekisteri.domain.values import HELSINKI
from rekisteri.services.access.transfers import transfers_in
from rekisteri.services.ropa.measures import measures_in_force
from rekisteri.services.ropa.model import (
    Activity,
    DataCategory,
    MeasureEntry,
    NamedRecipient,
    Party,
    RecipientKindEntry,
    Record,
    RetentionEntry,
    SubjectGroupEntry,
    TransferEntry,
)
from rekisteri.services.ropa.texts import RECIPIENT_KIND_WORDS, text
from rekisteri.services.statement.countries import COUNTRY_NAMES, country_name
from rekisteri.services.statement.model import Items, Lines
from rekisteri.services.statement.recipients import Recipient, Transfer, regular_recipients
from rekisteri.services.statement.sections import SectionWriter, join_words
from rekisteri.services.unit_of_work import RegisterApp

HEADINGS = (
    "s.controller",
    "controller",
    "dpo",
    "register",
    "s.subjects",
    "subjects.intro",
    "s.activities",
    "activities.intro",
    "basis",
    "subjects",
    "data",
    "recipients",
    "retention",
    "s.recipients",
    "recipients.kinds",
    "recipients.named",
    "recipients.none",
    "s.transfers",
    "s.retention",
    "s.security",
    "security.intro",
    "pdf",
    "json",
)


@dataclass(frozen=True)
class Registered:
    """A recipient as the recipient register holds it (organisations, not persons)."""

    name: str
    kind: RecipientKind
    country: str
    purposes: frozenset[Purpose]
    agreement_ref: str | None


def registered_in(connection: Connection) -> tuple[Registered, ...]:
    """The active recipients, by name. Reading them is no read of a person's data."""
    rows = connection.execute(
        select(
            recipient.c.name,
            recipient.c.kind,
            recipient.c.country,
            recipient.c.purposes,
            recipient.c.agreement_ref,
        )
        .where(recipient.c.active)
        .order_by(recipient.c.name)
    )
    return tuple(
        Registered(
            r.name,
            RecipientKind(r.kind),
            r.country,
            frozenset(Purpose(p) for p in r.purposes.split()),
            r.agreement_ref,
        )
        for r in rows
    )


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def country(code: str, lang: Lang) -> str:
    """A country's name in `lang`: the statement's names, else the locale data's."""
    if code in COUNTRY_NAMES:
        return country_name(code, lang)
    return str(Locale.parse(f"{lang.value}_FI").territories.get(code, code))


def _held(group: SubjectGroup, catalogue: Catalogue) -> tuple[Category, ...]:
    return tuple(c for c in catalogue.categories() if c not in group.not_held)


class RecordWriter:
    def __init__(
        self,
        catalogue: Catalogue,
        settings: Settings,
        lang: Lang,
        registered: Sequence[Registered],
    ) -> None:
        self.cat = catalogue
        self.s = settings
        self.lang = lang
        self.registered = registered
        self.statement = SectionWriter(catalogue, settings, lang)

    def parties(self) -> tuple[Party, Party]:
        (controller,) = (b for b in self.statement.controller() if isinstance(b, Lines))
        (dpo,) = (b for b in self.statement.contact() if isinstance(b, Lines))
        return (
            Party(text("controller", self.lang), controller.lines),
            Party(text("dpo", self.lang), dpo.lines),
        )

    def subjects(self) -> tuple[SubjectGroupEntry, ...]:
        return tuple(
            SubjectGroupEntry(
                g.key, _cap(g.words.in_(self.lang)), tuple(label(c, self.lang) for c in held)
            )
            for g in SUBJECT_GROUPS
            if (held := _held(g, self.cat))
        )

    def used_purposes(self) -> tuple[Purpose, ...]:
        return tuple(p for p in Purpose if any(p in a.purposes for a in self.cat.attributes))

    def activity(self, purpose: Purpose) -> Activity:
        lang = self.lang
        attrs = [a for a in self.cat.attributes if purpose in a.purposes]
        categories = [c for c in self.cat.categories() if any(a.category is c for a in attrs)]
        data = tuple(
            DataCategory(
                c.value,
                label(c, lang),
                tuple(a.label(lang) for a in attrs if a.category is c),
            )
            for c in categories
        )
        subjects = tuple(
            _cap(g.words.in_(lang))
            for g in SUBJECT_GROUPS
            if any(c not in g.not_held for c in categories)
        )
        named = tuple(
            f"{r.name} ({RECIPIENT_KIND_WORDS[r.kind].in_(lang)})"
            for r in self.registered
            if purpose in r.purposes
        )
        periods = tuple(dict.fromkeys(_cap(self.statement.period(a.retention)) for a in attrs))
        return Activity(
            purpose.value,
            _cap(label(purpose, lang)),
            _cap(self.statement.bases_of(purpose)),
            subjects,
            data,
            named or (text("no_named", lang),),
            periods,
        )

    def named(self) -> tuple[NamedRecipient, ...]:
        lang = self.lang
        found = []
        for r in self.registered:
            line = text(
                "recipient.line",
                lang,
                kind=_cap(RECIPIENT_KIND_WORDS[r.kind].in_(lang)),
                country=country(r.country, lang),
                purposes=join_words((label(p, lang) for p in Purpose if p in r.purposes), lang),
            )
            if r.agreement_ref:
                line = f"{line}; {text('recipient.agreement', lang, reference=r.agreement_ref)}"
            found.append(NamedRecipient(r.name, line, True))
        return tuple(found)

    def kinds(self, recipients: Sequence[Recipient]) -> tuple[RecipientKindEntry, ...]:
        return tuple(
            RecipientKindEntry(r.who.in_(self.lang), _cap(r.what.in_(self.lang)))
            for r in recipients
        )

    def transfers(self, transfers: Sequence[Transfer]) -> tuple[TransferEntry, ...]:
        items = (self.statement.transfer_item(t) for t in transfers)
        return tuple(TransferEntry(i.term, i.text) for i in items)

    def retention(self) -> tuple[RetentionEntry, ...]:
        """The statement's retention list (section 8): each period with what it keeps."""
        found: list[RetentionEntry] = []
        for block in self.statement.retention():
            if isinstance(block, Items):
                found.extend(RetentionEntry(i.term, i.notes) for i in block.items)
        return tuple(found)

    def measures(self) -> tuple[MeasureEntry, ...]:
        return tuple(
            MeasureEntry(m.key, m.name.in_(self.lang), m.describe(self.cat, self.s, self.lang))
            for m in measures_in_force(self.cat, self.s)
        )


def build_record(
    catalogue: Catalogue,
    settings: Settings,
    lang: Lang | str,
    *,
    on: dt.date,
    registered: Sequence[Registered] = (),
    transfers: Sequence[Transfer] = (),
    recipients: Sequence[Recipient] | None = None,
) -> Record:
    """The record in `lang` for the register the catalogue describes, as of `on`.

    `registered` are the recipients the recipient register holds, `transfers` those of them
    outside the EU/EEA whose safeguard holds (services/access/transfers.py)."""
    lang = Lang(lang)
    w = RecordWriter(catalogue, settings, lang, registered)
    controller, dpo = w.parties()
    # The date as the pages write it: Finnish formats in every language (entrypoints/web/i18n).
    day = format_date(on, "long", locale=f"{lang.value}_FI")
    return Record(
        lang=lang,
        title=text("title", lang),
        subtitle=text("subtitle", lang),
        generated=text("generated", lang, day=day),
        generated_on=on,
        register_name=w.statement.register_name(),
        controller=controller,
        dpo=dpo,
        subjects=w.subjects(),
        activities=tuple(w.activity(p) for p in w.used_purposes()),
        recipient_kinds=w.kinds(regular_recipients() if recipients is None else recipients),
        recipients=w.named(),
        transfers=w.transfers(transfers),
        transfers_none=text("transfers.none", lang),
        retention=w.retention(),
        measures=w.measures(),
        headings={key: text(key, lang) for key in HEADINGS},
    )


def record_of(reg: RegisterApp, lang: Lang | str) -> Record:
    """The record of the open register: its catalogue, settings and recipient register."""
    with reg.engine.connect() as connection:
        registered = registered_in(connection)
        transfers = transfers_in(connection)
    return build_record(
        reg.catalogue,
        reg.settings,
        lang,
        on=reg.clock().astimezone(HELSINKI).date(),
        registered=registered,
        transfers=transfers,
    )


def pdf_of(html: str) -> bytes:
    """The record's HTML document as PDF (the same words, laid out for printing)."""
    return html_to_pdf(html)
