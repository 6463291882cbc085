"""Catalogue of the breach register (GDPR Art. 33/34).

A breach names persons only through `breach_subject`: that a person's data was in a breach's
scope, which of their categories it touched and how they were told is data about the person
(they may ask for it, Art. 15), read by the DPO alone, like the access log it is computed
from. The breach itself (what happened, the assessment, the notification) and the log of its
steps name no customer.
"""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, TableSpec
from rekisteri.catalogue.retention import BREACH_RECORDS
from rekisteri.domain.vocabulary import Category, LawfulBasis, Purpose, Source, Words


def _subject(name: str, words: Words) -> Attribute:
    return Attribute(
        key=f"breach_subject.{name}",
        table="breach_subject",
        columns=(name,),
        category=Category.ACCESS_LOG,
        purposes=frozenset({Purpose.LEGAL_OBLIGATION}),
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=BREACH_RECORDS,
        words=words,
    )


ATTRIBUTES: tuple[Attribute, ...] = (
    _subject(
        "categories",
        Words(
            "tietoturvaloukkauksen koskemat tietoryhmät",
            "uppgiftskategorier som personuppgiftsincidenten gällde",
            "categories concerned by a personal data breach",
        ),
    ),
    _subject(
        "found_at",
        Words(
            "milloin loukkauksen kohteeksi todettiin",
            "när incidenten konstaterades gälla dig",
            "when found to be concerned by the breach",
        ),
    ),
    _subject(
        "notice_channel",
        Words("miten loukkauksesta ilmoitettiin", "hur du underrättades", "how you were told"),
    ),
    _subject(
        "notice_lang",
        Words("ilmoituksen kieli", "meddelandets språk", "language of the notice"),
    ),
    _subject(
        "notice_sent_at",
        Words("milloin loukkauksesta ilmoitettiin", "när du underrättades", "when you were told"),
    ),
)

_BREACH_COLUMNS = frozenset(
    {
        "id",
        "reference",
        "kind",
        "summary",
        "aware_at",
        "noticed_by",
        "started_at",
        "recorded_at",
        "recorded_by",
        "scope_user",
        "scope_token_id",
        "scope_session_id",
        "scope_export_id",
        "scope_from",
        "scope_to",
        "scope_at",
        "person_count",
        "categories",
        "risk",
        "notify_authority",
        "notify_persons",
        "reasons",
        "assessed_at",
        "assessed_by",
        "consequences_fi",
        "consequences_sv",
        "consequences_en",
        "measures_fi",
        "measures_sv",
        "measures_en",
        "authority_notified_at",
        "authority_reference",
        "delay_reason",
    }
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "breach",
        _BREACH_COLUMNS,
        None,
        personal=False,
        why_not_personal=(
            "the DPO's record of an incident (what happened, the assessment, the notification "
            "to the Ombudsman, the notices' texts): it names persons only through breach_subject"
        ),
    ),
    TableSpec("breach_subject", frozenset({"breach_id", "person_id"}), ("person_id",)),
    TableSpec(
        "breach_event",
        frozenset({"id", "breach_id", "at", "actor", "step", "detail"}),
        None,
        personal=False,
        why_not_personal="the log of a breach's steps: staff, times and counts, never a person",
    ),
)
