"""Which role reads which data category, and how (P7, need to know). Deny by default:
a role missing from a category's map sees nothing of it."""

from __future__ import annotations

from collections.abc import Mapping

from rekisteri.catalogue.vocabulary import Category, Role, Visibility

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
    Category.CONSUMPTION: {CS: F, BI: F, DPO: F},
    Category.MARKETING: {CS: F, MK: F, DPO: F},
    Category.CONTACT_LOG: {CS: F, BI: F, DPO: F},
    Category.RECORDING: {CS: F, DPO: F},
    Category.FEEDBACK: {CS: F, DPO: F},
    Category.DIGITAL_ACCOUNT: {CS: F, DPO: F},
    Category.HISTORY: {CS: F, DPO: F},
}
