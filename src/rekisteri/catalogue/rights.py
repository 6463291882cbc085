"""Catalogue of the person's rights: requests, their events and notices to recipients."""

from __future__ import annotations

from rekisteri.catalogue.model import Anchor, Attribute, OnErasure, RetentionRule, TableSpec
from rekisteri.domain.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Sensitivity,
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

# The access package itself, sealed in the file store while its link is open: it is a copy of
# the person's data, destroyed when the link is used or expires (`request expire-packages`, a
# daily job), when the DPO hands it over, and with the person's other data on erasure.
PACKAGE_FILES = RetentionRule(
    "package_files",
    Anchor.RECORDED,
    1,
    OnErasure.ERASE,
    words=Words(
        "kunnes latauslinkki on käytetty tai vanhentunut (oletuksena 14 päivää)",
        "tills nedladdningslänken har använts eller gått ut (som standard 14 dagar)",
        "until the download link is used or expires (14 days by default)",
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
    Attribute(
        key="package_delivery.delivery",
        table="package_delivery",
        columns=(
            "created_at",
            "expires_at",
            "lang",
            "notice",
            "categories",
            "code_sent_at",
            "codes_sent",
            "wrong_codes",
            "locked_at",
            "downloaded_at",
            "file_deleted_at",
            "handed_over",
            "handed_over_at",
            "handed_over_by",
            "handed_over_note",
        ),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=REQUEST_RECORDS,
        words=Words(
            "tietopaketin toimitus: ilmoitus, linkin voimassaolo, lataus tai luovutus",
            "leverans av datapaketet: meddelande, länkens giltighet, nedladdning eller "
            "överlämnande",
            "delivery of the access package: notice, link validity, download or hand-over",
        ),
    ),
    Attribute(
        key="package_delivery.package",
        table="package_delivery",
        columns=("file_ref", "file_size"),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=PACKAGE_FILES,
        words=Words(
            "salattu tietopaketti odottamassa latausta",
            "det krypterade datapaketet som väntar på nedladdning",
            "the encrypted access package waiting to be downloaded",
        ),
    ),
    Attribute(
        key="package_delivery.letter",
        table="package_delivery",
        columns=("letter_ct", "letter_key", "letter_bidx"),
        category=_REQ,
        purposes=_LEGAL,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=PACKAGE_FILES,
        words=Words(
            "tulostettava ilmoituskirje latauslinkkeineen",
            "meddelandebrevet med nedladdningslänken, för utskrift",
            "the notice letter with its download link, to be printed",
        ),
        sensitivity=Sensitivity.ENCRYPTED,
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
        "package_delivery",
        # The link's and the code's hashes and their counters guard the download; they say
        # nothing of the person (the counts the person may see are attributes).
        frozenset({"id", "request_id", "person_id", "token_hash", "code_hash", "code_expires_at"}),
        ("person_id",),
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
