"""The retention run previewed and approved by the DPO (the web's way to run it).

A preview is a dry run (retention.run(dry_run=True)): it changes nothing and is kept as a run
of its own (retention_run, dry_run true). The DPO approves one preview: the run then happens
only if that preview is still the latest run of today and a fresh count, in the same
transaction as the run, matches it: what is removed is exactly what the DPO saw, never what the
register came to hold after the preview. The run is recorded with the DPO as its actor, and
the rows it removes are audited as any run's are."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.rights import retention_run
from rekisteri.domain.errors import NotFound, RuleViolation
from rekisteri.domain.values import HELSINKI
from rekisteri.services.rights import retention
from rekisteri.services.unit_of_work import UnitOfWork


def preview(uow: UnitOfWork) -> retention.RunResult:
    return retention.run(uow, dry_run=True)


def latest(uow: UnitOfWork) -> dict[str, Any] | None:
    """The latest run or preview, with its number (what an approval names)."""
    row = uow.execute(select(retention_run).order_by(retention_run.c.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {
        "id": int(row.id),
        "started_at": row.started_at,
        "dry_run": bool(row.dry_run),
        "actor": row.actor,
        **json.loads(row.result),
    }


def approve(uow: UnitOfWork, preview_id: int) -> retention.RunResult:
    """Run retention as previewed by `preview_id`; refused when anything ran since, when the
    preview is not today's, or when the register no longer gives the previewed counts."""
    # Two DPOs approving at once: the second waits here until the first has run and committed,
    # then finds a newer run than its preview and is refused (one approval, one run).
    uow.execute(
        select(retention_run.c.id).where(retention_run.c.id == preview_id).with_for_update()
    )
    found = latest(uow)
    if found is None or found["id"] != preview_id:
        if uow.execute(select(retention_run.c.id).where(retention_run.c.id == preview_id)).first():
            raise RuleViolation("a newer run or preview exists: approve the latest preview")
        raise NotFound("retention preview", preview_id)
    if not found["dry_run"]:
        raise RuleViolation("this is a run, not a preview: preview again")
    if found["started_at"].astimezone(HELSINKI).date() != uow.today():
        raise RuleViolation("the preview is not from today: preview again")
    check = retention.run(uow, dry_run=True)
    if check.counts != found["counts"]:
        raise RuleViolation("the register changed since the preview: preview again")
    return retention.run(uow, dry_run=False)
