"""Audiences: who may be contacted for a purpose on a channel, set-based in SQL.

One statement decides every person: the exclusion reason, a CASE in the order of
domain.marketing.EXCLUSION_ORDER (`reason_sql`, the SQL twin of `decide`) over the facts the
rules need (`facts_query`, the SQL twin of domain.marketing.PersonFacts), stored in a temporary
table with the person. Counts by reason and the list of contactable persons both read the
stored reason, so the rules run once. No Python loop over persons; --explain runs the same
facts and CASE for one person. PostgreSQL joins set-wise aggregates and decides over the joins;
SQLite looks each fact up only when a rule needs it (`_lazily_decided`).

The consent fact comes from consent_state (the ledger's latest event per key, kept by
services.ledger with every append), not from ranking the ledger; expiry is judged here, at
`now`. A key whose latest event lies after `now` (recorded ahead of time) is looked up in the
ledger itself, so the answer is the ledger's answer either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    and_,
    case,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    true,
)

from rekisteri.adapters.schema.marketing import consent_state, marketing_ban, marketing_ban_match
from rekisteri.adapters.schema.marketing import marketing_contact as mc
from rekisteri.adapters.schema.register import consent_event as ce
from rekisteri.adapters.schema.register import contact_point, contract, person
from rekisteri.catalogue import Category
from rekisteri.domain.consent import (
    ANY_CHANNEL,
    ELECTRONIC,
    Channel,
    ConsentPurpose,
    ConsentState,
)
from rekisteri.domain.marketing import (
    DIRECT_MARKETING,
    SUBSCRIPTIONS,
    AudiencePurpose,
    Decision,
    Exclusion,
    PersonFacts,
    contact_kind_for,
    decide,
)
from rekisteri.domain.register import PersonKind
from rekisteri.domain.segments import SegmentDefinition
from rekisteri.services import segments
from rekisteri.services.ledger import state_expression
from rekisteri.services.unit_of_work import UnitOfWork

# A renewal offer goes out this many days before a fixed-term contract ends.
RENEWAL_WINDOW_DAYS = 90
# What a list of contactable persons may hold (Audience.batches), in this order.
LISTED_COLUMNS = (
    "id",
    "customer_number",
    "name",
    "email",
    "phone",
    "street",
    "postal_code",
    "post_office",
    "country",
    "language",
)
# A person's current contact point of a kind: the newest valid one.
NEWEST_FIRST = (contact_point.c.valid_from.desc(), contact_point.c.id.desc())


@dataclass(frozen=True)
class AudienceSpec:
    purpose: AudiencePurpose
    channel: Channel
    segment: SegmentDefinition | None = None

    @property
    def marketing(self) -> bool:
        return self.purpose in DIRECT_MARKETING


def _latest_state(
    purpose: str, channel: str, now: dt.datetime, person_id: Any = person.c.id
) -> Any:
    """The ledger state of (purpose, channel) at `now` for the current person row."""
    return (
        select(state_expression(now))
        .where(
            ce.c.person_id == person_id,
            ce.c.purpose == purpose,
            ce.c.channel == channel,
            ce.c.at <= now,
        )
        .order_by(ce.c.at.desc(), ce.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _state_or_ledger(
    rows: Any, purpose: str, channel: str, now: dt.datetime, person_id: Any
) -> Any:
    """The state a consent_state row gives at `now` (NULL: no row); from the ledger when the
    row's event is later than `now`."""
    return case(
        (rows.c.at <= now, state_expression(now, rows)),
        (rows.c.at.is_(None), null()),
        else_=_latest_state(purpose, channel, now, person_id),
    )


def _current_state(
    purpose: str, channel: str, now: dt.datetime, person_id: Any = person.c.id
) -> Any:
    """The state of (purpose, channel) at `now` for the current person row: one key lookup."""
    rows = consent_state.alias()
    return (
        select(_state_or_ledger(rows, purpose, channel, now, rows.c.person_id))
        .where(
            rows.c.purpose == purpose,
            rows.c.channel == channel,
            rows.c.person_id == person_id,
        )
        .scalar_subquery()
    )


def _flag(condition: ColumnElement[bool]) -> Any:
    return case((condition, 1), else_=0)


