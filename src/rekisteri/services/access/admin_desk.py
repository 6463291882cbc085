"""The administrator's desk: staff accounts, their roles, API tokens, lock-outs and the state
of the encryption keys. Staff data, not the customer register's: no person's data is read
here. Every change is one entry of the audit trail naming the administrator (as enabling a
system actor is); the rules stay in accounts, sessions and second_factor. Both the web desk
and the CLI's `user` commands change accounts through these functions only, so neither can
leave a change out of the trail."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select, update

from rekisteri.adapters.schema import metadata
from rekisteri.adapters.schema.access import api_token, staff_user
from rekisteri.catalogue import Purpose, Role, catalogue
from rekisteri.catalogue.readers import CATEGORY_READERS, CATEGORY_WRITERS, ROLE_PURPOSES
from rekisteri.domain.errors import InvalidInput, NotFound
from rekisteri.domain.values import enum_value
from rekisteri.services.access import accounts, sessions
from rekisteri.services.unit_of_work import UnitOfWork


def _user_id(uow: UnitOfWork, username: str) -> int:
    found = uow.execute(
        select(staff_user.c.id).where(staff_user.c.username == username)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("user", username[:60])
    return int(found)


def users(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every account: role, whether it may log in, whether failed logins have locked it for
    a while, its second factor and how it logs in."""
    now = uow.now()
    u = staff_user.c
    rows = uow.execute(
        select(
            u.username,
            u.role,
            u.active,
            u.failed_logins,
            u.locked_until,
            u.totp_confirmed_at,
            u.sign_on_issuer,
            u.created_at,
        ).order_by(u.username)
    )
    return [
        {
            "username": r.username,
            "role": r.role,
            "active": bool(r.active),
            "failed_logins": int(r.failed_logins or 0),
            "locked_until": r.locked_until
            if r.locked_until is not None and r.locked_until > now
            else None,
            "second_factor": r.totp_confirmed_at is not None,
            "sign_on": r.sign_on_issuer is not None,
            "created_at": r.created_at,
        }
        for r in rows
    ]


def add_user(uow: UnitOfWork, username: str, role: Role | str) -> accounts.NewUser:
    new = accounts.add_user(uow, username, role)
    uow.note_change((), (), f"staff user {new.username} added ({Role(role).value})")
    return new


def set_active(uow: UnitOfWork, username: str, active: bool) -> bool:
    """Lock an account (it may not log in; its sessions and command-line logins end) or open
    it again (its count of failed logins cleared); False when it already was so."""
    user_id = _user_id(uow, username)
    done = uow.execute(
        update(staff_user)
        .where(staff_user.c.id == user_id, staff_user.c.active.is_(not active))
        .values(active=active)
    )
    if not done.rowcount:
        return False
    if active:
        accounts.clear_failures(uow, user_id)
    else:
        sessions.end_all(uow, user_id)
    uow.note_change((), (), f"staff user {username} {'unlocked' if active else 'locked'}")
    return True


def clear_lockout(uow: UnitOfWork, username: str) -> None:
    """End the lock-out that failed logins put on an account, before its time is up."""
    accounts.clear_failures(uow, _user_id(uow, username))
    uow.note_change((), (), f"staff user {username}: lock-out after failed logins cleared")


def reset_second_factor(uow: UnitOfWork, username: str) -> None:
    sessions.reset_second_factor(uow, username)
    uow.note_change((), (), f"staff user {username}: second factor reset")


class OwnRole(InvalidInput):
    """An administrator changing their own role: refused, so the register never loses its
    last administrator by a slip, and no one raises their own rights."""

    def __init__(self) -> None:
        super().__init__("role", "an administrator cannot change their own role")


class SignedOnRole(InvalidInput):
    """The role of an account the company sign-on provisioned comes from its groups at the
    provider, which set it again at each sign-on: a change here would not hold."""

    def __init__(self) -> None:
        super().__init__("role", "the role of a sign-on account comes from its groups")


