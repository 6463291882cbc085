"""Case-insensitive text matching that knows Finnish and Swedish letters on both databases.

SQLite's own lower() folds ASCII only ("Äyrästie" stays "Äyrästie"), so a search typed in
lower case missed every street or name with an initial Ä, Ö or Å. On SQLite `folded(x)` calls
a function the engine registers on every connection (adapters/db.py) that lowers as Python
does; on PostgreSQL it is lower(), which folds by the database's locale (UTF-8)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

SQLITE_FUNCTION = "rk_fold"


def fold(text: str | None) -> str | None:
    """What SQLite's registered function returns: the text in lower case."""
    return None if text is None else text.lower()


class folded(FunctionElement[str]):  # used like a SQL function: folded(column)
    """A column's text in lower case, in SQL."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)
def _lower(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(folded, "sqlite")
def _sqlite_fold(element: folded, compiler: Any, **kw: Any) -> str:
    return f"{SQLITE_FUNCTION}({compiler.process(element.clauses, **kw)})"
