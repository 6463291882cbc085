"""Audiences: who may be contacted for a purpose on a channel, set-based in SQL.

One statement decides every person, the same on SQLite and PostgreSQL: the exclusion reason, a
CASE in the order of domain.marketing.EXCLUSION_ORDER (`reason_sql`, the SQL twin of `decide`)
over the facts the rules need (`_facts`, the SQL twin of domain.marketing.PersonFacts), stored in
a temporary table with the person and the contact point to use. Counts by reason and the list of
contactable persons both read the stored reason, so the rules run once. No Python loop over
persons; --explain runs the same facts and CASE for one person, beside the facts looked up
afresh in the base tables.

Each person is one row of `person`, outer-joined by key to their row of the audience's
(purpose, channel) in consent_state (the ledger's latest event, kept by services.ledger) and to
their person_reach row (newest contact points and latest contacts, kept by triggers; see
services.reach). Where those copies cannot answer for `now` (an event or contact recorded ahead
of time, a newest contact point not valid today) the CASE looks the fact up in the ledger or
the base table instead, so the answer is theirs either way. The CASE stops at the first rule
that applies, and SQLite evaluates a lookup only where a rule reaches it. ASML bans are matched
then and there against the ban register (services.ban_matching), not read from the import's
matches: postal bans are flagged by surname and postal code in the statement and the flagged
confirmed on the whole key afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
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
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from rekisteri.adapters import contracts_in_force
from rekisteri.adapters.schema.marketing import consent_state, person_reach
from rekisteri.adapters.schema.marketing import marketing_contact as mc
from rekisteri.adapters.schema.register import consent_event as ce
from rekisteri.adapters.schema.register import contact_person, contact_point, contract, person
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
    business_rule,
    contact_kind_for,
    decide,
)
from rekisteri.domain.register import MotherTongue, PersonKind
from rekisteri.domain.segments import SegmentDefinition
from rekisteri.domain.vocabulary import Source, lang_of
from rekisteri.services.marketing import ban_matching, deceased, reach, segments
from rekisteri.services.marketing.ledger import state_expression
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


def _facts(
    uow: UnitOfWork, spec: AudienceSpec, ban: ban_matching.BanTest | None
) -> tuple[Any, SimpleNamespace]:
    """The rows to decide over (persons, outer-joined by key to their consent_state and
    person_reach rows) and every fact of domain.marketing.PersonFacts as an expression over
    them. Each expression is computed where the CASE reads it, so a lookup runs only for the
    persons a rule reaches. `ban`: how the channel's ASML bans are tested (_ban_test)."""
    now, today = uow.now(), uow.today()
    cap = uow.settings.marketing_contacts_per_year
    source: Any = person
    state: Any = null()
    consent = spec.purpose.consent_purpose
    if consent is not None:
        rows = consent_state.alias("state_now")
        key = (rows.c.purpose == consent.value, rows.c.channel == spec.channel.value)
        source = source.outerjoin(rows, and_(*key, rows.c.person_id == person.c.id))
        state = _state_or_ledger(rows, consent.value, spec.channel.value, now, person.c.id)
    pid = person.c.id
    # Looked up in the base tables, unless person_reach can answer (and where it cannot).
    point = _contact(spec, today, pid)
    capped = _flag(_contacts(now, pid) >= cap)
    if reach.trusted(uow.connection):
        source = source.outerjoin(person_reach, person_reach.c.person_id == pid)
        kept = reach.contact_point(contact_kind_for(spec.channel), today, point)
        if spec.marketing:
            # The kept newest point may be one the population register's ban rules out
            # (_valid_contact): for those few persons, the lookup decides.
            kept = case((person.c.population_marketing_ban == true(), point), else_=kept)
        point = kept
        capped = reach.capped(cap, now, capped)
    profiling, in_segment = _segment_facts(spec, now, today)
    facts = SimpleNamespace(
        person_id=pid,
        kind=person.c.kind,
        deceased=_flag(deceased.died_by(today)),
        restricted=_flag(person.c.restricted == true()),
        non_disclosure=_flag(person.c.non_disclosure == true()),
        state=state,
        renewal=_renewal(spec, today, pid),
        banned=_flag(ban.flag(pid, point)) if ban is not None else literal(0),
        contact_point_id=point,
        capped=capped if spec.marketing else literal(0),
        profiling_objection=profiling,
        in_segment=in_segment,
        business_contact=_business_contact(spec, today, pid),
    )
    return source, facts


