"""Catalogue of the need-to-know area: disclosures, research loans of recordings, audit trail.

A disclosure record and an audit entry are data about the person they concern (the person may
ask whom their data was given to, and the DPO who read it), so they are declared here like any
other personal data. Recipients, sessions, the chain head and the throttle's counts hold no
customer data.
"""

from __future__ import annotations

from typing import Any

from rekisteri.catalogue.model import Attribute, TableSpec
from rekisteri.catalogue.retention import ACCESS_LOG, DISCLOSURE_RECORDS
from rekisteri.domain.vocabulary import Category, LawfulBasis, Purpose, Source, Words

_OWN = frozenset({Source.REGISTER_ITSELF})
_ALL_PURPOSES = frozenset(Purpose)


def _disclosure(key: str, words: Words, **extra: Any) -> Attribute:
    table, name = key.split(".", 1)
    return Attribute(
        key=key,
        table=table,
        columns=(name,),
        category=Category.DISCLOSURE,
        purposes=frozenset({Purpose.LEGAL_OBLIGATION}),
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=_OWN,
        retention=DISCLOSURE_RECORDS,
        words=words,
        **extra,
    )


def _access(name: str, words: Words) -> Attribute:
    return Attribute(
        key=f"audit_entry.{name}",
        table="audit_entry",
        columns=(name,),
        category=Category.ACCESS_LOG,
        purposes=_ALL_PURPOSES,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=_OWN,
        retention=ACCESS_LOG,
        words=words,
    )


ATTRIBUTES: tuple[Attribute, ...] = (
    _disclosure("disclosure.recipient_id", Words("tietojen saaja", "mottagare", "recipient")),
    _disclosure(
        "disclosure.kind", Words("luovutuksen laji", "typ av utlämnande", "kind of disclosure")
    ),
    _disclosure(
        "disclosure.at", Words("luovutusaika", "tidpunkt för utlämnandet", "when disclosed")
    ),
    _disclosure("disclosure.purpose", Words("luovutuksen tarkoitus", "ändamål", "purpose")),
    _disclosure("disclosure.legal_basis", Words("oikeusperuste", "rättslig grund", "legal basis")),
    _disclosure(
        "disclosure.categories",
        Words("luovutetut tietoryhmät", "utlämnade uppgiftskategorier", "categories disclosed"),
    ),
    _disclosure("disclosure.reason", Words("luovutuksen syy", "skäl för utlämnandet", "why")),
    _disclosure(
        "disclosure.reference",
        Words("pyynnön tai sopimuksen viite", "begärans eller avtalets referens", "reference"),
    ),
    _disclosure("recording_loan.study", Words("tutkimus", "undersökning", "study")),
    _disclosure(
        "recording_loan.due_on",
        Words(
            "palautettava tai hävitettävä viimeistään",
            "ska återlämnas eller förstöras senast",
            "return or destroy by",
        ),
    ),
    _disclosure(
        "recording_loan.closed_how",
        Words("palautettu vai hävitetty", "återlämnad eller förstörd", "returned or destroyed"),
    ),
    _disclosure(
        "recording_loan.closed_at",
        Words("palautus- tai hävityspäivä", "dag för återlämnande eller förstöring", "closed at"),
    ),
    _disclosure(
        "recording_loan.evidence",
        Words(
            "todiste palautuksesta tai hävityksestä", "bevis", "evidence of return or destruction"
        ),
    ),
    _access("at", Words("käsittelyaika", "tidpunkt", "when")),
    _access("actor", Words("käsittelijä", "handläggare", "who")),
    _access("role", Words("käsittelijän rooli", "handläggarens roll", "role")),
    _access("purpose", Words("käyttötarkoitus", "ändamål", "purpose")),
    _access(
        "via", Words("käyttöliittymä tai komento", "gränssnitt eller kommando", "route or command")
    ),
    _access("action", Words("luku vai muutos", "läsning eller ändring", "read or change")),
    _access("outcome", Words("sallittu vai estetty", "tillåten eller nekad", "allowed or denied")),
    _access("categories", Words("käsitellyt tietoryhmät", "behandlade kategorier", "categories")),
    _access("what", Words("mitä käsiteltiin", "vad som behandlades", "what")),
)

_DISCLOSED_TO = ("disclosure_subject.disclosure_id", "disclosure_subject.person_id")

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "recipient",
        frozenset(
            {
                "id",
                "name",
                "kind",
                "business_id",
                "country",
                "agreement_ref",
                "purposes",
                "safeguard",
                "safeguard_ref",
                "active",
                "created_at",
                "created_by",
            }
        ),
        None,
        personal=False,
        why_not_personal="organisations that receive data: partners, authorities, institutes",
    ),
    TableSpec(
        "disclosure",
        frozenset({"id", "actor", "person_count", "output_name"}),
        ("id", *_DISCLOSED_TO),
    ),
    TableSpec("disclosure_subject", frozenset({"disclosure_id", "person_id"}), ("person_id",)),
    TableSpec(
        "recording_loan",
        frozenset({"id", "disclosure_id", "closed_by"}),
        ("disclosure_id", *_DISCLOSED_TO),
    ),
    TableSpec(
        "recording_loan_item",
        frozenset({"loan_id", "call_recording_id"}),
        ("call_recording_id", "call_recording.id", "call_recording.person_id"),
    ),
    TableSpec(
        "audit_entry",
        # person_ids and subject_self say whom the entry concerns (as person_id does elsewhere);
        # the hashes are the chain, not data about anyone.
        frozenset({"seq", "person_ids", "subject_self", "prev_hash", "entry_hash"}),
        ("seq", "audit_subject.seq", "audit_subject.person_id"),
    ),
    TableSpec("audit_subject", frozenset({"seq", "person_id"}), ("person_id",)),
    TableSpec(
        "audit_chain_head",
        frozenset({"id", "seq", "entry_hash", "tag"}),
        None,
        personal=False,
        why_not_personal="the position and hash of the audit chain's last entry",
    ),
    TableSpec(
        "audit_prune_permit",
        frozenset({"id"}),
        None,
        personal=False,
        why_not_personal="a marker that exists only inside the transaction that prunes the trail",
    ),
    TableSpec(
        "request_throttle",
        frozenset({"scope", "window_start", "source", "hits"}),
        None,
        personal=False,
        why_not_personal=(
            "attempt counts per time window and keyed digest of a client address (the address "
            "itself is never stored), deleted when the window has passed: no customer's data"
        ),
    ),
    TableSpec(
        "staff_session",
        frozenset({"id", "user_id", "token_hash", "created_at", "expires_at", "idle_until"})
        | {"revoked_at", "stage", "signed_on"},
        None,
        personal=False,
        why_not_personal="staff login sessions: employees' data, not the customer register's",
    ),
)
