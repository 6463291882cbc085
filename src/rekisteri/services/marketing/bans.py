"""Importing the ASML marketing-ban register and matching its bans to the register's persons.

The file is the whole ban register as ASML delivers it, so an import replaces the bans stored
before (re-importing the same file leaves the same bans). Every row is validated before
anything is written; one bad row stores nothing. The import reports the persons its bans
match now (services/marketing/ban_matching.py); audiences do not rely on that: each matches
the bans afresh against the register as it is then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import delete, func, insert, literal, or_, select

from rekisteri.adapters import ban_file
from rekisteri.adapters.schema.marketing import marketing_ban, marketing_ban_match
from rekisteri.catalogue import Source
from rekisteri.domain.bans import Ban, BanKind, BanRegisterShrinks
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.marketing import ban_matching
from rekisteri.services.unit_of_work import UnitOfWork


def read_ban_file(path: Path, today: dt.date) -> ban_file.BanFile:
    """Every row of a ban file, validated before anything is written (adapters.ban_file)."""
    return ban_file.read_ban_file(path, today)


@dataclass
class BanImport:
    postal: int = 0
    phone: int = 0
    matched_bans: dict[str, int] = field(default_factory=dict)  # by channel
    matched_persons: int = 0


def _refuse_shrink(uow: UnitOfWork, bans: Sequence[Ban], today: dt.date, where: str) -> None:
    """Refuse a file that would drop more than the set share of the bans in force (an expired
    phone ban excludes no one, so dropping it re-enables nothing)."""
    b = marketing_ban.c
    stored = uow.execute(
        select(b.kind, b.match_key).where(or_(b.expires_on.is_(None), b.expires_on >= today))
    ).all()
    if not stored:
        return
    keys = {"kind": pl.String, "match_key": pl.String}
    in_force = pl.DataFrame(stored, schema=keys, orient="row")
    kept = pl.DataFrame([(x.kind.value, x.match_key) for x in bans], schema=keys, orient="row")
    dropped = in_force.join(kept, on=["kind", "match_key"], how="anti").height
    limit = uow.settings.ban_drop_limit_percent
    if dropped * 100 > limit * in_force.height:
        raise BanRegisterShrinks(len(bans), dropped, in_force.height, limit, where)


def import_bans(
    uow: UnitOfWork,
    bans: Sequence[Ban],
    file_name: str,
    *,
    allow_shrink: bool = False,
    end: str | None = None,
) -> BanImport:
    """Replace the stored bans with `bans` and match them. `end` names where the file ends
    ("<file>:<line>") for the refusals of a file that looks cut short: one without a ban, and
    one that would drop more of the bans in force than REKISTERI_BAN_DROP_LIMIT_PERCENT allows
    (unless `allow_shrink`); the stored bans stay as they were."""
    now, today = uow.now(), uow.today()
    where = end or file_name
    if not bans:
        raise InvalidInput(
            "file",
            "ends without a ban after its header (a download cut short?); the stored bans are kept",
            where=where,
        )
    if not allow_shrink:
        _refuse_shrink(uow, bans, today, where)
    result = BanImport()
    uow.execute(delete(marketing_ban_match))
    uow.execute(delete(marketing_ban))
    rows: list[dict[str, Any]] = []
    for b in bans:
        rows.append(
            {
                "kind": b.kind.value,
                "last_name": b.last_name,
                "first_names": b.first_names,
                "street": b.street,
                "postal_code": b.postal_code,
                "post_office": b.post_office,
                "phone": b.phone,
                "match_key": b.match_key,
                "registered_on": b.registered_on,
                "expires_on": b.expires_on,
                "source": Source.MARKETING_BAN_REGISTER.value,
                "source_detail": file_name[-200:],
                "received_at": now,
            }
        )
        if b.kind is BanKind.POSTAL:
            result.postal += 1
        else:
            result.phone += 1
    if rows:
        uow.execute(insert(marketing_ban), rows)
    # The import reports (and records, for the persons' access answers) what it matches now;
    # audiences match afresh (services/marketing/ban_matching.py).
    phones = ban_matching.phone_matches(today).subquery()
    uow.execute(
        insert(marketing_ban_match).from_select(
            ["ban_id", "person_id", "channel", "matched_at"],
            select(
                phones.c.ban_id,
                phones.c.person_id,
                literal(BanKind.PHONE.channel.value),
                literal(now, marketing_ban_match.c.matched_at.type),
            ),
        )
    )
    postal = ban_matching.postal_matches(uow, today)
    if postal.height:
        uow.execute(
            insert(marketing_ban_match),
            [
                {"ban_id": b, "person_id": p, "channel": "letter", "matched_at": now}
                for b, p in postal.iter_rows()
            ],
        )
    m = marketing_ban_match
    for channel, count in uow.execute(
        select(m.c.channel, func.count(func.distinct(m.c.ban_id))).group_by(m.c.channel)
    ).all():
        result.matched_bans[channel] = int(count)
    result.matched_persons = int(
        uow.execute(select(func.count(func.distinct(m.c.person_id)))).scalar_one()
    )
    return result
