"""The categories of persons whose data the register holds (GDPR Art. 30(1)(c)).

A group is a kind of person row (`person.relationship` and `person.kind`), so every row belongs
to exactly one group, and the record of processing (services/ropa) names each group with the
data categories held of it. A group holds every category of the catalogue unless it is listed in
`not_held` with the reason: a category added to the catalogue is then shown for every group
until someone says why it is not, which over-states rather than hides.
"""

from __future__ import annotations

from dataclasses import dataclass

from rekisteri.domain.register import PersonKind, Relationship
from rekisteri.domain.vocabulary import Category, Words


@dataclass(frozen=True)
class SubjectGroup:
    key: str
    relationship: Relationship
    kind: PersonKind
    words: Words
    not_held: frozenset[Category] = frozenset()
    why_not_held: str = ""


# A prospect has given a marketing or contact permission (P3) and has no contract: data that
# comes with a contract (its site, readings, invoices and payments) is a customer's.
_WITH_A_CONTRACT = frozenset(
    {Category.SITE, Category.CONTRACT, Category.BILLING, Category.PAYMENT, Category.CONSUMPTION}
)

SUBJECT_GROUPS: tuple[SubjectGroup, ...] = (
    SubjectGroup(
        "private_customers",
        Relationship.CUSTOMER,
        PersonKind.NATURAL,
        Words("yksityisasiakkaat", "privatkunder", "private customers"),
    ),
    SubjectGroup(
        "organisation_customers",
        Relationship.CUSTOMER,
        PersonKind.LEGAL,
        Words(
            "yritys- ja yhteisöasiakkaat ja niiden puolesta asioivat henkilöt",
            "företags- och samfundskunder och personer som sköter deras ärenden",
            "organisations as customers, and the persons acting for them",
        ),
    ),
    SubjectGroup(
        "private_prospects",
        Relationship.PROSPECT,
        PersonKind.NATURAL,
        Words(
            "potentiaaliset asiakkaat, jotka ovat antaneet markkinointi- tai yhteydenottoluvan",
            "potentiella kunder som har gett tillstånd till marknadsföring eller kontakt",
            "prospective customers who gave a marketing or contact permission",
        ),
        not_held=_WITH_A_CONTRACT,
        why_not_held="a prospect has no contract",
    ),
    SubjectGroup(
        "organisation_prospects",
        Relationship.PROSPECT,
        PersonKind.LEGAL,
        Words(
            "potentiaaliset yritys- ja yhteisöasiakkaat ja niiden yhteyshenkilöt",
            "potentiella företags- och samfundskunder och deras kontaktpersoner",
            "prospective organisation customers and their contact persons",
        ),
        not_held=_WITH_A_CONTRACT,
        why_not_held="a prospect has no contract",
    ),
)
