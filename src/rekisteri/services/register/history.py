"""The rectification history (P12): every change of a personal attribute, with who, when, why."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.register import attribute_change
from rekisteri.catalogue import Sensitivity
from rekisteri.domain.register import Provenance
from rekisteri.services.unit_of_work import UnitOfWork


def change_row(
    uow: UnitOfWork,
    *,
    person_id: int | None,
    table: str,
    row_id: int,
    attribute: str,
    old: Any,
    new: Any,
    reason: str,
    provenance: Provenance,
) -> dict[str, Any]:
    """The history row of one change (values of encrypted attributes sealed)."""
    return ChangeRows(uow)(
        person_id=person_id,
        table=table,
        row_id=row_id,
        attribute=attribute,
        old=old,
        new=new,
        reason=reason,
        provenance=provenance,
    )


class ChangeRows:
    """`change_row` for the many changes of one unit of work (an import's 200,000 history
    rows): the time and actor taken once, each attribute's sealing looked up once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.at = uow.now()
        self.actor = uow.actor.name
        self.sealed: dict[str, bool] = {}

    def _text(self, attribute: str, value: Any) -> str | None:
        if value is None:
            return None
        text = value if isinstance(value, str) else str(value)
        sealed = self.sealed.get(attribute)
        if sealed is None:
            sealed = self.uow.catalogue[attribute].sensitivity is Sensitivity.ENCRYPTED
            self.sealed[attribute] = sealed
        return self.uow.cipher.seal_text(attribute, text) if sealed else text

    def __call__(
        self,
        *,
        person_id: int | None,
        table: str,
        row_id: int,
        attribute: str,
        old: Any,
        new: Any,
        reason: str,
        provenance: Provenance,
    ) -> dict[str, Any]:
        return {
            "person_id": person_id,
            "at": self.at,
            "actor": self.actor,
            "table_name": table,
            "row_id": row_id,
            "attribute": attribute,
            "old_value": self._text(attribute, old),
            "new_value": self._text(attribute, new),
            "reason": reason,
            "source": provenance.source,
            "source_detail": provenance.detail,
            "received_at": provenance.received_at,
        }


def record_change(
    uow: UnitOfWork,
    *,
    person_id: int | None,
    table: str,
    row_id: int,
    attribute: str,
    old: Any,
    new: Any,
    reason: str,
    provenance: Provenance,
) -> None:
    row = change_row(
        uow,
        person_id=person_id,
        table=table,
        row_id=row_id,
        attribute=attribute,
        old=old,
        new=new,
        reason=reason,
        provenance=provenance,
    )
    uow.execute(attribute_change.insert().values(**row))
    uow.note_change(
        [] if person_id is None else [person_id],
        [uow.catalogue[attribute].category],
        f"change {attribute}",
    )


# What an encrypted value of the history reads as when it is not opened (for staff).
ENCRYPTED = "(salattu / krypterad / encrypted)"


def changes_of(uow: UnitOfWork, person_id: int, *, reveal: bool) -> list[dict[str, Any]]:
    """The person's change history, oldest first; encrypted values opened only if `reveal`."""
    rows = uow.execute(
        select(attribute_change)
        .where(attribute_change.c.person_id == person_id)
        .order_by(attribute_change.c.at, attribute_change.c.id)
    ).mappings()
    out = []
    for r in rows:
        entry = dict(r)
        for side in ("old_value", "new_value"):
            token = entry[side]
            if token and token.startswith("enc:"):
                entry[side] = (
                    uow.cipher.open_text(entry["attribute"], token) if reveal else ENCRYPTED
                )
        out.append(entry)
    return out


def latest_sources(uow: UnitOfWork, person_id: int) -> dict[tuple[str, int, str], dict[str, Any]]:
    """For each (table, row, attribute) changed after creation, the latest change's provenance."""
    rows = uow.execute(
        select(
            attribute_change.c.table_name,
            attribute_change.c.row_id,
            attribute_change.c.attribute,
            attribute_change.c.source,
            attribute_change.c.source_detail,
            attribute_change.c.received_at,
        )
        .where(attribute_change.c.person_id == person_id)
        .order_by(attribute_change.c.at, attribute_change.c.id)
    ).all()
    return {
        (r.table_name, r.row_id, r.attribute): {
            "source": r.source,
            "detail": r.source_detail,
            "received_at": r.received_at,
        }
        for r in rows
    }
