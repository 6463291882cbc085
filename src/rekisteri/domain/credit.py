"""The credit information check made when a contract is made (issue 16, item 2): the answer of a
consumer-credit information service, the register's rule on it, and the words that tell the
person (GDPR Art. 22). No I/O: the HTTP client is adapters/credit_information.py.

The service answers with a decision of its own scoring (accept, deposit or refuse), the number of
payment-default entries it holds and the security deposit it requires. The register applies that
answer by rule, without a person weighing it: a refusal or a deposit so decided is an automated
decision (Art. 22), so the person is told, in their language, and may ask for a person to review
it (a staff task for billing; the reviewer's outcome is recorded on the check).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from rekisteri.domain.errors import InvalidInput
from rekisteri.domain.vocabulary import Lang, Words


class CreditDecision(StrEnum):
    ACCEPT = "accept"
    DEPOSIT = "deposit"  # the contract is made once a security deposit is paid
    REFUSE = "refuse"


class ReviewOutcome(StrEnum):
    """What the person who reviewed an automated decision decided."""

    UPHELD = "upheld"  # the decision stands
    ACCEPTED = "accepted"  # the contract may be made without a deposit
    DEPOSIT_CHANGED = "deposit_changed"  # a deposit, of the amount the reviewer set


# The largest deposit the register takes from an answer: a service answering more is answering
# badly (a deposit is a few months' bills, never tens of thousands of euros).
MAX_DEPOSIT_CENTS = 10_000_00
MAX_DEFAULT_ENTRIES = 10_000
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,63}")


@dataclass(frozen=True)
class CreditAnswer:
    """One answer of the service, checked."""

    reference: str  # the service's reference of the query
    decision: CreditDecision
    default_entries: int
    deposit_cents: int

    def __post_init__(self) -> None:
        if not _REFERENCE.fullmatch(self.reference):
            raise InvalidInput("reference", "is not a reference of the service")
        if not 0 <= self.default_entries <= MAX_DEFAULT_ENTRIES:
            raise InvalidInput("payment_default_entries", "is out of range")
        if not 0 <= self.deposit_cents <= MAX_DEPOSIT_CENTS:
            raise InvalidInput("security_deposit_eur", "is out of range")
        if (self.decision is CreditDecision.DEPOSIT) != (self.deposit_cents > 0):
            raise InvalidInput(
                "security_deposit_eur", "is given with decision deposit, and only with it"
            )

    @property
    def automated(self) -> bool:
        """A refusal or a deposit, applied from the answer alone: an Art. 22 decision."""
        return self.decision is not CreditDecision.ACCEPT


def euros_to_cents(text: object, field: str = "security_deposit_eur") -> int:
    """'200.00' (a string, as money is sent) in cents; anything else is bad input."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", text):
        raise InvalidInput(field, "is not an amount of euros such as 200.00")
    return int(Decimal(text) * 100)


def euros(cents: int) -> str:
    """Cents as euros the Finnish way: 1 234,50 €."""
    whole, part = divmod(cents, 100)
    return f"{whole:,}".replace(",", "\u00a0") + f",{part:02d}\u00a0€"


_TOLD = {
    CreditDecision.ACCEPT: Words(
        "Tarkistimme luottotietosi Suomen Asiakastieto Oy:stä. Sopimus voidaan tehdä.",
        "Vi kontrollerade dina kreditupplysningar hos Suomen Asiakastieto Oy. Avtalet kan ingås.",
        "We checked your credit information with Suomen Asiakastieto Oy. The contract can be made.",
    ),
    CreditDecision.DEPOSIT: Words(
        "Tarkistimme luottotietosi Suomen Asiakastieto Oy:stä. Sopimus edellyttää {deposit} "
        "vakuutta.",
        "Vi kontrollerade dina kreditupplysningar hos Suomen Asiakastieto Oy. Avtalet "
        "förutsätter en säkerhet på {deposit}.",
        "We checked your credit information with Suomen Asiakastieto Oy. The contract needs a "
        "security deposit of {deposit}.",
    ),
    CreditDecision.REFUSE: Words(
        "Tarkistimme luottotietosi Suomen Asiakastieto Oy:stä. Emme voi tehdä sopimusta.",
        "Vi kontrollerade dina kreditupplysningar hos Suomen Asiakastieto Oy. Vi kan inte "
        "ingå avtalet.",
        "We checked your credit information with Suomen Asiakastieto Oy. We cannot make the "
        "contract.",
    ),
}
_AUTOMATED = Words(
    "Päätös tehtiin automaattisesti luottotietojen perusteella. Voit pyytää, että "
    "henkilö tarkistaa päätöksen: ota yhteyttä asiakaspalveluun ja mainitse viite {reference}. "
    "Voit myös esittää näkemyksesi ja riitauttaa päätöksen (EU:n tietosuoja-asetus 22 art.).",
    "Beslutet fattades automatiskt utifrån kreditupplysningarna. Du kan begära att en "
    "person granskar beslutet: kontakta kundtjänsten och uppge referensen {reference}. Du kan "
    "också framföra din synpunkt och bestrida beslutet (EU:s dataskyddsförordning art. 22).",
    "The decision was made automatically from the credit information. You can ask for a person "
    "to review it: contact customer service and give the reference {reference}. You can also "
    "express your point of view and contest the decision (GDPR Art. 22).",
)
_REVIEWED = {
    ReviewOutcome.UPHELD: Words(
        "Henkilö tarkisti päätöksen; se pysyy voimassa.",
        "En person granskade beslutet; det står fast.",
        "A person reviewed the decision; it stands.",
    ),
    ReviewOutcome.ACCEPTED: Words(
        "Henkilö tarkisti päätöksen: sopimus voidaan tehdä ilman vakuutta.",
        "En person granskade beslutet: avtalet kan ingås utan säkerhet.",
        "A person reviewed the decision: the contract can be made without a deposit.",
    ),
    ReviewOutcome.DEPOSIT_CHANGED: Words(
        "Henkilö tarkisti päätöksen: sopimus edellyttää {deposit} vakuutta.",
        "En person granskade beslutet: avtalet förutsätter en säkerhet på {deposit}.",
        "A person reviewed the decision: the contract needs a security deposit of {deposit}.",
    ),
}


def told(
    decision: CreditDecision,
    deposit_cents: int,
    automated: bool,
    reference: str,
    lang: Lang | str,
) -> str:
    """What the person is told of the check, in their language: that it was made and where,
    the decision, and for an automated refusal or deposit their right to a person's review."""
    said = _TOLD[decision].in_(lang).format(deposit=euros(deposit_cents))
    if automated:
        said = f"{said} {_AUTOMATED.in_(lang).format(reference=reference)}"
    return said


def review_told(outcome: ReviewOutcome, deposit_cents: int, lang: Lang | str) -> str:
    """What the person is told of a review's outcome, in their language."""
    return _REVIEWED[outcome].in_(lang).format(deposit=euros(deposit_cents))
