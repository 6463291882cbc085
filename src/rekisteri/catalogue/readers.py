"""Which role reads which data category, and how (P7, need to know). Deny by default:
a role missing from a category's map sees nothing of it."""

from __future__ import annotations

from collections.abc import Mapping

from rekisteri.domain.vocabulary import Category, Purpose, Role, Visibility

F, M = Visibility.FULL, Visibility.MASKED
CS, BI, MK, DPO, PR = (
    Role.CUSTOMER_SERVICE,
    Role.BILLING,
    Role.MARKETING,
    Role.DPO,
    Role.PROCESSOR,
)

CATEGORY_READERS: Mapping[Category, Mapping[Role, Visibility]] = {
    Category.IDENTITY: {CS: F, BI: F, MK: F, DPO: F, PR: M},
    Category.CONTACT: {CS: F, BI: F, MK: F, DPO: F, PR: F},
    Category.CLASSIFICATION: {CS: F, MK: F, DPO: F},
    Category.SITE: {CS: F, BI: F, MK: F, DPO: F},
    Category.CONTRACT: {CS: F, BI: F, MK: F, DPO: F},
    Category.BILLING: {CS: F, BI: F, DPO: F},
    Category.PAYMENT: {CS: F, BI: F, DPO: F},
    Category.CREDIT_INFORMATION: {CS: F, BI: F, DPO: F},
    Category.CONSUMPTION: {CS: F, BI: F, DPO: F},
    Category.MARKETING: {CS: F, MK: F, DPO: F},
    Category.CONTACT_LOG: {CS: F, BI: F, DPO: F},
    Category.RECORDING: {CS: F, DPO: F},
    Category.FEEDBACK: {CS: F, DPO: F},
    Category.DIGITAL_ACCOUNT: {CS: F, DPO: F},
    Category.HISTORY: {CS: F, DPO: F},
    Category.RIGHTS_REQUEST: {CS: F, DPO: F},
    Category.DISCLOSURE: {BI: F, DPO: F},
    Category.ACCESS_LOG: {DPO: F},
}

# Which purposes each role works for (P4, P7); a route serving another purpose is refused.
ROLE_PURPOSES: Mapping[Role, frozenset[Purpose]] = {
    CS: frozenset(
        {Purpose.CUSTOMER_RELATIONSHIP, Purpose.SERVICE_DELIVERY, Purpose.VERIFYING_TRANSACTIONS}
    ),
    BI: frozenset(
        {Purpose.BILLING_AND_COLLECTION, Purpose.CUSTOMER_RELATIONSHIP, Purpose.LEGAL_OBLIGATION}
    ),
    MK: frozenset({Purpose.DIRECT_MARKETING, Purpose.PROFILING, Purpose.BUSINESS_DEVELOPMENT}),
    DPO: frozenset(Purpose),
    Role.ADMINISTRATOR: frozenset({Purpose.LEGAL_OBLIGATION}),
    PR: frozenset({Purpose.SERVICE_DELIVERY}),
}

# Which role may change which category (deny by default).
CATEGORY_WRITERS: Mapping[Category, frozenset[Role]] = {
    Category.IDENTITY: frozenset({CS, BI, DPO}),
    Category.CONTACT: frozenset({CS, BI, DPO}),
    Category.CLASSIFICATION: frozenset({CS, MK}),
    Category.SITE: frozenset({CS, DPO}),
    Category.CONTRACT: frozenset({CS, BI}),
    Category.BILLING: frozenset({CS, BI}),
    Category.PAYMENT: frozenset({BI}),
    # Customer service makes contracts, so it runs their credit check; billing reviews them.
    Category.CREDIT_INFORMATION: frozenset({CS, BI}),
    Category.CONSUMPTION: frozenset({BI}),
    Category.MARKETING: frozenset({CS, MK, DPO}),
    Category.CONTACT_LOG: frozenset({CS, BI}),
    Category.RECORDING: frozenset({CS, DPO}),
    Category.FEEDBACK: frozenset({CS}),
    Category.DIGITAL_ACCOUNT: frozenset({CS}),
    Category.HISTORY: frozenset({DPO}),
    Category.RIGHTS_REQUEST: frozenset({CS, DPO}),
    # Disclosures are made by billing (Asiakastieto, collection), marketing (group marketing)
    # and the DPO (authorities, research loans); the access log is written by the register only.
    Category.DISCLOSURE: frozenset({BI, MK, DPO}),
    Category.ACCESS_LOG: frozenset(),
}