def facts_query(uow: UnitOfWork, spec: AudienceSpec, person_id: int | None = None) -> Select[Any]:
    """One row per person (or only `person_id`'s): every fact the rules need, each computed once.

    SQLite runs the per-person lookups as correlated subqueries (index nested loops are what
    it does best); PostgreSQL gets the same facts as outer joins of set-wise aggregates
    (DISTINCT-ON-style window ranks and GROUP BYs), which it hashes and merges.
    """
    if uow.connection.dialect.name == "postgresql":
        query = _joined_facts(uow, spec)
    else:
        query = _looked_up_facts(uow, spec)
    return query if person_id is None else query.where(person.c.id == person_id)


def _looked_up_facts(uow: UnitOfWork, spec: AudienceSpec) -> Select[Any]:
    now, today = uow.now(), uow.today()
    consent = spec.purpose.consent_purpose
    state: Any = null()
    if consent is not None:
        state = _current_state(consent.value, spec.channel.value, now)
    profiling, in_segment = _segment_facts(spec, now, today)
    return select(
        *_own_facts(today),
        state.label("state"),
        _banned(spec, today, person.c.id).label("banned"),
        _contact(spec, today, person.c.id).label("contact_point_id"),
        _contacts(spec, now, person.c.id).label("contacts"),
        _renewal(spec, today, person.c.id).label("renewal"),
        profiling.label("profiling_objection"),
        in_segment.label("in_segment"),
    )


def _own_facts(today: dt.date) -> list[Any]:
    return [
        person.c.id.label("person_id"),
        person.c.kind.label("kind"),
        _flag(and_(person.c.deceased_on.is_not(None), person.c.deceased_on <= today)).label(
            "deceased"
        ),
        _flag(person.c.restricted == true()).label("restricted"),
    ]


def _segment_facts(spec: AudienceSpec, now: dt.datetime, today: dt.date) -> tuple[Any, Any]:
    """(objected to profiling, placed by the segment's rules), for a segmented audience."""
    if spec.segment is None:
        return literal(0), literal(1)
    profiling = _flag(
        _current_state(ConsentPurpose.PROFILING.value, ANY_CHANNEL, now).in_(
            ("prohibited", "withdrawn")
        )
    )
    return profiling, _flag(segments.definition_sql(spec.segment, today))


def _valid_contact(spec: AudienceSpec, today: dt.date, cp: Any = contact_point) -> Any:
    return and_(
        cp.c.kind == contact_kind_for(spec.channel),
        cp.c.valid_from <= today,
        or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today),
    )


def _ban_holders(spec: AudienceSpec, today: dt.date) -> Select[Any]:
    return (
        select(marketing_ban_match.c.person_id)
        .join(marketing_ban, marketing_ban.c.id == marketing_ban_match.c.ban_id)
        .where(
            marketing_ban_match.c.channel == spec.channel.value,
            or_(marketing_ban.c.expires_on.is_(None), marketing_ban.c.expires_on > today),
        )
    )


def _banned(spec: AudienceSpec, today: dt.date, pid: Any) -> Any:
    if not spec.marketing or spec.channel in ELECTRONIC:
        return literal(0)
    holders = _ban_holders(spec, today)
    return _flag(exists(holders.where(marketing_ban_match.c.person_id == pid)))


