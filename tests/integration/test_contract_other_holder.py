"""Readings are attributed by site and contract period, whatever the contract's kind. So a site
cannot have contracts of two different persons at once: the earlier holder's network contract
left open would otherwise put the next occupant's readings in the earlier holder's data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rekisteri.domain.drafts import ContractDraft
from rekisteri.domain.errors import RuleViolation
from rekisteri.domain.register import ContractKind
from rekisteri.services.consumption.attribution import readings_of
from rekisteri.services.register import customers
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.support.consumption import (
    new_contract,
    new_customer,
    new_gsrn,
    new_site,
    prov,
    readings,
    run_import,
    utc,
    write,
)


def test_the_next_occupant_never_appears_in_the_earlier_holders_data(
    register: RegisterApp, tmp_path: Path
) -> None:
    gsrn = new_gsrn()
    with register.unit_of_work(Actor("test")) as uow:
        site = new_site(uow, gsrn)
        earlier, later = new_customer(uow), new_customer(uow)
        new_contract(uow, earlier, site, dt.date(2025, 1, 1), dt.date(2025, 3, 1))
        network = ContractDraft(site, ContractKind.NETWORK, "Siirto", dt.date(2025, 1, 1))
        customers.add_contract(uow, earlier, network, prov(uow))  # left open after the move
    with register.unit_of_work(Actor("test")) as uow, pytest.raises(RuleViolation, match="end"):
        new_contract(uow, later, site, dt.date(2025, 3, 1))
    run_import(register, write(tmp_path / "r.csv", readings(gsrn, utc(2025, 3, 2), 8)))
    with register.reading(Actor("test")) as uow:
        assert readings_of(uow, later) == []
