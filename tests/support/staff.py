"""Staff accounts and API tokens for tests, one per role."""

from __future__ import annotations

from rekisteri.catalogue import Role
from rekisteri.catalogue.readers import ROLE_PURPOSES
from rekisteri.services.access import accounts
from rekisteri.services.unit_of_work import Actor, RegisterApp


def tokens_per_role(reg: RegisterApp) -> dict[Role, str]:
    """A user and a bearer token (scoped to the role's purposes) for every role."""
    out = {}
    with reg.unit_of_work(Actor("test")) as uow:
        for role in Role:
            name = f"t.{role.value.replace('_', '-')}"
            accounts.add_user(uow, name, role, password="correct horse battery")
            scopes = sorted(ROLE_PURPOSES.get(role, frozenset()))
            out[role] = accounts.issue_token(uow, name, "test", list(scopes))
    return out