def _business_contact(spec: AudienceSpec, today: dt.date, pid: Any) -> Any:
    """1 for a contact person of an organisation (a link in force today) who has no contract
    of their own: the business rule decides whether they need to have consented
    (domain.marketing.business_rule); computed only for the audiences it concerns."""
    if not business_rule(spec.purpose, spec.channel):
        return literal(0)
    link = contact_person.c
    return _flag(
        and_(
            exists(
                select(link.id).where(
                    link.person_id == pid,
                    link.valid_from <= today,
                    or_(link.valid_to.is_(None), link.valid_to >= today),
                )
            ),
            ~exists(select(contract.c.id).where(contract.c.person_id == pid)),
        )
    )


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
    valid = and_(
        cp.c.kind == contact_kind_for(spec.channel),
        cp.c.valid_from <= today,
        or_(cp.c.valid_to.is_(None), cp.c.valid_to >= today),
    )
    if not spec.marketing:
        return valid
    # The population register's ban on direct marketing with its data: an address it gave is
    # never a marketing audience's for a person under the ban (an address the person gave
    # still is).
    return and_(
        valid,
        or_(
            cp.c.source != Source.POPULATION_REGISTER.value,
            person.c.population_marketing_ban == false(),
        ),
    )


@contextmanager
def _ban_test(
    uow: UnitOfWork, spec: AudienceSpec, person_id: int | None = None
) -> Iterator[ban_matching.BanTest | None]:
    """The ASML bans of the channel, matched now against the register as it is (a person added
    or moved since the import is matched too); None where bans do not apply (e-mail, SMS,
    customer communication)."""
    if not spec.marketing or spec.channel in ELECTRONIC:
        yield None
        return
    with ban_matching.ban_test(uow, spec.channel, person_id) as ban:
        yield ban


def _confirm_postal_bans(
    uow: UnitOfWork, spec: AudienceSpec, t: Table, postal: ban_matching.PostalBans
) -> None:
    """Those the postal-ban test flagged whose whole key is no ban's (a namesake in the same
    postal code) are decided again without the ban."""
    cleared = postal.cleared(uow, t, Exclusion.ASML_BAN.value)
    source, f = _facts(uow, spec, None)
    again = (
        select(_first_of(_rules(f, spec)))
        .select_from(source)
        .where(person.c.id == t.c.person_id)
        .scalar_subquery()
    )
    step = 10_000  # within both databases' limits of parameters
    for n in range(0, len(cleared), step):
        chunk = cleared[n : n + step]
        uow.execute(update(t).where(t.c.person_id.in_(chunk)).values(reason=again))


def _contact(spec: AudienceSpec, today: dt.date, pid: Any) -> Any:
    """The newest contact point for the channel valid today, looked up in contact_point."""
    cp = contact_point.alias()  # its own name: the list joins contact_point beside it
    return (
        select(cp.c.id)
        .where(cp.c.person_id == pid, _valid_contact(spec, today, cp))
        .order_by(cp.c.valid_from.desc(), cp.c.id.desc())
        .limit(1)
        # The person is the outer query's even two subqueries deep (the postal-ban test asks
        # for this point's postal code): never a FROM of its own.
        .correlate_except(cp)
        .scalar_subquery()
    )


def _contacts(now: dt.datetime, pid: Any) -> Any:
    """Direct-marketing contacts sent in the 12 months up to `now`, counted in
    marketing_contact."""
    return (
        select(func.count(mc.c.id))
        .where(
            mc.c.person_id == pid,
            mc.c.sent_at > now - reach.CAP_WINDOW,
            mc.c.sent_at <= now,
        )
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
                # An offer not yet accepted in writing is not a contract to renew.
                contracts_in_force.accepted_or_not_needed(),
            )
        )
    )


