"""person reach: the newest contact point of each kind and the latest marketing contacts, kept by
triggers, so an audience reads one row per person instead of looking both up

Revision ID: 0008_person_reach
Revises: 0007_marketing_state

The triggers are the only writers of person_reach: whatever writes contact_point or
marketing_contact (the services, bulk loads, erasure, plain SQL) keeps it. On PostgreSQL they
fire once per statement and refresh every person the statement touched; on SQLite once per row.
(TRUNCATE fires none of them: the register never truncates either table.)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import rekisteri.adapters.schema.base


revision = '0008_person_reach'
down_revision = '0007_marketing_state'
branch_labels = None
depends_on = None

KINDS = ("postal", "email", "phone")
CONTACTS = 12
# A contact more than this much older than the person's newest one is left out: every later
# audience's 12-month window ends at or after the newest contact, so it can never count again.
KEPT = "366 days"

POINT_COLUMNS = [f"{k}_{c}" for k in KINDS for c in ("point_id", "valid_from", "valid_to")]
CONTACT_COLUMNS = [f"contacted_{n}_at" for n in range(1, CONTACTS + 1)]
# The names services.reach looks for before an audience trusts person_reach.
TRIGGERS = {
    "sqlite": (
        "person_reach_point_added",
        "person_reach_point_changed",
        "person_reach_point_removed",
        "person_reach_contact_added",
        "person_reach_contact_backdated",
        "person_reach_contact_changed",
        "person_reach_contact_removed",
    ),
    "postgresql": (
        "person_reach_point_added",
        "person_reach_point_changed",
        "person_reach_point_removed",
        "person_reach_contact_added",
        "person_reach_contact_changed",
        "person_reach_contact_removed",
    ),
}


def _set(columns: list[str]) -> str:
    return ", ".join(f"{c} = excluded.{c}" for c in columns)


def _points_upsert(persons: str, newest: str) -> str:
    """Upsert the newest contact point of each kind of the persons `persons` selects (a
    condition on person.id); `newest` is a dialect's join of a kind's newest point."""
    joins = "\n".join(newest.format(kind=k) for k in KINDS)
    picked = ", ".join(f"{k}.id, {k}.valid_from, {k}.valid_to" for k in KINDS)
    return f"""INSERT INTO person_reach (person_id, {", ".join(POINT_COLUMNS)})
SELECT person.id, {picked}
FROM person
{joins}
WHERE {persons}
ON CONFLICT (person_id) DO UPDATE SET {_set(POINT_COLUMNS)}"""


# --- SQLite: row triggers -----------------------------------------------------------------


def _sqlite_kept_after(newest: str) -> str:
    """`newest` less the kept span, in the stored form of a time ('YYYY-MM-DD HH:MM:SS.ffffff',
    the fraction carried over), so that comparing with it is exact."""
    return f"(strftime('%Y-%m-%d %H:%M:%S', {newest}, '-{KEPT}') || substr({newest}, 20))"


SQLITE_NEWEST = """LEFT JOIN contact_point AS {kind} ON {kind}.id = (
    SELECT c.id FROM contact_point AS c WHERE c.person_id = person.id AND c.kind = '{kind}'
    ORDER BY c.valid_from DESC, c.id DESC LIMIT 1)"""


def _sqlite_points(persons: str) -> str:
    return _points_upsert(persons, SQLITE_NEWEST)


def _sqlite_contacts(persons: str) -> str:
    """Recompute the latest contacts of the persons `persons` selects."""
    latest = ",\n".join(
        f"(SELECT m.sent_at FROM marketing_contact AS m WHERE m.person_id = person.id"
        f" ORDER BY m.sent_at DESC LIMIT 1 OFFSET {n - 1}) AS c{n}"
        for n in range(1, CONTACTS + 1)
    )
    kept = ", ".join(
        ["c1"]
        + [f"CASE WHEN c{n} > {_sqlite_kept_after('c1')} THEN c{n} END" for n in range(2, CONTACTS + 1)]
    )
    return f"""INSERT INTO person_reach (person_id, {", ".join(CONTACT_COLUMNS)})
