"""The register's own terms for persons, sites, contracts and billing, and where a value came from
(P2). The drafts that use them are in domain/drafts.py."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from rekisteri.domain import values
from rekisteri.domain.vocabulary import Source


class PersonKind(StrEnum):
    NATURAL = "natural"
    LEGAL = "legal"


class Relationship(StrEnum):
    CUSTOMER = "customer"
    PROSPECT = "prospect"


class MotherTongue(StrEnum):
    FI = "fi"
    SV = "sv"
    EN = "en"
    OTHER = "other"


class Gender(StrEnum):
    # Only ever what the person said; never inferred from the identity code.
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class ContactKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    POSTAL = "postal"


class HousingType(StrEnum):
    DETACHED = "detached"
    TERRACED = "terraced"
    APARTMENT = "apartment"
    LEISURE = "leisure"
    OTHER = "other"


class Ownership(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"


class UsageTiming(StrEnum):
    GENERAL = "general"  # yleissähkö
    TIME_OF_DAY = "time_of_day"  # aikasähkö
    SEASONAL = "seasonal"  # kausisähkö


class HeatingType(StrEnum):
    ELECTRIC = "electric"
    DISTRICT = "district"
    HEAT_PUMP = "heat_pump"
    GROUND_SOURCE = "ground_source"
    OIL = "oil"
    WOOD = "wood"
    OTHER = "other"


class DeviceKind(StrEnum):
    """Devices at a site that bear on the energy used or produced there."""

    HEAT_PUMP = "heat_pump"
    EV_CHARGER = "ev_charger"
    SOLAR_PANELS = "solar_panels"
    BATTERY = "battery"
    WATER_HEATER = "water_heater"
    OTHER = "other"


class ServiceChannel(StrEnum):
    """How a contact or a piece of feedback reached the company (or went out from it)."""

    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SMS = "sms"
    LETTER = "letter"
    VISIT = "visit"
    WEB = "web"
    SURVEY = "survey"


class Direction(StrEnum):
    INBOUND = "inbound"  # the customer contacted the company
    OUTBOUND = "outbound"  # the company contacted the customer


class MeteringPointKind(StrEnum):
    CONSUMPTION = "consumption"
    PRODUCTION = "production"


class ContractKind(StrEnum):
    SALES = "sales"
    NETWORK = "network"


class EndReason(StrEnum):
    MOVED_OUT = "moved_out"
    SWITCHED_SUPPLIER = "switched_supplier"
    TERMINATED_BY_CUSTOMER = "terminated_by_customer"
    TERMINATED_BY_RETAILER = "terminated_by_retailer"
    DECEASED = "deceased"  # the estate ended it after the death (a death ends no contract)
    FIXED_TERM_ENDED = "fixed_term_ended"


# How the change history records a contract's end (its new value): "ended 2026-02-01
# (moved_out)"; domain/change_words reads it in words.
CONTRACT_ENDED_RECORD = re.compile(r"^ended (\d{4}-\d{2}-\d{2}) \((\w+)\)$")


def contract_ended_record(day: dt.date, why: EndReason) -> str:
    return f"ended {day.isoformat()} ({why.value})"


# The attribute of a person's restriction, and how its history records one ("restricted";
# before reasons were codes: "restricted: <why>").
RESTRICTION = "person.restricted"
RESTRICTED_RECORD = re.compile(r"^restricted(: .*)?$", re.DOTALL)


class BillingRhythm(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"


class BillingMethod(StrEnum):
    E_INVOICE = "e_invoice"
    DIRECT_PAYMENT = "direct_payment"
    EMAIL = "email"
    PAPER = "paper"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    IN_COLLECTION = "in_collection"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Provenance:
    """Where a value came from and when (P2)."""

    source: Source
    received_at: dt.datetime
    detail: str | None = None

    @staticmethod
    def of(
        source: str | Source,
        received_at: dt.datetime,
        detail: str | None = None,
    ) -> Provenance:
        return Provenance(
            values.enum_value(Source, source, "source"),
            received_at,
            values.text(detail, "source_detail", required=False),
        )


class ContactRole(StrEnum):
    """What a contact person does for an organisation."""

    CONTACT = "contact"
    SIGNATORY = "signatory"
    INVOICE_RECEIVER = "invoice_receiver"


class SalesCall(StrEnum):
    """Who made the telephone call in which a contract was sold."""

    INBOUND = "inbound"  # the customer called, or asked to be called
    OUTBOUND = "outbound"  # the company called


class WrittenHow(StrEnum):
    """How a written offer went out, or how the written acceptance came in (durable media)."""

    EMAIL = "email"
    LETTER = "letter"
    SMS = "sms"
    SELF_SERVICE = "self_service"
    SIGNED = "signed"  # an electronic or paper signature
