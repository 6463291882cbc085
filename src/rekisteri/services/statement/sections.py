"""The sections of the privacy statement, each written from the catalogue and the settings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rekisteri.catalogue import (
    Catalogue,
    Category,
    Lang,
    LawfulBasis,
    Purpose,
    Role,
    Source,
    Visibility,
    protection,
)
from rekisteri.catalogue.cookies import Cookie
from rekisteri.catalogue.model import Attribute, OnErasure, RetentionRule
from rekisteri.config import Settings
from rekisteri.domain.vocabulary import label
from rekisteri.services.statement.claims import retention_claim
from rekisteri.services.statement.countries import country_name
from rekisteri.services.statement.model import Block, Heading, Item, Items, Lines, Paragraph
from rekisteri.services.statement.recipients import Recipient, Transfer
from rekisteri.services.statement.texts import text


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _low(s: str) -> str:
    """Lower-case a label's first letter for use inside a sentence (not "DVV", "GSRN")."""
    if len(s) > 1 and s[1].isupper():
        return s
    return s[:1].lower() + s[1:]


def join_words(words: Iterable[str], lang: Lang) -> str:
    """Words joined as a sentence joins them: a, b ja c / a, b och c / a, b and c."""
    items = list(words)
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {text('and', lang)} {items[-1]}"


# The claims each right's paragraph makes (section 10), in the order the rights are given.
RIGHT_CLAIMS: dict[str, tuple[str, ...]] = {
    "access": ("P11.first-copy-free", "P11.further-copy-fee"),
    "rectification": ("P12.rectification", "P12.every-change-recorded"),
    "objection": ("P13.objection-marketing", "P13.objection-research", "P5.settings-page"),
    "erasure": ("P14.erasure", "P14.contract-kept-years"),
    "restriction": ("P14.restriction", "P14.portability"),
}


