"""Which persons the ASML bans concern, matched whenever asked against the register as it is
then: every audience matches afresh, so a person added, moved or given a new number after the
import is excluded by the next audience, and an address announced ahead (a future valid_from)
is matched from the day it becomes current.

- Phone bans: any current phone number of the person is the banned one (E.164), in SQL.
- Postal bans: the person's current postal address (the newest valid today, where a letter
  goes) gives the ban's key (domain.bans). SQL cannot normalise, so the key is matched in two
  steps: a test in SQL that every match passes (the stored surname normalises to a banned one
  and the postal code is that ban's: `PostalBans.test`, one probe per address), then the whole
  key in polars for the few addresses that pass (`PostalBans.confirmed`). The distinct
  surnames are few, so only they are normalised for the test. The audience runs the test in its
  own statement, on the address it chose, and confirms those it flagged.

The import reports its matches from the same functions (services/marketing/bans.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import (
    Column,
    MetaData,
    Select,
    String,
    Table,
    and_,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from rekisteri.adapters.schema.marketing import marketing_ban
from rekisteri.adapters.schema.register import contact_point, person
from rekisteri.catalogue import Category
from rekisteri.domain.bans import BanKind, postal_key
from rekisteri.domain.consent import Channel
from rekisteri.domain.register import PersonKind
from rekisteri.services.marketing.ban_keys import name_expr, postal_keys
from rekisteri.services.unit_of_work import UnitOfWork

cp = contact_point
mb = marketing_ban
_ADDRESSES = {"person_id": pl.Int64, "last_name": pl.String, "first_names": pl.String}
_ADDRESSES |= {"street": pl.String, "postal_code": pl.String}
_MATCHES = {"ban_id": pl.Int64, "person_id": pl.Int64}
_STORED = {"stored": pl.String}


def _current(today: dt.date, kind: str, points: Any = cp) -> Any:
    return and_(
        points.c.kind == kind,
        points.c.valid_from <= today,
        or_(points.c.valid_to.is_(None), points.c.valid_to >= today),
    )


def _in_force(today: dt.date, kind: BanKind) -> Any:
    return and_(mb.c.kind == kind.value, or_(mb.c.expires_on.is_(None), mb.c.expires_on > today))


def phone_matches(today: dt.date) -> Select[Any]:
    """(ban_id, person_id) of phone bans in force and a current phone number of the person."""
    return (
        select(mb.c.id.label("ban_id"), cp.c.person_id)
        .join(cp, and_(cp.c.phone == mb.c.phone, _current(today, "phone")))
        .where(_in_force(today, BanKind.PHONE))
        .distinct()
    )


def phone_holders(today: dt.date) -> Select[Any]:
    """The persons a phone ban concerns: a set both databases build once for an IN test."""
    return select(phone_matches(today).subquery().c.person_id)


def _addresses(today: dt.date) -> Select[Any]:
    """Natural persons with their current postal address (the newest valid today), as the
    key needs them."""
    newest = cp.alias("newest")
    point = (
        select(newest.c.id)
        .where(newest.c.person_id == person.c.id, _current(today, "postal", newest))
        .order_by(newest.c.valid_from.desc(), newest.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    p = person.c
    return (
        select(p.id, p.last_name, p.first_names, cp.c.street, cp.c.postal_code)
        .select_from(person)
        .join(cp, cp.c.id == point)
        .where(p.kind == "natural")
    )


def _confirm(uow: UnitOfWork, bans: pl.DataFrame, rows: Sequence[Any]) -> pl.DataFrame:
    """(ban_id, person_id) where the whole key of an address row (person id, last name, first
    names, street, postal code) equals a ban's."""
    if not rows:
        return pl.DataFrame(schema=_MATCHES)
    uow.note_read({r[0] for r in rows}, [Category.IDENTITY, Category.CONTACT], "ASML ban matching")
    people = pl.DataFrame([tuple(r) for r in rows], schema=_ADDRESSES, orient="row")
    people = people.with_columns(postal_keys(people)).select("person_id", "key")
    return bans.join(people, on="key").select("ban_id", "person_id").unique()


def _postal_bans_in_force(uow: UnitOfWork, today: dt.date) -> pl.DataFrame:
    rows = uow.execute(select(mb.c.id, mb.c.match_key).where(_in_force(today, BanKind.POSTAL)))
    return pl.DataFrame(rows.all(), schema={"ban_id": pl.Int64, "key": pl.String}, orient="row")


@dataclass(frozen=True)
class PostalBans:
    """The postal bans in force, and a temporary table of "stored surname|postal code" values
    that a ban's key could match (held for the block of `postal_bans`)."""

    bans: pl.DataFrame  # ban_id, key
    pairs: Table

    def test(self, last_name: Any, postal_code: Any) -> Any:
        """True for every address whose key could be a ban's. An expression on the left: no
        planner turns it into a walk from the table through the surname index (slow for a
        surname thousands bear); each address is one probe."""
        pair = last_name + "|" + func.trim(postal_code)
        return pair.in_(select(self.pairs.c.pair))

    def confirmed(self, uow: UnitOfWork, rows: Sequence[Any]) -> pl.DataFrame:
        return _confirm(uow, self.bans, rows)

    def cleared(self, uow: UnitOfWork, decided: Table, reason: str) -> list[int]:
        """The persons an audience's table (person_id, contact_point_id, reason) gives the ban
        `reason` by this test whose address's whole key is no ban's."""
        t = decided.c
        flagged = uow.execute(
            select(t.person_id, person.c.last_name, person.c.first_names)
            .add_columns(cp.c.street, cp.c.postal_code)
            .select_from(decided)
            .join(person, person.c.id == t.person_id)
            .join(cp, cp.c.id == t.contact_point_id)
            .where(t.reason == reason)
        ).all()
        held = set(self.confirmed(uow, flagged)["person_id"].to_list())
        return [r[0] for r in flagged if r[0] not in held]


