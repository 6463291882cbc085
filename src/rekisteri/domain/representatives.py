"""Who may act for a person (issue 16): a guardian (edunvalvoja), the contact of a deceased
person's estate (kuolinpesän yhteyshenkilö) or someone holding the person's power of attorney
(valtakirja), what each may do, and how their authority was shown.

The evidence is recorded as a reference (a court decision's number, the estate inventory's date
and drafter, the power of attorney's date), never as the document itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from rekisteri.domain.errors import InvalidInput, RuleViolation


class RepresentativeKind(StrEnum):
    GUARDIAN = "guardian"  # edunvalvoja, appointed by a court or the guardianship authority
    ESTATE_CONTACT = "estate_contact"  # kuolinpesän yhteyshenkilö, after the person's death
    POWER_OF_ATTORNEY = "power_of_attorney"  # valtakirja given by the person


class Power(StrEnum):
    """What a representative may do for the person."""

    SEE_DATA = "see_data"  # be told the person's data (customer service, the access package)
    RIGHTS_REQUESTS = "rights_requests"  # make data-protection requests for the person
    MANAGE_CONTRACT = "manage_contract"  # make, change and end the person's contracts
    RECEIVE_MAIL = "receive_mail"  # receive the invoices and letters meant for the person


class Evidence(StrEnum):
    """How the authority was shown (the document is seen, not kept)."""

    COURT_DECISION = "court_decision"  # a district court's decision appointing a guardian
    GUARDIANSHIP_REGISTER = "guardianship_register"  # an extract of the guardianship register
    ESTATE_INVENTORY = "estate_inventory"  # perukirja, naming the estate's shareholders
    ESTATE_AUTHORISATION = "estate_authorisation"  # the shareholders' authorisation of a contact
    POWER_OF_ATTORNEY = "power_of_attorney"  # the power of attorney document


# What each kind may do when nothing narrower is given: a guardian and an estate's contact act
# for the person in all their affairs the register deals with; a power of attorney names its
# powers, so it has none by default and must name them.
DEFAULT_POWERS: dict[RepresentativeKind, frozenset[Power]] = {
    RepresentativeKind.GUARDIAN: frozenset(Power),
    RepresentativeKind.ESTATE_CONTACT: frozenset(Power),
    RepresentativeKind.POWER_OF_ATTORNEY: frozenset(),
}

# The evidence each kind can rest on.
EVIDENCE_OF: dict[RepresentativeKind, frozenset[Evidence]] = {
    RepresentativeKind.GUARDIAN: frozenset(
        {Evidence.COURT_DECISION, Evidence.GUARDIANSHIP_REGISTER}
    ),
    RepresentativeKind.ESTATE_CONTACT: frozenset(
        {Evidence.ESTATE_INVENTORY, Evidence.ESTATE_AUTHORISATION}
    ),
    RepresentativeKind.POWER_OF_ATTORNEY: frozenset({Evidence.POWER_OF_ATTORNEY}),
}


def powers_of(kind: RepresentativeKind, given: Iterable[str] | str | None) -> frozenset[Power]:
    """The powers to record: those given (a list, or words separated by commas), else the
    kind's default. A power of attorney names at least one."""
    if given is None or (isinstance(given, str) and not given.strip()):
        chosen = DEFAULT_POWERS[kind]
    else:
        words = given.split(",") if isinstance(given, str) else list(given)
        chosen = frozenset(_power(w) for w in words)
    if not chosen:
        raise InvalidInput("powers", "a power of attorney names what it allows")
    return chosen


def _power(word: Any) -> Power:
    text = word.strip() if isinstance(word, str) else ""
    try:
        return Power(text)
    except ValueError:
        allowed = ", ".join(p.value for p in Power)
        raise InvalidInput("powers", f"unknown power {text[:40]!r}: one of {allowed}") from None


def stored_powers(powers: frozenset[Power]) -> str:
    """The column's form: the powers in a fixed order, separated by commas."""
    return ",".join(p.value for p in Power if p in powers)


def parsed_powers(stored: str | None) -> frozenset[Power]:
    return frozenset(Power(w) for w in (stored or "").split(",") if w)


def check_evidence(kind: RepresentativeKind, evidence: Evidence) -> None:
    if evidence not in EVIDENCE_OF[kind]:
        allowed = ", ".join(sorted(e.value for e in EVIDENCE_OF[kind]))
        raise InvalidInput("evidence", f"a {kind.value} shows their authority by: {allowed}")


def check_for_person(
    kind: RepresentativeKind, deceased_on: dt.date | None, valid_from: dt.date
) -> None:
    """An estate exists only after a death, and the contact of an estate acts from the death
    on; the living person's own guardian or attorney no longer acts for them after it (their
    authority ends at the death, the estate's begins)."""
    if kind is RepresentativeKind.ESTATE_CONTACT:
        if deceased_on is None:
            raise RuleViolation("an estate's contact is recorded only for a deceased person")
        if valid_from < deceased_on:
            raise InvalidInput("valid_from", f"is before the death ({deceased_on})")
    elif deceased_on is not None and valid_from >= deceased_on:
        raise RuleViolation(
            f"the person died on {deceased_on}: a {kind.value} no longer acts for them; "
            "record the estate's contact instead"
        )


def in_force(
    kind: RepresentativeKind,
    valid_from: dt.date,
    valid_to: dt.date | None,
    deceased_on: dt.date | None,
    on: dt.date,
) -> bool:
    """Whether a representation is in force on a day: within its period (`valid_to` is its
    last day) and, for a living person's guardian or attorney, before the person's death."""
    ends_at_death = None if kind is RepresentativeKind.ESTATE_CONTACT else deceased_on
    if ends_at_death is not None and on >= ends_at_death:
        return False
    return valid_from <= on and (valid_to is None or on <= valid_to)


def authority(
    kind: RepresentativeKind,
    powers: frozenset[Power],
    valid_from: dt.date,
    valid_to: dt.date | None,
    deceased_on: dt.date | None,
    needed: Power,
    on: dt.date,
) -> str | None:
    """Why the representative may not do `needed` on the day, or None when they may."""
    if not in_force(kind, valid_from, valid_to, deceased_on, on):
        if kind is not RepresentativeKind.ESTATE_CONTACT and deceased_on and on >= deceased_on:
            return f"the {kind.value}'s authority ended at the person's death ({deceased_on})"
        return f"the {kind.value}'s authority is not in force on {on}"
    if needed not in powers:
        return f"the {kind.value} has no power to {needed.value.replace('_', ' ')}"
    return None


# Whose address the register's letters and invoices to a person go to, in this order, among
# the representatives in force with the power to receive them: after a death the estate's
# contact (the estate now answers for the contract); for a person under guardianship the
# guardian (the letters are about the contract the guardian manages; the person gets them
# through the guardian, addressed "c/o"); an attorney the person asked to receive them;
# otherwise the person's own address.
MAIL_ORDER = (
    RepresentativeKind.ESTATE_CONTACT,
    RepresentativeKind.GUARDIAN,
    RepresentativeKind.POWER_OF_ATTORNEY,
)
