"""Contracts sold by telephone: the written offer and its written acceptance (issue 15, item 3).

The call itself is recorded with the contract (`customers.add_contract`, its direction and
time). After a call the company made, the contract is not in force until the consumer accepts
the written offer in writing (domain.telephone_sales); these use cases record the offer and the
acceptance through the one write path (services/register/attributes), so each is checked by
its attribute's rule and source and has its history entries (P12: old and new value, who).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import contract
from rekisteri.catalogue import Purpose
from rekisteri.domain.errors import NotFound
from rekisteri.domain.reasons import Reason, coded
from rekisteri.domain.register import Provenance
from rekisteri.domain.telephone_sales import WrittenStep, check_acceptance, check_offer
from rekisteri.services.register.attributes import write_attributes
from rekisteri.services.register.processing import ensure_processing_allowed
from rekisteri.services.unit_of_work import UnitOfWork

# What these use cases change; the call itself is written when the contract is added.
STEPS = frozenset({"offer_sent_at", "offer_sent_how", "accepted_at", "accepted_how"})


def _contract(uow: UnitOfWork, key: int | str) -> Any:
    """A contract by its id (the API's) or its number (S1000001, as staff know it)."""
    which = contract.c.id == key if isinstance(key, int) else contract.c.contract_number == key
    row = uow.execute(select(contract).where(which)).first()
    if row is None:
        raise NotFound("contract", key)
    return row


def offer_sent(uow: UnitOfWork, key: int | str, step: WrittenStep, provenance: Provenance) -> None:
    """The written offer of a contract sold in a call the company made went out (when, how)."""
    row = _contract(uow, key)
    check_offer(row.sales_call, row.sales_call_at, step, uow.now())
    ensure_processing_allowed(uow, row.person_id, Purpose.CUSTOMER_RELATIONSHIP)
    _write(uow, row, {"offer_sent_at": step.at, "offer_sent_how": step.how.value}, provenance)


def accepted(uow: UnitOfWork, key: int | str, step: WrittenStep, provenance: Provenance) -> None:
    """The consumer accepted the written offer in writing (when, how): the contract is in force
    from then on."""
    row = _contract(uow, key)
    check_acceptance(row.sales_call, row.offer_sent_at, row.accepted_at, step, uow.now())
    ensure_processing_allowed(uow, row.person_id, Purpose.CUSTOMER_RELATIONSHIP)
    _write(uow, row, {"accepted_at": step.at, "accepted_how": step.how.value}, provenance)


def number_of(uow: UnitOfWork, key: int | str) -> str:
    return str(_contract(uow, key).contract_number)


def id_of(uow: UnitOfWork, key: int | str) -> int:
    return int(_contract(uow, key).id)


def _write(uow: UnitOfWork, row: Any, columns: dict[str, Any], provenance: Provenance) -> None:
    write_attributes(
        uow,
        contract,
        row.id,
        row.person_id,
        columns,
        coded(
            Reason.TELEPHONE_ACCEPTED if "accepted_at" in columns else Reason.TELEPHONE_OFFER_SENT
        ),
        provenance,
        writable=STEPS,
    )