@dataclass(frozen=True)
class BanTest:
    """How an audience tests the bans of its channel in its own statement: `flag` over the
    person id column and the contact point the audience chose. A postal test flags by surname
    and postal code (`postal`); the audience confirms the flagged on the whole key after."""

    flag: Callable[[Any, Any], Any]
    postal: PostalBans | None = None


@contextmanager
def ban_test(
    uow: UnitOfWork, channel: Channel, person_id: int | None = None
) -> Iterator[BanTest | None]:
    """The bans of `channel` for an audience (None: none can match). For one person
    (`person_id`, --explain) the whole key is matched at once."""
    today = uow.today()
    if channel is Channel.PHONE:
        held = phone_holders(today)
        yield BanTest(lambda pid, _: pid.in_(held))
    elif channel is not Channel.LETTER:
        yield None
    elif person_id is not None:
        ids = postal_matches(uow, today, person_id)["person_id"].to_list()
        yield BanTest(lambda pid, _: pid.in_(ids))
    else:
        with postal_bans(uow, today) as found:
            if found is None:
                yield None
                return
            at = cp.alias("ban_address")

            def flag(pid: Any, point: Any) -> Any:
                code = select(at.c.postal_code).where(at.c.id == point).scalar_subquery()
                natural = person.c.kind == PersonKind.NATURAL.value
                return and_(natural, found.test(person.c.last_name, code))

            yield BanTest(flag, found)


@contextmanager
def postal_bans(uow: UnitOfWork, today: dt.date) -> Iterator[PostalBans | None]:
    """The postal bans in force for matching (None: no address can match one)."""
    bans = _postal_bans_in_force(uow, today)
    parts = pl.col("key").str.split("|")
    banned = bans.select(parts.list.get(0).alias("surname"), parts.list.get(3).alias("code"))
    # The distinct surnames, read from the surname index; only they are normalised here.
    surnames = select(person.c.last_name).where(person.c.last_name.is_not(None)).distinct()
    stored = pl.DataFrame({"stored": uow.execute(surnames).scalars().all()}, schema=_STORED)
    pairs = (
        stored.with_columns(name_expr(pl.col("stored")).alias("surname"))
        .join(banned, on="surname")
        .select(pl.concat_str("stored", "code", separator="|").alias("pair"))
        .unique()
    )
    if pairs.height == 0:
        yield None
        return
    t = Table(
        "ban_pair",
        MetaData(),
        Column("pair", String(120), primary_key=True),
        prefixes=["TEMPORARY"],
    )
    conn = uow.connection
    t.drop(conn, checkfirst=True)
    t.create(conn)
    try:
        uow.execute(insert(t), pairs.to_dicts())
        yield PostalBans(bans, t)
    finally:
        with suppress(SQLAlchemyError):  # a failed PostgreSQL transaction takes it anyway
            t.drop(conn, checkfirst=True)


def postal_matches(uow: UnitOfWork, today: dt.date, person_id: int | None = None) -> pl.DataFrame:
    """(ban_id, person_id) of postal bans whose key equals a current address's key; of one
    person, or of everyone."""
    if person_id is not None:
        rows = uow.execute(_addresses(today).where(person.c.id == person_id)).all()
        return _confirm(uow, _postal_bans_in_force(uow, today), rows)
    with postal_bans(uow, today) as found:
        if found is None:
            return pl.DataFrame(schema=_MATCHES)
        query = _addresses(today).where(found.test(person.c.last_name, cp.c.postal_code))
        return found.confirmed(uow, uow.execute(query).all())


def is_banned(uow: UnitOfWork, channel: Channel, person_id: int) -> bool:
    """The same question for one person, answered apart from the SQL and polars above: the
    person's current numbers, or the key domain.bans makes of the current address, looked up
    among the bans in force (for --explain, which compares the two)."""
    today = uow.today()
    if channel is Channel.PHONE:
        numbers = select(cp.c.phone).where(cp.c.person_id == person_id, _current(today, "phone"))
        keys = list(uow.execute(numbers).scalars())
        kind = BanKind.PHONE
    elif channel is Channel.LETTER:
        rows = uow.execute(_addresses(today).where(person.c.id == person_id)).all()
        keys = [postal_key(*r[1:]) for r in rows if all(r[1:])]
        kind = BanKind.POSTAL
    else:
        return False
    found = select(mb.c.id).where(_in_force(today, kind), mb.c.match_key.in_(keys)).limit(1)
    return bool(keys) and uow.execute(found).first() is not None
