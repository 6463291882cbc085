"""`column IN (values)` for many values, shaped for the database at hand.

An IN list of thousands of values costs more around the database than in it on PostgreSQL:
SQLAlchemy renders one cast placeholder per value, psycopg rewrites the whole statement text
for its own placeholders, and the server parses and plans a new statement for every length of
list. There the values go as ONE array parameter, `column IN (SELECT unnest(:values))`,
whatever their number, so a caller can ask for a whole batch at once (and the planner may hash
them). SQLite has no arrays: an IN list, kept under its limit of bound values by asking
`at_a_time` how many to send per statement.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

# SQLite's default limit of bound values is 999 (older builds); leave room for other values.
_SQLITE_AT_A_TIME = 500
# One array parameter whatever its length; a bound only so that one statement stays modest.
_POSTGRESQL_AT_A_TIME = 20_000


def at_a_time(dialect_name: str) -> int:
    """How many values one `one_of` should be given on this database."""
    return _POSTGRESQL_AT_A_TIME if dialect_name == "postgresql" else _SQLITE_AT_A_TIME


def batches(dialect_name: str, values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    """The values in slices of `at_a_time`."""
    size = at_a_time(dialect_name)
    for at in range(0, len(values), size):
        yield values[at : at + size]


def one_of(
    dialect_name: str, column: ColumnElement[Any], values: Sequence[Any]
) -> ColumnElement[bool]:
    """The condition `column IN values`. On SQLite every value is a bound value: give it at
    most `at_a_time` of them, or a batch whose size the caller knows to be under the limit."""
    if dialect_name == "postgresql":
        # IN (SELECT unnest(...)) rather than = ANY(...): the planner may then hash the values
        # (a small table scanned whole would otherwise compare each row with every value).
        given = literal(list(values), ARRAY(column.type))
        return column.in_(select(func.unnest(given)).scalar_subquery())
    return column.in_(list(values))
