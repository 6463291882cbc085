"""A witness of changes to staff accounts, their roles, API tokens and the system actors, kept
apart from the code it checks: before and after an operation it reads those tables itself and
says which account, token or actor changed, so a walk can require a change entry of the audit
trail naming each one.

A login is not such a change (it has its own entry, action "login"): its sessions, its
command-line token, its count of failed logins and the user's own setting up of a second
factor are left out. What an administrator (or a job) does to an account is in: added, role,
locked or opened, password, a lock-out ended early, a second factor taken away, an
integration's token issued or revoked, a system actor enabled or disabled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from rekisteri.adapters.schema.access import api_token, staff_user, system_actor
from rekisteri.adapters.schema.audit import audit_entry
from rekisteri.services.access.accounts import CLI_LOGIN
from rekisteri.services.unit_of_work import RegisterApp


@dataclass(frozen=True)
class AccountState:
    users: dict[str, tuple[Any, ...]]
    tokens: dict[int, tuple[str, str, bool]]  # id: (label, username, revoked)
    actors: dict[str, bool]


def account_state(reg: RegisterApp) -> AccountState:
    u, t = staff_user.c, api_token.c
    with reg.engine.connect() as conn:
        users = {
            r.username: (r.role, bool(r.active), r.password_hash, r.locked_until, r.totp_secret)
            for r in conn.execute(
                select(u.username, u.role, u.active, u.password_hash, u.locked_until, u.totp_secret)
            )
        }
        tokens = {
            int(r.id): (r.name, r.username, r.revoked_at is not None)
            for r in conn.execute(
                select(t.id, t.name, t.revoked_at, u.username)
                .join(staff_user, u.id == t.user_id)
                .where(t.name != CLI_LOGIN)
            )
        }
        actors = {
            r.name: bool(r.enabled)
            for r in conn.execute(select(system_actor.c.name, system_actor.c.enabled))
        }
    return AccountState(users, tokens, actors)


def changed_accounts(before: AccountState, after: AccountState) -> set[str]:
    """The names (of accounts, and of system actors) an administrator's or a job's change
    touched between the two states."""
    named: set[str] = set()
    for name, now in after.users.items():
        then = before.users.get(name)
        if then is None:
            named.add(name)
            continue
        role, active, password, locked_until, secret = then
        if (role, active, password) != now[:3]:
            named.add(name)
        if locked_until is not None and now[3] is None:  # a lock-out ended
            named.add(name)
        if secret is not None and now[4] is None:  # a second factor taken away
            named.add(name)
    named |= before.users.keys() - after.users.keys()
    for token_id, (label, username, revoked) in after.tokens.items():
        then_token = before.tokens.get(token_id)
        if then_token is None or then_token[2] != revoked:
            named.add(username)
    named |= {n for n, on in after.actors.items() if before.actors.get(n) != on}
    return named


def unaudited_accounts(reg: RegisterApp, before: AccountState, since: int) -> list[str]:
    """Each changed account or actor no allowed change entry after `since` names."""
    named = changed_accounts(before, account_state(reg))
    with reg.engine.connect() as conn:
        whats = list(
            conn.execute(
                select(audit_entry.c.what).where(
                    audit_entry.c.seq > since,
                    audit_entry.c.action == "change",
                    audit_entry.c.outcome == "allowed",
                )
            ).scalars()
        )
    return [
        f"{name}: changed with no entry naming it"
        for name in sorted(named)
        if not any(name in (what or "") for what in whats)
    ]
