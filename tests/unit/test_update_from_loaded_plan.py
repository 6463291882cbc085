"""Many rows changed through a loaded table find the rows by id on SQLite: its planner, with no
statistics of a table just loaded, would otherwise run UPDATE ... FROM (and the change audit's
look-up with the same condition) as a scan of the whole target table, which in a register of a
million persons costs more than the change itself."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, select, text

from rekisteri.adapters.schema.register import person
from rekisteri.services.register.attributes import _update_from


def _plan(conn: object, statement: object) -> str:
    compiled = statement.compile(dialect=conn.dialect)  # type: ignore[attr-defined]
    rows = conn.exec_driver_sql(  # type: ignore[attr-defined]
        f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
    )
    return "\n".join(str(r[-1]) for r in rows)


def test_the_update_and_the_audits_look_up_search_the_table_by_id() -> None:
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        person.metadata.create_all(conn, tables=[person])
        loaded = Table(
            "write_many_0",
            MetaData(),
            Column("id", Integer, primary_key=True, autoincrement=False),
            Column("last_name", String(100)),
            prefixes=["TEMPORARY"],
        )
        loaded.create(conn)
        statement = _update_from("sqlite", person, loaded, ["last_name"])
        assert statement.whereclause is not None
        # The change audit looks the persons up with the statement's own condition.
        look_up = select(person.c.id).where(statement.whereclause)
        for plan in (_plan(conn, statement), _plan(conn, look_up)):
            assert "SEARCH person" in plan, plan
            assert "SCAN person" not in plan, plan
        conn.execute(text("DROP TABLE write_many_0"))
