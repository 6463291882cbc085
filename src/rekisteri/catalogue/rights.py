"""Catalogue of the person's rights: requests, their events and notices to recipients."""

from __future__ import annotations

from rekisteri.catalogue.model import Anchor, Attribute, OnErasure, RetentionRule, TableSpec
from rekisteri.domain.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Source,
    Words,
)

# A request is the controller's proof that it answered (GDPR Art. 5(2) accountability): it stays
# when the person's other data is erased, and goes five years after it was received.
REQUEST_RECORDS = RetentionRule(
    "request_records",
    Anchor.RECORDED,
    60,
    OnErasure.KEEP_RESTRICTED,
    legal_reason="gdpr_accountability",
    words=Words(
        "5 vuotta pyynnön vastaanottamisesta (osoitusvelvollisuus, tietosuoja-asetus 5(2) art.)",
        "5 år från att begäran togs emot (ansvarsskyldighet, dataskyddsförordningen art. 5.2)",
        "5 years from receiving the request (accountability, GDPR Art. 5(2))",
    ),
)

_LEGAL = frozenset({Purpose.LEGAL_OBLIGATION})
_FROM = FROM_THE_PERSON | {Source.REGISTER_ITSELF}
_REQ = Category.RIGHTS_REQUEST

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="rights_request.request",
        table="rights_request",
        columns=(
            "kind",
            "received_how",
            "received_on",
            "due_month_on",
            "due_30_days_on",
            "due_on",
            "extended_to",
            "extension_reason",
            "extension_notice_on",
            "state",
            "verified_how",
            "verified_by",
            "verified_at",
            "charge_decision",
            "charge_decided_by",
            "outcome",
            "fulfilled_at",
            "closed_at",
        ),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=_FROM,
        retention=REQUEST_RECORDS,
        words=Words(
            "pyyntö: laji, vastaanotto, määräaika ja käsittely",
            "begäran: typ, mottagande, tidsfrist och behandling",
            "request: kind, receipt, due date and handling",
        ),
    ),
    Attribute(
        key="rights_request.details",
        table="rights_request",
        columns=("details",),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=FROM_THE_PERSON,
        retention=REQUEST_RECORDS,
        words=Words("pyynnön sisältö", "begärans innehåll", "what was asked"),
    ),
    Attribute(
        key="rights_request_event.event",
        table="rights_request_event",
        columns=("at", "actor", "event", "note"),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=REQUEST_RECORDS,
        words=Words("pyynnön käsittelyvaiheet", "begärans handläggning", "steps of the request"),
    ),
    Attribute(
        key="recipient_notification.notification",
        table="recipient_notification",
        columns=(
            "event",
            "recipient",
            "attributes",
            "disclosures",
            "notified_on",
            "how",
            "notified_by",
            "impossible_reason",
            "created_at",
        ),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=REQUEST_RECORDS,
        words=Words(
            "ilmoitukset vastaanottajille oikaisusta, poistosta tai rajoituksesta",
            "meddelanden till mottagare om rättelse, radering eller begränsning",
            "notices to recipients of a rectification, erasure or restriction",
        ),
    ),
)

_PROV = frozenset({"id", "source", "source_detail", "received_at"})

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "rights_request",
        _PROV | {"reference", "person_id", "repeat_of", "created_by", "representative_id"},
        ("person_id",),
    ),
    TableSpec(
        "rights_request_event",
        frozenset({"id", "request_id"}),
        ("request_id", "rights_request.id", "rights_request.person_id"),
    ),
    TableSpec(
        "recipient_notification", frozenset({"id", "request_id", "person_id"}), ("person_id",)
    ),
    TableSpec(
        "marketing_suppression",
        frozenset({"id", "kind", "digest", "added_on"}),
        None,
        personal=False,
        why_not_personal=(
            "keyed hashes of erased persons' contact points, linked to no one; they only match "
            "when the same contact point is imported again"
        ),
    ),
    TableSpec(
        "retention_run",
        frozenset({"id", "started_at", "finished_at", "dry_run", "actor", "result"}),
        None,
        personal=False,
        why_not_personal="counts of what the retention run did, by category",
    ),
    TableSpec(
        "erasure_journal",
        frozenset({"id", "at", "kind", "digest", "run_day"}),
        None,
        personal=False,
        why_not_personal=(
            "keyed hashes of erased persons' ids and the days of retention runs; a hash names "
            "no one without the keyring and matches only the same id in a restored backup"
        ),
    ),
)
