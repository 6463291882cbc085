"""The credit check made when a contract is made (issue 16, item 2): what the credit
information service answered, and a person's review of an automated decision on it."""

from __future__ import annotations

from rekisteri.catalogue.model import Attribute, TableSpec, ViewSpec
from rekisteri.catalogue.retention import CREDIT_CHECKS
from rekisteri.domain.vocabulary import (
    FROM_THE_PERSON,
    Category,
    LawfulBasis,
    Purpose,
    Source,
    Words,
)

# The check serves making the contract (who may be a customer, on what security) and the
# monitoring of payments; it rests on the controller's legitimate interest in not taking on a
# credit risk blindly (the Credit Information Act allows the use of credit information when a
# contract with a credit risk is made).
_PURPOSES = frozenset({Purpose.CUSTOMER_RELATIONSHIP, Purpose.BILLING_AND_COLLECTION})

ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute(
        key="credit_check.result",
        table="credit_check",
        # checked_on first: the retention run counts the period from it.
        columns=(
            "checked_on",
            "purpose_code",
            "reference",
            "decision",
            "default_entries",
            "deposit_cents",
            "automated",
        ),
        category=Category.CREDIT_INFORMATION,
        purposes=_PURPOSES,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        sources=frozenset({Source.ASIAKASTIETO}),
        retention=CREDIT_CHECKS,
        words=Words(
            "luottotietojen tarkistus: päivä, käyttötarkoitus, viite, päätös, "
            "maksuhäiriömerkintöjen määrä, vakuus ja tehtiinkö päätös automaattisesti",
            "kontroll av kreditupplysningar: dag, användningsändamål, referens, beslut, antal "
            "betalningsanmärkningar, säkerhet och om beslutet fattades automatiskt",
            "credit check: day, purpose code, reference, decision, number of payment-default "
            "entries, security deposit, and whether the decision was automated",
        ),
    ),
    Attribute(
        key="credit_check.review",
        table="credit_check",
        columns=(
            "review_requested_at",
            "review_outcome",
            "review_deposit_cents",
            "reviewed_at",
            "reviewed_by",
            "review_note",
        ),
        category=Category.CREDIT_INFORMATION,
        purposes=_PURPOSES,
        basis=LawfulBasis.LEGITIMATE_INTEREST,
        # Asked for by the person; decided by a person of the controller.
        sources=FROM_THE_PERSON | {Source.REGISTER_ITSELF},
        retention=CREDIT_CHECKS,
        words=Words(
            "automaattisen päätöksen tarkistus: pyyntö, tulos, tarkistaja ja perustelu",
            "granskning av ett automatiserat beslut: begäran, utfall, granskare och motivering",
            "review of an automated decision: request, outcome, reviewer and reasons",
        ),
    ),
)

TABLES: tuple[TableSpec, ...] = (
    TableSpec(
        "credit_check",
        frozenset(
            {"id", "source", "source_detail", "received_at", "person_id", "contract_id"}
            | {"disclosure_id"}
        ),
        ("person_id",),
        view=ViewSpec("credit_checks", "checked_on", ("contract_id",)),
    ),
)
