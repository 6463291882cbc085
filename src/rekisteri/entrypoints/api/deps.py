"""Typed dependencies of the API: the register, and the guard every route declares.

Deny by default: a route states the purpose it serves and the data categories it returns or
changes (`guard(...)`); the guard authenticates the caller and refuses a role that works for
another purpose or may not see (or change) those categories. A test walks every route and fails
for one without a guard.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rekisteri.catalogue import Category, Purpose, Visibility, catalogue
from rekisteri.catalogue.readers import CATEGORY_WRITERS, ROLE_PURPOSES
from rekisteri.domain.errors import Forbidden
from rekisteri.services.accounts import resolve_token
from rekisteri.services.unit_of_work import Actor, RegisterApp

bearer = HTTPBearer(auto_error=False)


def get_register(request: Request) -> RegisterApp:
    reg: RegisterApp = request.app.state.register
    return reg


RegisterDep = Annotated[RegisterApp, Depends(get_register)]
# Row ids are 32-bit on both databases; a larger number is refused as bad input, not a crash.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]
PersonKey = Annotated[
    str,
    Path(min_length=1, max_length=20, description="customer number, id or personal identity code"),
]


@dataclass(frozen=True)
class Principal:
    """The authenticated caller and what the route they called declared."""

    actor: Actor
    purpose: Purpose
    categories: frozenset[Category]


class Guard:
    """The declaration of a route: the purpose it serves and the categories it touches."""

    def __init__(
        self,
        purpose: Purpose,
        categories: Iterable[Category],
        *,
        writes: bool,
        public: bool = False,
    ) -> None:
        self.purpose = purpose
        self.categories = frozenset(categories)
        self.writes = writes
        self.public = public

    def __call__(
        self,
        request: Request,
        reg: RegisterDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Principal:
        if credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "authentication required",
                headers={"WWW-Authenticate": "Bearer"},
            )
        with reg.unit_of_work(Actor.system("auth")) as uow:
            try:
                token = resolve_token(uow, credentials.credentials)
            except Forbidden as exc:
                raise HTTPException(
                    status.HTTP_401_UNAUTHORIZED, str(exc), headers={"WWW-Authenticate": "Bearer"}
                ) from exc
        actor = token.actor
        assert actor.role is not None
        if self.purpose not in token.scopes:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"the token is not scoped for {self.purpose.value}"
            )
        self.check(actor)
        principal = Principal(actor, self.purpose, self.categories)
        request.state.principal = principal
        return principal

    def check(self, actor: Actor) -> None:
        role = actor.role
        assert role is not None
        if self.purpose not in ROLE_PURPOSES.get(role, frozenset()):
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {role.value} does not work for {self.purpose.value}",
            )
        if self.writes:
            denied = [c for c in self.categories if role not in CATEGORY_WRITERS.get(c, ())]
        else:
            denied = [
                c
                for c in self.categories
                if catalogue.category_visibility(c, role) is Visibility.NONE
            ]
            # A read route is refused only when the role sees none of what it returns;
            # otherwise the service withholds what the role may not see.
            if len(denied) < len(self.categories):
                denied = []
        if denied:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"role {role.value} may not "
                f"{'change' if self.writes else 'read'} "
                + ", ".join(sorted(c.value for c in denied)),
            )


def guard(purpose: Purpose, *categories: Category, writes: bool = False) -> Guard:
    return Guard(purpose, categories, writes=writes)