SELECT id, {kept}
FROM (SELECT person.id, {latest} FROM person WHERE {persons})
WHERE true
ON CONFLICT (person_id) DO UPDATE SET {_set(CONTACT_COLUMNS)}"""


# A contact recorded after the person's newest one kept (or the first): the others move down a
# place, and those now too old drop out. (Empty places are skipped: the time arithmetic is
# what costs.)
SQLITE_SHIFT = f"""INSERT INTO person_reach (person_id, contacted_1_at)
SELECT person.id, NEW.sent_at FROM person WHERE person.id = NEW.person_id
ON CONFLICT (person_id) DO UPDATE SET contacted_1_at = excluded.contacted_1_at, {", ".join(
    f"contacted_{n}_at = CASE WHEN contacted_{n - 1}_at IS NULL THEN NULL"
    f" WHEN contacted_{n - 1}_at > {_sqlite_kept_after('excluded.contacted_1_at')}"
    f" THEN contacted_{n - 1}_at END"
    for n in range(2, CONTACTS + 1)
)}"""
# A contact recorded before the newest one kept (after the fact): recompute instead.
SQLITE_BACKDATED = (
    "EXISTS (SELECT 1 FROM person_reach AS r"
    " WHERE r.person_id = NEW.person_id AND r.contacted_1_at > NEW.sent_at)"
)


def _sqlite_trigger(
    name: str, event: str, table: str, statement: str, when: str | None = None
) -> str:
    condition = f" WHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition} BEGIN\n{statement};\nEND"


SQLITE_TRIGGERS = [
    _sqlite_trigger(
        "person_reach_point_added",
        "INSERT",
        "contact_point",
        _sqlite_points("person.id = NEW.person_id"),
    ),
    _sqlite_trigger(
        "person_reach_point_changed",
        "UPDATE",
        "contact_point",
        _sqlite_points("person.id IN (OLD.person_id, NEW.person_id)"),
    ),
    _sqlite_trigger(
        "person_reach_point_removed",
        "DELETE",
        "contact_point",
        _sqlite_points("person.id = OLD.person_id"),
    ),
    # Whichever of the two fires first, the other's condition no longer holds after it.
    _sqlite_trigger(
        "person_reach_contact_added",
        "INSERT",
        "marketing_contact",
        SQLITE_SHIFT,
        when=f"NOT {SQLITE_BACKDATED}",
    ),
    _sqlite_trigger(
        "person_reach_contact_backdated",
        "INSERT",
        "marketing_contact",
        _sqlite_contacts("person.id = NEW.person_id"),
        when=SQLITE_BACKDATED,
    ),
    _sqlite_trigger(
        "person_reach_contact_changed",
        "UPDATE",
        "marketing_contact",
        _sqlite_contacts("person.id IN (OLD.person_id, NEW.person_id)"),
    ),
    _sqlite_trigger(
        "person_reach_contact_removed",
        "DELETE",
        "marketing_contact",
        _sqlite_contacts("person.id = OLD.person_id"),
    ),
]

# --- PostgreSQL: statement triggers over the transition tables ------------------------------

PG_NEWEST = """LEFT JOIN LATERAL (
    SELECT c.id, c.valid_from, c.valid_to FROM contact_point AS c
    WHERE c.person_id = person.id AND c.kind = '{kind}'
    ORDER BY c.valid_from DESC, c.id DESC LIMIT 1) AS {kind} ON true"""
PG_PERSONS = "person.id IN (SELECT unnest({persons}))"
PG_CONTACTS_KEPT = ", ".join(
    ["c.at[1]"]
    + [
        f"CASE WHEN c.at[{n}] > c.at[1] - interval '{KEPT}' THEN c.at[{n}] END"
        for n in range(2, CONTACTS + 1)
    ]
)
PG_KEEP_POINTS = _points_upsert(PG_PERSONS, PG_NEWEST)
PG_KEEP_CONTACTS = f"""INSERT INTO person_reach (person_id, {", ".join(CONTACT_COLUMNS)})
SELECT person.id, {PG_CONTACTS_KEPT}
FROM person
LEFT JOIN (
    SELECT ranked.person_id, array_agg(ranked.sent_at ORDER BY ranked.sent_at DESC) AS at
    FROM (
        SELECT m.person_id, m.sent_at,
            row_number() OVER (PARTITION BY m.person_id ORDER BY m.sent_at DESC) AS n
        FROM marketing_contact AS m WHERE m.person_id IN (SELECT unnest({{persons}}))
    ) AS ranked
    WHERE ranked.n <= {CONTACTS}
    GROUP BY ranked.person_id
) AS c ON c.person_id = person.id
WHERE {PG_PERSONS}
ON CONFLICT (person_id) DO UPDATE SET {_set(CONTACT_COLUMNS)}"""
# A statement usually touches one person: its plan is made once and kept (planning it anew at
# every call costs several times what running it does). A plan made without knowing how many
# persons come would be wrong for a bulk load (lookups per person, or worse), so a large set
# is planned for itself (EXECUTE).
FEW = 100


def _pg_function(name: str, statement: str) -> str:
    # {persons} marks where the set goes: the argument itself in the statement planned once,
    # $1 in the one EXECUTE plans anew (given as a string literal, so its quotes doubled).
    static = statement.replace("{persons}", "persons")
    dynamic = statement.replace("{persons}", "$1").replace("'", "''")
    return f"""CREATE FUNCTION {name}(persons integer[]) RETURNS void
LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF cardinality(persons) <= {FEW} THEN
        {static};
    ELSE
        EXECUTE '{dynamic}' USING persons;
    END IF;
END $$"""


PG_FUNCTIONS = [
    _pg_function("person_reach_keep_points", PG_KEEP_POINTS),
    _pg_function("person_reach_keep_contacts", PG_KEEP_CONTACTS),
]


def _pg_trigger(name: str, event: str, table: str, keep: str) -> list[str]:
    tables = {"INSERT": ["new_rows"], "UPDATE": ["old_rows", "new_rows"], "DELETE": ["old_rows"]}
    rows = tables[event]
    persons = " UNION ".join(f"SELECT person_id FROM {t}" for t in rows)
    referencing = " ".join(
        f"{'NEW' if t == 'new_rows' else 'OLD'} TABLE AS {t}" for t in rows
    )
    return [
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM {keep}(ARRAY({persons}));
    RETURN NULL;
END $$""",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


PG_TRIGGERS = [
    *_pg_trigger("person_reach_point_added", "INSERT", "contact_point", "person_reach_keep_points"),
    *_pg_trigger(
        "person_reach_point_changed", "UPDATE", "contact_point", "person_reach_keep_points"
    ),
    *_pg_trigger(
        "person_reach_point_removed", "DELETE", "contact_point", "person_reach_keep_points"
    ),
    *_pg_trigger(
        "person_reach_contact_added", "INSERT", "marketing_contact", "person_reach_keep_contacts"
    ),
    *_pg_trigger(
        "person_reach_contact_changed", "UPDATE", "marketing_contact", "person_reach_keep_contacts"
    ),
    *_pg_trigger(
        "person_reach_contact_removed", "DELETE", "marketing_contact", "person_reach_keep_contacts"
    ),
]


def upgrade() -> None:
    op.create_table('person_reach',
    sa.Column('person_id', sa.Integer(), autoincrement=False, nullable=False),
    *[
        sa.Column(name, sa.Integer() if name.endswith('_id') else sa.Date(), nullable=True)
        for name in POINT_COLUMNS
    ],
    *[
        sa.Column(name, rekisteri.adapters.schema.base.UtcDateTime(timezone=True), nullable=True)
        for name in CONTACT_COLUMNS
    ],
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_reach_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_person_reach'))
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in PG_FUNCTIONS + PG_TRIGGERS:
            op.execute(statement)
        op.execute(
            "SELECT person_reach_keep_points(ARRAY(SELECT DISTINCT person_id FROM contact_point))"
        )
        op.execute(
            "SELECT person_reach_keep_contacts("
            "ARRAY(SELECT DISTINCT person_id FROM marketing_contact))"
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        op.execute(_sqlite_points("person.id IN (SELECT person_id FROM contact_point)"))
        op.execute(_sqlite_contacts("person.id IN (SELECT person_id FROM marketing_contact)"))


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for name in TRIGGERS[op.get_bind().dialect.name]:
        table = "contact_point" if "_point_" in name else "marketing_contact"
        op.execute(f"DROP TRIGGER {name} ON {table}" if postgres else f"DROP TRIGGER {name}")
        if postgres:
            op.execute(f"DROP FUNCTION {name}()")
    if postgres:
        op.execute("DROP FUNCTION person_reach_keep_points(integer[])")
        op.execute("DROP FUNCTION person_reach_keep_contacts(integer[])")
    op.drop_table('person_reach')
