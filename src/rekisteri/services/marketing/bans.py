"""Importing the ASML marketing-ban register and matching its bans to the register's persons.

The file is the whole ban register as ASML delivers it, so an import replaces the bans stored
before (re-importing the same file leaves the same bans). Every row is validated before
anything is written; one bad row stores nothing. Phone bans match in SQL on the E.164 number;
postal bans match on a normalised key (domain.bans) computed column-wise with polars over all
persons' addresses at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import and_, delete, func, insert, literal, or_, select

from rekisteri.adapters import ban_file
from rekisteri.adapters.schema.marketing import marketing_ban, marketing_ban_match
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category, Source
from rekisteri.domain.bans import (
    FOLD,
    NAME_RULES,
    STREET_RULES,
    Ban,
    BanKind,
    BanRegisterShrinks,
)
from rekisteri.domain.errors import InvalidInput
from rekisteri.services.unit_of_work import UnitOfWork


def read_ban_file(path: Path, today: dt.date) -> ban_file.BanFile:
    """Every row of a ban file, validated before anything is written (adapters.ban_file)."""
    return ban_file.read_ban_file(path, today)


def _normalised(expr: pl.Expr, rules: tuple[tuple[str, str], ...]) -> pl.Expr:
    out = expr.str.to_lowercase()
    for letter, plain in FOLD.items():
        out = out.str.replace_all(letter, plain, literal=True)
    for pattern, repl in rules:
        out = out.str.replace_all(pattern, repl)
    return out.str.strip_chars()


def street_expr(expr: pl.Expr) -> pl.Expr:
    return _normalised(expr, STREET_RULES)


def name_expr(expr: pl.Expr) -> pl.Expr:
    return _normalised(expr, NAME_RULES)


def postal_keys(frame: pl.DataFrame) -> pl.Series:
    """domain.bans.postal_key for every row of (last_name, first_names, street, postal_code)."""
    return frame.select(
        pl.concat_str(
            [
                name_expr(pl.col("last_name")),
                name_expr(pl.col("first_names")).str.split(" ").list.first(),
                street_expr(pl.col("street")),
                pl.col("postal_code").str.strip_chars(),
            ],
            separator="|",
        ).alias("key")
    )["key"]


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


def _postal_matches(uow: UnitOfWork, today: dt.date) -> pl.DataFrame:
    """(ban_id, person_id) of postal bans whose key equals a person's current address key."""
    cp = contact_point
    rows = uow.execute(
        select(person.c.id, person.c.last_name, person.c.first_names, cp.c.street, cp.c.postal_code)
        .join(cp, cp.c.person_id == person.c.id)
        .where(
            person.c.kind == "natural",
            cp.c.kind == "postal",
            cp.c.valid_from <= today,
            or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today),
        )
    ).all()
    uow.note_read((r[0] for r in rows), [Category.IDENTITY, Category.CONTACT], "ASML ban matching")
    text = pl.String
    schema = {"person_id": pl.Int64, "last_name": text, "first_names": text, "street": text}
    people = pl.DataFrame(rows, schema={**schema, "postal_code": text}, orient="row")
    people = people.with_columns(postal_keys(people)).select("person_id", "key")
    bans = uow.execute(
        select(marketing_ban.c.id, marketing_ban.c.match_key).where(
            marketing_ban.c.kind == "postal"
        )
    ).all()
    ban_frame = pl.DataFrame(bans, schema={"ban_id": pl.Int64, "key": pl.String}, orient="row")
    return ban_frame.join(people, on="key").select("ban_id", "person_id").unique()


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
    cp = contact_point
    phone_matches = (
        select(
            marketing_ban.c.id,
            cp.c.person_id,
            literal(BanKind.PHONE.channel.value),
            literal(now, marketing_ban_match.c.matched_at.type),
        )
        .join(cp, and_(cp.c.phone == marketing_ban.c.phone, cp.c.kind == "phone"))
        .where(
            marketing_ban.c.kind == "phone",
            cp.c.valid_from <= today,
            or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today),
        )
        .distinct()
    )
    uow.execute(
        insert(marketing_ban_match).from_select(
            ["ban_id", "person_id", "channel", "matched_at"], phone_matches
        )
    )
    postal = _postal_matches(uow, today)
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
