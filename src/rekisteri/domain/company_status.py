"""An organisation's situation in the trade register, as the register keeps it.

The trade register's open data states a company's situations (restructuring, liquidation,
bankruptcy) and the day it ended (adapters/trade_register reads them). The register keeps
the one that matters most to a supplier of electricity, and flags to staff a company whose
contracts in force may no longer be paid or may be ended by an administrator."""

from __future__ import annotations

from enum import StrEnum

from rekisteri.domain.translatable import N_


class CompanyStatus(StrEnum):
    REGISTERED = "registered"
    RESTRUCTURING = "restructuring"  # yrityssaneeraus: the contracts go on
    LIQUIDATION = "liquidation"  # selvitystila
    BANKRUPT = "bankrupt"  # konkurssi
    CEASED = "ceased"  # lakannut: struck off or dissolved


# A company in these situations has its contracts in force looked at by staff (who ends them,
# who pays): a staff task per organisation.
ENDING = frozenset({CompanyStatus.LIQUIDATION, CompanyStatus.BANKRUPT, CompanyStatus.CEASED})
# The most telling first: a ceased company may also have a bankruptcy on record.
PRECEDENCE = (
    CompanyStatus.CEASED,
    CompanyStatus.BANKRUPT,
    CompanyStatus.LIQUIDATION,
    CompanyStatus.RESTRUCTURING,
    CompanyStatus.REGISTERED,
)


def telling(statuses: set[CompanyStatus]) -> CompanyStatus:
    """The status that says most of a company with these situations (registered: none)."""
    return next((s for s in PRECEDENCE if s in statuses), CompanyStatus.REGISTERED)


# How the customer-service page says it (fi/sv/en catalogues of the web pages).
ENDING_WORDS = {
    CompanyStatus.LIQUIDATION: N_("in liquidation"),
    CompanyStatus.BANKRUPT: N_("bankrupt"),
    CompanyStatus.CEASED: N_("ceased"),
}
ENDING_NOTE = N_(
    "Contract %(number)s: the trade register says the organisation is %(status)s; a staff task "
    "settles who ends the contract and who pays."
)
