"""Turvakielto (non-disclosure for personal safety): a per-person rule over the catalogue's
visibility, decided here once and derived everywhere (the person view of the CLI, the API and
the pages, the search, the audiences, the hand-overs, the letters).

The population register withholds the home municipality and every address of a person with a
turvakielto from everyone but authorities (Act on the Population Information System, 36 §).
The register keeps the same promise for every address it holds of such a person
(`person.non_disclosure`): an address attribute is shown only to a role that strictly needs it
for its work, and never more than the catalogue's readers already allow that role:

- billing needs the supply (site) address, to invoice the energy supplied there and to
  answer the network company and Datahub about the metering point, and the billing address,
  where the invoices go (the network's needs reach the register through billing: there is no
  network role);
- the DPO answers the person's rights requests, rectifies the flag with its proof and checks
  the register, so reads every address (every read is audited);
- customer service is told that an address exists and is protected (so it does not ask the
  person to repeat it on the phone, and directs letters through the forwarding route), never
  the address itself;
- marketing, the processors and the general search never see a protected address.

Letters to a protected person are addressed for forwarding by the population register
authority (docs/non-disclosure.md; services/register/letters.py). An address-like attribute
(one with a street, postal code or post office column) must be listed in NEEDED_BY: a test
fails for one that is not, so a new address cannot escape the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rekisteri.domain.vocabulary import Role, Words

BI, DPO, CS = Role.BILLING, Role.DPO, Role.CUSTOMER_SERVICE

# The person attribute that protects the person's addresses.
FLAG = "person.non_disclosure"

# For each address attribute, the roles that strictly need it of a protected person.
NEEDED_BY: Mapping[str, frozenset[Role]] = {
    "contact_point.postal_address": frozenset({DPO}),
    "site.address": frozenset({BI, DPO}),
    "billing_account.billing_address": frozenset({BI, DPO}),
    # The ASML ban row matched to the person repeats their name and address.
    "marketing_ban.ban": frozenset({DPO}),
    # A mover service's notice held for staff and linked to the person (a conflict): their
    # previous and new address as the service sent them.
    "address_notice.notice": frozenset({DPO}),
}

# Address-like attributes that are not the person's address, with why: the rule leaves them.
NOT_THE_PERSONS: Mapping[str, str] = {
    "representative.contact": "the representative's own address, where the person's letters "
    "go instead (a guardian or an estate's contact lives elsewhere)",
}

# Roles that read a protected address they do not need as a mark saying it is protected.
TOLD_PROTECTED: frozenset[Role] = frozenset({CS})

# Columns that make an attribute address-like (the test above holds the catalogue to them),
# also under a prefix (`previous_street`, `new_postal_code`).
ADDRESS_COLUMNS = frozenset({"street", "postal_code", "post_office"})


def is_address_column(column: str) -> bool:
    return any(column == c or column.endswith(f"_{c}") for c in ADDRESS_COLUMNS)


# What takes a withheld address's place for a role told it is protected (the API and the CLI
# show it as is; the pages in words, PROTECTED_WORDS).
PROTECTED_MARK: Mapping[str, Any] = {"withheld": "non_disclosure"}
PROTECTED_WORDS = Words(
    "turvakielto: osoitetta ei näytetä",
    "spärrmarkering: adressen visas inte",
    "non-disclosure for personal safety: the address is not shown",
)


def withheld(key: str, role: Role | None, protected: bool) -> bool:
    """Whether the attribute `key` of a person is withheld from `role` (None: the person
    themself, who always sees their own data)."""
    return protected and role is not None and key in NEEDED_BY and role not in NEEDED_BY[key]


def is_mark(value: Any) -> bool:
    return isinstance(value, Mapping) and dict(value) == dict(PROTECTED_MARK)
