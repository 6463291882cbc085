"""Rows as a reader may see them: every attribute's visibility and masking come from the catalogue.

A new attribute declared in the catalogue shows up here (and so in `customer show`, the API and
the pages) without this code changing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Row

from rekisteri.catalogue import Attribute, Category, Role, Sensitivity, Visibility
from rekisteri.catalogue.protection import PROTECTED_MARK
from rekisteri.services.unit_of_work import UnitOfWork

# Who reads a row: a staff role, or the person themself (who sees everything in full).
SELF = None


def _mask(attr: Attribute, value: Any) -> Any:
    if value is None:
        return None
    return attr.masker(str(value)) if attr.masker else "***"


def attribute_value(
    uow: UnitOfWork, attr: Attribute, data: Mapping[Any, Any], visibility: Visibility
) -> Any:
    if attr.sensitivity is Sensitivity.ENCRYPTED:
        ct, kid = data[attr.columns[0]], data[attr.columns[1]]
        if ct is None:
            return None
        if visibility is Visibility.FULL:
            return uow.cipher.open(attr.key, ct, kid)
        return _mask(attr, uow.cipher.open(attr.key, ct, kid))
    if len(attr.columns) == 1:
        value = data[attr.columns[0]]
    else:
        value = {c: data[c] for c in attr.columns}
        if all(v is None for v in value.values()):
            value = None
    if visibility is Visibility.MASKED:
        if isinstance(value, dict):
            return {c: _mask(attr, v) for c, v in value.items()}
        return _mask(attr, value)
    return value


def present(
    uow: UnitOfWork,
    table: str,
    row: Row[Any] | dict[str, Any],
    role: Role | None,
    hidden: set[Category],
    changed_sources: Mapping[tuple[str, int, str], dict[str, Any]] | None = None,
    *,
    protected: bool = False,
) -> dict[str, Any]:
    """One row as `role` may see it (role None: the person themself, in full). `protected`:
    the row is of a person with a turvakielto, whose addresses only the roles that need them
    read; a role told of the protection sees a mark in the address's place."""
    data = row if isinstance(row, dict) else row._mapping
    out: dict[str, Any] = {"id": data["id"]} if "id" in data else {}
    cat = uow.catalogue
    for attr in cat.for_table(table):
        if role is SELF:
            vis = Visibility.FULL
        else:
            vis = cat.visibility_for(attr, role, protected=protected)
        if vis is Visibility.NONE:
            if cat.told_protected(attr, role, protected=protected):
                # The mark where an address is held; an e-mail row has no postal address.
                held = any(data.get(c) is not None for c in attr.columns)
                out[attr.name] = dict(PROTECTED_MARK) if held else None
            else:
                hidden.add(attr.category)
            continue
        out[attr.name] = attribute_value(uow, attr, data, vis)
        later = (changed_sources or {}).get((table, int(data.get("id") or 0), attr.key))
        if later:  # changed since the row arrived: this attribute's own, newer source (P2)
            out.setdefault("_sources_of_changes", {})[attr.name] = later
    if "source" in data:
        out["_source"] = {
            "source": data["source"],
            "detail": data.get("source_detail"),
            "received_at": data["received_at"],
        }
    return out
