"""Need to know, as every entry point applies it: may a role do work for a purpose on data of
some categories (P4, P7)? The API's guard and the command line ask the same question here."""

from __future__ import annotations

from collections.abc import Iterable

from rekisteri.catalogue import Category, Purpose, Role, Visibility, catalogue
from rekisteri.catalogue.readers import CATEGORY_WRITERS, ROLE_PURPOSES


def refusal(
    role: Role, purpose: Purpose, categories: Iterable[Category], *, writes: bool
) -> str | None:
    """Why `role` may not do this (None: it may). Deny by default: a role works only for the
    purposes it is given; a change needs every category writable by the role; a read is
    refused only when the role sees none of what it returns (the service withholds the rest).
    """
    wanted = frozenset(categories)
    if purpose not in ROLE_PURPOSES.get(role, frozenset()):
        return f"role {role.value} does not work for {purpose.value}"
    if writes:
        denied = [c for c in wanted if role not in CATEGORY_WRITERS.get(c, ())]
    else:
        denied = [c for c in wanted if catalogue.category_visibility(c, role) is Visibility.NONE]
        if len(denied) < len(wanted):
            denied = []
    if denied:
        verb = "change" if writes else "read"
        return f"role {role.value} may not {verb} " + ", ".join(sorted(c.value for c in denied))
    return None