def _contact(spec: AudienceSpec, today: dt.date, pid: Any) -> Any:
    cp = contact_point.alias()  # its own name: the list joins contact_point beside it
    return (
        select(cp.c.id)
        .where(cp.c.person_id == pid, _valid_contact(spec, today, cp))
        .order_by(cp.c.valid_from.desc(), cp.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _contact_window(now: dt.datetime) -> ColumnElement[bool]:
    return and_(mc.c.sent_at > now - dt.timedelta(days=365), mc.c.sent_at <= now)


def _contacts(spec: AudienceSpec, now: dt.datetime, pid: Any) -> Any:
    if not spec.marketing:
        return literal(0)
    return (
        select(func.count(mc.c.id))
        .where(mc.c.person_id == pid, _contact_window(now))
        .scalar_subquery()
    )


def _renewal(spec: AudienceSpec, today: dt.date, pid: Any) -> Any:
    if spec.purpose is not AudiencePurpose.RENEWAL_OFFER:
        return literal(0)
    return _flag(
        exists(
            select(contract.c.id).where(
                contract.c.person_id == pid,
                contract.c.fixed_term_end.is_not(None),
                contract.c.fixed_term_end >= today,
                contract.c.fixed_term_end <= today + dt.timedelta(days=RENEWAL_WINDOW_DAYS),
                or_(contract.c.end_date.is_(None), contract.c.end_date > today),
            )
        )
    )


def _joined_facts(uow: UnitOfWork, spec: AudienceSpec) -> Select[Any]:
    """The facts for PostgreSQL: outer joins of set-wise aggregates over each input."""
    now, today = uow.now(), uow.today()
    source: Any = person
    consent = spec.purpose.consent_purpose
    state: Any = null()
    if consent is not None:
        rows = consent_state.alias("state_now")
        source = source.outerjoin(
            rows,
            and_(
                rows.c.purpose == consent.value,
                rows.c.channel == spec.channel.value,
                rows.c.person_id == person.c.id,
            ),
        )
        state = _state_or_ledger(rows, consent.value, spec.channel.value, now, person.c.id)
    banned: Any = literal(0)
    if spec.marketing and spec.channel not in ELECTRONIC:
        holders = _ban_holders(spec, today).distinct().subquery("banned")
        source = source.outerjoin(holders, holders.c.person_id == person.c.id)
        banned = _flag(holders.c.person_id.is_not(None))
    cp = contact_point
    points = (
        select(
            cp.c.person_id,
            cp.c.id,
            func.row_number()
            .over(partition_by=cp.c.person_id, order_by=NEWEST_FIRST)
            .label("rank"),
        )
        .where(_valid_contact(spec, today))
        .subquery("point")
    )
    source = source.outerjoin(points, and_(points.c.person_id == person.c.id, points.c.rank == 1))
    contacts: Any = literal(0)
    if spec.marketing:
        sent = (
            select(mc.c.person_id, func.count().label("sent"))
            .where(_contact_window(now))
            .group_by(mc.c.person_id)
            .subquery("sent")
        )
        source = source.outerjoin(sent, sent.c.person_id == person.c.id)
        contacts = func.coalesce(sent.c.sent, 0)
    profiling, in_segment = _segment_facts(spec, now, today)
    return select(
        *_own_facts(today),
        state.label("state"),
        banned.label("banned"),
        points.c.id.label("contact_point_id"),
        contacts.label("contacts"),
        _renewal(spec, today, person.c.id).label("renewal"),
        profiling.label("profiling_objection"),
        in_segment.label("in_segment"),
    ).select_from(source)


def reason_sql(f: Any, spec: AudienceSpec, cap: int) -> Any:
    """The first exclusion that applies (NULL: contactable): `decide`, in SQL, over facts `f`."""
    purpose, marketing = spec.purpose, spec.marketing
    renewal = purpose is AudiencePurpose.RENEWAL_OFFER
    opt_in: Any = false()
    if purpose in SUBSCRIPTIONS:
        opt_in = true()
    elif marketing and spec.channel in ELECTRONIC:
        opt_in = f.kind == PersonKind.NATURAL.value
    state = func.coalesce(f.state, "none")
    whens: list[tuple[Any, Exclusion]] = [
        (f.deceased == 1, Exclusion.DECEASED),
        (f.restricted == 1, Exclusion.RESTRICTED),
    ]
    if not renewal:
        whens += [
            (state == "prohibited", Exclusion.OBJECTION),
            (state == "withdrawn", Exclusion.WITHDRAWN),
        ]
    whens.append((and_(opt_in, state == "expired"), Exclusion.CONSENT_EXPIRED))
    if marketing:
        whens.append((and_(opt_in, state != "granted"), Exclusion.NO_CONSENT))
    if purpose in SUBSCRIPTIONS:
        whens.append((state != "granted", Exclusion.NOT_SUBSCRIBED))
    if renewal:
        whens.append((f.renewal == 0, Exclusion.NO_EXPIRING_CONTRACT))
    if marketing and spec.channel not in ELECTRONIC:
        whens.append((f.banned == 1, Exclusion.ASML_BAN))
    whens.append((f.contact_point_id.is_(None), Exclusion.MISSING_CONTACT_POINT))
    if spec.segment is not None:
        whens += [
            (f.profiling_objection == 1, Exclusion.PROFILING_OBJECTION),
            (f.in_segment == 0, Exclusion.NOT_IN_SEGMENT),
        ]
    if marketing:
        whens.append((f.contacts >= cap, Exclusion.FREQUENCY_CAP))
    return case(*((cond, literal(reason.value)) for cond, reason in whens), else_=null())


def _decided_table() -> Table:
    """What an audience keeps of each person: the reason (NULL: contactable) and, where it is
    known, the contact point. Narrow on purpose: a million rows are written and read back."""
    return Table(
        "audience_decided",
        MetaData(),
        Column("person_id", Integer, primary_key=True),
        Column("contact_point_id", Integer),
        Column("reason", String(30)),
        prefixes=["TEMPORARY"],
    )


@dataclass
class Audience:
    """A computed audience, held in a temporary table for the span of one unit of work."""

    uow: UnitOfWork
    spec: AudienceSpec
    table: Table

    @property
    def reason(self) -> Any:
        """Each person's exclusion reason (NULL: contactable), computed once when stored."""
        return self.table.c.reason

    def counts(self) -> dict[str, int]:
        # One count per reason in a single scan: GROUP BY would sort a million rows.
        reason = self.reason
        row = self.uow.execute(
            select(
                func.count().filter(reason.is_(None)),
                *(func.count().filter(reason == e.value) for e in Exclusion),
            ).select_from(self.table)
        ).one()
        counts = {"contactable": int(row[0])}
        counts.update({e.value: int(n) for e, n in zip(Exclusion, row[1:], strict=True) if n})
        return counts

    def rows(self) -> Iterator[dict[str, Any]]:
        """The contactable persons: id, customer number, name, address or number, language."""
        for batch in self.batches(LISTED_COLUMNS):
            for row in batch:
                yield dict(zip(LISTED_COLUMNS, row, strict=True))

    def batches(
        self, columns: Sequence[str], size: int = 20_000
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The contactable persons in person order, `size` rows at a time, each a tuple of
        `columns` (of LISTED_COLUMNS): made by the database in one joined query, so a writer
        can hand whole batches to csv.writerows instead of building a dict per person."""
        t, p, cp = self.table, person, contact_point
        name = func.coalesce(p.c.first_names + " " + p.c.last_name, p.c.organisation_name)
        language = case(
            (p.c.mother_tongue == "sv", "sv"),
            (p.c.mother_tongue.in_(("en", "other")), "en"),
            else_="fi",
        )
        listed: dict[str, Any] = {
            "id": p.c.id,
            "customer_number": p.c.customer_number,
            "name": name,
            "email": cp.c.email,
            "phone": cp.c.phone,
            "street": cp.c.street,
            "postal_code": cp.c.postal_code,
            "post_office": cp.c.post_office,
            "country": cp.c.country,
            "language": language,
        }
        # SQLite decides without storing the contact point (see _lazily_decided): the
        # contactable persons' one is looked up here, once each.
        point = func.coalesce(
            t.c.contact_point_id, _contact(self.spec, self.uow.today(), t.c.person_id)
        )
        query = (
            select(*(listed[c].label(c) for c in columns))
            .select_from(t)
            .join(p, p.c.id == t.c.person_id)
            .join(cp, cp.c.id == point)
            .where(self.reason.is_(None))
            .order_by(t.c.person_id)
        )
        # The read is noted even when the caller stops early: what was handed out was read.
        ids: list[int] = []
        try:
            # Fetched from the driver's own cursor, streamed (server-side on PostgreSQL): a
            # million rows never in memory at once, and no per-row object beyond the
            # driver's tuple. The statement holds only literals (purposes, reasons, the cap),
            # so it is compiled with them inline and the columns need no conversion.
            conn = self.uow.connection
            sql = query.add_columns(p.c.id.label("_audited")).compile(
                dialect=conn.dialect, compile_kwargs={"literal_binds": True}
            )
            driver = conn.connection.dbapi_connection
            assert driver is not None
            postgres = conn.dialect.name == "postgresql"
            cursor = driver.cursor(name="audience_list") if postgres else driver.cursor()
            try:
                cursor.execute(str(sql))
                while part := cursor.fetchmany(size):
                    ids.extend(r[-1] for r in part)
                    yield [r[:-1] for r in part]
            finally:
                cursor.close()
        finally:
            self.uow.note_read(
                ids,
                [Category.IDENTITY, Category.CONTACT, Category.MARKETING],
                f"audience {self.spec.purpose.value}/{self.spec.channel.value}",
            )


@contextmanager
def build(uow: UnitOfWork, spec: AudienceSpec) -> Iterator[Audience]:
    """Compute the audience into a temporary table, dropped when the block ends."""
    t = _decided_table()
    conn = uow.connection
    if conn.dialect.name == "sqlite":
        # The audience reads most of the register once: a larger page cache for this
        # connection keeps the index pages it walks in memory.
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
    t.drop(conn, checkfirst=True)
    t.create(conn)
    try:
        cap = uow.settings.marketing_contacts_per_year
        if conn.dialect.name == "sqlite":
            rows = _lazily_decided(uow, spec, cap)
        else:
            # The facts are outer joins of set-wise aggregates (columns, not lookups), so the
            # reason is computed over them inline: materializing a million rows costs more.
            facts = facts_query(uow, spec).subquery("facts")
            rows = select(
                facts.c.person_id,
                facts.c.contact_point_id,
                reason_sql(facts.c, spec, cap).label("reason"),
            )
        # Stored with the reason: counts and the list read it, never decide again.
        uow.execute(insert(t).from_select([c.name for c in rows.selected_columns], rows))
        yield Audience(uow, spec, t)
    finally:
        t.drop(conn, checkfirst=True)


def _lazily_decided(uow: UnitOfWork, spec: AudienceSpec, cap: int) -> Select[Any]:
    """Each person's reason for SQLite, in one pass over persons, each lookup once at most.

    The consent state, which several rules read, is an outer join on consent_state (a column,
    however often the rules read it); every other fact is a correlated subquery that a single
    rule of the CASE reads, and the CASE stops at the first rule that applies, so a person
    already out for, say, a withdrawal costs no contact-point lookup or contact count. Only
    the reason is stored; the list looks up the contactable persons' contact points
    (Audience.batches). Materializing the facts first would cost a write of every row."""
    now, today = uow.now(), uow.today()
    source: Any = person
    state: Any = null()
    consent = spec.purpose.consent_purpose
    if consent is not None:
        rows = consent_state.alias("state_now")
        key = (rows.c.purpose == consent.value, rows.c.channel == spec.channel.value)
        source = person.outerjoin(rows, and_(*key, rows.c.person_id == person.c.id))
        state = _state_or_ledger(rows, consent.value, spec.channel.value, now, person.c.id)
    profiling, in_segment = _segment_facts(spec, now, today)
    pid = person.c.id
    f = SimpleNamespace(
        kind=person.c.kind,
        deceased=_flag(and_(person.c.deceased_on.is_not(None), person.c.deceased_on <= today)),
        restricted=_flag(person.c.restricted == true()),
        state=state,
        renewal=_renewal(spec, today, pid),
        banned=_banned(spec, today, pid),
        contact_point_id=_contact(spec, today, pid),
        contacts=_contacts(spec, now, pid),
        profiling_objection=profiling,
        in_segment=in_segment,
    )
    return select(pid.label("person_id"), reason_sql(f, spec, cap).label("reason")).select_from(
        source
    )


@dataclass(frozen=True)
class Explanation:
    person_id: int
    facts: PersonFacts
    decision: Decision
    sql_reason: str | None  # what the audience query itself concluded
    segment_rules: list[tuple[str, bool]]


def explain(uow: UnitOfWork, spec: AudienceSpec, person_id: int) -> Explanation | None:
    """Why one person is in or out, rule by rule (None: no such person)."""
    facts = facts_query(uow, spec, person_id).subquery("facts")
    cap = uow.settings.marketing_contacts_per_year
    row = uow.execute(select(*facts.c, reason_sql(facts.c, spec, cap).label("reason"))).first()
    if row is None:
        return None
    uow.note_read([person_id], [Category.MARKETING], "audience explanation")
    f = row._mapping
    person_facts = PersonFacts(
        kind=PersonKind(f["kind"]),
        deceased=bool(f["deceased"]),
        restricted=bool(f["restricted"]),
        consent=ConsentState(f["state"]) if f["state"] else ConsentState.NONE,
        banned=bool(f["banned"]),
        has_contact_point=f["contact_point_id"] is not None,
        contacts_last_12_months=int(f["contacts"]),
        fixed_term_ending=bool(f["renewal"]),
        profiling_objection=bool(f["profiling_objection"]),
        in_segment=bool(f["in_segment"]),
    )
    decision = decide(
        spec.purpose, spec.channel, person_facts, cap=cap, segmented=spec.segment is not None
    )
    rules = (
        segments.rules_for_person(uow, spec.segment, person_id) if spec.segment is not None else []
    )
    return Explanation(person_id, person_facts, decision, f["reason"], rules)
