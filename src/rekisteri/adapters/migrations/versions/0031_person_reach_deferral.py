"""person_reach deferral: a bulk writer may switch the contact-point triggers of person_reach off
for its own transaction and refresh the persons it touched once, before it commits

Revision ID: 0031_person_reach_deferral
Revises: 0030_archive_undo

The three contact-point triggers of 0008_person_reach (added, changed, removed) skip their
refresh while person_reach_deferral holds a row. Only the transaction that set it sees such a
row (PostgreSQL's snapshots; SQLite has one writer at a time), and none can be committed: its
`guard` refers, by a foreign key checked at commit, to person_reach_deferral_guard, which holds
no row. The marketing-contact triggers are unchanged. Each trigger's refresh is 0008's own
statement, taken from that revision's module.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = '0031_person_reach_deferral'
down_revision = '0030_archive_undo'
branch_labels = None
depends_on = '0008_person_reach'  # its triggers are replaced here (another branch of the graph)

SWITCH = "person_reach_deferral"
SKIP_UNLESS = f"NOT EXISTS (SELECT 1 FROM {SWITCH})"
POINTS = ("added", "changed", "removed")
EVENTS = {"added": "INSERT", "changed": "UPDATE", "removed": "DELETE"}


def _reach() -> ModuleType:
    """Revision 0008's module (its trigger statements, as that revision made them)."""
    path = Path(__file__).with_name("0008_person_reach.py")
    spec = importlib.util.spec_from_file_location("rekisteri_migration_0008", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sqlite_triggers(reach: ModuleType, deferrable: bool) -> list[str]:
    persons = {
        "added": "person.id = NEW.person_id",
        "changed": "person.id IN (OLD.person_id, NEW.person_id)",
        "removed": "person.id = OLD.person_id",
    }
    return [
        reach._sqlite_trigger(
            f"person_reach_point_{what}",
            EVENTS[what],
            "contact_point",
            reach._sqlite_points(persons[what]),
            when=SKIP_UNLESS if deferrable else None,
        )
        for what in POINTS
    ]


def _pg_functions(reach: ModuleType, deferrable: bool) -> list[str]:
    """The trigger functions (CREATE OR REPLACE: the triggers keep pointing at them)."""
    out = []
    for what in POINTS:
        function = reach._pg_trigger(
            f"person_reach_point_{what}", EVENTS[what], "contact_point", "person_reach_keep_points"
        )[0]
        function = function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
        if deferrable:
            perform = function[function.index("    PERFORM") : function.index("    RETURN NULL;")]
            function = function.replace(
                perform, f"    IF {SKIP_UNLESS} THEN\n    {perform.strip()}\n    END IF;\n"
            )
        out.append(function)
    return out


def upgrade() -> None:
    op.create_table(
        'person_reach_deferral_guard',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.CheckConstraint('id < 0 AND id > 0', name=op.f('ck_person_reach_deferral_guard_never')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_reach_deferral_guard')),
    )
    op.create_table(
        SWITCH,
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('guard', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['guard'],
            ['person_reach_deferral_guard.id'],
            name=op.f('fk_person_reach_deferral_guard_person_reach_deferral_guard'),
            deferrable=True,
            initially='DEFERRED',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_person_reach_deferral')),
    )
    _triggers(deferrable=True)


def _triggers(*, deferrable: bool) -> None:
    reach = _reach()
    if op.get_bind().dialect.name == "postgresql":
        for statement in _pg_functions(reach, deferrable):
            op.execute(statement)
        return
    for what in POINTS:
        op.execute(f"DROP TRIGGER person_reach_point_{what}")
    for statement in _sqlite_triggers(reach, deferrable):
        op.execute(statement)


def downgrade() -> None:
    _triggers(deferrable=False)
    op.drop_table(SWITCH)
    op.drop_table('person_reach_deferral_guard')