def reason_sql(f: Any, spec: AudienceSpec) -> Any:
    """The first exclusion that applies (NULL: contactable): `decide`, in SQL, over facts `f`."""
    return _first_of(_rules(f, spec))


def _first_of(rules: list[tuple[Any, Exclusion]]) -> Any:
    return case(*((cond, literal(reason.value)) for cond, reason in rules), else_=null())


def _rules(f: Any, spec: AudienceSpec) -> list[tuple[Any, Exclusion]]:
    """The exclusions that concern this audience, in order, each with its condition over `f`."""
    purpose, marketing = spec.purpose, spec.marketing
    renewal = purpose is AudiencePurpose.RENEWAL_OFFER
    opt_in: Any = false()
    if purpose in SUBSCRIPTIONS:
        opt_in = true()
    elif marketing and spec.channel in ELECTRONIC:
        opt_in = f.kind == PersonKind.NATURAL.value
        if business_rule(purpose, spec.channel):
            opt_in = and_(opt_in, f.business_contact == 0)
    state = func.coalesce(f.state, "none")
    whens: list[tuple[Any, Exclusion]] = [
        (f.deceased == 1, Exclusion.DECEASED),
        (f.restricted == 1, Exclusion.RESTRICTED),
        (f.non_disclosure == 1, Exclusion.NON_DISCLOSURE),
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
        whens.append((f.capped == 1, Exclusion.FREQUENCY_CAP))
    return whens


def _decided_table(dialect: str) -> Table:
    """What an audience keeps of each person: the reason (NULL: contactable) and the contact
    point to use. Narrow on purpose: a million rows are written and read back. On SQLite the
    person is the rowid (no index to keep); PostgreSQL is given no key, whose index would cost
    more than the rest of the insert (each person is decided once, so none is needed)."""
    return Table(
        "audience_decided",
        MetaData(),
        Column("person_id", Integer, primary_key=dialect == "sqlite", autoincrement=False),
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
    reasons: tuple[Exclusion, ...]  # the exclusions that concern it, in order

    @property
    def reason(self) -> Any:
        """Each person's exclusion reason (NULL: contactable), computed once when stored."""
        return self.table.c.reason

    def counts(self) -> dict[str, int]:
        """Contactable persons, then the persons excluded for each reason (those with any)."""
        # One count per reason in a single scan: GROUP BY would sort a million rows.
        reason = self.reason
        row = self.uow.execute(
            select(
                func.count().filter(reason.is_(None)),
                *(func.count().filter(reason == e.value) for e in self.reasons),
            ).select_from(self.table)
        ).one()
        counts = {"contactable": int(row[0])}
        counts.update({e.value: int(n) for e, n in zip(self.reasons, row[1:], strict=True) if n})
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
        # The register's one language rule (vocabulary.lang_of) spelled in SQL: each mother
        # tongue's language, and lang_of(None)'s for none or one this code does not know.
        language = case(
            {tongue.value: lang_of(tongue).value for tongue in MotherTongue},
            value=p.c.mother_tongue,
            else_=lang_of(None).value,
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
        query = (
            select(*(listed[c].label(c) for c in columns))
            .select_from(t)
            .join(p, p.c.id == t.c.person_id)
            .join(cp, cp.c.id == t.c.contact_point_id)
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
                [
                    Category.IDENTITY,
                    Category.CONTACT,
                    Category.MARKETING,
                    *segments.categories_read(self.spec.segment),
                ],
                f"audience {self.spec.purpose.value}/{self.spec.channel.value}",
            )


@contextmanager
def build(uow: UnitOfWork, spec: AudienceSpec) -> Iterator[Audience]:
    """Compute the audience into a temporary table, dropped when the block ends."""
    conn = uow.connection
    t = _decided_table(conn.dialect.name)
    if conn.dialect.name == "sqlite":
        # The audience reads most of the register once: a larger page cache for this
        # connection keeps the pages it walks in memory.
        conn.exec_driver_sql("PRAGMA cache_size = -262144")
    else:
        # The CASE's lookups make the planner's estimate large enough to compile the plan,
        # which costs more than the statement it would speed up; for this transaction only.
        conn.exec_driver_sql("SET LOCAL jit = off")
        # The list is read whole through a cursor: plan it for all its rows, not the first few.
        conn.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
    t.drop(conn, checkfirst=True)
    t.create(conn)
    try:
        with _ban_test(uow, spec) as ban:
            source, f = _facts(uow, spec, ban)
            rules = _rules(f, spec)
            rows = select(
                f.person_id.label("person_id"),
                f.contact_point_id.label("contact_point_id"),
                _first_of(rules).label("reason"),
            ).select_from(source)
            # Stored with the reason: counts and the list read it, never decide again.
            uow.execute(insert(t).from_select([c.name for c in rows.selected_columns], rows))
            if ban is not None and ban.postal is not None:
                _confirm_postal_bans(uow, spec, t, ban.postal)
        if conn.dialect.name == "postgresql":
            # No statistics of a temporary table are ever gathered by themselves: without them
            # the list is planned for a few rows (lookups per person, then a sort on disk).
            conn.exec_driver_sql(f"ANALYZE {t.name}")
        yield Audience(uow, spec, t, tuple(reason for _, reason in rules))
    except BaseException:
        # A failed PostgreSQL transaction refuses even the drop (its rollback takes the table);
        # the error that stopped the audience is the one to raise.
        with suppress(SQLAlchemyError):
            t.drop(conn, checkfirst=True)
        raise
    t.drop(conn, checkfirst=True)


@dataclass(frozen=True)
class Explanation:
    person_id: int
    facts: PersonFacts  # looked up afresh in the base tables
    decision: Decision  # domain.marketing.decide over those facts
    sql_reason: str | None  # what the audience query itself concludes
    segment_rules: list[tuple[str, bool]]


def explain(uow: UnitOfWork, spec: AudienceSpec, person_id: int) -> Explanation | None:
    """Why one person is in or out, rule by rule (None: no such person). The rules are
    decided over facts looked up in the base tables, beside the audience's own conclusion
    (which reads the kept copies), so the two can be compared."""
    now, today, pid = uow.now(), uow.today(), person.c.id
    with _ban_test(uow, spec, person_id) as ban:
        source, f = _facts(uow, spec, ban)
        query = (
            select(
                *(expr.label(name) for name, expr in vars(f).items()),
                reason_sql(f, spec).label("reason"),
                _contact(spec, today, pid).label("looked_up_point"),
                _contacts(now, pid).label("contacts"),
            )
            .select_from(source)
            .where(pid == person_id)
        )
        row = uow.execute(query).first()
    if row is None:
        return None
    read = [Category.MARKETING, *segments.categories_read(spec.segment)]
    uow.note_read([person_id], read, "audience explanation")
    f = row._mapping
    person_facts = PersonFacts(
        kind=PersonKind(f["kind"]),
        deceased=bool(f["deceased"]),
        restricted=bool(f["restricted"]),
        non_disclosure=bool(f["non_disclosure"]),
        consent=ConsentState(f["state"]) if f["state"] else ConsentState.NONE,
        # Matched apart from the audience's SQL and polars (domain.bans' keys), to compare.
        banned=spec.marketing and ban_matching.is_banned(uow, spec.channel, person_id),
        has_contact_point=f["looked_up_point"] is not None,
        contacts_last_12_months=int(f["contacts"]),
        fixed_term_ending=bool(f["renewal"]),
        profiling_objection=bool(f["profiling_objection"]),
        in_segment=bool(f["in_segment"]),
        business_contact=bool(f["business_contact"]),
    )
    cap = uow.settings.marketing_contacts_per_year
    decision = decide(
        spec.purpose, spec.channel, person_facts, cap=cap, segmented=spec.segment is not None
    )
    # A person who objected to profiling is not profiled, not even to explain a segment.
    rules = (
        segments.rules_for_person(uow, spec.segment, person_id)
        if spec.segment is not None and not person_facts.profiling_objection
        else []
    )
    return Explanation(person_id, person_facts, decision, f["reason"], rules)
