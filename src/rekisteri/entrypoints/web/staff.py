"""What every staff page shares: the session's CSRF token for its forms, the desks the role may
open, and the formatting of catalogue values for a table cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from rekisteri.catalogue import (
    Category,
    Lang,
    Purpose,
    Role,
    Source,
    Visibility,
    Words,
    catalogue,
    label,
)
from rekisteri.catalogue.protection import PROTECTED_WORDS, is_mark
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.domain import change_words
from rekisteri.domain.field_words import field_label
from rekisteri.domain.register import RESTRICTION
from rekisteri.domain.value_words import column_value_word
from rekisteri.entrypoints.api.deps import Principal
from rekisteri.entrypoints.web import formats
from rekisteri.entrypoints.web.templating import page_language, render_page
from rekisteri.services.access import permits, sessions
from rekisteri.services.unit_of_work import RegisterApp


def sees(role: Role | None, category: Category) -> bool:
    return role is not None and catalogue.category_visibility(category, role) is not Visibility.NONE


def may_change(role: Role | None, purpose: Purpose, *categories: Category) -> bool:
    """Whether a form's route would let this role through (the same rule as its guard)."""
    return role is not None and permits.refusal(role, purpose, categories, writes=True) is None


def desks(role: Role | None) -> dict[str, bool]:
    """Which parts of the console the role's purposes open (the links shown in its menu)."""
    purposes = ROLE_PURPOSES.get(role, frozenset()) if role else frozenset()
    return {
        "search": Purpose.CUSTOMER_RELATIONSHIP in purposes,
        "dpo": role is Role.DPO,
        "ropa": role is Role.DPO,
        "marketing": Purpose.DIRECT_MARKETING in purposes and sees(role, Category.MARKETING),
        "admin": role is Role.ADMINISTRATOR,
        "retention": role is Role.DPO,
        "segments": Purpose.PROFILING in purposes,
        "recipients": may_change(role, Purpose.LEGAL_OBLIGATION, Category.DISCLOSURE),
    }


def staff_page(
    request: Request,
    reg: RegisterApp,
    who: Principal,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    page_path: str | None = None,
) -> HTMLResponse:
    """A console page: the layout, the user, the desks and the token its forms post back."""
    lang = page_language(request)
    cookie = request.cookies.get(sessions.COOKIE)
    base = {
        "settings": reg.settings,
        "who": who.actor,
        "role_label": label(who.actor.role, lang) if who.actor.role else "",
        "desks": desks(who.actor.role),
        "csrf_token": sessions.csrf_for(cookie) if cookie else "",
        "cell": lambda value, field="", table="": cell(value, lang, field, table),
    }
    response = render_page(request, template, lang, base | context, status_code, page_path)
    response.headers["Cache-Control"] = "no-store"  # personal data stays out of caches
    return response


_YES = Words("kyllä", "ja", "yes")


def cell(value: Any, lang: Lang | str, field: str = "", table: str = "") -> str:
    """A stored value as a table cell shows it, in the page's formats and words. The field's
    name says what an integer is: a year or a day is not grouped, cents are shown as euros; a
    code of a coded column (`table`.`field`) is shown in the words of the page's language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _YES.in_(lang) if value else "–"
    if isinstance(value, dt.datetime):
        return formats.format_datetime(value, lang)
    if isinstance(value, dt.date):
        return formats.format_date(value, lang)
    if isinstance(value, int) and field.endswith("_cents"):
        return formats.format_euros(value, lang)
    if isinstance(value, int) and (
        field.endswith(("_year", "_day", "_number", "_id")) or field in ("reminders", "row_id")
    ):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return formats.format_number(value, lang, 0 if isinstance(value, int) else 2)
    if is_mark(value):  # a protected person's address, withheld (catalogue/protection.py)
        return PROTECTED_WORDS.in_(lang)
    if isinstance(value, Mapping):
        return ", ".join(
            cell(v, lang, str(k), table) for k, v in value.items() if v not in (None, "")
        )
    if isinstance(value, list | tuple):  # a coded list (a representative's powers)
        return ", ".join(cell(v, lang, field, table) for v in value if v not in (None, ""))
    if field == "restricted_reason":  # the register's own reasons are codes: in words
        return change_words.say(str(value), lang, attribute=RESTRICTION)
    return column_value_word(table, field, str(value), lang)


Pairs = list[tuple[str, str]]


def labelled(value: Any, lang: Lang | str, field: str = "", table: str = "") -> str | Pairs:
    """A value of several columns (an invoice, an address) as (label, value) pairs, each column
    under its words from domain/field_words.py as the access document labels them, the empty
    ones left out; any other value as its cell."""
    if isinstance(value, Mapping) and not is_mark(value):
        return [
            (field_label(str(k), lang), cell(v, lang, str(k), table))
            for k, v in value.items()
            if v not in (None, "")
        ]
    return cell(value, lang, field, table)


def source_words(source: Mapping[str, Any] | None, lang: Lang | str) -> str:
    """Where a row came from and when (P2), in the page's language."""
    if not source:
        return ""
    try:
        what = label(Source(source["source"]), lang)
    except ValueError:
        what = str(source["source"])
    detail = f" ({source['detail']})" if source.get("detail") else ""
    return f"{what}{detail}, {cell(source.get('received_at'), lang)}"


def section(rows: list[dict[str, Any]], table: str, lang: Lang | str) -> dict[str, Any]:
    """A customer-view section as a table: the catalogue's words head the columns it shows; a
    cell of an attribute of several columns is a list of labelled values (`labelled`)."""
    attrs = [a for a in catalogue.for_table(table) if any(a.name in r for r in rows)]
    return {
        "headers": [a.label(lang) for a in attrs],
        "rows": [
            {
                "cells": [labelled(r.get(a.name), lang, a.name, table) for a in attrs],
                "source": source_words(r.get("_source"), lang),
            }
            for r in rows
        ],
    }
