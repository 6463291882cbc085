"""Direct-marketing permissions and prohibitions: the terms of the consent ledger."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput


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
