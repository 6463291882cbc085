"""Recipients and transfers outside the EU/EEA (P8, P10): the rules, without I/O.

A recipient in a third country may receive personal data only under a safeguard the GDPR
accepts (Chapter V): an adequacy decision of the European Commission for that country
(Art. 45), standard contractual clauses (Art. 46(2)(c)) or binding corporate rules (Art. 47).
"""

from __future__ import annotations

import re
from enum import StrEnum

from rekisteri.domain.errors import InvalidInput, RuleViolation


class RecipientKind(StrEnum):
    PARTNER = "partner"
    SUBSIDIARY = "subsidiary"
    SERVICE_PROVIDER = "service_provider"
    SUBCONTRACTOR = "subcontractor"
    AUTHORITY = "authority"
    CREDIT_REFERENCE = "credit_reference"  # Suomen Asiakastieto Oy
    COLLECTION_AGENCY = "collection_agency"
    RESEARCH_INSTITUTE = "research_institute"


class Safeguard(StrEnum):
    ADEQUACY = "adequacy"  # Commission adequacy decision for the country (Art. 45)
    SCC = "scc"  # standard contractual clauses (Art. 46(2)(c))
    BCR = "bcr"  # binding corporate rules (Art. 47)


class DisclosureKind(StrEnum):
    ASIAKASTIETO = "asiakastieto"
    # A credit information query: the person's identity code sent to the credit reference
    # agency to learn their credit information when a contract is made.
    CREDIT_CHECK = "credit_check"
    COLLECTION = "collection"
    GROUP_MARKETING = "group_marketing"
    AUTHORITY = "authority"
    RECORDING_LOAN = "recording_loan"
    OTHER = "other"


# The EU member states, and Iceland, Liechtenstein and Norway (EEA). ISO 3166-1 alpha-2;
# Greece is GR here (the EU's own "EL" is accepted as the same).
EU_EEA = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "EL",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
)

# Countries with a Commission adequacy decision in force (Art. 45). The United States' decision
# covers only organisations certified under the EU-US Data Privacy Framework, which the
# recipient's safeguard reference must name.
ADEQUACY = frozenset(
    ["AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY", "US"]
)


def country_code(value: str, field: str = "country") -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise InvalidInput(field, f"use a two-letter ISO 3166 country code (got {value!r})")
    return code


def inside_eea(country: str) -> bool:
    return country in EU_EEA


# Where adequacy holds only for certified organisations: the reference must name the listing
# (the framework's words, its abbreviation or its site).
DPF_COUNTRIES = frozenset(["US"])
_DPF_WORDS = re.compile(r"\bdpf\b|data privacy framework|dataprivacyframework\.gov", re.IGNORECASE)
DPF_NEEDED = (
    "the US adequacy decision covers only organisations certified under the EU-US "
    "Data Privacy Framework: name the recipient's DPF listing"
)


def names_dpf_listing(reference: str | None) -> bool:
    return bool(reference and _DPF_WORDS.search(reference))


def validated_safeguard(
    country: str, safeguard: Safeguard | None, reference: str | None = None
) -> Safeguard | None:
    """A safeguard as registered for a recipient; an adequacy claim must fit the country, and
    in the US name the recipient's Data Privacy Framework listing."""
    if safeguard is Safeguard.ADEQUACY and country not in ADEQUACY:
        raise InvalidInput(
            "safeguard", f"the Commission has no adequacy decision for {country}; use scc or bcr"
        )
    dpf = safeguard is Safeguard.ADEQUACY and country in DPF_COUNTRIES
    if dpf and not names_dpf_listing(reference):
        raise InvalidInput("safeguard_ref", f"{DPF_NEEDED} (e.g. 'DPF list: Example Inc')")
    return None if inside_eea(country) else safeguard


def check_transfer(
    recipient: str, country: str, safeguard: Safeguard | None, reference: str | None = None
) -> None:
    """P10: data leaves the EU/EEA only under a safeguard that holds for the recipient; checked
    at every disclosure, so a recipient stored before a rule was tightened gets nothing."""
    if inside_eea(country):
        return
    if safeguard is None:
        raise RuleViolation(
            f"{recipient} is in {country}, outside the EU/EEA, and has no safeguard "
            "(adequacy decision or standard contractual clauses): nothing is disclosed"
        )
    if safeguard is Safeguard.ADEQUACY and country not in ADEQUACY:
        raise RuleViolation(f"there is no adequacy decision for {country}")
    dpf = safeguard is Safeguard.ADEQUACY and country in DPF_COUNTRIES
    if dpf and not names_dpf_listing(reference):
        raise RuleViolation(
            f"{recipient} is in {country} under adequacy but names no Data Privacy Framework "
            f"listing; {DPF_NEEDED}: nothing is disclosed"
        )
