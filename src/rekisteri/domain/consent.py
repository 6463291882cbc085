"""Direct-marketing permissions and prohibitions: the terms of the consent ledger."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput

# "A few times a year, so no flood of messages" (P5): the frequency cap, contacts per rolling 12
# months, may be set from 1 to this (monthly at most), never higher.
MAX_CONTACTS_PER_YEAR = 12


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    PHONE = "phone"


ELECTRONIC = frozenset({Channel.EMAIL, Channel.SMS})


class ConsentPurpose(StrEnum):
    OWN_MARKETING = "own_marketing"  # own direct marketing and distance selling
    GROUP_MARKETING = "group_marketing"  # contact details to the group's direct marketing
    RESEARCH = "research"  # market and opinion research
    PROFILING = "profiling"  # profiling for targeting
    NEWSLETTER = "newsletter"
    MAGAZINE = "magazine"  # customer magazine


class ConsentEventKind(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    PROHIBITED = "prohibited"  # an objection (P13)


class CaptureMethod(StrEnum):
    WEB_FORM = "web_form"
    PHONE_CALL = "phone_call"
    LETTER = "letter"
    CONTRACT = "contract"
    COMPETITION_OR_EVENT = "competition_or_event"
    REGISTER_IMPORT = "register_import"


@dataclass(frozen=True)
class PermissionDraft:
    """A permission given together with a registration (a prospect needs at least one, P3)."""

    purpose: ConsentPurpose
    channel: Channel
    captured_how: CaptureMethod
    wording: str
    wording_version: str

    def validated(self) -> PermissionDraft:
        wording = values.text(self.wording, "permission.wording", max_len=2000)
        if wording is None:
            raise InvalidInput("permission.wording", "the text the person agreed to is required")
        return PermissionDraft(
            values.enum_value(ConsentPurpose, self.purpose, "permission.purpose"),
            values.enum_value(Channel, self.channel, "permission.channel"),
            values.enum_value(CaptureMethod, self.captured_how, "permission.captured_how"),
            wording,
            values.required_text(self.wording_version, "permission.wording_version", max_len=20),
        )


# Purposes that are not tied to a channel (profiling) are recorded on this pseudo-channel.
ANY_CHANNEL = "any"
CHANNEL_FREE = frozenset({ConsentPurpose.PROFILING})


class ConsentState(StrEnum):
    """What the ledger says about one (person, purpose, channel) at one moment."""

    NONE = "none"  # nothing recorded: never a consent (nothing defaults to consent)
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"
    PROHIBITED = "prohibited"
    EXPIRED = "expired"  # granted, but the grant's expiry has passed


def state_of(
    event: str | None, expires_at: dt.datetime | None, moment: dt.datetime
) -> ConsentState:
    """The state the latest event at `moment` leaves behind."""
    if event is None:
        return ConsentState.NONE
    kind = ConsentEventKind(event)
    if kind is ConsentEventKind.GRANTED and expires_at is not None and expires_at <= moment:
        return ConsentState.EXPIRED
    return ConsentState(kind.value)


@dataclass(frozen=True)
class Evidence:
    """How a change of the ledger was captured (the proof of a consent, GDPR Art. 7(1))."""

    captured_how: CaptureMethod
    captured_by: str  # a staff user name, or "person" when the person acted themself
    wording: str | None = None
    wording_version: str | None = None
    ip_address: str | None = None
    user_agent: str | None = None

    def validated(self) -> Evidence:
        how = values.enum_value(CaptureMethod, self.captured_how, "captured_how")
        ip = None
        if self.ip_address:
            try:
                ip = str(ipaddress.ip_address(self.ip_address.strip()))
            except ValueError:
                raise InvalidInput("ip_address", "is not an IP address") from None
        ua = (self.user_agent or "").strip()[:300] or None
        if how is CaptureMethod.WEB_FORM and (ip is None or ua is None):
            raise InvalidInput("ip_address", "a web capture records the IP address and user agent")
        return Evidence(
            how,
            values.required_text(self.captured_by, "captured_by", max_len=60),
            values.text(self.wording, "wording", max_len=2000, required=False),
            values.text(self.wording_version, "wording_version", max_len=20, required=False),
            ip,
            ua,
        )


@dataclass(frozen=True)
class ConsentChange:
    """One new ledger event, validated: the rules of what may be recorded."""

    purpose: ConsentPurpose
    channel: str  # a Channel, or ANY_CHANNEL for channel-free purposes
    event: ConsentEventKind
    at: dt.datetime
    evidence: Evidence
    expires_at: dt.datetime | None = None

    def validated(self) -> ConsentChange:
        purpose = values.enum_value(ConsentPurpose, self.purpose, "purpose")
        event = values.enum_value(ConsentEventKind, self.event, "event")
        if purpose in CHANNEL_FREE:
            if self.channel != ANY_CHANNEL:
                raise InvalidInput("channel", f"{purpose.value} is not tied to a channel: use any")
            channel = ANY_CHANNEL
        else:
            channel = values.enum_value(Channel, self.channel, "channel").value
        if self.at.tzinfo is None:
            raise InvalidInput("at", "needs a time zone")
        evidence = self.evidence.validated()
        if event is ConsentEventKind.GRANTED and evidence.wording is None:
            raise InvalidInput("wording", "a consent records the text the person agreed to")
        if self.expires_at is not None:
            if event is not ConsentEventKind.GRANTED:
                raise InvalidInput("expires_at", "only a consent can expire")
            if self.expires_at <= self.at:
                raise InvalidInput("expires_at", "is not after the event")
        return ConsentChange(purpose, channel, event, self.at, evidence, self.expires_at)
