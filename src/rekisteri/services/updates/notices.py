"""What customer service needs to settle an address-change task: the notice the task names,
as the mover service sent it, and why it was not applied. The read is audited like any other:
the person is the one the notice is linked to (a conflict); a notice no one or several persons
matched names nobody (it is never attached to a person by a guess), and its read is still in
the trail with its category."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import person
from rekisteri.adapters.schema.updates import address_notice, update_file
from rekisteri.catalogue.protection import PROTECTED_MARK, is_address_column, withheld
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.register import tasks
from rekisteri.services.unit_of_work import UnitOfWork

_SHOWN = [c for c in address_notice.c if c.name not in {"id", "file_id", "source"}]


def show_notice(uow: UnitOfWork, task_id: int) -> dict[str, Any]:
    """The task and the notice it names (`notice`: None when the row is gone)."""
    task = tasks.find(uow, task_id)
    if task.subject_table != address_notice.name:
        raise InvalidInput(
            "ID", f"task {task_id} names a {task.subject_table}, not an address-change notice"
        )
    row = (
        uow.execute(
            select(*_SHOWN, update_file.c.name.label("file"))
            .join(update_file, update_file.c.id == address_notice.c.file_id)
            .where(address_notice.c.id == task.subject_id)
        )
        .mappings()
        .first()
    )
    shown: dict[str, Any] = {"task": task.as_dict(), "notice": None}
    if row is None:
        return shown
    found = dict(row)
    person_id = found["person_id"]
    uow.note_read(
        () if person_id is None else (int(person_id),),
        [uow.catalogue["address_notice.notice"].category],
        f"task {task_id}: address_notice {task.subject_id}",
    )
    if person_id is not None and _withheld(uow, int(person_id)):
        # A turvakielto: the notice's addresses are the person's (catalogue/protection.py).
        found = {
            k: (dict(PROTECTED_MARK) if is_address_column(k) and v is not None else v)
            for k, v in found.items()
        }
    shown["notice"] = found
    return shown


def _withheld(uow: UnitOfWork, person_id: int) -> bool:
    protected = uow.execute(
        select(person.c.non_disclosure).where(person.c.id == person_id)
    ).scalar()
    return withheld("address_notice.notice", uow.actor.role, bool(protected))