def change_role(uow: UnitOfWork, username: str, role: Role | str) -> bool:
    """Give the account another role; its sessions and command-line logins end (what they
    were allowed under the old role must not outlive the change). False when it already
    had that role."""
    new = enum_value(Role, role, "role")
    if username == uow.actor.name:
        raise OwnRole()
    row = uow.execute(
        select(staff_user.c.id, staff_user.c.role, staff_user.c.sign_on_issuer).where(
            staff_user.c.username == username
        )
    ).first()
    if row is None:
        raise NotFound("user", username[:60])
    if row.sign_on_issuer is not None:
        raise SignedOnRole()
    if row.role == new.value:
        return False
    uow.execute(update(staff_user).where(staff_user.c.id == row.id).values(role=new.value))
    sessions.end_all(uow, int(row.id))
    uow.note_change((), (), f"staff user {username}: role {row.role} changed to {new.value}")
    return True


def tokens(uow: UnitOfWork) -> list[dict[str, Any]]:
    """The API tokens (integrations' and command-line logins'), never their secrets."""
    now = uow.now()
    t = api_token.c
    rows = uow.execute(
        select(
            t.id, t.name, t.scopes, t.created_at, t.expires_at, t.revoked_at, staff_user.c.username
        )
        .join(staff_user, staff_user.c.id == t.user_id)
        .order_by(t.created_at.desc(), t.id.desc())
    )
    return [
        {
            "id": int(r.id),
            "name": r.name,
            "username": r.username,
            "scopes": r.scopes.split(),
            "created_at": r.created_at,
            "expires_at": r.expires_at,
            "revoked_at": r.revoked_at,
            "live": r.revoked_at is None and r.expires_at > now,
        }
        for r in rows
    ]


def issue_token(
    uow: UnitOfWork, username: str, label: str, scopes: list[Purpose] | None, days: int
) -> str:
    """An integration's API token (accounts.issue_token); its secret is returned once and
    the trail names the administrator, the account and what the token is for, never it."""
    secret = accounts.issue_token(uow, username, label, scopes, days)
    uow.note_change((), (), f"API token ({label[:60]}) issued to {username} for {days} days")
    return secret


def revoke_token(uow: UnitOfWork, token_id: int) -> bool:
    """Revoke a token by its row; False when it was revoked already."""
    row = uow.execute(
        select(api_token.c.name, staff_user.c.username)
        .join(staff_user, staff_user.c.id == api_token.c.user_id)
        .where(api_token.c.id == token_id)
    ).first()
    if row is None:
        raise NotFound("token", token_id)
    done = uow.execute(
        update(api_token)
        .where(api_token.c.id == token_id, api_token.c.revoked_at.is_(None))
        .values(revoked_at=uow.now())
    )
    if done.rowcount:
        uow.note_change((), (), f"API token {token_id} ({row.name}) of {row.username} revoked")
    return bool(done.rowcount)


def roles() -> list[dict[str, Any]]:
    """What each role works for, reads and changes (catalogue/readers.py)."""
    return [
        {
            "role": role.value,
            "purposes": sorted(p.value for p in ROLE_PURPOSES.get(role, ())),
            "reads": sorted(c.value for c, readers in CATEGORY_READERS.items() if role in readers),
            "changes": sorted(
                c.value for c, writers in CATEGORY_WRITERS.items() if role in writers
            ),
        }
        for role in Role
    ]


def key_status(uow: UnitOfWork) -> dict[str, Any]:
    """The current key, the keys in the ring, and for each encrypted attribute how many values
    are sealed under the current key and how many still under older ones (a rotation's
    progress: `keys rotate` re-encrypts the older ones)."""
    current = uow.cipher.keyring.current
    counts = []
    for attr in catalogue.encrypted():
        table: Table = metadata.tables[attr.table]
        key_col = table.c[attr.columns[1]]
        by_key = dict(
            uow.execute(
                select(key_col, func.count()).where(key_col.is_not(None)).group_by(key_col)
            ).all()
        )
        counts.append(
            {
                "attribute": attr.key,
                "current": int(by_key.pop(current, 0)),
                "older": int(sum(by_key.values())),
            }
        )
    return {
        "current": current,
        "keys": sorted(uow.cipher.keyring.keys),
        "values": counts,
        "checked_at": uow.now(),
    }


def lockouts(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The accounts failed logins lock at the moment, of a `users()` listing."""
    return [u for u in found if u["locked_until"] is not None]
