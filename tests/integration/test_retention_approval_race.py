"""Two DPOs approving the same retention preview at the same moment: one run, and the other
approval refused because a newer run exists (PostgreSQL: its row lock orders them; SQLite has
one writer at a time, so the race cannot arise there)."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, select

from rekisteri.adapters.schema.rights import retention_run
from rekisteri.domain.errors import RuleViolation
from rekisteri.services.rights import retention_approval
from rekisteri.services.unit_of_work import Actor, RegisterApp
from tests.e2e.test_retention_desk_web import _objecting_prospect
from tests.support.clock import FakeClock

DPO = Actor("tietosuoja.testi")


def test_two_approvals_at_once_make_one_run(register: RegisterApp, clock: FakeClock) -> None:
    if register.engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: no two approvals overlap")
    _objecting_prospect(register, "Kilpa")
    with register.unit_of_work(DPO) as uow:
        retention_approval.preview(uow)
        found = retention_approval.latest(uow)
    assert found is not None
    preview_id = int(found["id"])

    second: list[object] = []

    def approve_too() -> None:
        try:
            with register.unit_of_work(DPO) as uow:
                retention_approval.approve(uow, preview_id)
            second.append("ran")
        except RuleViolation as refused:
            second.append(refused)

    first = register.unit_of_work(DPO)
    uow = first.__enter__()
    retention_approval.approve(uow, preview_id)  # run, not yet committed
    other = threading.Thread(target=approve_too)
    other.start()
    time.sleep(1.0)  # let the second approval reach the preview while the first holds it
    first.__exit__(None, None, None)
    other.join(timeout=60)
    assert len(second) == 1 and isinstance(second[0], RuleViolation), second
    assert "newer run" in str(second[0])
    with register.engine.connect() as conn:
        runs = conn.execute(
            select(func.count())
            .select_from(retention_run)
            .where(retention_run.c.dry_run.is_(False))
        ).scalar_one()
    assert runs == 1


def test_a_preview_just_after_helsinki_midnight_is_todays(
    register: RegisterApp, clock: FakeClock
) -> None:
    """00:30 in Helsinki is still yesterday in UTC: a preview then and an approval a minute
    later are of the same (Finnish) day, and the approval runs."""
    _objecting_prospect(register, "Yö")
    clock.set(dt.datetime(2026, 3, 2, 22, 30, tzinfo=dt.UTC))  # 00:30 on 3 March in Helsinki
    with register.unit_of_work(DPO) as uow:
        retention_approval.preview(uow)
        found = retention_approval.latest(uow)
    assert found is not None
    clock.set(dt.datetime(2026, 3, 2, 22, 31, tzinfo=dt.UTC))
    with register.unit_of_work(DPO) as uow:
        retention_approval.approve(uow, int(found["id"]))
    # The next Finnish day, the same preview is yesterday's.
    clock.set(dt.datetime(2026, 3, 3, 22, 30, tzinfo=dt.UTC))
    with register.unit_of_work(DPO) as uow:
        retention_approval.preview(uow)
        later = retention_approval.latest(uow)
    assert later is not None
    clock.set(dt.datetime(2026, 3, 4, 22, 30, tzinfo=dt.UTC))
    with pytest.raises(RuleViolation, match="not from today"), register.unit_of_work(DPO) as uow:
        retention_approval.approve(uow, int(later["id"]))