class SectionWriter:
    """Writes each section of the statement in one language."""

    def __init__(self, catalogue: Catalogue, settings: Settings, lang: Lang) -> None:
        self.cat = catalogue
        self.s = settings
        self.lang = lang

    # -- 1-3: who keeps the register
    def controller(self) -> tuple[Block, ...]:
        s, lang = self.s, self.lang
        return (
            Lines(
                (
                    s.controller_name,
                    s.controller_address,
                    text("phone", lang, phone=s.controller_phone),
                    s.controller_email,
                    text("business_id", lang, id=s.controller_business_id),
                )
            ),
        )

    def contact(self) -> tuple[Block, ...]:
        s, lang = self.s, self.lang
        return (
            Paragraph(text("contact.intro", lang)),
            Lines(
                (
                    text("contact.dpo", lang, controller=s.controller_name),
                    s.controller_address,
                    s.dpo_contact,
                )
            ),
            Paragraph(
                text(
                    "contact.service",
                    lang,
                    phone=s.controller_phone,
                    hours=s.customer_service_hours,
                )
            ),
        )

    def register_name(self) -> str:
        own: str = getattr(self.s, f"register_name_{self.lang.value}")
        return own or text("register.default", self.lang, controller=self.s.controller_name)

    # -- 4: purposes and lawful bases
    def purposes(self) -> tuple[Block, ...]:
        lang = self.lang
        used = [p for p in Purpose if any(p in a.purposes for a in self.cat.attributes)]
        items = []
        for p in used:
            wording = self.bases_of(p)
            items.append(
                Item(_cap(label(p, lang)), "", (text("purposes.basis", lang, bases=wording),))
            )
        all_bases = [b for b in LawfulBasis if any(a.basis is b for a in self.attrs)]
        blocks: list[Block] = [
            Paragraph(text("purposes.intro", lang)),
            Items(tuple(items), claims=("P4.purposes-and-bases",)),
        ]
        if Purpose.DIRECT_MARKETING in used:
            per_year = self.s.marketing_contacts_per_year
            blocks.append(
                Paragraph(
                    text("purposes.marketing", lang, per_year=per_year),
                    ("P5.contacts-per-year", "P5.electronic-marketing-opt-in"),
                )
            )
        if Purpose.PROFILING in used:
            # The same words as the profiling item of the list above: one source of truth.
            bases = self.bases_of(Purpose.PROFILING)
            blocks.append(
                Paragraph(text("purposes.profiling", lang, bases=bases), ("P6.profiling-bases",))
            )
        blocks.append(Heading(text("bases.heading", lang)))
        blocks.append(
            Items(
                tuple(Item(_cap(label(b, lang)), text(f"basis.{b.value}", lang)) for b in all_bases)
            )
        )
        return tuple(blocks)

    @property
    def attrs(self) -> tuple[Attribute, ...]:
        return self.cat.attributes

    def bases_of(self, purpose: Purpose) -> str:
        """The lawful bases the catalogue gives the purpose's data, as a sentence lists them."""
        bases = [
            b
            for b in LawfulBasis
            if any(purpose in a.purposes and a.basis is b for a in self.attrs)
        ]
        return join_words((label(b, self.lang) for b in bases), self.lang)

    # -- 5: data content and who sees it
    def _readers(self, visibility_of: dict[Role, Visibility]) -> str:
        lang = self.lang
        names = []
        for role in Role:
            seen = visibility_of.get(role, Visibility.NONE)
            if seen is Visibility.FULL:
                names.append(label(role, lang))
            elif seen is Visibility.MASKED:
                names.append(f"{label(role, lang)} ({text('masked', lang)})")
        return join_words(names, lang) if names else text("content.nobody", lang)

    def content(self) -> tuple[Block, ...]:
        lang = self.lang
        items = []
        for category in self.cat.categories():
            members = [a for a in self.attrs if a.category is category]
            by_category = {r: self.cat.category_visibility(category, r) for r in Role}
            notes = [text("content.readers", lang, roles=self._readers(by_category))]
            for a in members:
                own = {r: self.cat.visibility(a, r) for r in Role}
                if own != by_category:
                    notes.append(
                        text(
                            "content.attribute_readers",
                            lang,
                            attribute=_cap(a.label(lang)),
                            roles=self._readers(own),
                        )
                    )
            words = ", ".join(a.label(lang) for a in members)
            if words.lower() == label(category, lang).lower():
                words = ""  # one attribute named like its category: say it once
            items.append(Item(label(category, lang), words, tuple(notes)))
        return (
            Paragraph(text("content.intro", lang), ("P3.prospects-with-permission",)),
            Items(tuple(items), claims=("P7.need-to-know",)),
        )

    # -- 6: sources
    def sources(self) -> tuple[Block, ...]:
        lang = self.lang
        used_sources = {src for a in self.attrs for src in a.sources}
        # Sources that give the same groups of data are named together.
        gives: dict[tuple[Category, ...], list[Source]] = {}
        for src in (src for src in Source if src in used_sources):
            categories = tuple(
                c
                for c in self.cat.categories()
                if any(a.category is c and src in a.sources for a in self.attrs)
            )
            gives.setdefault(categories, []).append(src)
        items = [
            Item(
                _cap(join_words((label(src, lang) for src in sources), lang)),
                ", ".join(_low(label(c, lang)) for c in categories),
            )
            for categories, sources in gives.items()
        ]
        blocks: list[Block] = [
            Paragraph(text("sources.intro", lang)),
            Items(tuple(items), claims=("P2.sources-per-datum",)),
        ]
        if Source.COMPETITION_OR_EVENT in used_sources:
            blocks.append(
                Paragraph(text("sources.prospects", lang), ("P3.prospects-with-permission",))
            )
        recordings = [a for a in self.attrs if a.category is Category.RECORDING]
        if recordings:
            uses = [p for p in Purpose if any(p in a.purposes for a in recordings)]
            wording = "; ".join(label(p, lang) for p in uses)
            kept = "; ".join(dict.fromkeys(self.period(a.retention) for a in recordings))
            said = text("sources.recordings", lang, purposes=wording, retention=kept)
            blocks.append(Paragraph(said, ("P18.recordings-encrypted",)))
        credit = [a for a in self.attrs if a.category is Category.CREDIT_INFORMATION]
        if any(Source.ASIAKASTIETO in a.sources for a in credit):
            kept = "; ".join(dict.fromkeys(self.period(a.retention) for a in credit))
            said = text("sources.credit_check", lang, retention=_low(kept))
            blocks.append(Paragraph(said, ("P2.credit-check-told",)))
            review = text("sources.credit_review", lang)
            blocks.append(Paragraph(review, ("P6.credit-decision-reviewed",)))
        return tuple(blocks)

    # -- 7: disclosures and transfers
    def disclosures(
        self, recipients: Sequence[Recipient], transfers: Sequence[Transfer]
    ) -> tuple[Block, ...]:
        """The kinds of regular recipient, then the transfers outside the EU/EEA as the
        recipient register holds them (P10): "none" only when it holds none."""
        lang = self.lang
        listed = tuple(Item(r.who.in_(lang), r.what.in_(lang), claims=r.claims) for r in recipients)
        blocks: list[Block] = [
            Paragraph(text("disclosures.intro", lang)),
            Items(listed, claims=("P8.registered-recipients",)),
            Heading(text("transfers.heading", lang)),
        ]
        if transfers:
            blocks.append(Paragraph(text("transfers.some", lang)))
            blocks.append(
                Items(
                    tuple(self.transfer_item(t) for t in transfers),
                    claims=("P10.transfers-listed",),
                )
            )
            blocks.append(Paragraph(text("transfers.copy", lang, dpo=self.s.dpo_contact)))
        else:
            blocks.append(Paragraph(text("transfers.none", lang), ("P10.no-transfers",)))
        blocks.append(Paragraph(text("transfers.rule", lang), ("P10.transfer-safeguards",)))
        return tuple(blocks)

    def transfer_item(self, t: Transfer) -> Item:
        lang = self.lang
        who = text("transfers.recipient", lang, name=t.name, country=country_name(t.country, lang))
        if t.safeguard == "adequacy" and t.reference and t.country == "US":
            guard = text("safeguard.dpf", lang, reference=t.reference)
        else:
            guard = text(f"safeguard.{t.safeguard}", lang)
            if t.reference:
                guard = f"{guard} ({t.reference})"
        return Item(who, guard)

    # -- 8: retention
    def period(self, rule: RetentionRule) -> str:
        """The rule's words, with the period the settings give it (a rule names its setting).

        The words lead with the period as declared ("10 vuotta", "12 months"); when a setting
        changes it, the number follows, in the unit the words use.
        """
        words = rule.describe(self.lang)
        if not rule.setting:
            return words
        value = int(getattr(self.s, rule.setting))
        months = value * 12 if rule.setting.endswith("_years") else value
        if months == rule.months:
            return words
        number = re.match(r"\d+", words)
        if number is None:
            return words
        declared = int(number.group())
        if declared == rule.months:
            shown = months
        elif declared * 12 == rule.months and months % 12 == 0:
            shown = months // 12
        else:
            return words
        return f"{shown}{words[number.end() :]}"

    def retention(self) -> tuple[Block, ...]:
        lang = self.lang
        rules = list(dict.fromkeys(a.retention for a in self.attrs))
        items = []
        for rule in rules:
            parts = []
            for category in self.cat.categories():
                members = [a for a in self.attrs if a.category is category]
                ruled = [a for a in members if a.retention == rule]
                if not ruled:
                    continue
                if len(ruled) == len(members):
                    parts.append(label(category, lang))
                else:
                    names = ", ".join(a.label(lang) for a in ruled)
                    parts.append(f"{label(category, lang)}: {names}")
            claim = (retention_claim(rule.name),)
            items.append(Item(_cap(self.period(rule)), "", tuple(parts), claims=claim))
        blocks: list[Block] = [Paragraph(text("retention.intro", lang)), Items(tuple(items))]
        # Where copies are kept outside the database (the readings archive), said while the
        # register keeps one (REKISTERI_ARCHIVE_DIR).
        if self.s.archive_dir is not None:
            blocks += [Paragraph(storage.words.in_(lang)) for storage in self.cat.storages]
        if any(r.on_erasure is OnErasure.KEEP_RESTRICTED for r in rules):
            blocks.append(
                Paragraph(text("retention.after", lang), ("P14.restricted-after-erasure",))
            )
        return tuple(blocks)

    # -- 9: security
    def security(self) -> tuple[Block, ...]:
        lang = self.lang
        blocks: list[Block] = [
            Paragraph(text("security.databases", lang)),
            Paragraph(text("security.access", lang), ("P7.personal-accounts", "P7.need-to-know")),
        ]
        # Said while the catalogue keeps the turvakielto and its rule (catalogue/protection.py).
        if protection.FLAG in self.cat and protection.NEEDED_BY:
            blocks.append(
                Paragraph(text("security.non_disclosure", lang), ("P7.non-disclosure-addresses",))
            )
        encrypted = self.cat.encrypted()
        if encrypted:
            names = join_words((a.label(lang) for a in encrypted), lang)
            blocks.append(
                Paragraph(
                    text("security.encrypted", lang, attributes=_cap(names)),
                    ("P16.encrypted-at-rest",),
                )
            )
        # A register run with the audit off (REKISTERI_AUDIT_ENABLED=false) logs nothing, so it
        # must not say it does.
        if self.s.audit_enabled:
            blocks.append(
                Paragraph(text("security.log", lang), ("P16.every-view-and-change-logged",))
            )
        return tuple(blocks)

    # -- 10: rights
    def rights(self) -> tuple[Block, ...]:
        s, lang = self.s, self.lang
        blocks: list[Block] = [Paragraph(text("rights.intro", lang))]
        for right, claims in RIGHT_CLAIMS.items():
            blocks.append(Heading(text(f"right.{right}", lang)))
            # Only the erasure text names the years, only the access text the months.
            years, months = s.contract_retention_years, s.access_repeat_months
            words = text(f"right.{right}.text", lang, years=years, months=months)
            blocks.append(Paragraph(words, claims))
        blocks.append(Heading(text("right.how", lang)))
        blocks.append(
            Paragraph(
                text(
                    "right.how.text",
                    lang,
                    controller=s.controller_name,
                    address=s.controller_address,
                    dpo=s.dpo_contact,
                ),
                ("P11.identity-verified",),
            )
        )
        blocks.append(
            Paragraph(text("right.representative", lang), ("P11.representative-authority",))
        )
        blocks.append(Paragraph(text("right.when", lang), ("P11.answer-within-a-month",)))
        blocks.append(Paragraph(text("right.excessive", lang), ("P11.manifestly-unfounded",)))
        blocks.append(
            Paragraph(
                text("right.phone", lang, phone=s.controller_phone, hours=s.customer_service_hours)
            )
        )
        blocks.append(Heading(text("right.complaint", lang)))
        blocks.append(Paragraph(text("right.complaint.text", lang)))
        return tuple(blocks)

    # -- 11: cookies
    def cookies(self, cookies: Sequence[Cookie]) -> tuple[Block, ...]:
        lang = self.lang
        blocks: list[Block] = [Paragraph(text("cookies.what", lang))]
        if all(c.strictly_necessary for c in cookies):
            only = ("P15.necessary-cookies-only",)
            blocks.append(Paragraph(text("cookies.necessary_only", lang), only))
            blocks.append(Paragraph(text("cookies.no_tracking", lang), only))
        else:
            consent = ("P15.cookies-by-consent",)
            blocks.append(Paragraph(text("cookies.some_by_consent", lang), consent))
        blocks.append(Paragraph(text("cookies.public", lang), ("P15.public-pages-no-cookies",)))
        items = []
        for c in cookies:
            notes = [
                text("cookie.lifetime", lang, lifetime=c.lifetime.in_(lang)),
                text("cookie.who", lang, who=c.who.in_(lang)),
            ]
            if not c.strictly_necessary:
                notes.append(text("cookie.consent", lang))
            items.append(Item(c.name, _cap(c.purpose.in_(lang)), tuple(notes)))
        if items:
            blocks.append(Paragraph(text("cookies.list", lang)))
            blocks.append(Items(tuple(items)))
        return tuple(blocks)
