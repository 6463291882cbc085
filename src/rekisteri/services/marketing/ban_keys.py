"""domain.bans' normalisation, column-wise in polars: the keys of many addresses at once.

The rules are data in domain.bans (ordered regex rules both engines read alike); a unit test
holds this twin to domain.bans.postal_key.
"""

from __future__ import annotations

import polars as pl

from rekisteri.domain.bans import FOLD, NAME_RULES, STREET_RULES


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
