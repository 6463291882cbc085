"""Dates, numbers and euros as the register's readers expect them: Finnish formats for fi and
sv (22.11.2026, 1 234,5, 1 234,50 €), with month names in the page's language where a date is
written out."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

from rekisteri.catalogue import Lang
from rekisteri.domain.values import HELSINKI
from rekisteri.entrypoints.web.i18n import BY_CODE

# Babel's sv_FI writes short dates the Swedish way (2026-11-22); in Finland both languages
# write 22.11.2026, and the English pages follow the same form.
NUMERIC_DATE = "d.M.yyyy"
NUMERIC_TIME = "H.mm"


def _locale(lang: Lang | str) -> str:
    return BY_CODE[str(lang)].babel_locale


def format_date(value: date | None, lang: Lang | str, style: str = "short") -> str:
    """short: 22.11.2026; long: 22. marraskuuta 2026 / 22 november 2026 / 22 November 2026."""
    if value is None:
        return ""
    if style == "short":
        return _babel_date(value, NUMERIC_DATE, locale=_locale(lang))
    return _babel_date(value, style, locale=_locale(lang))


def format_datetime(value: datetime | None, lang: Lang | str) -> str:
    """22.11.2026 14.05 in Finnish time (stored times are UTC)."""
    if value is None:
        return ""
    pattern = f"{NUMERIC_DATE} {NUMERIC_TIME}"
    return _babel_datetime(value, pattern, tzinfo=HELSINKI, locale=_locale(lang))


def format_number(value: float | int | Decimal | None, lang: Lang | str, digits: int = 0) -> str:
    """1 234 567,9: a no-break space between thousands and a decimal comma."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def format_euros(cents: int | None, lang: Lang | str) -> str:
    """An amount stored in cents, in euros: 1 234,50 € (Babel's currency format of the page)."""
    if cents is None:
        return ""
    return format_currency(Decimal(cents) / 100, "EUR", locale=_locale(lang))
