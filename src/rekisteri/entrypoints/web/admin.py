"""The administrator's desk in the console: staff accounts (add, change a role, lock and
unlock, clear a lock-out, reset a second factor), what each role may do, API tokens (revoke),
lock-outs, and the encryption keys with a rotation's progress.

Only the administrator opens it (guard(roles=...), deny by default); each form posts the
session's CSRF token (the guard checks it) and each change is an entry of the audit trail
(services/access/admin_desk.py). The rules are those of the CLI's `user` commands: the same
services."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rekisteri.catalogue import Category, Lang, Purpose, Role, catalogue
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.value_words import value_word
from rekisteri.entrypoints.api.deps import Principal, RegisterDep, guard
from rekisteri.entrypoints.web.i18n import translations
from rekisteri.entrypoints.web.staff import staff_page
from rekisteri.entrypoints.web.templating import page_language, url_in
from rekisteri.services.access import admin_desk

router = APIRouter(prefix="/console/admin", tags=["staff console"], include_in_schema=False)

Administrator = Annotated[
    Principal,
    Depends(guard(Purpose.LEGAL_OBLIGATION, page=True, roles=(Role.ADMINISTRATOR,))),
]
AdministratorWrites = Annotated[
    Principal,
    Depends(guard(Purpose.LEGAL_OBLIGATION, writes=True, page=True, roles=(Role.ADMINISTRATOR,))),
]


def code_words(kind: type[StrEnum], value: str, lang: Lang | str) -> str:
    """An enumerated value (a role, a purpose, a category) in the register's words; the value
    itself if it is no longer one of its kind."""
    try:
        return value_word(kind(value), lang)
    except ValueError:
        return value


def _page(
    request: Request,
    reg: RegisterDep,
    who: Principal,
    *,
    made: Any = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    lang = page_language(request)
    with reg.reading(who.actor) as uow:
        users = admin_desk.users(uow)
        tokens = admin_desk.tokens(uow)
        keys = admin_desk.key_status(uow)
    context = {
        "users": users,
        "lockouts": admin_desk.lockouts(users),
        "tokens": tokens,
        "keys": keys,
        # Each encrypted attribute by its name in the catalogue, not its table.column key.
        "attribute_words": lambda key: catalogue[key].label(lang),
        "roles": [
            {
                "role": code_words(Role, r["role"], lang),
                "purposes": [code_words(Purpose, p, lang) for p in r["purposes"]],
                "reads": [code_words(Category, c, lang) for c in r["reads"]],
                "changes": [code_words(Category, c, lang) for c in r["changes"]],
            }
            for r in admin_desk.roles()
        ],
        "all_roles": [r.value for r in Role],
        "made": made,
        "error": error,
        "role_words": lambda v: code_words(Role, v, lang),
    }
    return staff_page(request, reg, who, "console/admin.html", context, status_code)


def _done(request: Request) -> Response:
    """Post/redirect/get: back to the desk in the page's language."""
    return RedirectResponse(url_in(page_language(request), "/console/admin"), status_code=303)


@router.get("", response_class=HTMLResponse)
def admin_page(request: Request, reg: RegisterDep, who: Administrator) -> HTMLResponse:
    """Accounts, roles, tokens, lock-outs and keys."""
    return _page(request, reg, who)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    reg: RegisterDep,
    who: AdministratorWrites,
    username: Annotated[str, Form(max_length=60)],
    role: Annotated[str, Form(max_length=20)],
) -> HTMLResponse:
    """A new account; its password (and second factor's secret) shown once, on this answer."""
    try:
        with reg.unit_of_work(who.actor) as uow:
            made = admin_desk.add_user(uow, username, role)
    except InvalidInput as exc:
        return _page(request, reg, who, error=f"{exc.field}: {exc.reason}", status_code=422)
    return _page(request, reg, who, made=made)


def _user_step(request: Request, reg: RegisterDep, who: Principal, step: Any) -> Response:
    try:
        with reg.unit_of_work(who.actor) as uow:
            step(uow)
    except (InvalidInput, NotFound) as exc:
        status = 404 if isinstance(exc, NotFound) else 422
        return _page(request, reg, who, error=str(exc), status_code=status)
    return _done(request)


@router.post("/users/{username}/role")
def change_role(
    request: Request,
    reg: RegisterDep,
    who: AdministratorWrites,
    username: str,
    role: Annotated[str, Form(max_length=20)],
) -> Response:
    """Another role for the account; its sessions and command-line logins end."""
    try:
        with reg.unit_of_work(who.actor) as uow:
            admin_desk.change_role(uow, username, role)
    except (admin_desk.OwnRole, admin_desk.SignedOnRole) as exc:
        _ = translations(page_language(request)).gettext
        refused = (
            _("you cannot change your own role")
            if isinstance(exc, admin_desk.OwnRole)
            else _("the sign-on provider's groups give this account its role")
        )
        return _page(request, reg, who, error=refused, status_code=422)
    except (InvalidInput, NotFound) as exc:
        status = 404 if isinstance(exc, NotFound) else 422
        return _page(request, reg, who, error=str(exc), status_code=status)
    return _done(request)


@router.post("/users/{username}/lock")
def lock_user(
    request: Request, reg: RegisterDep, who: AdministratorWrites, username: str
) -> Response:
    """The account may not log in; its sessions and command-line logins end."""
    if username == who.actor.name:  # the last administrator would lock the desk for good
        refused = translations(page_language(request)).gettext("you cannot lock your own account")
        return _page(request, reg, who, error=refused, status_code=422)
    return _user_step(request, reg, who, lambda uow: admin_desk.set_active(uow, username, False))


@router.post("/users/{username}/unlock")
def unlock_user(
    request: Request, reg: RegisterDep, who: AdministratorWrites, username: str
) -> Response:
    """The account may log in again (and its failed logins are forgotten)."""
    return _user_step(request, reg, who, lambda uow: admin_desk.set_active(uow, username, True))


@router.post("/users/{username}/lockout")
def clear_lockout(
    request: Request, reg: RegisterDep, who: AdministratorWrites, username: str
) -> Response:
    """End a lock-out after failed logins before its time is up."""
    return _user_step(request, reg, who, lambda uow: admin_desk.clear_lockout(uow, username))


@router.post("/users/{username}/second-factor")
def reset_second_factor(
    request: Request, reg: RegisterDep, who: AdministratorWrites, username: str
) -> Response:
    """Forget the account's second factor (a lost phone); its logins end."""
    return _user_step(request, reg, who, lambda uow: admin_desk.reset_second_factor(uow, username))


@router.post("/tokens/revoke")
def revoke_token(
    request: Request,
    reg: RegisterDep,
    who: AdministratorWrites,
    token_id: Annotated[int, Form(ge=1)],
) -> Response:
    """Revoke an API token at once (its row's number in the form, never its secret)."""
    return _user_step(request, reg, who, lambda uow: admin_desk.revoke_token(uow, token_id))
