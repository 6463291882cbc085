"""consumption show: a customer's own consumption, totals by day, month or year."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import typer
from rich.table import Table

from rekisteri.catalogue import Category, Purpose
from rekisteri.domain.consumption import FIRST_PERIOD_DAY, HELSINKI, LAST_PERIOD_DAY
from rekisteri.domain.errors import InvalidInput
from rekisteri.entrypoints.cli.common import console, print_json, register_errors, staff
from rekisteri.services.consumption.attribution import Granularity, summary
from rekisteri.services.register.person_view import resolve_person

app = typer.Typer(help="Energy consumption of customers.", no_args_is_help=True)


def local_day(text: str | None, option: str) -> dt.datetime | None:
    """A Helsinki calendar day as the aware instant of its midnight."""
    if text is None:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(option, f"{text[:40]!r} is not a date like 2025-01-31") from None
    if not FIRST_PERIOD_DAY <= day <= LAST_PERIOD_DAY:
        raise InvalidInput(option, f"must be between {FIRST_PERIOD_DAY} and {LAST_PERIOD_DAY}")
    return dt.datetime.combine(day, dt.time(0), HELSINKI)


@app.command()
def show(
    key: str = typer.Argument(..., help="customer number, id or personal identity code"),
    start: str = typer.Option(None, "--from", help="first day (Helsinki), e.g. 2025-01-01"),
    end: str = typer.Option(None, "--to", help="day after the last (Helsinki)"),
    by: str = typer.Option("month", help="day | month | year"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """The customer's own consumption within their contract periods (as the logged-in user)."""
    reg, actor = staff(Purpose.CUSTOMER_RELATIONSHIP, Category.CONSUMPTION)
    with register_errors():
        if by not in ("day", "month", "year"):
            raise InvalidInput("--by", "must be day, month or year")
        granularity: Granularity = by  # type: ignore[assignment]
        lo, hi = local_day(start, "--from"), local_day(end, "--to")
        with reg.reading(actor) as uow:
            result = summary(uow, resolve_person(uow, key), lo, hi, granularity)
    if as_json:
        print_json(asdict(result))
        return
    table = Table(title=f"consumption by {by}", title_justify="left")
    for column in ("period", "kWh", "readings", "missing"):
        table.add_column(column, justify="left" if column == "period" else "right")
    for t in result.totals:
        table.add_row(t.period, f"{t.wh / 1000:,.3f}", str(t.readings), str(t.missing))
    console.print(table, soft_wrap=False)
    console.print(f"total {result.total_wh / 1000:,.3f} kWh", markup=False)
    if result.peak_hour is not None and result.peak_hour_wh is not None:
        console.print(
            f"peak hour {result.peak_hour:%Y-%m-%d %H:%M} ({result.peak_hour_wh / 1000:.3f} kWh)",
            markup=False,
        )
    if result.night_share is not None:
        console.print(f"night share (22-07) {result.night_share:.1%}", markup=False)
