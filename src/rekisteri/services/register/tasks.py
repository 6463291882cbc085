"""Staff tasks: work the register cannot finish by itself and hands to a person (a payment kept
for review; later address updates and ceased companies). A task names its subject by table and
row and says why in words without personal data, so the task list can be shown to any staff
role; the data stays in the subject row, under that row's own readers and audit (a payment's
is read with `rekisteri task show`, services/billing/review.py).

A task whose row is gone (retention or an erasure deleted it) can no longer be done: the
retention run closes it (`close_gone`), in the run's name, so the list holds only work that
still exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, insert, select, update

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.tasks import staff_task
from rekisteri.domain import values
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.services.unit_of_work import UnitOfWork

MAX_LISTED = 1000
# Kinds of task the update sources open (services/updates): an organisation the trade register
# says is bankrupt, in liquidation or ceased, with contracts in force; an address-change notice
# the register could not apply by itself (no one person matched it, or a newer address stood).
ORGANISATION_ENDED = "organisation_ended"
ADDRESS_NOTICE = "address_notice"


@dataclass(frozen=True)
class Task:
    id: int
    kind: str
    subject_table: str
    subject_id: int
    reason: str
    created_at: datetime
    created_by: str
    done_at: datetime | None
    done_by: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def open_task(uow: UnitOfWork, kind: str, subject_table: str, subject_id: int, reason: str) -> int:
    """Open a task; its id."""
    return int(
        uow.execute(
            insert(staff_task).values(
                kind=kind[:40],
                subject_table=subject_table[:40],
                subject_id=subject_id,
                reason=values.required_text(reason, "reason", max_len=300),
                created_at=uow.now(),
                created_by=uow.actor.name[:60],
            )
        ).inserted_primary_key[0]
    )


def open_tasks(uow: UnitOfWork, tasks: list[tuple[str, str, int, str]]) -> None:
    """Open many tasks at once: (kind, subject table, subject id, reason) each."""
    if not tasks:
        return
    now, by = uow.now(), uow.actor.name[:60]
    uow.execute(
        insert(staff_task),
        [
            {
                "kind": kind[:40],
                "subject_table": table[:40],
                "subject_id": row,
                "reason": reason[:300],
                "created_at": now,
                "created_by": by,
            }
            for kind, table, row, reason in tasks
        ],
    )


def listing(uow: UnitOfWork, *, kind: str | None = None, include_done: bool = False) -> list[Task]:
    """Tasks oldest first (open ones only unless `include_done`), at most MAX_LISTED."""
    query = select(staff_task).order_by(staff_task.c.id).limit(MAX_LISTED)
    if not include_done:
        query = query.where(staff_task.c.done_at.is_(None))
    if kind is not None:
        query = query.where(staff_task.c.kind == kind)
    return [Task(**dict(r._mapping)) for r in uow.execute(query)]


def open_count(uow: UnitOfWork) -> int:
    query = select(func.count()).select_from(staff_task).where(staff_task.c.done_at.is_(None))
    return int(uow.execute(query).scalar_one())


def find(uow: UnitOfWork, task_id: int) -> Task:
    row = uow.execute(select(staff_task).where(staff_task.c.id == task_id)).first()
    if row is None:
        raise NotFound("task", task_id)
    return Task(**dict(row._mapping))


def _gone(table_name: str) -> Any:
    """Open tasks naming a row of `table_name` that is no longer there."""
    subject = metadata.tables[table_name]
    return (
        staff_task.c.done_at.is_(None),
        staff_task.c.subject_table == table_name,
        ~exists().where(subject.c.id == staff_task.c.subject_id),
    )


def close_gone(uow: UnitOfWork, *, dry_run: bool = False) -> int:
    """Close every open task whose row is gone, in the acting job's name; how many (with
    `dry_run`, how many would be)."""
    named = uow.execute(
        select(staff_task.c.subject_table).where(staff_task.c.done_at.is_(None)).distinct()
    ).scalars()
    closed = 0
    for table_name in sorted(t for t in named if t in metadata.tables):
        cond = _gone(table_name)
        n = int(uow.execute(select(func.count()).select_from(staff_task).where(*cond)).scalar())
        if n and not dry_run:
            uow.execute(
                update(staff_task)
                .where(*cond)
                .values(done_at=uow.now(), done_by=uow.actor.name[:60])
            )
        closed += n
    if closed and not dry_run:
        # Not personal data (the tracker sees nothing): the trail still says who closed them.
        uow.note_change((), (), f"{closed} tasks closed: the rows they named are gone")
    return closed


def mark_done(uow: UnitOfWork, task_id: int) -> Task:
    """Mark a task done by the acting user; InvalidInput when it already was."""
    row = uow.execute(select(staff_task).where(staff_task.c.id == task_id)).first()
    if row is None:
        raise NotFound("task", task_id)
    if row.done_at is not None:
        raise InvalidInput("ID", f"task {task_id} was already done by {row.done_by}")
    now, by = uow.now(), uow.actor.name[:60]
    uow.execute(
        update(staff_task).where(staff_task.c.id == task_id).values(done_at=now, done_by=by)
    )
    # Not personal data, so the change tracker sees nothing: the trail still records who
    # closed which task.
    uow.note_change((), (), f"task {task_id} done")
    return Task(**{**dict(row._mapping), "done_at": now, "done_by": by})
