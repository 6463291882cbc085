"""The personal-data catalogue of direct marketing: ASML bans, their matches, sent contacts,
and the ledger's current state (a copy of the latest consent event per purpose and channel)."""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, TableSpec
from rekisteri.catalogue.retention import CONTACT_HISTORY, MARKETING_DATA
from rekisteri.catalogue.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Source,
)

MKT = frozenset({Purpose.DIRECT_MARKETING})
BAN_REGISTER = frozenset({Source.MARKETING_BAN_REGISTER})
PROVENANCE = frozenset({"id", "source", "source_detail", "received_at"})

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="consent_state.state",
        table="consent_state",
        # The same data as consent_event.event (its latest row per purpose and channel), kept
        # for the audiences: the same purposes, basis and retention as the ledger itself.
        columns=("purpose", "channel", "event", "at", "expires_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.CONSENT,
        sources=FROM_THE_PERSON | {Source.COMPETITION_OR_EVENT, Source.MARKETING_BAN_REGISTER},
        retention=MARKETING_DATA,
        words=(
            "suoramarkkinoinnin lupien ja kieltojen nykytila",
            "nuvarande tillstånd och förbud för direktmarknadsföring",
            "current direct-marketing permissions and prohibitions",
        ),
    ),
    Attribute(
        key="marketing_ban.ban",
        table="marketing_ban",
        columns=(
            "kind",
            "last_name",
            "first_names",
            "street",
            "postal_code",
            "post_office",
            "phone",
            "match_key",
            "registered_on",
            "expires_on",
        ),
        category=Category.MARKETING,
        purposes=MKT,
        # Marketers must respect the ban register (Act on Electronic Communications Services
        # and the ASML code); keeping the bans is what keeps that promise.
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=BAN_REGISTER,
        retention=MARKETING_DATA,
        words=(
            "suoramarkkinoinnin kielto (ASML:n kieltorekisteri)",
            "spärr mot direktmarknadsföring (ASML:s spärregister)",
            "marketing ban (ASML ban register)",
        ),
        identifying=True,
    ),
    Attribute(
        key="marketing_ban_match.match",
        table="marketing_ban_match",
        columns=("channel", "matched_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.LEGAL_OBLIGATION,
        sources=BAN_REGISTER,
        retention=MARKETING_DATA,
        words=(
            "kieltorekisterin kielto kanavalle",
            "spärr för kanalen enligt spärregistret",
            "ban-register ban for the channel",
        ),
    ),
    Attribute(
        key="marketing_contact.contact",
        table="marketing_contact",
        columns=("purpose", "channel", "sent_at"),
        category=Category.MARKETING,
        purposes=MKT,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=frozenset({Source.REGISTER_ITSELF}),
        retention=CONTACT_HISTORY,
        words=(
            "lähetetyt suoramarkkinointiviestit",
            "skickade direktmarknadsföringskontakter",
            "direct-marketing contacts sent",
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec("consent_state", frozenset({"person_id", "event_id"}), ("person_id",)),
    TableSpec(
        "marketing_ban",
        PROVENANCE,
        ("id", "marketing_ban_match.ban_id", "marketing_ban_match.person_id"),
    ),
    TableSpec("marketing_ban_match", frozenset({"id", "ban_id", "person_id"}), ("person_id",)),
    TableSpec("marketing_contact", frozenset({"id", "person_id", "campaign_id"}), ("person_id",)),
    TableSpec(
        "segment",
        frozenset({"id", "name", "description", "rules", "created_by", "created_at"}),
        None,
        personal=False,
        why_not_personal="definitions of target groups: rules, not persons",
    ),
    TableSpec(
        "campaign",
        frozenset(
            {"id", "name", "purpose", "channel", "segment_id", "sent_by", "sent_at", "recipients"}
        ),
        None,
        personal=False,
        why_not_personal="a campaign's name and size; who received it is in marketing_contact",
    ),
)
