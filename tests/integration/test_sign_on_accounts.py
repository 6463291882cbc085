"""What a verified sign-on does to the register's accounts (services/access/sign_on.admit), on
both databases: the account is provisioned by the provider's subject (a local account of the
same name is never taken over), its role follows the groups at each login, a changed role ends
the earlier sessions, no mapped group refuses the login and ends them, a closed account stays
closed. The protocol itself runs against a real provider in tests/browser/test_sign_on.py."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from rekisteri.adapters.schema.access import staff_user
from rekisteri.catalogue import Role
from rekisteri.domain.errors import Forbidden
from rekisteri.services.access import accounts, sessions, sign_on
from rekisteri.services.access.sign_on import SignOnRefused, Why
from rekisteri.services.unit_of_work import Actor, RegisterApp

ISSUER = "https://login.example.test"
CFG = sign_on.Config(
    issuer=ISSUER,
    client_id="rekisteri",
    client_secret="s",
    role_map=sign_on.parse_role_map("tietosuoja=dpo,asiakaspalvelu=customer_service"),
    groups_claim="groups",
    scopes="openid",
    timeout=5,
    redirect_uri="https://rekisteri.example.test/login/sso/callback",
    after_logout="https://rekisteri.example.test/login",
)


def _claims(sub: str, *groups: str, **more: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "sub": sub, "groups": list(groups), **more}


def _live(register: RegisterApp, cookie: str) -> bool:
    with register.unit_of_work(Actor.system("test")) as uow:
        try:
            sessions.resolve_session(uow, cookie)
        except Forbidden:
            return False
    return True


def test_the_role_follows_the_groups_at_each_login(register: RegisterApp) -> None:
    first = sign_on.admit(register, CFG, _claims("s-1", "tietosuoja", preferred_username="Aino"))
    assert first.actor == Actor("aino", Role.DPO) and _live(register, first.cookie)
    again = sign_on.admit(register, CFG, _claims("s-1", "tietosuoja"))
    assert _live(register, first.cookie) and _live(register, again.cookie)  # same role
    moved = sign_on.admit(register, CFG, _claims("s-1", "asiakaspalvelu"))
    assert moved.actor == Actor("aino", Role.CUSTOMER_SERVICE)
    assert not _live(register, first.cookie) and not _live(register, again.cookie)
    with pytest.raises(SignOnRefused) as refused:
        sign_on.admit(register, CFG, _claims("s-1", "myynti"))  # the mapped group taken away
    assert refused.value.why is Why.NO_ROLE
    assert not _live(register, moved.cookie)
    with register.engine.connect() as conn:
        assert len(conn.execute(select(staff_user.c.id)).all()) == 1  # one account throughout


def test_a_local_account_of_the_same_name_is_not_taken_over(register: RegisterApp) -> None:
    with register.unit_of_work(Actor.system("test")) as uow:
        local = accounts.add_user(uow, "aino", Role.BILLING, "a long enough password")
    new = sign_on.admit(register, CFG, _claims("s-1", "tietosuoja", preferred_username="aino"))
    assert new.actor == Actor("aino-2", Role.DPO)
    with register.engine.connect() as conn:
        role = conn.execute(
            select(staff_user.c.role).where(staff_user.c.id == local.user_id)
        ).scalar_one()
    assert role == Role.BILLING.value


def test_no_mapped_group_no_account_and_a_closed_account_stays_closed(
    register: RegisterApp,
) -> None:
    with pytest.raises(SignOnRefused):
        sign_on.admit(register, CFG, _claims("s-2", "myynti"))
    with register.engine.connect() as conn:
        assert conn.execute(select(staff_user.c.id)).first() is None
    sign_on.admit(register, CFG, _claims("s-3", "asiakaspalvelu", preferred_username="x"))
    with register.engine.begin() as conn:
        conn.execute(update(staff_user).values(active=False))
    with pytest.raises(SignOnRefused) as refused:
        sign_on.admit(register, CFG, _claims("s-3", "asiakaspalvelu"))
    assert refused.value.why is Why.INACTIVE
