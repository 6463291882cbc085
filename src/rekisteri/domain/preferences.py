"""The preference centre's rules (P5): what a setting shows, and what a change records.

A person sees one switch per (purpose, channel). What "on" means depends on the law:
e-mail/SMS marketing and subscriptions are off until the person opts in; letters, calls and
profiling are on until the person objects. Turning a switch records one ledger event; an
e-mail opt-in made on the web is only recorded once confirmed from that mailbox.
"""

from __future__ import annotations

from enum import StrEnum

from rekisteri.domain.consent import (
    ANY_CHANNEL,
    ELECTRONIC,
    Channel,
    ConsentEventKind,
    ConsentPurpose,
    ConsentState,
)

MARKETING_PURPOSES = (
    ConsentPurpose.OWN_MARKETING,
    ConsentPurpose.GROUP_MARKETING,
    ConsentPurpose.RESEARCH,
)
# The switches of the preference page, in the order shown.
PAGE_KEYS: tuple[tuple[ConsentPurpose, str], ...] = (
    *((p, c.value) for p in MARKETING_PURPOSES for c in Channel),
    (ConsentPurpose.NEWSLETTER, Channel.EMAIL.value),
    (ConsentPurpose.MAGAZINE, Channel.LETTER.value),
    (ConsentPurpose.MAGAZINE, Channel.EMAIL.value),
    (ConsentPurpose.PROFILING, ANY_CHANNEL),
)


def opt_in(purpose: ConsentPurpose, channel: str) -> bool:
    """Off until the person says yes (for a natural person)."""
    if purpose in (ConsentPurpose.NEWSLETTER, ConsentPurpose.MAGAZINE):
        return True
    return purpose in MARKETING_PURPOSES and channel in {c.value for c in ELECTRONIC}


def is_on(purpose: ConsentPurpose, channel: str, state: ConsentState) -> bool:
    """What the switch shows for the ledger's current state."""
    if state is ConsentState.GRANTED:
        return True
    if state in (ConsentState.PROHIBITED, ConsentState.WITHDRAWN):
        return False
    return not opt_in(purpose, channel)  # nothing recorded, or a consent that expired


class Change(StrEnum):
    GRANT = "grant"
    CONFIRM_BY_EMAIL = "confirm_by_email"  # double opt-in: send a confirmation link first
    WITHDRAW = "withdraw"
    OBJECT = "object"


def change_for(
    purpose: ConsentPurpose, channel: str, state: ConsentState, wanted: bool
) -> Change | None:
    """The ledger change that turns the switch to `wanted` (None: it is already so)."""
    if is_on(purpose, channel, state) == wanted:
        return None
    if wanted:
        if opt_in(purpose, channel) and channel == Channel.EMAIL.value:
            return Change.CONFIRM_BY_EMAIL
        return Change.GRANT
    if opt_in(purpose, channel):
        return Change.WITHDRAW
    return Change.OBJECT  # letters, calls, profiling: an objection (P13)


EVENT_OF = {
    Change.GRANT: ConsentEventKind.GRANTED,
    Change.WITHDRAW: ConsentEventKind.WITHDRAWN,
    Change.OBJECT: ConsentEventKind.PROHIBITED,
}
